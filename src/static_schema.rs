//! A schema as static data: what a generated module holds (`SCHEMA`), costing nothing to
//! compile or to keep, and turned into a [`Schema`] when `verify` or `migrate` needs
//! one. It mirrors the model, with `&'static` text in place of owned strings.

use crate::model::{
    BackendKind, DateTimeCrate, DefaultValue, Field, Index, LogicalType, OnDelete, Reference,
    Schema, Store,
};

/// A [`Schema`] as static data.
#[derive(Debug)]
pub struct StaticSchema {
    /// `[blueprint] name`.
    pub name: &'static str,
    /// The backends code was generated for.
    pub backends: &'static [BackendKind],
    /// The stores, in blueprint order.
    pub stores: &'static [StaticStore],
    /// `[rust] datetime`.
    pub datetime: DateTimeCrate,
}

/// A [`Store`] as static data.
#[derive(Debug)]
pub struct StaticStore {
    /// The store's name.
    pub name: &'static str,
    /// The SQL table name.
    pub table: &'static str,
    /// The record type's name.
    pub record: &'static str,
    /// The fields, in column order.
    pub fields: &'static [StaticField],
    /// Positions in `fields` of the primary key.
    pub primary_key: &'static [usize],
    /// Secondary indexes.
    pub indexes: &'static [StaticIndex],
}

/// An [`Index`] as static data.
#[derive(Debug)]
pub struct StaticIndex {
    /// The SQL index name.
    pub name: &'static str,
    /// Positions in the store's fields.
    pub fields: &'static [usize],
    /// A UNIQUE index.
    pub unique: bool,
    /// `order`: each field's position and whether it is descending.
    pub order: &'static [(usize, bool)],
}

/// A [`Reference`] as static data.
#[derive(Debug, Clone, Copy)]
pub struct StaticReference {
    /// The referenced store's name.
    pub store: &'static str,
    /// The referenced field's Rust name.
    pub field: &'static str,
    /// The referenced table's SQL name.
    pub table: &'static str,
    /// The referenced column's SQL name.
    pub column: &'static str,
    /// What deleting the referenced row does.
    pub on_delete: OnDelete,
}

/// A [`Field`] as static data.
#[derive(Debug)]
pub struct StaticField {
    /// The Rust name.
    pub name: &'static str,
    /// The SQL column name.
    pub column: &'static str,
    /// The logical type.
    pub ty: StaticType,
    /// The column may hold NULL.
    pub nullable: bool,
    /// The database assigns the value.
    pub generated: bool,
    /// A single-column UNIQUE constraint.
    pub unique: bool,
    /// The default, if any.
    pub default: Option<StaticDefault>,
    /// The foreign key, if any.
    pub references: Option<StaticReference>,
    /// `version = true`: the row's version for optimistic locking.
    pub version: bool,
}

