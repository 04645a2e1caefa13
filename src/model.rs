//! The schema model: what a blueprint declares ([`Schema`]) and what a database holds
//! ([`Catalog`]). Pure data; every other part of storegen reads or produces these.
//!
//! The two halves differ on purpose. A blueprint speaks in *logical* types and Rust names
//! (stores, records, fields); a database speaks in SQL types and SQL names. Drift
//! ([`crate::drift`]) compares one with the other through the backend's type rules.

use std::fmt;

/// The schema a blueprint declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// `[blueprint] name`: the output file's stem and the schema's identity.
    pub name: String,
    /// `[blueprint] description`: the doc comment on the generated module's `DDL`.
    pub description: Option<String>,
    /// The backends code is generated for, in blueprint order.
    pub backends: Vec<BackendKind>,
    /// Stores in declaration order.
    pub stores: Vec<Store>,
    /// `[rust] datetime`: the crate of the date and time fields' Rust types.
    pub datetime: DateTimeCrate,
}

/// The crate whose types date and time fields have in Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateTimeCrate {
    /// `chrono`: `NaiveDate`, `NaiveTime`, `NaiveDateTime`, `DateTime<Utc>`.
    #[default]
    Chrono,
    /// `time`: `Date`, `Time`, `PrimitiveDateTime`, `OffsetDateTime` (in UTC).
    Time,
}

impl Schema {
    /// The store with this name.
    pub fn store(&self, name: &str) -> Option<&Store> {
        self.stores.iter().find(|s| s.name == name)
    }
}

/// One store: a table and the record type that holds one of its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    /// The store's name, snake_case; the accessor function's name.
    pub name: String,
    /// The SQL table name.
    pub table: String,
    /// The record type's name, CamelCase.
    pub record: String,
    /// `description`: the record type's doc comment.
    pub description: Option<String>,
    /// Fields in declaration order, which is column order.
    pub fields: Vec<Field>,
    /// Positions in `fields` of the primary key, in key order. Never empty.
    pub primary_key: Vec<usize>,
    /// Secondary indexes, in declaration order.
    pub indexes: Vec<Index>,
}

impl Store {
    /// The field with this (Rust) name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The primary key's fields, in key order.
    pub fn key_fields(&self) -> impl Iterator<Item = &Field> {
        self.primary_key.iter().map(|&i| &self.fields[i])
    }

    /// Whether the field at `index` is part of the primary key.
    pub fn is_key(&self, index: usize) -> bool {
        self.primary_key.contains(&index)
    }

    /// The fields an update or patch may set: all but the key's and the version, in
    /// field order.
    pub fn value_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .enumerate()
            .filter(|(i, f)| !self.is_key(*i) && !f.version)
            .map(|(_, f)| f)
    }

    /// The version field (`version = true`), if the store has one.
    pub fn version_field(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.version)
    }

    /// Whether the database keeps an index on the field: a key, unique, a reference, or
    /// in a declared index.
    pub fn is_indexed(&self, index: usize) -> bool {
        self.is_key(index)
            || self.fields[index].unique
            || self.fields[index].references.is_some()
            || self
                .indexes
                .iter()
                .any(|ix| ix.fields.contains(&index) || ix.order.iter().any(|o| o.field == index))
    }
}

/// What a finder does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinderKind {
    /// `get_by_<fields>`: the one row whose unique fields hold the given values.
    Get,
    /// `list_by_<fields>` (with `count_by_<fields>`): the rows whose indexed fields
    /// hold the given values, in keyset pages.
    List,
}

/// A lookup a store gets from what it declares: a unique field or index gives a `get_by_`,
/// a non-unique index a `list_by_` and a `count_by_`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finder<'s> {
    /// What it does.
    pub kind: FinderKind,
    /// The fields' names joined by `_and_`: the method is `get_by_<suffix>`, ….
    pub suffix: String,
    /// The fields the caller gives values for, in index order.
    pub fields: Vec<usize>,
    /// The declaring index; `None` for a `unique = true` field.
    pub index: Option<&'s Index>,
    /// The declaring index's position in the store's `indexes`.
    pub position: Option<usize>,
}

