//! Keys and references: primary keys (one field's flag or a store's list), and
//! `references` resolved once every store is read.

use toml::de::DeTable;

use super::fields::{FieldDecl, PendingReference};
use super::types::kind;
use super::value::Walker;
use super::{Span, StoreSpans};
use crate::build::diagnostics::Diagnostic;
use crate::model::{OnDelete, Reference, Schema, Store};

pub(super) fn read_reference(
    w: &mut Walker,
    table: &DeTable<'_>,
    context: &str,
    decl: &mut FieldDecl,
) {
    let on_delete = table.get("on_delete").and_then(|v| {
        let name = w.string(v, &format!("{context}: `on_delete`"))?;
        match OnDelete::from_name(&name) {
            Some(action) => Some((action, v.span())),
            None => {
                w.unknown_name(
                    v.span(),
                    format!("{context}: unknown `on_delete` action `{name}`"),
                    &name,
                    &OnDelete::NAMES,
                );
                None
            }
        }
    });
    let Some(v) = table.get("references") else {
        if let Some((_, span)) = on_delete {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!("{context} has `on_delete` but no `references`"),
                )
                .help("add `references = \"<store>.<field>\"`, or remove `on_delete`"),
            );
        }
        return;
    };
    let Some(target) = w.string(v, &format!("{context}: `references`")) else {
        return;
    };
    let (action, action_span) = match on_delete {
        Some((a, s)) => (a, Some(s)),
        None => (OnDelete::NoAction, None),
    };
    match action {
        OnDelete::SetNull if !decl.field.nullable => w.push(
            Diagnostic::error(
                action_span.clone(),
                format!("{context}: `on_delete = \"set_null\"` needs a nullable field"),
            )
            .help("add `nullable = true`, or choose another action"),
        ),
        OnDelete::SetDefault if decl.field.default.is_none() => w.push(
            Diagnostic::error(
                action_span.clone(),
                format!("{context}: `on_delete = \"set_default\"` needs a `default`"),
            )
            .help("add a `default`, or choose another action"),
        ),
        _ => {}
    }
    decl.reference = Some(PendingReference {
        target,
        span: v.span(),
        on_delete: action,
    });
}

/// Two fields of one store may not share a column.
pub(super) fn check_columns(w: &mut Walker, store: &Store, spans: &StoreSpans) {
    for (i, field) in store.fields.iter().enumerate() {
        if let Some(j) = store.fields[..i]
            .iter()
            .position(|f| f.column.eq_ignore_ascii_case(&field.column))
        {
            let first = &store.fields[j];
            w.push(
                Diagnostic::error(
                    spans.fields.get(i).cloned(),
                    format!(
                        "store `{}`: fields `{}` and `{}` both use column `{}`",
                        store.name, first.name, field.name, field.column
                    ),
                )
                .related(
                    spans.fields.get(j).cloned(),
                    format!("`{}` declared here", first.name),
                )
                .help("set `column` on one of them to the column it stands for"),
            );
        }
    }
}

