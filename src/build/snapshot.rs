//! The schema snapshot: what a database held for a blueprint's tables, in a
//! deterministic, human-diffable TOML file that builds check against instead of a live
//! database. It records the blueprint's schema as it was when the snapshot was taken
//! (so a build can say which stores and fields changed since), and nothing about where
//! the database lives: no host, no user, no database name, no data.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::blueprint::Spans;
use super::diagnostics::Diagnostic;
use crate::backend::BackendKind;
use crate::model::{
    Catalog, CatalogColumn, CatalogForeignKey, CatalogIndex, CatalogTable, DefaultValue, Field,
    LogicalType, OnDelete, Schema, Store,
};

/// The snapshot format this storegen reads and writes.
pub const FORMAT: u32 = 1;

/// A snapshot as read from its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// What the database held for the blueprint's tables.
    pub catalog: Catalog,
    /// The blueprint's schema hash (see [`blueprint_hash`]) when the snapshot was
    /// taken.
    pub blueprint_hash: String,
    /// Each store's signature when the snapshot was taken, by store name.
    pub stores: BTreeMap<String, StoreSignature>,
    /// The custom queries as each backend described them, by name then backend.
    pub queries: Vec<QueryEntry>,
}

/// A custom query's shape as one backend described it, and the text it described.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryEntry {
    /// The query's name.
    pub name: String,
    /// The backend that described it.
    pub backend: String,
    /// `sha256:<hex>` of the query's text (headers and every variant).
    pub hash: String,
    /// `name: type`, `?` after a type that may be NULL, in the function's order.
    #[serde(default)]
    pub params: Vec<String>,
    /// `name: type`, `?` after a type that may be NULL, and ` = store.field` for a
    /// column that is a store's field.
    #[serde(default)]
    pub columns: Vec<String>,
    /// The store whose records the rows are.
    pub returns: Option<String>,
}

/// What a store declared, as comparable text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSignature {
    /// The store's SQL table name.
    pub table: String,
    /// The key fields' names, in key order.
    pub primary_key: Vec<String>,
    /// `name: signature`, in declaration order.
    pub fields: Vec<String>,
}

fn signature(store: &Store) -> StoreSignature {
    StoreSignature {
        table: store.table.clone(),
        primary_key: store.key_fields().map(|f| f.name.clone()).collect(),
        fields: store.fields.iter().map(field_signature).collect(),
    }
}

fn field_signature(field: &Field) -> String {
    let mut text = format!("{}: {}", field.name, field.ty);
    if let LogicalType::Enum { values, native, .. } = &field.ty {
        let _ = write!(text, " {values:?}{}", if *native { "" } else { " as text" });
    }
    if field.column != field.name {
        let _ = write!(text, ", column {:?}", field.column);
    }
    for (set, word) in [
        (field.nullable, "nullable"),
        (field.unique, "unique"),
        (field.generated, "generated"),
        (field.version, "version"),
    ] {
        if set {
            let _ = write!(text, ", {word}");
        }
    }
    if let Some(default) = &field.default {
        let value = match default {
            DefaultValue::Bool(b) => b.to_string(),
            DefaultValue::Int(n) => n.to_string(),
            DefaultValue::Float(x) => format!("{x:?}"),
            DefaultValue::Decimal(d) | DefaultValue::DateTime(d) => format!("{d:?}"),
            DefaultValue::Text(t) => format!("{t:?}"),
            DefaultValue::Now => "now".to_owned(),
        };
        let _ = write!(text, ", default {value}");
    }
    if let Some(r) = &field.references {
        let _ = write!(text, ", references {}.{}", r.store, r.field);
        if r.on_delete != OnDelete::NoAction {
            let _ = write!(text, " on delete {}", r.on_delete.sql().to_lowercase());
        }
    }
    text
}