impl Finder<'_> {
    /// The names of the methods the finder adds to the store.
    pub fn methods(&self) -> Vec<String> {
        match self.kind {
            FinderKind::Get => vec![format!("get_by_{}", self.suffix)],
            FinderKind::List => vec![
                format!("list_by_{}", self.suffix),
                format!("count_by_{}", self.suffix),
            ],
        }
    }
}

impl Store {
    /// The store's finders, in declaration order: unique fields, then indexes. A unique
    /// index on exactly the primary key adds nothing (`get` is that lookup).
    pub fn finders(&self) -> Vec<Finder<'_>> {
        let suffix = |fields: &[usize]| {
            fields
                .iter()
                .map(|&i| self.fields[i].name.as_str())
                .collect::<Vec<_>>()
                .join("_and_")
        };
        let mut out: Vec<Finder<'_>> = self
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| f.unique && self.primary_key != [*i])
            .map(|(i, _)| Finder {
                kind: FinderKind::Get,
                suffix: suffix(&[i]),
                fields: vec![i],
                index: None,
                position: None,
            })
            .collect();
        for (position, index) in self.indexes.iter().enumerate() {
            if index.unique && index.fields == self.primary_key {
                continue;
            }
            out.push(Finder {
                kind: if index.unique {
                    FinderKind::Get
                } else {
                    FinderKind::List
                },
                suffix: suffix(&index.fields),
                fields: index.fields.clone(),
                index: Some(index),
                position: Some(position),
            });
        }
        out
    }
}

/// One field of a store: a column and the record field that holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name, snake_case (a keyword is emitted as a raw identifier).
    pub name: String,
    /// The SQL column name.
    pub column: String,
    /// The logical type: it sets the Rust type, and the SQL type on each backend.
    pub ty: LogicalType,
    /// The column may hold NULL; the record field is an `Option`.
    pub nullable: bool,
    /// The database assigns the value (an identity / rowid / AUTO_INCREMENT key).
    pub generated: bool,
    /// A single-column UNIQUE constraint.
    pub unique: bool,
    /// What the database stores when an insert leaves the field out.
    pub default: Option<DefaultValue>,
    /// The foreign key the field holds, if any.
    pub references: Option<Reference>,
    /// `description`: the record field's doc comment.
    pub description: Option<String>,
    /// `rust`: a Rust type of the application's that the field is read into and written
    /// from instead of the logical type's (it implements each backend driver's
    /// conversions). The column is the logical type's as ever.
    pub rust: Option<String>,
    /// `version = true`: the row's version for optimistic locking. The database starts
    /// it at 1; `update` writes it one higher where it still holds the record's, and
    /// `patch` raises it too.
    pub version: bool,
    /// `charset`: the MySQL character set a text column may have, when not utf8mb4.
    pub charset: Option<Charset>,
    /// `collation`: the MySQL collation a text column has, when the blueprint accepts
    /// one that compares inexactly ([`collation_ignores`]); storegen's own columns are
    /// otherwise binary and NO PAD. The other backends compare exactly regardless.
    pub collation: Option<String>,
    /// `precision`: the digits of a second a time or timestamp keeps, 0 to 6, when
    /// fewer than microseconds (6). A value written with more is rounded to them.
    pub precision: Option<u8>,
    /// `padded = true`: a text field in a fixed-length `CHAR(max_length)` column, which
    /// the database pads with spaces; read without them.
    pub padded: bool,
}

/// A MySQL character set of text columns (`charset = "utf8mb3"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// `utf8mb3` (MySQL's old `utf8`): UTF-8 of at most three bytes a character, so no
    /// emoji or other characters beyond the Basic Multilingual Plane.
    Utf8mb3,
    /// `utf8mb4`: every character; what storegen creates.
    Utf8mb4,
}

impl Charset {
    /// The name MySQL gives it.
    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8mb3 => "utf8mb3",
            Charset::Utf8mb4 => "utf8mb4",
        }
    }

    /// The character set MySQL names so (`utf8` is `utf8mb3`).
    pub fn from_name(name: &str) -> Option<Charset> {
        match name {
            "utf8mb3" | "utf8" => Some(Charset::Utf8mb3),
            "utf8mb4" => Some(Charset::Utf8mb4),
            _ => None,
        }
    }
}