/// Settles the primary key from `primary_key = [...]` on the store or
/// `primary_key = true` on a field, and checks what it allows.
pub(super) fn read_primary_key(
    w: &mut Walker,
    store: &mut Store,
    spans: &mut StoreSpans,
    key_flags: &[(usize, Span)],
    table: &DeTable<'_>,
) {
    let context = format!("store `{}`", store.name);
    let declared = table.get("primary_key");
    match (declared, key_flags) {
        (Some(v), [(flagged, flag_span), ..]) => {
            w.push(
                Diagnostic::error(
                    Some(v.span()),
                    format!(
                        "{context} declares its primary key twice: here and with `primary_key = true` on field `{}`",
                        store.fields[*flagged].name
                    ),
                )
                .related(Some(flag_span.clone()), "and here")
                .help("keep one of the two"),
            );
            spans.primary_key = flag_span.clone();
            return;
        }
        (Some(v), []) => {
            spans.primary_key = v.span();
            let names = match v.get_ref().as_str() {
                Some(single) => vec![(single.to_owned(), v.span())],
                None => match w.string_array(v, &format!("{context}: `primary_key`")) {
                    Some(names) => names,
                    None => return,
                },
            };
            if names.is_empty() {
                w.push(Diagnostic::error(
                    Some(v.span()),
                    format!("{context}: `primary_key` is empty"),
                ));
                return;
            }
            for (name, span) in names {
                match store.fields.iter().position(|f| f.name == name) {
                    Some(p) if store.primary_key.contains(&p) => w.push(Diagnostic::error(
                        Some(span),
                        format!("{context}: `primary_key` lists `{name}` twice"),
                    )),
                    Some(p) => store.primary_key.push(p),
                    None => {
                        let known: Vec<&str> =
                            store.fields.iter().map(|f| f.name.as_str()).collect();
                        w.unknown_name(
                            span,
                            format!("{context}: `primary_key` names unknown field `{name}`"),
                            &name,
                            &known,
                        );
                    }
                }
            }
        }
        (None, []) => {
            if !store.fields.is_empty() {
                w.push(
                    Diagnostic::error(Some(spans.name.clone()), format!("{context} has no primary key"))
                        .label("no field is the key")
                        .help("mark a field with `primary_key = true`, or list the key's fields in `primary_key = [...]` on the store"),
                );
            }
            return;
        }
        (None, [(only, span)]) => {
            spans.primary_key = span.clone();
            store.primary_key.push(*only);
        }
        (None, [(first, first_span), (second, span), ..]) => {
            w.push(
                Diagnostic::error(
                    Some(span.clone()),
                    format!(
                        "{context}: fields `{}` and `{}` both set `primary_key = true`",
                        store.fields[*first].name, store.fields[*second].name
                    ),
                )
                .related(
                    Some(first_span.clone()),
                    format!("`{}` sets it here", store.fields[*first].name),
                )
                .help(format!(
                    "declare a composite key on the store: `primary_key = [\"{}\", \"{}\"]`",
                    store.fields[*first].name, store.fields[*second].name
                )),
            );
            return;
        }
    }

    for &k in &store.primary_key {
        let field = &store.fields[k];
        if field.nullable {
            w.push(
                Diagnostic::error(
                    spans.fields.get(k).cloned(),
                    format!("{context}: key field `{}` cannot be nullable", field.name),
                )
                .help("remove `nullable = true`"),
            );
        }
    }
    for (i, field) in store.fields.iter().enumerate() {
        if !field.generated {
            continue;
        }
        let problem = if !store.is_key(i) {
            "only a primary key field can be `generated`"
        } else if store.primary_key.len() > 1 {
            "a field of a composite primary key cannot be `generated`"
        } else if !field.ty.is_integer() {
            "only an integer key can be `generated`"
        } else {
            continue;
        };
        w.push(Diagnostic::error(
            spans.fields.get(i).cloned(),
            format!("{context}: field `{}`: {problem}", field.name),
        ));
    }
}

/// Resolves each `references = "store.field"` once every store is known.
pub(super) fn resolve_references(
    w: &mut Walker,
    schema: &mut Schema,
    pending: Vec<(usize, usize, PendingReference)>,
) {
    for (store_index, field_index, reference) in pending {
        let context = format!(
            "field `{}.{}`",
            schema.stores[store_index].name, schema.stores[store_index].fields[field_index].name
        );
        let span = reference.span.clone();
        let Some((target_store, target_field)) = reference.target.split_once('.') else {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!(
                        "{context}: `references = \"{}\"` is not of the form \"<store>.<field>\"",
                        reference.target
                    ),
                )
                .help(
                    "name the referenced store and its field, e.g. `references = \"customers.id\"`",
                ),
            );
            continue;
        };
        let Some(target) = schema.store(target_store) else {
            let stores: Vec<&str> = schema.stores.iter().map(|s| s.name.as_str()).collect();
            w.unknown_name(
                span,
                format!("{context} references unknown store `{target_store}`"),
                target_store,
                &stores,
            );
            continue;
        };
        let Some(position) = target.fields.iter().position(|f| f.name == target_field) else {
            let fields: Vec<&str> = target.fields.iter().map(|f| f.name.as_str()).collect();
            w.unknown_name(
                span,
                format!(
                    "{context} references unknown field `{target_field}` of store `{target_store}`"
                ),
                target_field,
                &fields,
            );
            continue;
        };
        let referenced = &target.fields[position];
        let field = &schema.stores[store_index].fields[field_index];
        if !field.ty.same_kind(&referenced.ty) {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!(
                        "{context} is {} but references `{target_store}.{target_field}`, which is {}",
                        kind(&field.ty),
                        kind(&referenced.ty)
                    ),
                )
                .label("types differ")
                .help(format!("declare `{}` as {}", field.name, kind(&referenced.ty))),
            );
            continue;
        }
        let is_single_key = target.primary_key == [position];
        if !is_single_key && !referenced.unique {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!(
                        "{context} references `{target_store}.{target_field}`, which is neither the store's primary key nor unique"
                    ),
                )
                .help(format!("reference the key of `{target_store}`, or declare `{target_field}` with `unique = true`")),
            );
            continue;
        }
        let resolved = Reference {
            store: target.name.clone(),
            field: referenced.name.clone(),
            table: target.table.clone(),
            column: referenced.column.clone(),
            on_delete: reference.on_delete,
        };
        schema.stores[store_index].fields[field_index].references = Some(resolved);
    }
}