/// `sha256:<hex>` of the blueprint's schema part: its stores, tables, keys and fields.
pub fn blueprint_hash(schema: &Schema) -> String {
    let mut hasher = Sha256::new();
    for store in &schema.stores {
        let sig = signature(store);
        hasher.update(format!(
            "store {} table {:?} key {:?}\n",
            store.name, sig.table, sig.primary_key
        ));
        for field in &sig.fields {
            hasher.update(field.as_bytes());
            hasher.update(b"\n");
        }
    }
    sha256_text(&hasher.finalize())
}

/// `sha256:<hex>` of a digest: how the snapshot writes hashes.
pub(crate) fn sha256_text(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A TOML string literal.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn action_name(action: OnDelete) -> &'static str {
    match action {
        OnDelete::NoAction => "no_action",
        OnDelete::Restrict => "restrict",
        OnDelete::Cascade => "cascade",
        OnDelete::SetNull => "set_null",
        OnDelete::SetDefault => "set_default",
    }
}

/// The snapshot file for `catalog`, taken for `schema`.
pub fn render(schema: &Schema, catalog: &Catalog) -> String {
    render_with_queries(schema, catalog, &[])
}

/// The snapshot file for `catalog`, taken for `schema`, with the custom queries'
/// descriptions (sorted by name, then backend).
pub fn render_with_queries(schema: &Schema, catalog: &Catalog, queries: &[QueryEntry]) -> String {
    let mut out = String::new();
    out.push_str(
        "# storegen schema snapshot: what the database held for the blueprint's tables.\n\
         # Written by `storegen prepare` (or a build with STOREGEN_WRITE_SNAPSHOT=1). Commit it;\n\
         # builds without a database check the blueprint against it.\n",
    );
    let _ = writeln!(out, "format = {FORMAT}");
    let _ = writeln!(out, "backend = {}", quoted(catalog.backend.name()));
    let _ = writeln!(out, "server_version = {}", quoted(&catalog.server_version));
    let _ = writeln!(out, "blueprint_hash = {}", quoted(&blueprint_hash(schema)));

    out.push_str("\n# The blueprint's stores when the snapshot was taken.\n");
    for store in &schema.stores {
        let sig = signature(store);
        // Store names are snake_case: bare keys.
        let _ = writeln!(out, "\n[blueprint.{}]", store.name);
        let _ = writeln!(out, "table = {}", quoted(&sig.table));
        let _ = writeln!(out, "primary_key = {}", list(&sig.primary_key));
        out.push_str("fields = [\n");
        for field in &sig.fields {
            let _ = writeln!(out, "    {},", quoted(field));
        }
        out.push_str("]\n");
    }

    for table in &catalog.tables {
        out.push_str("\n[[tables]]\n");
        let _ = writeln!(out, "name = {}", quoted(&table.name));
        let _ = writeln!(out, "primary_key = {}", list(&table.primary_key));
        let unique: Vec<String> = table.unique.iter().map(|u| list(u)).collect();
        let _ = writeln!(out, "unique = [{}]", unique.join(", "));
        out.push_str("columns = [\n");
        for c in &table.columns {
            let _ = write!(
                out,
                "    {{ name = {}, type = {}, nullable = {}",
                quoted(&c.name),
                quoted(&c.sql_type),
                c.nullable
            );
            if let Some(default) = &c.default {
                let _ = write!(out, ", default = {}", quoted(default));
            }
            if c.auto_increment {
                out.push_str(", auto_increment = true");
            }
            if let Some(values) = &c.enum_values {
                let list: Vec<String> = values.iter().map(|v| quoted(v)).collect();
                let _ = write!(out, ", values = [{}]", list.join(", "));
            }
            out.push_str(" },\n");
        }
        out.push_str("]\n");
        out.push_str(if table.indexes.is_empty() {
            "indexes = ["
        } else {
            "indexes = [\n"
        });
        for i in &table.indexes {
            let _ = write!(
                out,
                "    {{ name = {}, columns = {}, unique = {}",
                quoted(&i.name),
                list(&i.columns),
                i.unique
            );
            // Directions only where some column is not ascending with NULLs first, so
            // snapshots of plain indexes read as they always have.
            let flags = |v: &[bool]| {
                v.iter()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if i.descending.iter().any(|d| *d) {
                let _ = write!(out, ", descending = [{}]", flags(&i.descending));
            }
            // NULLs where the backend puts them unless told: smallest on SQLite and
            // MySQL, largest on PostgreSQL.
            let smallest = catalog.backend.dialect().nulls_smallest;
            if i.nulls_first
                .iter()
                .zip(&i.descending)
                .any(|(n, d)| *n != (*d != smallest))
            {
                let _ = write!(out, ", nulls_first = [{}]", flags(&i.nulls_first));
            }
            out.push_str(" },\n");
        }
        out.push_str("]\n");
        out.push_str(if table.foreign_keys.is_empty() {
            "foreign_keys = ["
        } else {
            "foreign_keys = [\n"
        });
        for k in &table.foreign_keys {
            let _ = writeln!(
                out,
                "    {{ name = {}, columns = {}, table = {}, referenced = {}, on_delete = {} }},",
                quoted(&k.name),
                list(&k.columns),
                quoted(&k.table),
                list(&k.referenced),
                quoted(action_name(k.on_delete))
            );
        }
        out.push_str("]\n");
    }
    let mut queries: Vec<&QueryEntry> = queries.iter().collect();
    queries.sort_by(|a, b| (&a.name, &a.backend).cmp(&(&b.name, &b.backend)));
    if !queries.is_empty() {
        out.push_str("\n# The custom queries as each backend described them.\n");
    }
    for q in queries {
        out.push_str("\n[[queries]]\n");
        let _ = writeln!(out, "name = {}", quoted(&q.name));
        let _ = writeln!(out, "backend = {}", quoted(&q.backend));
        let _ = writeln!(out, "hash = {}", quoted(&q.hash));
        let _ = writeln!(out, "params = {}", list(&q.params));
        if q.columns.is_empty() {
            out.push_str("columns = []\n");
        } else {
            out.push_str("columns = [\n");
            for c in &q.columns {
                let _ = writeln!(out, "    {},", quoted(c));
            }
            out.push_str("]\n");
        }
        if let Some(store) = &q.returns {
            let _ = writeln!(out, "returns = {}", quoted(store));
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileForm {
    format: u32,
    backend: String,
    server_version: String,
    blueprint_hash: String,
    #[serde(default)]
    blueprint: BTreeMap<String, StoreSignature>,
    #[serde(default)]
    tables: Vec<TableForm>,
    #[serde(default)]
    queries: Vec<QueryEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableForm {
    name: String,
    primary_key: Vec<String>,
    unique: Vec<Vec<String>>,
    columns: Vec<ColumnForm>,
    indexes: Vec<IndexForm>,
    foreign_keys: Vec<ForeignKeyForm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnForm {
    name: String,
    #[serde(rename = "type")]
    sql_type: String,
    nullable: bool,
    default: Option<String>,
    #[serde(default)]
    auto_increment: bool,
    /// The values an enum column allows (its type's, or a CHECK's).
    values: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexForm {
    name: String,
    columns: Vec<String>,
    unique: bool,
    /// Parallel to `columns`; absent: all ascending.
    descending: Option<Vec<bool>>,
    /// Parallel to `columns`; absent: NULLs where the backend puts them unless told.
    nulls_first: Option<Vec<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForeignKeyForm {
    name: String,
    columns: Vec<String>,
    table: String,
    referenced: Vec<String>,
    on_delete: String,
}

/// Reads a snapshot file. The error is a diagnostic located in the snapshot's text.
pub fn parse(text: &str) -> Result<Snapshot, Diagnostic> {
    let file: FileForm = toml::from_str(text).map_err(|e| {
        Diagnostic::error(
            e.span(),
            format!("invalid snapshot: {}", e.message().trim_end()),
        )
        .help("regenerate it with `storegen prepare`")
    })?;
    if file.format != FORMAT {
        return Err(Diagnostic::error(
            None,
            format!(
                "snapshot format {} is not one this storegen reads (it reads {FORMAT})",
                file.format
            ),
        )
        .help("regenerate it with `storegen prepare`"));
    }
    let backend = BackendKind::from_name(&file.backend).ok_or_else(|| {
        Diagnostic::error(
            None,
            format!(
                "snapshot backend `{}` is not one storegen knows",
                file.backend
            ),
        )
    })?;
    let mut tables = Vec::with_capacity(file.tables.len());
    for t in file.tables {
        for i in &t.indexes {
            let lengths = [i.descending.as_ref(), i.nulls_first.as_ref()];
            if lengths.iter().flatten().any(|v| v.len() != i.columns.len()) {
                return Err(Diagnostic::error(
                    None,
                    format!(
                        "snapshot: index `{}` of `{}` has {} columns but another number of `descending` or `nulls_first` flags",
                        i.name,
                        t.name,
                        i.columns.len()
                    ),
                )
                .help("regenerate it with `storegen prepare`"));
            }
        }
        let mut foreign_keys = Vec::with_capacity(t.foreign_keys.len());
        for k in t.foreign_keys {
            let on_delete = OnDelete::from_name(&k.on_delete).ok_or_else(|| {
                Diagnostic::error(
                    None,
                    format!("snapshot: unknown on_delete `{}`", k.on_delete),
                )
            })?;
            foreign_keys.push(CatalogForeignKey {
                name: k.name,
                columns: k.columns,
                table: k.table,
                referenced: k.referenced,
                on_delete,
            });
        }
        tables.push(CatalogTable {
            name: t.name,
            columns: t
                .columns
                .into_iter()
                .map(|c| CatalogColumn {
                    name: c.name,
                    sql_type: c.sql_type,
                    nullable: c.nullable,
                    default: c.default,
                    auto_increment: c.auto_increment,
                    enum_values: c.values,
                })
                .collect(),
            primary_key: t.primary_key,
            unique: t.unique,
            indexes: t
                .indexes
                .into_iter()
                .map(|i| {
                    let descending = i.descending.unwrap_or_else(|| vec![false; i.columns.len()]);
                    let smallest = backend.dialect().nulls_smallest;
                    let nulls_first = i
                        .nulls_first
                        .unwrap_or_else(|| descending.iter().map(|d| *d != smallest).collect());
                    CatalogIndex {
                        name: i.name,
                        columns: i.columns,
                        unique: i.unique,
                        descending,
                        nulls_first,
                    }
                })
                .collect(),
            foreign_keys,
        });
    }
    Ok(Snapshot {
        catalog: Catalog {
            backend,
            server_version: file.server_version,
            tables,
            // The build's user's privileges are no fact about the schema.
            denied: Vec::new(),
        },
        blueprint_hash: file.blueprint_hash,
        stores: file.blueprint,
        queries: file.queries,
    })
}

/// What changed in the blueprint since the snapshot was taken, one diagnostic a store
/// or field, at its place in the blueprint (a removed one at the store, or the
/// blueprint's start). Empty when the hash still matches.
pub fn staleness(
    schema: &Schema,
    spans: &Spans,
    snapshot: &Snapshot,
    severity: crate::drift::Severity,
) -> Vec<Diagnostic> {
    if blueprint_hash(schema) == snapshot.blueprint_hash {
        return Vec::new();
    }
    let stale = |span: Option<std::ops::Range<usize>>, message: String| {
        Diagnostic {
        severity,
        message: format!("the snapshot is stale: {message}"),
        span,
        label: None,
        help: Some(
            "take it again: `storegen prepare` against a database with this schema, or a build with STOREGEN_WRITE_SNAPSHOT=1 and a live database"
                .into(),
        ),
        related: Box::new([]),
    }
    };
    let mut out = Vec::new();
    let mut push = |span, message| out.push(stale(span, message));
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        let Some(old) = snapshot.stores.get(&store.name) else {
            push(
                Some(store_spans.name.clone()),
                format!("store `{}` was added since it was taken", store.name),
            );
            continue;
        };
        let new = signature(store);
        if new.table != old.table {
            push(
                Some(store_spans.name.clone()),
                format!(
                    "store `{}` now uses table `{}`, not `{}`",
                    store.name, new.table, old.table
                ),
            );
        }
        if new.primary_key != old.primary_key {
            push(
                Some(store_spans.primary_key.clone()),
                format!("the primary key of store `{}` changed", store.name),
            );
        }
        let name_of = |sig: &str| sig.split(':').next().unwrap_or_default().to_owned();
        for (i, sig) in new.fields.iter().enumerate() {
            let name = name_of(sig);
            let span = store_spans.fields.get(i).cloned();
            match old.fields.iter().find(|o| name_of(o) == name) {
                None => push(
                    span,
                    format!("field `{}.{name}` was added since it was taken", store.name),
                ),
                Some(was) if was != sig => push(
                    span,
                    format!(
                        "field `{}.{name}` changed: it was `{}`, it is `{}`",
                        store.name,
                        was.split_once(": ").map_or(was.as_str(), |(_, s)| s),
                        sig.split_once(": ").map_or(sig.as_str(), |(_, s)| s)
                    ),
                ),
                Some(_) => {}
            }
        }
        for was in &old.fields {
            let name = name_of(was);
            if !new.fields.iter().any(|n| name_of(n) == name) {
                push(
                    Some(store_spans.name.clone()),
                    format!(
                        "field `{}.{name}` was removed since it was taken",
                        store.name
                    ),
                );
            }
        }
    }
    for old in snapshot.stores.keys() {
        if schema.store(old).is_none() {
            push(
                Some(spans.blueprint.clone()),
                format!("store `{old}` was removed since it was taken"),
            );
        }
    }
    if out.is_empty() {
        // The hash differs but no store or field does: an edit this storegen's
        // comparison doesn't see (or a hand-edited hash).
        out.push(stale(
            Some(spans.blueprint.clone()),
            "the blueprint's schema changed since it was taken".into(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLUEPRINT: &str = r#"
[blueprint]
name = "s"
[stores.notes.fields]
id = { type = "int64", primary_key = true, generated = true }
body = { type = "text", max_length = 20, default = "it's \"x\"" }
"#;

    #[test]
    fn a_snapshot_reads_back_what_was_written() {
        let (blueprint, _) = crate::build::blueprint::parse(BLUEPRINT).unwrap();
        let catalog = Catalog {
            backend: BackendKind::Postgres,
            server_version: "15.19".into(),
            tables: vec![CatalogTable {
                name: "notes".into(),
                columns: vec![CatalogColumn {
                    name: "body".into(),
                    sql_type: "character varying(20)".into(),
                    nullable: false,
                    default: Some("'it''s \"x\"'::character varying".into()),
                    auto_increment: false,
                    enum_values: None,
                }],
                primary_key: vec!["id".into()],
                unique: vec![vec!["body".into()]],
                indexes: vec![],
                foreign_keys: vec![CatalogForeignKey {
                    name: "notes_id_fkey".into(),
                    columns: vec!["id".into()],
                    table: "other".into(),
                    referenced: vec!["id".into()],
                    on_delete: OnDelete::SetNull,
                }],
            }],
            denied: Vec::new(),
        };
        let text = render(&blueprint.schema, &catalog);
        let read = parse(&text).unwrap();
        assert_eq!(read.catalog, catalog);
        assert_eq!(read.blueprint_hash, blueprint_hash(&blueprint.schema));
        assert_eq!(
            read.stores["notes"].fields,
            [
                "id: int64, generated",
                "body: text (max_length 20), default \"it's \\\"x\\\"\""
            ]
        );
        assert!(
            staleness(
                &blueprint.schema,
                &blueprint.spans,
                &read,
                crate::drift::Severity::Error
            )
            .is_empty()
        );
        // Rendering is deterministic.
        assert_eq!(
            render_with_queries(&blueprint.schema, &read.catalog, &read.queries),
            text
        );
    }
}
