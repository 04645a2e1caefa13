//! Blueprint v1: TOML (parsed with spans, in declaration order) to [`Schema`], with every
//! semantic problem reported as a located [`Diagnostic`] — all of them in one run.
//!
//! The walk is by hand over toml's spanned document rather than through
//! `#[derive(Deserialize)]`: serde stops at the first error, and a user fixing a
//! blueprint wants all of them, each with the key it belongs to and the nearest valid
//! spelling.

mod defaults;
mod fields;
mod keys;
mod rules;
pub(crate) mod types;
pub(crate) use types::enum_variant;
pub(crate) mod names;
mod value;

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Validate;
use super::diagnostics::Diagnostic;
use crate::backend::BackendKind;
use crate::drift::Location;
use crate::model::{Index, OrderField, Schema, Store};
use names::{camel_case, check_snake_case, check_type_name};
use value::Walker;

pub(crate) type Span = Range<usize>;

/// A parsed, checked blueprint.
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// The declared schema.
    pub schema: Schema,
    /// The `[database]` section.
    pub database: Database,
    /// Where each part was declared, for diagnostics.
    pub spans: Spans,
    /// `[queries] files`: the query files' glob patterns, relative to the blueprint,
    /// each with where it was written.
    pub queries: Vec<(String, Span)>,
    /// Renames and backfills, for the next migration.
    pub evolution: Evolution,
}

/// The `[database]` section's build-time settings.
#[derive(Debug, Clone, Default)]
pub struct Database {
    /// `url`, as written (with `${VAR}` unexpanded), and where.
    pub url: Option<(String, Span)>,
    /// `snapshot`: the snapshot file's path, as written, and where.
    pub snapshot: Option<(String, Span)>,
    /// `validate`: how to check the blueprint, and where.
    pub validate: Option<(Validate, Span)>,
    /// `schema`: the PostgreSQL schema (default: the connection's current schema) or
    /// MySQL database (default: the URL's) to check.
    pub schema: Option<String>,
    /// `connect_timeout`, in seconds; default 5.
    pub connect_timeout: Option<std::time::Duration>,
    /// `migrations`: the folder of versioned migrations, relative to the blueprint,
    /// and where it was written.
    pub migrations: Option<(String, Span)>,
}

/// What a blueprint says about where its schema came from, for `storegen migration new`:
/// it changes nothing the generated code does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evolution {
    /// `renamed_from` on stores: (store name, its previous name).
    pub stores: Vec<(String, String)>,
    /// `renamed_from` on fields: (store name, field name, the field's previous name).
    pub fields: Vec<(String, String, String)>,
    /// `backfill`: (store name, field name, the value existing rows get).
    pub backfills: Vec<(String, String, crate::model::DefaultValue)>,
}

/// Where each part of the schema was declared, for locating diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    /// The `[blueprint]` table, or the document's start.
    pub blueprint: Span,
    /// The `[database]` table, when there is one.
    pub database: Option<Span>,
    /// Parallel to `Schema::stores`.
    pub stores: Vec<StoreSpans>,
}

/// Where one store's parts were declared.
#[derive(Debug, Clone, Default)]
pub struct StoreSpans {
    /// The store's key in its `[stores.<name>]` header.
    pub name: Span,
    /// The store's `primary_key = [...]`, or the key field's `primary_key = true`.
    pub primary_key: Span,
    /// Parallel to `Store::fields`: each field's key.
    pub fields: Vec<Span>,
    /// Parallel to `Store::indexes`.
    pub indexes: Vec<Span>,
}

impl Spans {
    /// Where a drift at `location` belongs in the blueprint.
    pub fn locate(&self, schema: &Schema, location: &Location) -> Option<Span> {
        let position = schema
            .stores
            .iter()
            .position(|s| s.name == location.store())?;
        let store = self.stores.get(position)?;
        Some(match location {
            Location::Store { .. } => store.name.clone(),
            Location::PrimaryKey { .. } => store.primary_key.clone(),
            Location::Field { field, .. } => {
                let index = schema.stores[position]
                    .fields
                    .iter()
                    .position(|f| &f.name == field)?;
                store.fields.get(index)?.clone()
            }
            Location::Index { index, .. } => store.indexes.get(*index)?.clone(),
        })
    }
}

