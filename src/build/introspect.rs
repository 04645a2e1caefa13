//! `storegen introspect`: the blueprint of a database that already exists.
//!
//! Every table becomes a store, every column the backend's types can hold a field, in
//! column order; what can't be said in a blueprint (a column type with no logical type,
//! a table without a primary key, a multi-column foreign key, an expression default)
//! is left out with a comment that says what and why. Each field's type is one the
//! backend [accepts](crate::backend::BackendKind::accepts) for its column, so `storegen
//! check` against the same database finds no drift. The text is deterministic: the same
//! database gives the same blueprint.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::blueprint::names::{camel_case, is_snake_case, snake_case};
use crate::backend::BackendKind;
use crate::model::{Catalog, CatalogColumn, CatalogTable, LogicalType, OnDelete};

/// How SQL names become Rust names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// Store and field names in snake_case, records the singular of the table name in
    /// CamelCase (`order_items` → `OrderItem`); `table`/`column` keep SQL names that
    /// differ.
    #[default]
    Snake,
    /// As `Snake`, but records are the table name in CamelCase as it stands
    /// (`order_items` → `OrderItems`).
    Keep,
}

/// What `storegen introspect` writes besides the tables.
#[derive(Debug, Clone)]
pub struct Options {
    /// `[blueprint] name`.
    pub name: String,
    /// `[database] backends`: the introspected one unless given.
    pub backends: Vec<BackendKind>,
    /// `[database] schema`, when one was named.
    pub schema: Option<String>,
    /// How names are written.
    pub style: Style,
    /// `[database] snapshot`: where `--snapshot` wrote the snapshot.
    pub snapshot: Option<String>,
}

/// A column as a field, or why it is left out.
struct FieldDraft<'c> {
    column: &'c CatalogColumn,
    name: String,
    ty: Result<LogicalType, String>,
    /// A time's digits of a second, when fewer than 6.
    precision: Option<u8>,
    /// Text in a fixed-length `CHAR(n)` column.
    padded: bool,
}

/// A table as a store: its names and fields, or why it is left out.
struct StoreDraft<'c> {
    table: &'c CatalogTable,
    name: String,
    record: String,
    fields: Vec<FieldDraft<'c>>,
    left_out: Option<String>,
}

impl StoreDraft<'_> {
    fn field_of(&self, column: &str, catalog: &Catalog) -> Option<&FieldDraft<'_>> {
        self.fields
            .iter()
            .find(|f| catalog.backend.same_identifier(&f.column.name, column))
    }
}

