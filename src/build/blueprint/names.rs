//! Name rules: snake_case stores and fields, CamelCase records, Rust keywords, SQL
//! names, and the collisions between the names the generated code will use.

use std::collections::BTreeMap;

use super::value::Walker;
use super::{Span, Spans};
use crate::build::diagnostics::Diagnostic;
use crate::model::Schema;

/// Rust's keywords, strict and reserved (edition 2024). A field named after one is
/// emitted as a raw identifier (`r#type`).
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Functions every generated module defines beside the store accessors.
const MODULE_FUNCTIONS: &[&str] = &[
    "health",
    "migrate",
    "schema",
    "transaction",
    "transaction_retry",
    "transaction_with",
    "verify",
];
/// Types and constants every generated module defines.
const MODULE_TYPES: &[&str] = &["DDL", "Isolation", "Page", "Retry"];
/// The prelude's variants, which generated code writes bare in patterns and values: a
/// type of the same name would take them over. (Other standard names it writes in full.)
const PRELUDE_VARIANTS: &[&str] = &["Some", "None", "Ok", "Err"];

pub fn is_rust_keyword(name: &str) -> bool {
    RUST_KEYWORDS.contains(&name)
}

pub(crate) fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

/// The snake_case spelling of a name, for a suggestion.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
            previous_lower = false;
        }
    }
    let trimmed = out.trim_end_matches('_');
    match trimmed.chars().next() {
        Some(c) if c.is_ascii_lowercase() => trimmed.to_owned(),
        _ => format!("x_{trimmed}"),
    }
}

/// `order_items` → `OrderItems`.
pub fn camel_case(name: &str) -> String {
    name.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Whether `name` is snake_case; if not, an error that suggests a name neither refused
/// nor among `taken` (the names beside it).
pub fn check_snake_case(
    w: &mut Walker,
    name: &str,
    span: Span,
    what: &str,
    taken: &[&str],
) -> bool {
    if is_snake_case(name) {
        if NOT_RAW.contains(&name) {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!("{what} `{name}` is a Rust keyword that cannot be an identifier"),
                )
                .help("choose another name; a field can keep its SQL name with `column`"),
            );
            return false;
        }
        return true;
    }
    // Never suggest a name that is itself refused, or one already taken.
    let mut suggestion = snake_case(name);
    if NOT_RAW.contains(&suggestion.as_str()) {
        suggestion.push_str("_name");
    }
    let wanted = suggestion.clone();
    let mut n = 2;
    while taken.contains(&suggestion.as_str()) {
        suggestion = format!("{wanted}_{n}");
        n += 1;
    }
    w.push(
        Diagnostic::error(Some(span), format!("{what} `{name}` is not snake_case"))
            .label("expected lowercase letters, digits and single underscores")
            .help(format!("rename it to `{suggestion}`")),
    );
    false
}

/// A record's name: a CamelCase Rust type name.
pub fn check_type_name(w: &mut Walker, name: &str, span: Span, context: &str) {
    let valid = matches!(name.chars().next(), Some('A'..='Z'))
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !is_rust_keyword(name);
    if !valid {
        // Never suggest a name that is itself refused (a keyword, a prelude variant,
        // one of the module's own types).
        let mut suggestion = camel_case(&snake_case(name));
        if is_rust_keyword(&suggestion)
            || PRELUDE_VARIANTS.contains(&suggestion.as_str())
            || MODULE_TYPES.contains(&suggestion.as_str())
        {
            suggestion.push_str("Record");
        }
        w.push(
            Diagnostic::error(
                Some(span),
                format!("{context}: record name `{name}` is not a valid Rust type name"),
            )
            .label("expected CamelCase: an uppercase letter, then letters and digits")
            .help(format!("rename it to `{suggestion}`")),
        );
    }
}

/// A store's name becomes a function of the generated module: it can't be one of the
/// module's own.
pub fn check_store_name(w: &mut Walker, name: &str, span: Span) {
    if MODULE_FUNCTIONS.contains(&name) {
        w.push(
            Diagnostic::error(
                Some(span),
                format!("store name `{name}` is taken by the generated module's `{name}` function"),
            )
            .help(format!(
                "name the store differently and keep the table's name with `table = \"{name}\"`"
            )),
        );
    }
}

/// A `table` or `column` override: any SQL name (it is always quoted), but not empty
/// and without NUL.
pub fn check_sql_name(w: &mut Walker, name: &str, span: Span, what: &str) -> bool {
    let problem = if name.trim().is_empty() {
        "is empty"
    } else if name.contains('\0') {
        "contains a NUL character"
    } else if name.len() > 63 {
        // PostgreSQL truncates identifiers longer than 63 bytes, silently.
        "is longer than 63 bytes, which PostgreSQL would truncate"
    } else {
        return true;
    };
    w.push(Diagnostic::error(Some(span), format!("{what} {problem}")));
    false
}