const TOP_KEYS: &[&str] = &["blueprint", "database", "stores", "rust", "queries"];
const QUERIES_KEYS: &[&str] = &["files"];
const TOP_LATER: &[(&str, &str)] = &[];
const RUST_KEYS: &[&str] = &["datetime"];
const BLUEPRINT_KEYS: &[&str] = &["name", "description", "version"];
const DATABASE_KEYS: &[&str] = &[
    "backends",
    "url",
    "snapshot",
    "validate",
    "schema",
    "connect_timeout",
    "migrations",
];
const STORE_KEYS: &[&str] = &[
    "table",
    "record",
    "description",
    "renamed_from",
    "primary_key",
    "fields",
    "indexes",
];
const INDEX_KEYS: &[&str] = &["fields", "unique", "name", "order"];

/// Parses and checks a blueprint. `Err` holds every diagnostic when any is an error;
/// `Ok` may still carry warnings.
pub fn parse(source: &str) -> Result<(Blueprint, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (document, errors) = DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                Diagnostic::error(
                    e.span(),
                    format!("invalid TOML: {}", e.message().trim_end()),
                )
            })
            .collect());
    }
    let mut walker = Walker::new();
    let blueprint = read_document(&mut walker, document.get_ref(), document.span());
    let diagnostics = walker.into_diagnostics();
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(diagnostics)
    } else {
        Ok((blueprint, diagnostics))
    }
}

/// `[rust]`: which crates the Rust types come from: `datetime = "chrono"` (the default)
/// or `"time"`.
fn read_rust_section(w: &mut Walker, section: &Spanned<DeValue<'_>>) {
    let Some(table) = w.table(section, "`[rust]`") else {
        return;
    };
    w.check_keys(table, RUST_KEYS, &[], "in `[rust]`");
    let Some(value) = table.get("datetime") else {
        return;
    };
    let Some(choice) = w.string(value, "`[rust] datetime`") else {
        return;
    };
    match choice.as_str() {
        "chrono" => w.datetime = crate::model::DateTimeCrate::Chrono,
        "time" => w.datetime = crate::model::DateTimeCrate::Time,
        other => w.push(
            Diagnostic::error(
                Some(value.span()),
                format!(
                    "`[rust] datetime` is \"{other}\", not a date and time crate storegen knows"
                ),
            )
            .help("use \"chrono\" (the default) or \"time\""),
        ),
    }
}