/// The blueprint of the catalog's tables.
pub fn blueprint(catalog: &Catalog, options: &Options) -> String {
    let backend = catalog.backend;
    let rules = backend.rules();
    let mut tables: Vec<&CatalogTable> = catalog.tables.iter().collect();
    tables.sort_by_key(|t| (t.name.to_lowercase(), t.name.clone()));

    let mut store_names = Names::default();
    let mut records = Names::default();
    let mut stores: Vec<StoreDraft<'_>> = Vec::new();
    for table in tables {
        let name = store_names.take(&rust_name(&table.name));
        let record = records.take(&record_name(&name, options.style));
        let mut field_names = Names::default();
        let fields: Vec<FieldDraft<'_>> = table
            .columns
            .iter()
            .map(|column| {
                let single_key = table.primary_key.len() == 1
                    && backend.same_identifier(&table.primary_key[0], &column.name);
                let ty = if column
                    .default
                    .as_deref()
                    .is_some_and(|d| d.starts_with("GENERATED"))
                {
                    Err("the database computes it (a generated column)".to_owned())
                } else if column.auto_increment && !single_key {
                    Err(
                        "the database assigns it, and only a single-column key can be `generated`"
                            .to_owned(),
                    )
                } else {
                    rules.infer(column)
                };
                // A time keeps the digits of a second its column does; text in a
                // fixed-length column is padded.
                let probe = |ty: &LogicalType, digits: u8, padded: bool| {
                    let mut field = crate::model::Field::new("probe", ty.clone());
                    field.precision = (digits < 6).then_some(digits);
                    field.padded = padded;
                    rules.accepts(&field, column)
                };
                let (ty, precision, padded) = match ty {
                    Ok(ty) if ty.is_temporal() && ty != LogicalType::Date => {
                        match (0..=6).rev().find(|&d| probe(&ty, d, false).is_ok()) {
                            Some(6) => (Ok(ty), None, false),
                            Some(d) => (Ok(ty), Some(d), false),
                            None => (probe(&ty, 6, false).map(|()| ty), None, false),
                        }
                    }
                    Ok(ty) => match probe(&ty, 6, false) {
                        Ok(()) => (Ok(ty), None, false),
                        Err(why) => match probe(&ty, 6, true) {
                            Ok(())
                                if matches!(
                                    ty,
                                    LogicalType::Text {
                                        max_length: Some(_)
                                    }
                                ) =>
                            {
                                (Ok(ty), None, true)
                            }
                            _ => (Err(why), None, false),
                        },
                    },
                    Err(why) => (Err(why), None, false),
                };
                FieldDraft {
                    column,
                    name: field_names.take(&rust_name(&column.name)),
                    ty,
                    precision,
                    padded,
                }
            })
            .collect();
        let left_out = if table.primary_key.is_empty() {
            Some("it has no primary key, and a store needs one".to_owned())
        } else {
            table.primary_key.iter().find_map(|key| {
                let field = fields
                    .iter()
                    .find(|f| backend.same_identifier(&f.column.name, key))?;
                let why = field.ty.as_ref().err()?;
                Some(format!("its key column `{key}` can't be a field: {why}"))
            })
        };
        stores.push(StoreDraft {
            table,
            name,
            record,
            fields,
            left_out,
        });
    }
    name_enums(&mut stores);

    let mut out = String::new();
    let tables = catalog.tables.len();
    let _ = writeln!(
        out,
        "# Written by `storegen introspect` from {}{}: {tables} table{}.",
        rules.about().display_name,
        options
            .schema
            .as_ref()
            .map(|s| format!(", schema `{s}`"))
            .unwrap_or_default(),
        if tables == 1 { "" } else { "s" },
    );
    out.push_str(
        "# Review it: names, descriptions and finders are yours to shape. What the database\n\
         # holds that a blueprint can't say is left out with a comment saying why.\n",
    );
    let _ = writeln!(out, "[blueprint]\nname = {}\n", literal(&options.name));
    let backends: Vec<String> = options.backends.iter().map(|b| literal(b.name())).collect();
    let _ = writeln!(out, "[database]\nbackends = [{}]", backends.join(", "));
    out.push_str("url = \"${DATABASE_URL}\"\n");
    if let Some(schema) = &options.schema {
        let _ = writeln!(out, "schema = {}", literal(schema));
    }
    if let Some(snapshot) = &options.snapshot {
        let _ = writeln!(out, "snapshot = {}", literal(snapshot));
    }

    for store in &stores {
        out.push('\n');
        if let Some(why) = &store.left_out {
            let _ = writeln!(out, "# table `{}` left out: {why}", store.table.name);
            continue;
        }
        write_store(&mut out, store, &stores, catalog);
    }
    out
}