impl Field {
    /// A required field in a column of the same name, with no default, reference or
    /// description; the methods below set the rest. Generated `schema()` functions are
    /// written with these.
    pub fn new(name: &str, ty: LogicalType) -> Field {
        Field {
            name: name.into(),
            column: name.into(),
            ty,
            nullable: false,
            generated: false,
            unique: false,
            default: None,
            references: None,
            description: None,
            rust: None,
            version: false,
            charset: None,
            collation: None,
            precision: None,
            padded: false,
        }
    }

    /// The digits of a second the field keeps: its `precision`, else 6 (microseconds).
    pub fn fraction_digits(&self) -> u8 {
        self.precision.unwrap_or(6)
    }

    /// Whether the database assigns the value on insert: a generated key, or a version
    /// (which starts at 1). Insert types leave such fields out.
    pub fn assigned(&self) -> bool {
        self.generated || self.version
    }

    /// Keeps the field in the column `column` rather than one named as the field.
    pub fn with_column(self, column: &str) -> Field {
        Field {
            column: column.into(),
            ..self
        }
    }

    /// Lets the column hold NULL.
    pub fn nullable(self) -> Field {
        Field {
            nullable: true,
            ..self
        }
    }

    /// Has the database assign the value.
    pub fn generated(self) -> Field {
        Field {
            generated: true,
            ..self
        }
    }

    /// Gives the column a single-column UNIQUE constraint.
    pub fn unique(self) -> Field {
        Field {
            unique: true,
            ..self
        }
    }

    /// Sets the value the database stores when an insert leaves the field out.
    pub fn with_default(self, default: DefaultValue) -> Field {
        Field {
            default: Some(default),
            ..self
        }
    }

    /// Makes the field a foreign key.
    pub fn with_reference(self, reference: Reference) -> Field {
        Field {
            references: Some(reference),
            ..self
        }
    }

    /// Whether an insert may leave this field out: the database supplies the value.
    pub fn insert_optional(&self) -> bool {
        self.default.is_some()
    }
}

/// The logical types of blueprint v1 that storegen supports so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogicalType {
    /// `true` or `false` (`bool`).
    Bool,
    /// A 16-bit signed integer (`i16`).
    Int16,
    /// A 32-bit signed integer (`i32`).
    Int32,
    /// A 64-bit signed integer (`i64`).
    Int64,
    /// MySQL's unsigned integers (`unsigned = true`): `u16`, `u32`, `u64`.
    UInt16,
    /// A 32-bit unsigned integer (`u32`).
    UInt32,
    /// A 64-bit unsigned integer (`u64`).
    UInt64,
    /// A 32-bit floating-point number (`f32`).
    Float32,
    /// A 64-bit floating-point number (`f64`).
    Float64,
    /// Text, with an optional maximum length in characters.
    Text {
        /// The most characters a value may have; `None`: no limit.
        max_length: Option<u32>,
    },
    /// A byte string (`Vec<u8>`).
    Bytes,
    /// A calendar date.
    Date,
    /// A time of day, to the microsecond.
    Time,
    /// A date and time without a time zone, to the microsecond.
    Timestamp,
    /// An instant, stored in UTC, to the microsecond.
    TimestampTz,
    /// A UUID, stored as its 16 bytes where the backend has no uuid type.
    Uuid,
    /// A UUID stored as its 36 characters where the backend has no uuid type
    /// (`storage = "text"`: SQLite TEXT, MySQL CHAR(36)); PostgreSQL's uuid as ever.
    UuidText,
    /// A JSON document (`serde_json::Value`).
    Json,
    /// An exact decimal number (`rust_decimal::Decimal`) of `precision` significant
    /// digits, `scale` of them after the point.
    Decimal {
        /// Significant digits in all.
        precision: u32,
        /// Digits after the decimal point.
        scale: u32,
    },
    /// One of a list of text values, as a generated Rust enum named `name`. `native`:
    /// a PostgreSQL enum type (named `name` in snake_case) rather than text with a
    /// CHECK; MySQL always has its ENUM, SQLite text with a CHECK.
    Enum {
        /// The generated Rust enum's name, CamelCase.
        name: String,
        /// The values, in declaration order: one variant each.
        values: Vec<String>,
        /// Whether PostgreSQL keeps the values as an enum type of its own.
        native: bool,
    },
}