fn read_document(w: &mut Walker, doc: &DeTable<'_>, span: Span) -> Blueprint {
    w.check_keys(doc, TOP_KEYS, TOP_LATER, "at the top level");
    let mut spans = Spans {
        blueprint: 0..0,
        ..Spans::default()
    };

    let (name, description) = match doc.get("blueprint") {
        Some(section) => {
            spans.blueprint = w.key_span(doc, "blueprint").unwrap_or(section.span());
            read_blueprint_section(w, section, spans.blueprint.clone())
        }
        None => {
            w.push(
                Diagnostic::error(
                    Some(span.start..span.start),
                    "the `[blueprint]` section is missing",
                )
                .help("add `[blueprint]` with `name = \"<snake_case name>\"`"),
            );
            (String::new(), None)
        }
    };

    if let Some(section) = doc.get("rust") {
        read_rust_section(w, section);
    }

    let mut database = Database::default();
    let mut backends = vec![BackendKind::Sqlite];
    if let Some(section) = doc.get("database") {
        spans.database = Some(w.key_span(doc, "database").unwrap_or(section.span()));
        backends = read_database_section(w, section, &mut database).unwrap_or(backends);
    }

    let queries = doc
        .get("queries")
        .map(|section| read_queries_section(w, section))
        .unwrap_or_default();

    let mut stores = Vec::new();
    let mut references = Vec::new();
    let mut evolution = Evolution::default();
    match doc.get("stores") {
        Some(section) => {
            if let Some(table) = w.table(section, "`stores`") {
                let names: Vec<&str> = table.keys().map(|k| k.get_ref().as_ref()).collect();
                for (key, value) in table.iter() {
                    let (store, store_spans, pending) =
                        read_store(w, key, value, &names, &mut evolution);
                    references.extend(
                        pending
                            .into_iter()
                            .map(|(field, r)| (stores.len(), field, r)),
                    );
                    stores.push(store);
                    spans.stores.push(store_spans);
                }
                if table.is_empty() {
                    w.push(Diagnostic::error(Some(section.span()), "the blueprint declares no stores")
                        .help("declare one with `[stores.<name>]` and its `[stores.<name>.fields]`"));
                }
            }
        }
        None => w.push(
            Diagnostic::error(
                Some(span.start..span.start),
                "the blueprint declares no stores",
            )
            .help("declare one with `[stores.<name>]` and its `[stores.<name>.fields]`"),
        ),
    }

    let mut schema = Schema {
        name,
        description,
        backends,
        stores,
        datetime: w.datetime,
    };
    keys::resolve_references(w, &mut schema, references);
    for backend in &schema.backends {
        for diagnostic in backend.rules().check_blueprint(&schema, &spans) {
            w.push(diagnostic);
        }
    }
    rules::check_unsigned_backends(w, &schema, &spans);
    rules::check_json_not_indexed(w, &schema, &spans);
    rules::check_versions(w, &schema, &spans);
    rules::check_key_types(w, &schema, &spans);
    rules::check_order_fields(w, &schema, &spans);
    rules::check_finder_names(w, &schema, &spans);
    rules::check_references_indexed(w, &schema, &spans);
    rules::check_reserved_tables(w, &schema, &spans);
    names::check_collisions(w, &schema, &spans);
    Blueprint {
        schema,
        database,
        spans,
        queries,
        evolution,
    }
}

/// `[queries] files = ["queries/*.sql"]`.
fn read_queries_section(w: &mut Walker, section: &Spanned<DeValue<'_>>) -> Vec<(String, Span)> {
    let Some(table) = w.table(section, "`[queries]`") else {
        return Vec::new();
    };
    w.check_keys(table, QUERIES_KEYS, &[], "in `[queries]`");
    let Some(files) = table.get("files") else {
        w.push(
            Diagnostic::error(Some(section.span()), "`[queries]` has no `files`").help(
                "list the query files: `files = [\"queries/*.sql\"]`, relative to the blueprint",
            ),
        );
        return Vec::new();
    };
    let patterns = w
        .string_array(files, "`[queries] files`")
        .unwrap_or_default();
    for (pattern, span) in &patterns {
        if pattern.trim().is_empty() {
            w.push(Diagnostic::error(
                Some(span.clone()),
                "an empty pattern in `[queries] files`",
            ));
        }
    }
    if !cfg!(feature = "queries") && !patterns.is_empty() {
        w.push(
            Diagnostic::error(
                Some(files.span()),
                "custom queries need storegen's `queries` feature",
            )
            .help("enable it where the build script uses storegen: `[build-dependencies] storegen = { ..., features = [\"codegen\", \"queries\"] }`"),
        );
    }
    patterns
}

fn read_blueprint_section(
    w: &mut Walker,
    section: &Spanned<DeValue<'_>>,
    header: Span,
) -> (String, Option<String>) {
    let Some(table) = w.table(section, "`[blueprint]`") else {
        return (String::new(), None);
    };
    w.check_keys(table, BLUEPRINT_KEYS, &[], "in `[blueprint]`");
    let name = match table.get("name") {
        Some(value) => match w.string(value, "`[blueprint] name`") {
            Some(name) => {
                check_snake_case(w, &name, value.span(), "blueprint name", &[]);
                name
            }
            None => String::new(),
        },
        None => {
            w.push(
                Diagnostic::error(Some(header), "`[blueprint]` has no `name`")
                    .help("add `name = \"<snake_case name>\"`: it names the generated file"),
            );
            String::new()
        }
    };
    if let Some(version) = table.get("version")
        && let Some(v) = w.integer(version, "`[blueprint] version`")
        && v != 1
    {
        w.push(
            Diagnostic::error(
                Some(version.span()),
                format!("blueprint version {v} is not supported"),
            )
            .help("this storegen reads blueprint version 1"),
        );
    }
    let description = table
        .get("description")
        .and_then(|d| w.string(d, "`[blueprint] description`"));
    (name, description)
}

