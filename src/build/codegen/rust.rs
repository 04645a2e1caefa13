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

/// `#[doc]` attributes for a blueprint description. Each line is trimmed and code
/// fences are marked `text`, so a description never becomes a doctest.
pub(crate) fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let mut in_fence = false;
    let lines = text.trim().lines().map(|line| {
        let mut line = line.trim().to_owned();
        if line.starts_with("```") {
            // An opening fence with no language would be compiled as a doctest.
            if !in_fence && line.trim_start_matches('`').is_empty() {
                line = "```text".to_owned();
            }
            in_fence = !in_fence;
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

/// `use super::IssuePatch as Patch;` in a backend's module of the store, when it has one.
pub(crate) fn patch_import(store: &Store) -> TokenStream {
    if store.fields.len() == store.primary_key.len() {
        return TokenStream::new();
    }
    let patch = patch_ident(store);
    quote!(use super::#patch as Patch;)
}

/// The fields a patch or update may set: all but the key's.
pub(crate) fn value_fields(store: &Store) -> impl Iterator<Item = &Field> {
    store
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| !store.is_key(*i))
        .map(|(_, f)| f)
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
        LogicalType::Text { .. } => quote!(String),
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

/// Whether the logical type's Rust type is `Copy` (and so bound by value).
pub(crate) fn is_copy(ty: &LogicalType) -> bool {
    !matches!(
        ty,
        LogicalType::Text { .. } | LogicalType::Bytes | LogicalType::Json
    )
}

/// `value.field`, borrowed unless it is `Copy`: how a field is handed to a driver.
pub(crate) fn field_access(value: &Ident, field: &Field) -> TokenStream {
    let name = ident(&field.name);
    if is_copy(&field.ty) && !overridden(field) {
        quote!(#value.#name)
    } else {
        quote!(&#value.#name)
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

/// The store's key type: one field's parameter type, or a tuple of them.
pub(crate) fn key_type(cx: &Context, store: &Store) -> TokenStream {
    let types: Vec<TokenStream> = store
        .key_fields()
        .map(|f| key_param_type(cx, &f.ty))
        .collect();
    if types.len() == 1 {
        types[0].clone()
    } else {
        quote!((#(#types),*))
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

/// The head of each backend's `impl <Store>Ops for <Backend>`, written inside the
/// backend's private module: `impl super::CountersOps for ::storegen::Sqlite`.
pub(crate) fn ops_impl_head(store: &Store, backend: TokenStream) -> TokenStream {
    let ops = ops_ident(store);
    quote!(impl super::#ops for #backend)
}