impl LogicalType {
    /// The name a blueprint uses for this type.
    pub fn name(&self) -> &'static str {
        match self {
            LogicalType::Bool => "bool",
            LogicalType::Int16 => "int16",
            LogicalType::Int32 => "int32",
            LogicalType::Int64 => "int64",
            LogicalType::UInt16 => "unsigned int16",
            LogicalType::UInt32 => "unsigned int32",
            LogicalType::UInt64 => "unsigned int64",
            LogicalType::Float32 => "float32",
            LogicalType::Float64 => "float64",
            LogicalType::Text { .. } => "text",
            LogicalType::Bytes => "bytes",
            LogicalType::Date => "date",
            LogicalType::Time => "time",
            LogicalType::Timestamp => "timestamp",
            LogicalType::TimestampTz => "timestamp_tz",
            LogicalType::Uuid | LogicalType::UuidText => "uuid",
            LogicalType::Json => "json",
            LogicalType::Decimal { .. } => "decimal",
            LogicalType::Enum { .. } => "enum",
        }
    }

    /// Whether the type is a date, time or timestamp: the types a `"now"` default fits.
    pub fn is_temporal(&self) -> bool {
        matches!(
            self,
            LogicalType::Date
                | LogicalType::Time
                | LogicalType::Timestamp
                | LogicalType::TimestampTz
        )
    }

    /// Whether two types can sit on the two ends of a foreign key.
    pub fn same_kind(&self, other: &LogicalType) -> bool {
        match (self, other) {
            // A foreign key holds only between the same enum (PostgreSQL: the same type)
            // and the same decimal digits (MySQL refuses others; SQLite compares the text).
            (LogicalType::Enum { .. }, _) | (LogicalType::Decimal { .. }, _) => self == other,
            // Bytes and text don't compare: both ends keep a uuid alike.
            (LogicalType::Uuid, LogicalType::UuidText)
            | (LogicalType::UuidText, LogicalType::Uuid) => false,
            _ => self.name() == other.name(),
        }
    }

    /// The PostgreSQL type of a native enum: its Rust name in snake_case.
    pub fn enum_type_name(&self) -> Option<String> {
        match self {
            LogicalType::Enum {
                name, native: true, ..
            } => Some(snake_case(name)),
            _ => None,
        }
    }

    /// Whether the type is an integer, signed or unsigned.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            LogicalType::Int16
                | LogicalType::Int32
                | LogicalType::Int64
                | LogicalType::UInt16
                | LogicalType::UInt32
                | LogicalType::UInt64
        )
    }

    /// The unsigned type of the same width (`unsigned = true`), or `None` for a type
    /// that is no signed integer.
    pub fn to_unsigned(&self) -> Option<LogicalType> {
        match self {
            LogicalType::Int16 => Some(LogicalType::UInt16),
            LogicalType::Int32 => Some(LogicalType::UInt32),
            LogicalType::Int64 => Some(LogicalType::UInt64),
            _ => None,
        }
    }

    /// Whether the type is one of the unsigned integers.
    pub fn is_unsigned(&self) -> bool {
        matches!(
            self,
            LogicalType::UInt16 | LogicalType::UInt32 | LogicalType::UInt64
        )
    }
}

impl fmt::Display for LogicalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogicalType::Text {
                max_length: Some(n),
            } => write!(f, "text (max_length {n})"),
            LogicalType::Decimal { precision, scale } => {
                write!(f, "decimal({precision}, {scale})")
            }
            LogicalType::Enum { name, .. } => write!(f, "enum {name}"),
            LogicalType::UuidText => f.write_str("uuid (text)"),
            other => f.write_str(other.name()),
        }
    }
}