fn read_database_section(
    w: &mut Walker,
    section: &Spanned<DeValue<'_>>,
    database: &mut Database,
) -> Option<Vec<BackendKind>> {
    let table = w.table(section, "`[database]`")?;
    w.check_keys(table, DATABASE_KEYS, &[], "in `[database]`");
    if let Some(schema) = table.get("schema") {
        database.schema = w
            .string(schema, "`[database] schema`")
            .filter(|s| names::check_sql_name(w, s, schema.span(), "`[database] schema`"));
    }
    if let Some(timeout) = table.get("connect_timeout") {
        match w.integer(timeout, "`[database] connect_timeout`") {
            Some(seconds) if (1..=3600).contains(&seconds) => {
                database.connect_timeout = Some(std::time::Duration::from_secs(seconds.unsigned_abs()));
            }
            Some(seconds) => w.push(
                Diagnostic::error(
                    Some(timeout.span()),
                    format!("`[database] connect_timeout` must be from 1 to 3600 seconds, found {seconds}"),
                )
                .label("seconds"),
            ),
            None => {}
        }
    }
    if let Some(url) = table.get("url") {
        database.url = w.string(url, "`[database] url`").map(|u| (u, url.span()));
    }
    if let Some(migrations) = table.get("migrations") {
        database.migrations = w
            .string(migrations, "`[database] migrations`")
            .map(|s| (s, migrations.span()));
    }
    if let Some(snapshot) = table.get("snapshot") {
        database.snapshot = w
            .string(snapshot, "`[database] snapshot`")
            .map(|s| (s, snapshot.span()));
    }
    if let Some(validate) = table.get("validate")
        && let Some(text) = w.string(validate, "`[database] validate`")
    {
        match Validate::from_name(&text) {
            Some(mode) => database.validate = Some((mode, validate.span())),
            None => w.unknown_name(
                validate.span(),
                format!("unknown validation mode `{text}`"),
                &text,
                &Validate::NAMES,
            ),
        }
    }
    let value = table.get("backends")?;
    let names = w.string_array(value, "`[database] backends`")?;
    if names.is_empty() {
        w.push(
            Diagnostic::error(Some(value.span()), "`[database] backends` is empty")
                .help("list at least one of \"sqlite\", \"postgres\", \"mysql\""),
        );
        return None;
    }
    let mut backends: Vec<BackendKind> = Vec::new();
    for (name, span) in names {
        match BackendKind::from_name(&name) {
            None => {
                let all: Vec<&str> = BackendKind::ALL.iter().map(|b| b.name()).collect();
                w.unknown_name(span, format!("unknown backend `{name}`"), &name, &all);
            }
            Some(b) if backends.contains(&b) => {
                w.push(Diagnostic::error(
                    Some(span),
                    format!("backend `{name}` is listed twice"),
                ));
            }
            Some(b) => backends.push(b),
        }
    }
    Some(backends)
}

type PendingReferences = Vec<(usize, fields::PendingReference)>;