/// Names that must be unique across the whole schema: tables, records and the types
/// generated for them, index names.
pub fn check_collisions(w: &mut Walker, schema: &Schema, spans: &Spans) {
    let mut tables: BTreeMap<String, (&str, Option<Span>)> = BTreeMap::new();
    // Each generated type name, with its owner and where that was declared.
    let mut types: BTreeMap<String, (String, Option<Span>)> = MODULE_TYPES
        .iter()
        .map(|t| ((*t).to_owned(), ("the generated module".to_owned(), None)))
        .chain(
            PRELUDE_VARIANTS
                .iter()
                .map(|t| ((*t).to_owned(), ("Rust's prelude".to_owned(), None))),
        )
        .collect();
    let mut index_names: BTreeMap<String, (&str, Span)> = BTreeMap::new();
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        let here = Some(store_spans.name.clone());
        if let Some((other, first)) = tables.insert(
            store.table.to_ascii_lowercase(),
            (&store.name, here.clone()),
        ) {
            w.push(
                Diagnostic::error(
                    here.clone(),
                    format!(
                        "stores `{other}` and `{}` both use table `{}`",
                        store.name, store.table
                    ),
                )
                .related(first, format!("store `{other}` declared here")),
            );
        }
        for (generated, what) in generated_types(store) {
            let owner = format!("store `{}`", store.name);
            if let Some((other, first)) =
                types.insert(generated.clone(), (owner.clone(), here.clone()))
            {
                let message = if other == owner {
                    format!(
                        "store `{}`: record name `{}` collides with its own {what}",
                        store.name, store.record
                    )
                } else {
                    format!(
                        "store `{}`: the {what} `{generated}` collides with a name of {other}",
                        store.name
                    )
                };
                let first = if other == owner { None } else { first };
                w.push(
                    Diagnostic::error(here.clone(), message)
                        .related(first, format!("{other} declared here"))
                        .help("set `record` to a different name"),
                );
                // The other names derive from the same record name: one report is enough.
                break;
            }
        }
    }
    // Enums: a name of their own, or one shared by fields with the same values.
    let mut enums: BTreeMap<&str, (&crate::model::LogicalType, String)> = BTreeMap::new();
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (field, span) in store.fields.iter().zip(&store_spans.fields) {
            let crate::model::LogicalType::Enum { name, values, .. } = &field.ty else {
                continue;
            };
            let owner = format!("field `{}.{}`", store.name, field.name);
            let backend_problem = schema
                .backends
                .iter()
                .find_map(|b| b.rules().enum_type_problem(&field.ty, values, schema));
            if let Some(problem) = backend_problem {
                w.push(
                    Diagnostic::error(Some(span.clone()), format!("{owner}: {problem}"))
                        .help("set `enum_name` to another name, or `storage = \"text\"`"),
                );
                continue;
            }
            let problem = match (enums.get(name.as_str()), types.get(name).map(|(o, _)| o)) {
                (Some((ty, _)), _) if *ty == &field.ty => continue,
                (Some((_, other)), _) => {
                    format!("the enum `{name}` is also {other}'s, with other values or storage")
                }
                (None, Some(other)) => {
                    format!("the enum `{name}` collides with a name of {other}")
                }
                (None, None) => {
                    enums.insert(name, (&field.ty, owner));
                    continue;
                }
            };
            w.push(
                Diagnostic::error(Some(span.clone()), format!("{owner}: {problem}")).help(
                    "set `enum_name` to a name of its own, or give both fields the same `values`",
                ),
            );
        }
    }
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (index, span) in store.indexes.iter().zip(&store_spans.indexes) {
            if let Some((other, first)) =
                index_names.insert(index.name.to_ascii_lowercase(), (&store.name, span.clone()))
            {
                w.push(
                    Diagnostic::error(
                        Some(span.clone()),
                        format!(
                            "index name `{}` is already used in store `{other}`",
                            index.name
                        ),
                    )
                    .related(Some(first), "first used here")
                    .help("set the index's `name` to one not used elsewhere in the blueprint"),
                );
            }
        }
    }
}

/// The type names a store generates, with what each is.
pub fn generated_types(store: &crate::model::Store) -> [(String, &'static str); 5] {
    [
        (store.record.clone(), "record type"),
        (format!("New{}", store.record), "insert type"),
        (format!("{}Patch", store.record), "patch type"),
        (format!("{}Store", camel_case(&store.name)), "store type"),
        (
            format!("{}Ops", camel_case(&store.name)),
            "operations trait",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions() {
        assert_eq!(snake_case("OrderItems"), "order_items");
        assert_eq!(snake_case("order-items"), "order_items");
        assert_eq!(snake_case("2fa"), "x_2fa");
        assert_eq!(camel_case("order_items"), "OrderItems");
        assert_eq!(camel_case("a2b"), "A2b");
        assert!(is_snake_case("order_items2"));
        assert!(!is_snake_case("order__items"));
        assert!(!is_snake_case("_private"));
    }
}