/// A field's default, already checked against its type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// A bool field's default.
    Bool(bool),
    /// An integer field's default, already checked to fit the field's type.
    Int(i64),
    /// A float field's default; always finite.
    Float(f64),
    /// A text field's default, or an enum field's (one of its values).
    Text(String),
    /// A decimal's value, as its text at the field's scale (`"0.00"`).
    Decimal(String),
    /// A date, time or timestamp: `YYYY-MM-DD`, `HH:MM:SS[.ffffff]` or
    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` (an instant's in UTC).
    DateTime(String),
    /// `"now"`: the current date, time or instant, as the database sees it.
    Now,
}

/// A foreign key from one field to a field of another (or the same) store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The referenced store's name.
    pub store: String,
    /// The referenced field's Rust name: the store's key, or a unique field.
    pub field: String,
    /// The referenced table's SQL name.
    pub table: String,
    /// The referenced column's SQL name.
    pub column: String,
    /// What deleting the referenced row does to the referencing rows.
    pub on_delete: OnDelete,
}

/// What happens to a referencing row when the referenced row is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDelete {
    /// `NO ACTION`, the default: the delete fails while rows still reference the row
    /// (checked at the end of the statement).
    #[default]
    NoAction,
    /// `RESTRICT`: the delete fails while rows still reference the row, checked at once.
    Restrict,
    /// `CASCADE`: the referencing rows are deleted too.
    Cascade,
    /// `SET NULL`: the referencing field becomes NULL.
    SetNull,
    /// `SET DEFAULT`: the referencing field takes its column's default.
    SetDefault,
}

impl OnDelete {
    /// The blueprint spellings, in the order they are suggested.
    pub const NAMES: [&'static str; 5] = [
        "no_action",
        "restrict",
        "cascade",
        "set_null",
        "set_default",
    ];

    /// The action a blueprint spelling (one of [`OnDelete::NAMES`]) names.
    pub fn from_name(name: &str) -> Option<OnDelete> {
        Some(match name {
            "no_action" => OnDelete::NoAction,
            "restrict" => OnDelete::Restrict,
            "cascade" => OnDelete::Cascade,
            "set_null" => OnDelete::SetNull,
            "set_default" => OnDelete::SetDefault,
            _ => return None,
        })
    }

    /// The SQL spelling, shared by every backend.
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::NoAction => "NO ACTION",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::Cascade => "CASCADE",
            OnDelete::SetNull => "SET NULL",
            OnDelete::SetDefault => "SET DEFAULT",
        }
    }
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The SQL index name.
    pub name: String,
    /// Positions in the store's `fields`.
    pub fields: Vec<usize>,
    /// A UNIQUE index: no two rows may hold the same values in its fields.
    pub unique: bool,
    /// `order`: fields the rows of one `fields` value are listed by, after the equality
    /// fields (a non-unique index only). The primary key follows, to break ties.
    pub order: Vec<OrderField>,
}

/// One field of an index's `order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderField {
    /// Position in the store's `fields`.
    pub field: usize,
    /// `desc`: largest first. NULL counts as smaller than every value on every backend:
    /// first in ascending order, last in descending.
    pub descending: bool,
}

/// One column of an index as the database holds it: a field and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexColumn {
    /// Position in the store's `fields`.
    pub field: usize,
    /// Stored in descending order.
    pub descending: bool,
    /// A nullable `order` field: where its NULLs sort matters to the listing (first
    /// when ascending, last when descending).
    pub nulls_matter: bool,
}

impl Index {
    /// The index's columns as the database keeps them: the equality fields, then the
    /// `order` fields, then (when there is an `order`) the primary key's fields not
    /// already listed, in the last `order` field's direction, so one index range scan
    /// returns a listing's rows in order. Without `order` the index is its fields alone,
    /// as declared (`order = ["<key>"]` makes a key-ordered listing one range scan on
    /// PostgreSQL too, where an index doesn't hold the key).
    pub fn columns(&self, store: &Store) -> Vec<IndexColumn> {
        let mut out: Vec<IndexColumn> = self
            .fields
            .iter()
            .map(|&field| IndexColumn {
                field,
                descending: false,
                nulls_matter: false,
            })
            .collect();
        out.extend(self.order.iter().map(|o| IndexColumn {
            field: o.field,
            descending: o.descending,
            nulls_matter: store.fields[o.field].nullable,
        }));
        if !self.order.is_empty() {
            let descending = self.order.last().is_some_and(|o| o.descending);
            for &field in &store.primary_key {
                if !out.iter().any(|c| c.field == field) {
                    out.push(IndexColumn {
                        field,
                        descending,
                        nulls_matter: false,
                    });
                }
            }
        }
        out
    }