fn read_store(
    w: &mut Walker,
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    siblings: &[&str],
    evolution: &mut Evolution,
) -> (Store, StoreSpans, PendingReferences) {
    let name = key.get_ref().to_string();
    let name_span = key.span();
    check_snake_case(w, &name, name_span.clone(), "store name", siblings);
    names::check_store_name(w, &name, name_span.clone());
    let mut spans = StoreSpans {
        name: name_span.clone(),
        primary_key: name_span.clone(),
        ..StoreSpans::default()
    };
    let mut store = Store {
        name: name.clone(),
        table: name.clone(),
        record: camel_case(&name),
        description: None,
        fields: Vec::new(),
        primary_key: Vec::new(),
        indexes: Vec::new(),
    };
    let context = format!("store `{name}`");
    let Some(table) = w.table(value, &context) else {
        return (store, spans, Vec::new());
    };
    w.check_keys(table, STORE_KEYS, &[], &format!("in {context}"));

    if let Some(v) = table.get("table")
        && let Some(t) = w.string(v, &format!("{context}: `table`"))
        && names::check_sql_name(w, &t, v.span(), &format!("{context}: `table`"))
    {
        store.table = t;
    }
    if let Some(v) = table.get("record")
        && let Some(r) = w.string(v, &format!("{context}: `record`"))
    {
        check_type_name(w, &r, v.span(), &context);
        store.record = r;
    }
    if let Some(v) = table.get("description") {
        store.description = w.string(v, &format!("{context}: `description`"));
    }
    if let Some(v) = table.get("renamed_from")
        && let Some(old) = w.string(v, &format!("{context}: `renamed_from`"))
    {
        evolution.stores.push((name.clone(), old));
    }

    let mut key_flags = Vec::new();
    let mut references = Vec::new();
    match table.get("fields") {
        Some(fields_value) => {
            if let Some(fields_table) = w.table(fields_value, &format!("{context}: `fields`")) {
                let siblings: Vec<&str> =
                    fields_table.keys().map(|k| k.get_ref().as_ref()).collect();
                for (field_key, field_value) in fields_table.iter() {
                    let decl = fields::read_field(
                        w,
                        &name,
                        &store.record,
                        field_key,
                        field_value,
                        &siblings,
                    );
                    let position = store.fields.len();
                    if let Some(flag) = decl.key_flag {
                        key_flags.push((position, flag));
                    }
                    if let Some(reference) = decl.reference {
                        references.push((position, reference));
                    }
                    if let Some(old) = decl.renamed_from {
                        evolution
                            .fields
                            .push((name.clone(), decl.field.name.clone(), old));
                    }
                    if let Some(value) = decl.backfill {
                        evolution
                            .backfills
                            .push((name.clone(), decl.field.name.clone(), value));
                    }
                    spans.fields.push(field_key.span());
                    store.fields.push(decl.field);
                }
                if fields_table.is_empty() {
                    w.push(Diagnostic::error(
                        Some(fields_value.span()),
                        format!("{context} declares no fields"),
                    ));
                }
            }
        }
        None => w.push(
            Diagnostic::error(
                Some(name_span.clone()),
                format!("{context} declares no fields"),
            )
            .help(format!("declare them in `[stores.{name}.fields]`")),
        ),
    }
    keys::check_columns(w, &store, &spans);
    keys::read_primary_key(w, &mut store, &mut spans, &key_flags, table);

    if let Some(value) = table.get("indexes") {
        read_indexes(w, &mut store, &mut spans, value, &context);
    }
    (store, spans, references)
}

/// An index's `order`: `"<field>"`, `"<field> asc"` or `"<field> desc"` each, after
/// the equality fields. `None` when it has an error (reported).
fn read_order(
    w: &mut Walker,
    store: &Store,
    value: &Spanned<DeValue<'_>>,
    equal: &[usize],
    unique: bool,
    context: &str,
) -> Option<Vec<OrderField>> {
    let items = w.string_array(value, &format!("{context}: index `order`"))?;
    if unique {
        w.push(
            Diagnostic::error(
                Some(value.span()),
                format!("{context}: a unique index has no `order`: it finds one row"),
            )
            .help("remove `order`, or `unique` to list rows by the index"),
        );
        return None;
    }
    let mut order: Vec<OrderField> = Vec::new();
    let mut ok = true;
    for (text, span) in &items {
        let mut words = text.split_whitespace();
        let (name, direction) = (words.next().unwrap_or(""), words.next());
        let descending = match (
            direction.map(str::to_ascii_lowercase).as_deref(),
            words.next(),
        ) {
            (None, None) => false,
            (Some("asc"), None) => false,
            (Some("desc"), None) => true,
            _ => {
                w.push(
                    Diagnostic::error(
                        Some(span.clone()),
                        format!("{context}: index `order` item `{text}` is not `<field> asc` or `<field> desc`"),
                    )
                    .help("write a field name, then `asc` (the default) or `desc`"),
                );
                ok = false;
                continue;
            }
        };
        match store.fields.iter().position(|f| f.name == name) {
            Some(p) if equal.contains(&p) || order.iter().any(|o| o.field == p) => {
                w.push(Diagnostic::error(
                    Some(span.clone()),
                    format!("{context}: an index lists `{name}` twice (in `fields` or `order`)"),
                ));
                ok = false;
            }
            Some(field) => order.push(OrderField { field, descending }),
            None => {
                let known: Vec<&str> = store.fields.iter().map(|f| f.name.as_str()).collect();
                w.unknown_name(
                    span.clone(),
                    format!("{context}: index `order` names unknown field `{name}`"),
                    name,
                    &known,
                );
                ok = false;
            }
        }
    }
    ok.then_some(order)
}