/// A [`LogicalType`] as static data: every type but an enum is the model's own (those
/// are built in constant expressions); an enum's name and values are static text.
#[derive(Debug)]
pub enum StaticType {
    /// Any type but an enum.
    Of(LogicalType),
    /// `enum`: its Rust name, its values, and whether it is the database's own type.
    Enum(&'static str, &'static [&'static str], bool),
    /// Text with a `charset` of its own (MySQL's `utf8mb3`), or `padded`.
    Text(Option<u32>, Option<crate::model::Charset>, bool),
    /// Text with a `collation` of its own (MySQL's), as `Text` otherwise.
    TextCollated(
        Option<u32>,
        Option<crate::model::Charset>,
        bool,
        &'static str,
    ),
    /// A time or timestamp with a `precision` below 6.
    Time(LogicalType, u8),
}

impl StaticType {
    /// Text without a `max_length` (nor charset, padding or collation of its own).
    pub const TEXT: StaticType = StaticType::Of(LogicalType::Text { max_length: None });

    /// Text of at most `max_length` characters (nor charset, padding or collation of
    /// its own).
    pub const fn text(max_length: u32) -> StaticType {
        StaticType::Of(LogicalType::Text {
            max_length: Some(max_length),
        })
    }
}

/// A [`DefaultValue`] as static data.
#[derive(Debug)]
pub enum StaticDefault {
    /// A bool.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text, or an enum's value.
    Text(&'static str),
    /// A decimal's text.
    Decimal(&'static str),
    /// A date, time or timestamp's text.
    DateTime(&'static str),
    /// The current date, time or instant.
    Now,
}

impl StaticSchema {
    /// The schema, as the model has it (descriptions left out).
    pub fn to_schema(&self) -> Schema {
        Schema {
            name: self.name.into(),
            description: None,
            backends: self.backends.to_vec(),
            stores: self.stores.iter().map(StaticStore::to_store).collect(),
            datetime: self.datetime,
        }
    }
}

impl StaticStore {
    /// The store as the model has it (descriptions left out).
    pub fn to_store(&self) -> Store {
        Store {
            name: self.name.into(),
            table: self.table.into(),
            record: self.record.into(),
            description: None,
            fields: self.fields.iter().map(StaticField::to_field).collect(),
            primary_key: self.primary_key.to_vec(),
            indexes: self
                .indexes
                .iter()
                .map(|index| Index {
                    name: index.name.into(),
                    fields: index.fields.to_vec(),
                    unique: index.unique,
                    order: index
                        .order
                        .iter()
                        .map(|&(field, descending)| crate::model::OrderField { field, descending })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl StaticField {
    /// The SQL column's name, where it differs from the field's.
    pub const fn column(mut self, column: &'static str) -> Self {
        self.column = column;
        self
    }

    /// The column may hold NULL.
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// The database assigns the value.
    pub const fn generated(mut self) -> Self {
        self.generated = true;
        self
    }

    /// The row's version (`version = true`).
    pub const fn version(mut self) -> Self {
        self.version = true;
        self
    }

    /// A single-column UNIQUE constraint.
    pub const fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// The column's default.
    pub const fn default(mut self, default: StaticDefault) -> Self {
        self.default = Some(default);
        self
    }

    /// The column's foreign key: the referenced store, field, table and column.
    pub const fn references(
        mut self,
        store: &'static str,
        field: &'static str,
        table: &'static str,
        column: &'static str,
        on_delete: OnDelete,
    ) -> Self {
        self.references = Some(StaticReference {
            store,
            field,
            table,
            column,
            on_delete,
        });
        self
    }
}

/// A field whose column is named as the field, NOT NULL, neither generated nor unique,
/// without default or reference: what [`StaticField`]'s builders change. Generated
/// modules write each field as one line: `s::field("price", T::Of(L::Float64)).nullable()`.
pub const fn field(name: &'static str, ty: StaticType) -> StaticField {
    StaticField {
        name,
        column: name,
        ty,
        nullable: false,
        generated: false,
        unique: false,
        default: None,
        references: None,
        version: false,
    }
}

impl StaticField {
    fn to_field(&self) -> Field {
        let ty = match &self.ty {
            StaticType::Of(ty) => ty.clone(),
            &StaticType::Text(max_length, ..) | &StaticType::TextCollated(max_length, ..) => {
                LogicalType::Text { max_length }
            }
            StaticType::Time(ty, _) => ty.clone(),
            StaticType::Enum(name, values, native) => LogicalType::Enum {
                name: (*name).into(),
                values: values.iter().map(|v| (*v).to_owned()).collect(),
                native: *native,
            },
        };
        let mut field = Field::new(self.name, ty).with_column(self.column);
        match self.ty {
            StaticType::Text(_, charset, padded) => {
                field.charset = charset;
                field.padded = padded;
            }
            StaticType::TextCollated(_, charset, padded, collation) => {
                field.charset = charset;
                field.padded = padded;
                field.collation = Some(collation.into());
            }
            StaticType::Time(_, precision) => field.precision = Some(precision),
            _ => {}
        }
        field.nullable = self.nullable;
        field.generated = self.generated;
        field.unique = self.unique;
        field.version = self.version;
        field.default = self.default.as_ref().map(|d| match d {
            StaticDefault::Bool(b) => DefaultValue::Bool(*b),
            StaticDefault::Int(n) => DefaultValue::Int(*n),
            StaticDefault::Float(x) => DefaultValue::Float(*x),
            StaticDefault::Text(t) => DefaultValue::Text((*t).into()),
            StaticDefault::Decimal(d) => DefaultValue::Decimal((*d).into()),
            StaticDefault::DateTime(d) => DefaultValue::DateTime((*d).into()),
            StaticDefault::Now => DefaultValue::Now,
        });
        field.references = self.references.map(|r| Reference {
            store: r.store.into(),
            field: r.field.into(),
            table: r.table.into(),
            column: r.column.into(),
            on_delete: r.on_delete,
        });
        field
    }
}