    /// The columns a listing by this index pages by: its `order` fields, then the
    /// primary key's fields not among them (in the last `order` field's direction),
    /// which break ties. `nulls_matter` marks a nullable one.
    pub fn page_columns(&self, store: &Store) -> Vec<IndexColumn> {
        let descending = self.order.last().is_some_and(|o| o.descending);
        let mut out: Vec<IndexColumn> = self
            .order
            .iter()
            .map(|o| IndexColumn {
                field: o.field,
                descending: o.descending,
                nulls_matter: store.fields[o.field].nullable,
            })
            .collect();
        for &field in &store.primary_key {
            if !self.order.iter().any(|o| o.field == field) {
                out.push(IndexColumn {
                    field,
                    descending,
                    nulls_matter: false,
                });
            }
        }
        out
    }
}

/// What a database holds for the tables a blueprint names, as introspection found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// The backend whose database it describes.
    pub backend: BackendKind,
    /// The server's version, as it reports it (`15.19`, `10.11.19-MariaDB`, `3.50.2`).
    pub server_version: String,
    /// Tables in the order the blueprint asked for them; absent tables are left out.
    pub tables: Vec<CatalogTable>,
    /// What the connecting user may not do to those tables that generated code does.
    /// Only a live database says: a snapshot's catalog, and storegen's own, have none.
    pub denied: Vec<Denied>,
}

/// Something generated code does that the connecting user may not, as the database's
/// privileges say: `INSERT` on a table, `USAGE` on a serial column's sequence, or any
/// write to a read-only SQLite database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// The table it concerns.
    pub table: String,
    /// The column, when it concerns one (a serial column's sequence).
    pub column: Option<String>,
    /// What may not be done: `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `USAGE`, `write`.
    pub privilege: String,
    /// What it may not be done on: ``table `orders` ``, ``sequence `orders_id_seq` ``.
    pub object: String,
    /// Who may not: the database's name for the user (`app`, `'app'@'%'`); empty
    /// where there are no users (SQLite).
    pub user: String,
    /// The fix: the GRANT statement (for a user who may grant it), or what to do.
    pub grant: String,
}

impl Catalog {
    /// The table with this SQL name, compared as the backend compares names.
    pub fn table(&self, name: &str) -> Option<&CatalogTable> {
        self.tables
            .iter()
            .find(|t| self.backend.same_identifier(&t.name, name))
    }
}

/// One table as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogTable {
    /// The table's SQL name, as the database spells it.
    pub name: String,
    /// Columns in table order.
    pub columns: Vec<CatalogColumn>,
    /// The primary key's columns, in key order; empty when there is none.
    pub primary_key: Vec<String>,
    /// Unique constraints and unique indexes, each a list of columns.
    pub unique: Vec<Vec<String>>,
    /// Every index on the table, unique or not, with its columns.
    pub indexes: Vec<CatalogIndex>,
    /// Foreign keys from the table's columns to other tables (or itself).
    pub foreign_keys: Vec<CatalogForeignKey>,
}

/// One column as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogColumn {
    /// The column's SQL name, as the database spells it.
    pub name: String,
    /// The declared SQL type, as the database reports it.
    pub sql_type: String,
    /// The column may hold NULL (it has no NOT NULL constraint).
    pub nullable: bool,
    /// The default expression, as the database reports it.
    pub default: Option<String>,
    /// The values the column is limited to, where the database keeps a list: a
    /// PostgreSQL enum type's labels, a MySQL ENUM's, or a CHECK (`IN (...)`)'s.
    pub enum_values: Option<Vec<String>>,
    /// The database assigns a value when an insert leaves the column out
    /// (rowid alias, identity, serial, AUTO_INCREMENT).
    pub auto_increment: bool,
}

impl CatalogColumn {
    /// A MySQL text column's character set, where it isn't utf8mb4: introspection writes
    /// it after the type (`varchar(20) charset utf8mb3`).
    pub fn charset(&self) -> Option<&str> {
        self.type_and_charset().1
    }