fn read_indexes(
    w: &mut Walker,
    store: &mut Store,
    spans: &mut StoreSpans,
    value: &Spanned<DeValue<'_>>,
    context: &str,
) {
    let Some(items) = w.array(value, &format!("{context}: `indexes`")) else {
        return;
    };
    for item in items.iter() {
        let Some(table) = w.table(item, &format!("{context}: an index")) else {
            continue;
        };
        w.check_keys(table, INDEX_KEYS, &[], &format!("in an index of {context}"));
        let Some(fields_value) = table.get("fields") else {
            w.push(
                Diagnostic::error(
                    Some(item.span()),
                    format!("{context}: an index has no `fields`"),
                )
                .help("list the indexed fields: `fields = [\"<field>\", ...]`"),
            );
            continue;
        };
        let Some(names) = w.string_array(fields_value, &format!("{context}: index `fields`"))
        else {
            continue;
        };
        if names.is_empty() {
            w.push(Diagnostic::error(
                Some(fields_value.span()),
                format!("{context}: an index lists no fields"),
            ));
            continue;
        }
        let mut positions = Vec::new();
        for (field, span) in &names {
            match store.fields.iter().position(|f| &f.name == field) {
                Some(p) if positions.contains(&p) => w.push(Diagnostic::error(
                    Some(span.clone()),
                    format!("{context}: an index lists `{field}` twice"),
                )),
                Some(p) => positions.push(p),
                None => {
                    let known: Vec<&str> = store.fields.iter().map(|f| f.name.as_str()).collect();
                    w.unknown_name(
                        span.clone(),
                        format!("{context}: an index names unknown field `{field}`"),
                        field,
                        &known,
                    );
                }
            }
        }
        let unique = table
            .get("unique")
            .and_then(|u| w.boolean(u, &format!("{context}: index `unique`")))
            .unwrap_or(false);
        let order = match table.get("order") {
            Some(value) => match read_order(w, store, value, &positions, unique, context) {
                Some(order) => order,
                None => continue,
            },
            None => Vec::new(),
        };
        let default_name = || {
            let columns: Vec<&str> = positions
                .iter()
                .chain(order.iter().map(|o| &o.field))
                .map(|&p| store.fields[p].column.as_str())
                .collect();
            format!(
                "{}_{}_{}",
                store.table,
                columns.join("_"),
                if unique { "key" } else { "idx" }
            )
        };
        let name = match table.get("name") {
            Some(n) => match w.string(n, &format!("{context}: index `name`")) {
                Some(name) if name.trim().is_empty() => {
                    w.push(
                        Diagnostic::error(
                            Some(n.span()),
                            format!("{context}: an index `name` can't be empty or blank"),
                        )
                        .help("name the index, or leave `name` out for the default"),
                    );
                    continue;
                }
                Some(name) => name,
                None => default_name(),
            },
            None => default_name(),
        };
        if positions.len() == names.len() {
            spans.indexes.push(item.span());
            store.indexes.push(Index {
                name,
                fields: positions,
                unique,
                order,
            });
        }
    }
}