fn write_store(
    out: &mut String,
    store: &StoreDraft<'_>,
    stores: &[StoreDraft<'_>],
    catalog: &Catalog,
) {
    let backend = catalog.backend;
    let table = store.table;
    let key = bare_or_quoted(&store.name);
    let _ = writeln!(out, "[stores.{key}]");
    if table.name != store.name {
        let _ = writeln!(out, "table = {}", literal(&table.name));
    }
    let _ = writeln!(out, "record = {}", literal(&store.record));
    let key_fields: Vec<&FieldDraft<'_>> = table
        .primary_key
        .iter()
        .filter_map(|k| store.field_of(k, catalog))
        .collect();
    if key_fields.len() > 1 {
        let names: Vec<String> = key_fields.iter().map(|f| literal(&f.name)).collect();
        let _ = writeln!(out, "primary_key = [{}]", names.join(", "));
    }
    let _ = writeln!(out, "\n[stores.{key}.fields]");

    let single_unique = |column: &str| {
        table
            .unique
            .iter()
            .any(|u| u.len() == 1 && backend.same_identifier(&u[0], column))
    };
    let width = store
        .fields
        .iter()
        .filter(|f| f.ty.is_ok())
        .map(|f| bare_or_quoted(&f.name).len())
        .max()
        .unwrap_or(0);
    for field in &store.fields {
        let column = field.column;
        let ty = match &field.ty {
            Ok(ty) => ty,
            Err(why) => {
                let _ = writeln!(
                    out,
                    "# column `{}` ({}) left out: {why}",
                    column.name,
                    shown_type(column)
                );
                continue;
            }
        };
        let mut parts: Vec<String> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        type_parts(ty, &mut parts);
        if let Some(digits) = field.precision {
            parts.push(format!("precision = {digits}"));
        }
        if field.padded {
            parts.push("padded = true".into());
        }
        // A MySQL utf8mb3 text column: said, so the check accepts it without a warning.
        if matches!(ty, LogicalType::Text { .. })
            && let Some(charset) = column.charset().and_then(crate::model::Charset::from_name)
            && charset != crate::model::Charset::Utf8mb4
        {
            parts.push(format!("charset = {}", literal(charset.name())));
        }
        // A collation that compares inexactly: said, so the check accepts it.
        if matches!(ty, LogicalType::Text { .. })
            && let Some(collation) = column.collation()
        {
            parts.push(format!("collation = {}", literal(collation)));
        }
        if column.name != field.name {
            parts.push(format!("column = {}", literal(&column.name)));
        }
        let is_key = key_fields.iter().any(|k| std::ptr::eq(*k, field));
        if is_key && key_fields.len() == 1 {
            parts.push("primary_key = true".into());
        }
        if column.auto_increment && is_key && key_fields.len() == 1 {
            parts.push("generated = true".into());
        }
        if column.nullable && !is_key {
            parts.push("nullable = true".into());
        }
        if !(is_key && key_fields.len() == 1) && single_unique(&column.name) {
            parts.push("unique = true".into());
        }
        let sequence = column.auto_increment
            && column
                .default
                .as_deref()
                .is_none_or(|d| d.starts_with("nextval("));
        match column.default.as_deref() {
            Some(_) if sequence => {}
            Some(sql) => match default_value(ty, sql, backend) {
                Some(value) => parts.push(format!("default = {value}")),
                None => notes.push(format!(
                    "the database's default `{sql}` has no blueprint form"
                )),
            },
            None => {}
        }
        match reference(store, field, stores, catalog) {
            Ok(Some((target, on_delete))) => {
                parts.push(format!("references = {}", literal(&target)));
                if on_delete != OnDelete::NoAction
                    && !backend.same_on_delete(on_delete, OnDelete::NoAction)
                {
                    let name = OnDelete::NAMES
                        .iter()
                        .copied()
                        .find(|n| OnDelete::from_name(n) == Some(on_delete))
                        .unwrap_or("no_action");
                    parts.push(format!("on_delete = {}", literal(name)));
                }
            }
            Ok(None) => {}
            Err(why) => notes.push(why),
        }
        for note in notes {
            let _ = writeln!(out, "# `{}`: {note}", field.name);
        }
        let name = bare_or_quoted(&field.name);
        let value = match parts.as_slice() {
            [only] if only.starts_with("type = ") => only["type = ".len()..].to_owned(),
            _ => format!("{{ {} }}", parts.join(", ")),
        };
        let _ = writeln!(out, "{name:width$} = {value}");
    }

    for index in indexes(store, catalog) {
        out.push_str(&index);
    }
}

/// The `[[indexes]]` tables of a store's indexes: every index the database keeps on
/// plain columns but the primary key's and those a field's `unique` already says.
fn indexes(store: &StoreDraft<'_>, catalog: &Catalog) -> Vec<String> {
    let backend = catalog.backend;
    let table = store.table;
    let same_columns = |a: &[String], b: &[String]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| backend.same_identifier(x, y))
    };
    let mut seen: BTreeSet<(Vec<String>, bool)> = BTreeSet::new();
    // The finders the indexes so far give: `(fields joined, unique)`.
    let mut finders: BTreeSet<(String, bool)> = BTreeSet::new();
    let mut out = Vec::new();
    let key = bare_or_quoted(&store.name);
    let mut sorted: Vec<_> = table.indexes.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for index in sorted {
        if index.columns.is_empty()
            || (index.unique && same_columns(&index.columns, &table.primary_key))
        {
            continue;
        }
        let single_unique = index.unique
            && index.columns.len() == 1
            && table.unique.iter().any(|u| same_columns(u, &index.columns));
        if single_unique {
            continue;
        }
        let lowered: Vec<String> = index.columns.iter().map(|c| c.to_lowercase()).collect();
        if !seen.insert((lowered, index.unique)) {
            continue;
        }
        let fields: Option<Vec<&FieldDraft<'_>>> = index
            .columns
            .iter()
            .map(|c| store.field_of(c, catalog).filter(|f| f.ty.is_ok()))
            .collect();
        let mut text = String::new();
        let Some(fields) = fields else {
            let _ = writeln!(
                text,
                "\n# index `{}` left out: it holds a column that is no field",
                index.name
            );
            out.push(text);
            continue;
        };
        // The first split a blueprint may declare whose finder no earlier index has.
        let chosen = index_shapes(store, catalog, index, &fields)
            .into_iter()
            .filter(|(_, order)| valid_order(order))
            .find(|(equal, _)| {
                let suffix: Vec<&str> = equal.iter().map(|f| f.name.as_str()).collect();
                !finders.contains(&(suffix.join("_and_"), index.unique))
            });
        match chosen {
            Some((equal, order)) => {
                let suffix: Vec<&str> = equal.iter().map(|f| f.name.as_str()).collect();
                finders.insert((suffix.join("_and_"), index.unique));
                let names: Vec<String> = equal.iter().map(|f| literal(&f.name)).collect();
                let _ = writeln!(text, "\n[[stores.{key}.indexes]]");
                // Its own name, where the blueprint's default would be another.
                let columns: Vec<&str> = equal
                    .iter()
                    .map(|f| f.column.name.as_str())
                    .chain(order.iter().map(|(f, _)| f.column.name.as_str()))
                    .collect();
                let default = format!(
                    "{}_{}_{}",
                    table.name,
                    columns.join("_"),
                    if index.unique { "key" } else { "idx" }
                );
                if index.name != default {
                    let _ = writeln!(text, "name = {}", literal(&index.name));
                }
                let _ = writeln!(text, "fields = [{}]", names.join(", "));
                if !order.is_empty() {
                    let order: Vec<String> = order
                        .iter()
                        .map(|(f, descending)| {
                            literal(&format!(
                                "{}{}",
                                f.name,
                                if *descending { " desc" } else { "" }
                            ))
                        })
                        .collect();
                    let _ = writeln!(text, "order = [{}]", order.join(", "));
                }
                if index.unique {
                    text.push_str("unique = true\n");
                }
            }
            None => {
                let _ = writeln!(
                    text,
                    "\n# index `{}` left out: its columns and their order are no index a blueprint declares",
                    index.name
                );
            }
        }
        out.push(text);
    }
    out
}

