//! How the schema model is spelled in Rust: identifiers, types, doc comments and literals.
//! A leaf: the shared code generation and each backend's both build on it.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::build::blueprint::names::{camel_case, is_rust_keyword};
use crate::model::{DateTimeCrate, Field, LogicalType, Store};

/// What generating one part of a module needs to know beyond the part itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context {
    /// The schema's `[rust] datetime`: which crate's types date and time fields have.
    pub datetime: DateTimeCrate,
}

impl Context {
    /// Whether date and time fields are the time crate's types (`[rust] datetime =
    /// "time"`) rather than chrono's.
    pub fn time_crate(&self) -> bool {
        self.datetime == DateTimeCrate::Time
    }
}

/// The variant name of a fieldless enum value, which is what its Debug form prints.
pub(crate) fn variant_ident(value: &impl std::fmt::Debug) -> Ident {
    Ident::new(&format!("{value:?}"), Span::call_site())
}

/// `#[doc]` attributes for a blueprint description. Each line is trimmed (a bare CR ends
/// a line, as it can't stand in a doc comment), and code fences (```` ``` ```` or `~~~`)
/// open as `text` whatever language they name, so a description never becomes a doctest.
pub(crate) fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let text = text.trim().replace("\r\n", "\n");
    let mut fence: Option<&str> = None;
    let lines = text.split(['\n', '\r']).map(|line| {
        let mut line = line.trim().to_owned();
        for marker in ["```", "~~~"] {
            if !line.starts_with(marker) {
                continue;
            }
            match fence {
                // The closing fence of the open block.
                Some(open)
                    if open == marker
                        && line
                            .trim_start_matches(marker.as_bytes()[0] as char)
                            .trim()
                            .is_empty() =>
                {
                    fence = None;
                }
                Some(_) => {}
                None => {
                    let ticks: String = line
                        .chars()
                        .take_while(|c| *c == marker.as_bytes()[0] as char)
                        .collect();
                    line = format!("{ticks}text");
                    fence = Some(marker);
                }
            }
        }
        let line = if line.is_empty() {
            line
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// A raw string literal (`r#"..."#`), so SQL reads in the generated file as it runs.
pub(crate) fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| quote!(#text))
}

/// A Rust identifier for a blueprint name; keywords become raw identifiers.
pub(crate) fn ident(name: &str) -> Ident {
    if is_rust_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

pub(crate) fn record_ident(store: &Store) -> Ident {
    Ident::new(&store.record, Span::call_site())
}

pub(crate) fn new_ident(store: &Store) -> Ident {
    format_ident!("New{}", store.record)
}

/// The partial-update type: `IssuePatch` for record `Issue`.
pub(crate) fn patch_ident(store: &Store) -> Ident {
    format_ident!("{}Patch", store.record)
}

/// Expressions for each part of a key taken from a record held in `var`, as `get` takes
/// them: text as `&str`, bytes as `&[u8]`, the rest by value; a tuple when composite.
pub(crate) fn key_of_record(store: &Store, var: &Ident) -> TokenStream {
    let parts: Vec<TokenStream> = store
        .key_fields()
        .map(|f| {
            let name = ident(&f.name);
            match f.ty {
                LogicalType::Text { .. } => quote!(#var.#name.as_str()),
                LogicalType::Bytes => quote!(#var.#name.as_slice()),
                _ => quote!(#var.#name),
            }
        })
        .collect();
    if parts.len() == 1 {
        parts[0].clone()
    } else {
        quote!((#(#parts),*))
    }
}

pub(crate) fn store_ident(store: &Store) -> Ident {
    format_ident!("{}Store", camel_case(&store.name))
}

/// The Rust type that holds a logical type's values.
pub(crate) fn rust_type(cx: &Context, ty: &LogicalType) -> TokenStream {
    match ty {
        LogicalType::Bool => quote!(bool),
        LogicalType::Int16 => quote!(i16),
        LogicalType::Int32 => quote!(i32),
        LogicalType::Int64 => quote!(i64),
        LogicalType::UInt16 => quote!(u16),
        LogicalType::UInt32 => quote!(u32),
        LogicalType::UInt64 => quote!(u64),
        LogicalType::Float32 => quote!(f32),
        LogicalType::Float64 => quote!(f64),
        LogicalType::Text { .. } => quote!(::std::string::String),
        LogicalType::Bytes => quote!(Vec<u8>),
        LogicalType::Date
        | LogicalType::Time
        | LogicalType::Timestamp
        | LogicalType::TimestampTz
            if cx.time_crate() =>
        {
            match ty {
                LogicalType::Date => quote!(::storegen::time::Date),
                LogicalType::Time => quote!(::storegen::time::Time),
                LogicalType::Timestamp => quote!(::storegen::time::PrimitiveDateTime),
                _ => quote!(::storegen::time::OffsetDateTime),
            }
        }
        LogicalType::Date => quote!(::storegen::chrono::NaiveDate),
        LogicalType::Time => quote!(::storegen::chrono::NaiveTime),
        LogicalType::Timestamp => quote!(::storegen::chrono::NaiveDateTime),
        LogicalType::TimestampTz => quote!(::storegen::chrono::DateTime<::storegen::chrono::Utc>),
        LogicalType::Uuid | LogicalType::UuidText => quote!(::storegen::uuid::Uuid),
        LogicalType::Json => quote!(::storegen::serde_json::Value),
        LogicalType::Decimal { .. } => quote!(::storegen::rust_decimal::Decimal),
        LogicalType::Enum { name, .. } => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// A `rust` type as a store's backend modules name it: through a private alias in the
/// including module (`super::__<store>_<field>`), so a path relative to where the
/// application includes the code (`rust = "Body"`) means the same one level down.
pub(crate) fn child_value_type(store: &Store, field: &Field) -> TokenStream {
    let alias = override_alias(store, field);
    quote!(super::#alias)
}

fn override_alias(store: &Store, field: &Field) -> Ident {
    format_ident!("__{}_{}", store.name, field.name.trim_start_matches("r#"))
}

/// The aliases [`child_value_type`] names, one per field with a `rust` type.
pub(crate) fn override_aliases(cx: &Context, store: &Store) -> TokenStream {
    let aliases = store.fields.iter().filter(|f| f.rust.is_some()).map(|f| {
        let (alias, ty) = (override_alias(store, f), value_type(cx, f));
        quote! {
            #[allow(dead_code, non_camel_case_types)]
            type #alias = #ty;
        }
    });
    quote!(#(#aliases)*)
}

/// The field's own Rust type: its `rust` override, or its logical type's.
pub(crate) fn value_type(cx: &Context, field: &Field) -> TokenStream {
    match field.rust.as_deref().map(syn::parse_str::<syn::Type>) {
        Some(Ok(ty)) => quote!(#ty),
        // The blueprint checked the path: unreachable.
        _ => rust_type(cx, &field.ty),
    }
}

/// Whether a field's value goes to the driver as it is rather than through storegen's
/// conversions for its logical type: a `rust` override implements them itself.
pub(crate) fn overridden(field: &Field) -> bool {
    field.rust.is_some() && field.ty != LogicalType::Json
}

/// A json field read into and written from a type of the application's through serde
/// (`rust` on a json field).
pub(crate) fn typed_json(field: &Field) -> bool {
    field.rust.is_some() && field.ty == LogicalType::Json
}

/// The record field's type: `Option<T>` when nullable.
pub(crate) fn field_type(cx: &Context, field: &Field) -> TokenStream {
    let ty = value_type(cx, field);
    if field.nullable {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// The insert type's field: `Option<T>` when the database has a default (`None` takes
/// it), `Option<T>` when nullable (`None` stores NULL), `Option<Option<T>>` when both.
pub(crate) fn new_field_type(cx: &Context, field: &Field) -> TokenStream {
    let ty = field_type(cx, field);
    if field.default.is_some() {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// The type a key field is passed as: by value when `Copy`, else borrowed.
pub(crate) fn key_param_type(cx: &Context, ty: &LogicalType) -> TokenStream {
    match ty {
        LogicalType::Text { .. } => quote!(&str),
        LogicalType::Bytes => quote!(&[u8]),
        other => rust_type(cx, other),
    }
}

/// Expressions for each part of a key held in `var` (`key` or `key.0`, `key.1`, …).
pub(crate) fn key_parts(store: &Store, var: &Ident) -> Vec<TokenStream> {
    if store.primary_key.len() == 1 {
        return vec![quote!(#var)];
    }
    (0..store.primary_key.len())
        .map(|i| {
            let i = syn::Index::from(i);
            quote!(#var.#i)
        })
        .collect()
}

/// A store's operations trait: `CountersOps` for store `counters`.
pub(crate) fn ops_ident(store: &Store) -> Ident {
    format_ident!("{}Ops", camel_case(&store.name))
}

/// The standard library's names generated code uses, spelled in full: a generated module
/// is included beside the application's own items (and often `use super::*`), where a
/// record named `Option` or a crate's `type Result<T>` would take the bare name (an
/// enum's own variants, in its body, excepted). Written
/// bare in the generators, they are qualified here, token by token:
/// `Result<`, `Option<`, `Vec<`, `Box<` (a record is never generic, so a bare name followed
/// by `<` is the standard one) and the variants `Some`, `None`, `Ok`, `Err` (names no
/// record may take). A name after `::` or `.` is a path's or a field's, and left alone.
pub(crate) fn qualify_std(tokens: TokenStream) -> TokenStream {
    use proc_macro2::{Group, Punct, Spacing, TokenTree};
    let path = |segments: &[&str]| -> Vec<TokenTree> {
        let mut out = Vec::new();
        for segment in segments {
            out.push(TokenTree::Punct(Punct::new(':', Spacing::Joint)));
            out.push(TokenTree::Punct(Punct::new(':', Spacing::Alone)));
            out.push(TokenTree::Ident(Ident::new(segment, Span::call_site())));
        }
        out
    };
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
    // An enum's body declares its variants: one named `None` or `Ok` (an enum value
    // `"none"`) is the enum's own, and stays as written.
    let mut variants_at = None;
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(_) if variants_at == Some(i) => out.push(tree.clone()),
            TokenTree::Ident(ident)
                if ident == "enum"
                    && matches!(trees.get(i + 1), Some(TokenTree::Ident(_)))
                    && matches!(trees.get(i + 2), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Brace) =>
            {
                variants_at = Some(i + 2);
                out.push(tree.clone());
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), qualify_std(group.stream()));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            TokenTree::Ident(ident) => {
                let punct = |back: usize| match i.checked_sub(back).map(|at| &trees[at]) {
                    Some(TokenTree::Punct(p)) => Some((p.as_char(), p.spacing())),
                    _ => None,
                };
                // `a::Name` or `a.name`; not `field: Name` (one colon).
                let after_path = matches!(punct(1), Some(('.', _)))
                    || (matches!(punct(1), Some((':', _)))
                        && matches!(punct(2), Some((':', Spacing::Joint))));
                let generic =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '<');
                let full: Option<&[&str]> = match ident.to_string().as_str() {
                    _ if after_path => None,
                    "Result" if generic => Some(&["core", "result", "Result"]),
                    "Option" if generic => Some(&["core", "option", "Option"]),
                    "Vec" if generic => Some(&["std", "vec", "Vec"]),
                    "Box" if generic => Some(&["std", "boxed", "Box"]),
                    "Some" => Some(&["core", "option", "Option", "Some"]),
                    "None" => Some(&["core", "option", "Option", "None"]),
                    "Ok" => Some(&["core", "result", "Result", "Ok"]),
                    "Err" => Some(&["core", "result", "Result", "Err"]),
                    _ => None,
                };
                match full {
                    Some(segments) => out.extend(path(segments)),
                    None => out.push(tree.clone()),
                }
            }
            other => out.push(other.clone()),
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn an_enums_own_variants_named_like_the_preludes_stay_as_written() {
        let tokens = quote! {
            pub enum Mode { None, Some, Ok, Err }
            fn f(x: bool) -> Option<Mode> { if x { Some(Mode::None) } else { None } }
        };
        assert_eq!(
            super::qualify_std(tokens).to_string(),
            "pub enum Mode { None , Some , Ok , Err } \
             fn f (x : bool) -> :: core :: option :: Option < Mode > \
             { if x { :: core :: option :: Option :: Some (Mode :: None) } \
             else { :: core :: option :: Option :: None } }"
        );
    }
}