    /// The type without a MySQL character set written after it, and that set.
    pub fn type_and_charset(&self) -> (&str, Option<&str>) {
        let ty = match self.sql_type.split_once(" collate ") {
            Some((ty, _)) => ty,
            None => &self.sql_type,
        };
        match ty.split_once(" charset ") {
            Some((ty, charset)) => (ty, Some(charset)),
            None => (ty, None),
        }
    }

    /// A MySQL text column's collation, where it compares text inexactly (see
    /// [`collation_ignores`]): introspection writes it last (`varchar(20) collate
    /// utf8mb4_general_ci`).
    pub fn collation(&self) -> Option<&str> {
        self.sql_type.split_once(" collate ").map(|(_, c)| c)
    }
}

/// Whether `name` can be a MySQL collation's name as storegen writes it into SQL
/// unquoted: letters, digits and `_`.
pub fn is_collation_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a MySQL/MariaDB collation ignores when it compares text, from its name: trailing
/// spaces (PAD SPACE: every collation but the `_nopad_` ones, MySQL 8's `_0900_` ones
/// and `binary`), case (`_ci`), accents (`_ai`). Empty: it compares as SQLite's and
/// PostgreSQL's default collations do, so `"k"`, `"K"` and `"k "` are three values.
pub fn collation_ignores(collation: &str) -> Vec<&'static str> {
    let name = collation.to_ascii_lowercase();
    let mut ignores = Vec::new();
    if !(name.contains("_nopad_") || name.contains("_0900_") || name == "binary") {
        ignores.push("trailing spaces");
    }
    if name.ends_with("_ci") {
        ignores.push("case");
    }
    if name.contains("_ai_") || name.ends_with("_ai") {
        ignores.push("accents");
    }
    ignores
}

/// One index as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogIndex {
    /// The index's SQL name.
    pub name: String,
    /// The indexed columns, in index order.
    pub columns: Vec<String>,
    /// A UNIQUE index: no two rows hold the same values in its columns.
    pub unique: bool,
    /// Parallel to `columns`: the column is kept in descending order.
    pub descending: Vec<bool>,
    /// Parallel to `columns`: the column's NULLs come first. SQLite and MySQL keep NULL
    /// smallest (first ascending, last descending); PostgreSQL lets each index say.
    pub nulls_first: Vec<bool>,
}

impl CatalogIndex {
    /// An index whose columns sort as SQLite and MySQL sort them: NULL smallest.
    pub fn new(name: String, columns: Vec<String>, unique: bool, descending: Vec<bool>) -> Self {
        CatalogIndex {
            name,
            nulls_first: descending.iter().map(|d| !d).collect(),
            descending,
            columns,
            unique,
        }
    }
}

/// One foreign key as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogForeignKey {
    /// The constraint's name; empty where the database has none (SQLite).
    pub name: String,
    /// The referencing columns of this table, in key order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub table: String,
    /// The referenced columns, parallel to `columns`.
    pub referenced: Vec<String>,
    /// The foreign key's ON DELETE action.
    pub on_delete: OnDelete,
}

/// `OrderStatus` → `order_status`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `BackendKind`, from the crate's list of backends (`with_backends!` in lib.rs).
macro_rules! backend_kind {
    ($($m:ident {
        feature: $f:literal, marker: $marker:ident, driver: $driver:ident,
        manager: $manager:ident, requires: $requires:ident = $exported:ident,
        doc: $doc:literal $(,)?
    })*) => {
        /// A database backend storegen generates code for. What each knows lives in its
        /// folder under `backend/`, found through `BackendKind::rules`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum BackendKind {
            $(#[doc = $doc] $marker,)*
        }

        impl BackendKind {
            /// Every backend, in the order the blueprint reference lists them.
            pub const ALL: [BackendKind; [$($f),*].len()] = [$(BackendKind::$marker),*];

            /// The blueprint's and the feature's name for the backend.
            pub fn name(self) -> &'static str {
                match self {
                    $(BackendKind::$marker => $f,)*
                }
            }
        }
    };
}
with_backends!(backend_kind);

impl BackendKind {
    /// The backend a blueprint or feature name (`sqlite`, `postgres`, `mysql`) names.
    pub fn from_name(name: &str) -> Option<BackendKind> {
        BackendKind::ALL.into_iter().find(|b| b.name() == name)
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