/// An index as a blueprint declares it: the fields compared for equality, then the
/// `order` fields with their direction — a split whose index (fields, order, then the
/// key in the last order field's direction, as storegen makes it) is exactly the
/// database's, NULLs placed as storegen places them included. Of the splits that are,
/// those with an `order` come first, most equality fields first and then the shortest
/// order (`(a, b, c DESC, id DESC)` is `fields = [a, b], order = [c desc]`), then the
/// one without.
type Split<'f, 'c> = (Vec<&'f FieldDraft<'c>>, Vec<(&'f FieldDraft<'c>, bool)>);

fn index_shapes<'f, 'c>(
    store: &StoreDraft<'c>,
    catalog: &Catalog,
    index: &crate::model::CatalogIndex,
    fields: &[&'f FieldDraft<'c>],
) -> Vec<Split<'f, 'c>> {
    let backend = catalog.backend;
    let n = fields.len();
    let desc = |i: usize| index.descending.get(i).copied().unwrap_or(false);
    let key: Vec<&FieldDraft<'_>> = store
        .table
        .primary_key
        .iter()
        .filter_map(|k| store.field_of(k, catalog))
        .collect();
    let mut ordered = Vec::new();
    let mut plain = Vec::new();
    for k in 1..=n {
        if (0..k).any(desc) {
            break;
        }
        for m in k..=n {
            // The shape storegen makes: equality fields ascending, the order fields,
            // then the key's other fields in the last order field's direction.
            let mut shape: Vec<(&FieldDraft<'_>, bool, bool)> =
                fields[..k].iter().map(|f| (*f, false, false)).collect();
            shape.extend((k..m).map(|i| (fields[i], desc(i), fields[i].column.nullable)));
            if m > k {
                let last = desc(m - 1);
                for f in &key {
                    if !shape.iter().any(|(s, _, _)| std::ptr::eq(*s, *f)) {
                        shape.push((f, last, false));
                    }
                }
            }
            let same = shape.len() == index.columns.len()
                && shape
                    .iter()
                    .enumerate()
                    .all(|(i, (f, descending, nulls_matter))| {
                        backend.same_identifier(&f.column.name, &index.columns[i])
                            && desc(i) == *descending
                            && (!nulls_matter
                                || index.nulls_first.get(i).copied() == Some(!descending))
                    });
            if same {
                let split = (
                    fields[..k].to_vec(),
                    (k..m).map(|i| (fields[i], desc(i))).collect::<Vec<_>>(),
                );
                if m > k {
                    ordered.push((k, m, split));
                } else {
                    plain.push(split);
                }
            }
        }
    }
    // Most equality fields first; then the shortest order (the key is implied).
    ordered.sort_by_key(|(k, m, _)| (std::cmp::Reverse(*k), *m));
    ordered
        .into_iter()
        .map(|(_, _, split)| split)
        .chain(plain)
        .collect()
}

/// Whether a blueprint may declare the split: an `order` of neither enums nor decimals
/// (backends order them apart), with at most one nullable field, first.
fn valid_order(order: &[(&FieldDraft<'_>, bool)]) -> bool {
    let orderable = order.iter().all(|(f, _)| {
        !matches!(
            f.ty,
            Ok(LogicalType::Enum { .. } | LogicalType::Decimal { .. })
        )
    });
    let nullable: Vec<usize> = order
        .iter()
        .enumerate()
        .filter(|(_, (f, _))| f.column.nullable)
        .map(|(i, _)| i)
        .collect();
    orderable && (nullable.is_empty() || nullable == [0])
}

/// The `references` target (`store.field`) and ON DELETE of the field's foreign key, or
/// why the key can't be one; `None` when the column references nothing.
fn reference(
    store: &StoreDraft<'_>,
    field: &FieldDraft<'_>,
    stores: &[StoreDraft<'_>],
    catalog: &Catalog,
) -> Result<Option<(String, OnDelete)>, String> {
    let backend = catalog.backend;
    let same = |a: &str, b: &str| backend.same_identifier(a, b);
    let Some(fk) = store
        .table
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.iter().any(|c| same(c, &field.column.name)))
    else {
        return Ok(None);
    };
    if fk.columns.len() != 1 {
        return Err(format!(
            "the foreign key `{}` spans {} columns; a reference is one field's",
            fk.name,
            fk.columns.len()
        ));
    }
    let Some(target) = stores
        .iter()
        .find(|s| s.left_out.is_none() && same(&s.table.name, &fk.table))
    else {
        return Err(format!(
            "it references `{}`, which is no store here",
            fk.table
        ));
    };
    let referenced = &fk.referenced[0];
    let key = target.table.primary_key.len() == 1 && same(&target.table.primary_key[0], referenced);
    let unique = target
        .table
        .unique
        .iter()
        .any(|u| u.len() == 1 && same(&u[0], referenced));
    let Some(target_field) = target
        .field_of(referenced, catalog)
        .filter(|f| (key || unique) && f.ty.is_ok())
    else {
        return Err(format!(
            "it references `{}.{referenced}`, which is neither that store's key nor a unique field",
            fk.table
        ));
    };
    match (&field.ty, &target_field.ty) {
        (Ok(a), Ok(b)) if a.same_kind(b) => {}
        _ => {
            return Err(format!(
                "it references `{}.{referenced}`, a column of another type",
                fk.table
            ));
        }
    }
    Ok(Some((
        format!("{}.{}", target.name, target_field.name),
        fk.on_delete,
    )))
}

/// The attributes that say the type: `type = "text", max_length = 40`.
fn type_parts(ty: &LogicalType, parts: &mut Vec<String>) {
    let name = match ty {
        LogicalType::UInt16 => "int16",
        LogicalType::UInt32 => "int32",
        LogicalType::UInt64 => "int64",
        other => other.name(),
    };
    parts.push(format!("type = {}", literal(name)));
    match ty {
        LogicalType::UInt16 | LogicalType::UInt32 | LogicalType::UInt64 => {
            parts.push("unsigned = true".into());
        }
        LogicalType::Text {
            max_length: Some(n),
        } => parts.push(format!("max_length = {n}")),
        LogicalType::Decimal { precision, scale } => {
            parts.push(format!("precision = {precision}, scale = {scale}"));
        }
        LogicalType::UuidText => parts.push("storage = \"text\"".into()),
        LogicalType::Enum {
            name,
            values,
            native,
        } => {
            let values: Vec<String> = values.iter().map(|v| literal(v)).collect();
            parts.push(format!("values = [{}]", values.join(", ")));
            if !name.is_empty() {
                parts.push(format!("enum_name = {}", literal(name)));
            }
            if !native {
                parts.push("storage = \"text\"".into());
            }
        }
        _ => {}
    }
}

/// Enums read from a PostgreSQL enum type keep its name; the others take the blueprint's
/// default (record + field), unless that collides with another enum's name.
fn name_enums(stores: &mut [StoreDraft<'_>]) {
    let mut taken: HashMap<String, Vec<String>> = HashMap::new();
    for store in stores.iter() {
        for field in &store.fields {
            if let Ok(LogicalType::Enum { name, values, .. }) = &field.ty
                && !name.is_empty()
            {
                taken.insert(name.clone(), values.clone());
            }
        }
    }
    for store in stores.iter_mut() {
        let record = store.record.clone();
        for field in &mut store.fields {
            let field_name = field.name.clone();
            if let Ok(LogicalType::Enum { name, values, .. }) = &mut field.ty
                && name.is_empty()
            {
                let default = format!("{record}{}", camel_case(&field_name));
                let mut chosen = default.clone();
                let mut n = 2;
                while taken.get(&chosen).is_some_and(|held| held != values) {
                    chosen = format!("{default}{n}");
                    n += 1;
                }
                if chosen != default {
                    *name = chosen.clone();
                }
                taken.insert(chosen, values.clone());
            }
        }
    }
}

/// The blueprint value of a database default, if the blueprint can say it.
fn default_value(ty: &LogicalType, sql: &str, backend: BackendKind) -> Option<String> {
    let sql = sql.trim();
    let lower = sql.to_ascii_lowercase();
    let now = [
        "now()",
        "current_timestamp",
        "current_timestamp()",
        "current_date",
        "current_date()",
        "curdate()",
        "current_time",
        "current_time()",
        "curtime()",
        "localtimestamp",
        "localtime",
        "(datetime('now'))",
        "(date('now'))",
        "(time('now'))",
        "datetime('now')",
    ];
    if ty.is_temporal()
        && (now.contains(&lower.as_str())
            || [
                "current_timestamp(",
                "current_time(",
                "localtimestamp(",
                "localtime(",
                "now(",
            ]
            .iter()
            .any(|p| lower.starts_with(p)))
    {
        return Some("\"now\"".into());
    }
    if lower == "null" {
        return None;
    }
    // `'text'::character varying`, `(42)`: PostgreSQL's casts and SQLite's parentheses.
    let mut value = sql;
    while let Some(inner) = value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
        value = inner.trim();
    }
    let quoted = if let Some(rest) = value.strip_prefix('\'') {
        let end = rest.rfind('\'')?;
        let cast = rest[end + 1..].trim();
        if !(cast.is_empty() || cast.starts_with("::")) {
            return None;
        }
        Some(rest[..end].replace("''", "'"))
    } else {
        None
    };
    let bare = value.split("::").next().unwrap_or(value).trim();
    // MySQL reports a default as its text, quoted or not.
    let as_text = backend.rules().reports_defaults_as_text();
    let text = match &quoted {
        Some(q) => q.clone(),
        None if as_text => value.to_owned(),
        None => bare.to_owned(),
    };
    match ty {
        LogicalType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "t" => Some("true".into()),
            "false" | "0" | "f" => Some("false".into()),
            _ => None,
        },
        t if t.is_integer() => text.parse::<i64>().ok().map(|n| n.to_string()),
        LogicalType::Float32 | LogicalType::Float64 => {
            let n: f64 = text.parse().ok()?;
            n.is_finite().then(|| format!("{n:?}"))
        }
        LogicalType::Decimal { .. } => text.parse::<f64>().is_ok().then(|| literal(&text)),
        LogicalType::Text { .. } | LogicalType::Enum { .. } => {
            (quoted.is_some() || as_text).then(|| literal(&text))
        }
        LogicalType::Date => {
            let valid = text.len() == 10 && text.as_bytes()[4] == b'-';
            valid.then(|| text.clone())
        }
        LogicalType::Time => {
            let valid = text.len() >= 8 && text.as_bytes()[2] == b':';
            valid.then(|| text.clone())
        }
        LogicalType::Timestamp => {
            let valid = text.len() >= 19 && text.as_bytes()[10] == b' ';
            valid.then(|| text.replacen(' ', "T", 1))
        }
        _ => None,
    }
}

/// How the column's type reads in a comment.
fn shown_type(column: &CatalogColumn) -> String {
    if column.sql_type.is_empty() {
        "no declared type".into()
    } else {
        format!("`{}`", column.sql_type)
    }
}

/// A Rust name for an SQL name: snake_case, ASCII, never a name a field may not have.
fn rust_name(sql: &str) -> String {
    let name = snake_case(sql);
    // `snake_case` marks a name that doesn't start with a letter `x_`; a leading digit
    // reads better as `n_2fa`.
    let name = match name.strip_prefix("x_") {
        Some(rest) if sql.starts_with(|c: char| c.is_ascii_digit()) => format!("n_{rest}"),
        _ => name,
    };
    match name.as_str() {
        "crate" | "self" | "super" => format!("{name}_name"),
        _ if !is_snake_case(&name) => "unnamed".into(),
        _ => name,
    }
}

/// The record's name for a store: its name in CamelCase, singular under `Style::Snake`.
fn record_name(store: &str, style: Style) -> String {
    let name = match style {
        Style::Snake => {
            let (head, last) = match store.rsplit_once('_') {
                Some((head, last)) => (format!("{head}_"), last),
                None => (String::new(), store),
            };
            format!("{head}{}", singular(last))
        }
        Style::Keep => store.to_owned(),
    };
    let camel = camel_case(&name);
    match camel.as_str() {
        // Names the generated module defines or the prelude holds.
        "Self" | "Result" | "Option" | "String" | "Vec" | "Box" | "Some" | "None" | "Ok"
        | "Err" => format!("{camel}Record"),
        _ => camel,
    }
}

/// The singular of an English plural; a word that isn't one stays as it is.
fn singular(word: &str) -> String {
    const IRREGULAR: &[(&str, &str)] = &[
        ("people", "person"),
        ("children", "child"),
        ("men", "man"),
        ("women", "woman"),
        ("mice", "mouse"),
        ("geese", "goose"),
        ("data", "data"),
        ("media", "media"),
        ("news", "news"),
        ("series", "series"),
        ("species", "species"),
        ("indices", "index"),
        ("matrices", "matrix"),
        ("vertices", "vertex"),
    ];
    if let Some((_, one)) = IRREGULAR.iter().find(|(many, _)| *many == word) {
        return (*one).to_owned();
    }
    let keep = ["ss", "us", "is", "os"];
    if word.len() <= 2 || keep.iter().any(|k| word.ends_with(k)) || !word.ends_with('s') {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies")
        && stem.len() > 1
    {
        return format!("{stem}y");
    }
    for ending in ["sses", "xes", "ches", "shes", "zzes"] {
        if word.ends_with(ending) {
            return word[..word.len() - 2].to_owned();
        }
    }
    word[..word.len() - 1].to_owned()
}

/// Unique names: a second `user_id` becomes `user_id_2`.
#[derive(Default)]
struct Names(BTreeSet<String>);

impl Names {
    fn take(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_owned();
        let mut n = 2;
        while !self.0.insert(name.clone()) {
            name = format!("{wanted}_{n}");
            n += 1;
        }
        name
    }
}

/// A TOML string.
fn literal(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A TOML key: bare when it can be.
fn bare_or_quoted(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { name.to_owned() } else { literal(name) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_table_names_give_singular_records() {
        let record = |t: &str| record_name(t, Style::Snake);
        assert_eq!(record("customers"), "Customer");
        assert_eq!(record("order_items"), "OrderItem");
        assert_eq!(record("categories"), "Category");
        assert_eq!(record("addresses"), "Address");
        assert_eq!(record("foxes"), "Fox");
        assert_eq!(record("boxes"), "BoxRecord");
        assert_eq!(record("people"), "Person");
        assert_eq!(record("status"), "Status");
        assert_eq!(record("playlist_track"), "PlaylistTrack");
        assert_eq!(record("news"), "News");
        assert_eq!(record("results"), "ResultRecord");
        assert_eq!(record_name("order_items", Style::Keep), "OrderItems");
    }

    #[test]
    fn sql_names_become_snake_case_rust_names() {
        assert_eq!(rust_name("PlaylistTrack"), "playlist_track");
        assert_eq!(rust_name("TrackId"), "track_id");
        assert_eq!(rust_name("first name"), "first_name");
        assert_eq!(rust_name("2fa_secret"), "n_2fa_secret");
        assert_eq!(rust_name("self"), "self_name");
        assert_eq!(rust_name("type"), "type");
        assert_eq!(rust_name("ünïcode"), "n_code");
        assert_eq!(rust_name("_"), "unnamed");
    }

    #[test]
    fn defaults_the_blueprint_can_say() {
        let int = LogicalType::Int32;
        let text = LogicalType::Text { max_length: None };
        let ts = LogicalType::Timestamp;
        use BackendKind::*;
        assert_eq!(default_value(&int, "0", Postgres).as_deref(), Some("0"));
        assert_eq!(default_value(&int, "(42)", Sqlite).as_deref(), Some("42"));
        assert_eq!(
            default_value(&text, "'it''s'::character varying", Postgres).as_deref(),
            Some("\"it's\"")
        );
        assert_eq!(default_value(&text, "lower('A')", Postgres), None);
        assert_eq!(
            default_value(&text, "draft", Mysql).as_deref(),
            Some("\"draft\"")
        );
        assert_eq!(
            default_value(&ts, "CURRENT_TIMESTAMP", Sqlite).as_deref(),
            Some("\"now\"")
        );
        assert_eq!(
            default_value(&ts, "current_timestamp(6)", Mysql).as_deref(),
            Some("\"now\"")
        );
        assert_eq!(
            default_value(
                &ts,
                "'2024-01-02 03:04:05'::timestamp without time zone",
                Postgres
            )
            .as_deref(),
            Some("2024-01-02T03:04:05")
        );
        assert_eq!(
            default_value(&LogicalType::Bool, "1", Mysql).as_deref(),
            Some("true")
        );
        assert_eq!(
            default_value(&LogicalType::Float64, "2.5", Sqlite).as_deref(),
            Some("2.5")
        );
        assert_eq!(
            default_value(&LogicalType::Float64, "2", Sqlite).as_deref(),
            Some("2.0")
        );
    }
}
