//! `schema()`: the blueprint's schema as data, compiled in, with the `verify` and
//! `health` that compare it with a database at run time.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::variant_ident;
use crate::model::{DefaultValue, Field, LogicalType, Schema, Store};

/// `schema()`, the blueprint's schema as data, and `verify`, which compares it with a
/// live database at run time.
pub(super) fn schema_fn(schema: &Schema) -> TokenStream {
    let name = &schema.name;
    let backends = schema.backends.iter().map(|b| {
        let variant = variant_ident(b);
        quote!(::storegen::BackendKind::#variant)
    });
    let stores = schema.stores.iter().map(store_value);
    let datetime = variant_ident(&schema.datetime);
    quote! {
        /// The blueprint's schema as data: what `schema()` returns, and what each
        /// store's statements are built from.
        #[allow(unused_imports)]
        mod __schema {
            use ::storegen::model::{self as m, LogicalType as L};
            use ::storegen::__private::static_schema::{self as s, StaticDefault as D, StaticType as T};
            pub(super) static SCHEMA: s::StaticSchema = s::StaticSchema {
                name: #name,
                backends: &[#(#backends),*],
                stores: &[#(#stores),*],
                datetime: m::DateTimeCrate::#datetime,
            };
        }

        /// The schema this module was generated from (descriptions left out), as
        /// [`verify`] compares it with a database.
        #[allow(dead_code)]
        pub fn schema() -> ::storegen::model::Schema {
            __schema::SCHEMA.to_schema()
        }

        /// Checks that the database behind `conn` still matches this module, with the
        /// same introspection and drift rules as the build. `Err` lists every
        /// difference when any would make a store fail; `Ok` holds the harmless ones.
        #[allow(dead_code)]
        pub fn verify<_C: ::storegen::Connection + ?::core::marker::Sized>(
            conn: &mut _C,
        ) -> Result<Vec<::storegen::drift::Drift>, ::storegen::Error> {
            ::storegen::verify(conn, &schema())
        }

        /// Connectivity (one timed round trip) and schema status, for a service's
        /// health endpoint. Never fails: what goes wrong is in the result.
        #[allow(dead_code)]
        pub fn health<_C: ::storegen::Connection + ?::core::marker::Sized>(conn: &mut _C) -> ::storegen::Health {
            ::storegen::health(conn, &schema())
        }
    }
}

fn store_value(store: &Store) -> TokenStream {
    let (name, table, record) = (&store.name, &store.table, &store.record);
    let fields = store.fields.iter().map(field_value);
    let key = store
        .primary_key
        .iter()
        .map(|&i| proc_macro2::Literal::usize_unsuffixed(i));
    let indexes = store.indexes.iter().map(|index| {
        let (name, unique) = (&index.name, index.unique);
        let positions = index
            .fields
            .iter()
            .map(|&i| proc_macro2::Literal::usize_unsuffixed(i));
        let order = index.order.iter().map(|o| {
            let (field, descending) = (proc_macro2::Literal::usize_unsuffixed(o.field), o.descending);
            quote!((#field, #descending))
        });
        quote!(s::StaticIndex { name: #name, fields: &[#(#positions),*], unique: #unique, order: &[#(#order),*] })
    });
    quote! {
        s::StaticStore {
            name: #name,
            table: #table,
            record: #record,
            fields: &[#(#fields),*],
            primary_key: &[#(#key),*],
            indexes: &[#(#indexes),*],
        }
    }
}

fn field_value(field: &Field) -> TokenStream {
    let (name, column) = (&field.name, &field.column);
    let ty = match &field.ty {
        LogicalType::Text { max_length } => {
            let max = match max_length {
                Some(n) => quote!(Some(#n)),
                None => quote!(None),
            };
            let padded = field.padded;
            let charset = match field.charset {
                Some(charset) => {
                    let charset = variant_ident(&charset);
                    quote!(Some(m::Charset::#charset))
                }
                None => quote!(None),
            };
            match (&field.collation, field.charset) {
                (Some(collation), _) => {
                    quote!(T::TextCollated(#max, #charset, #padded, #collation))
                }
                (None, None) if !padded => match max_length {
                    Some(n) => quote!(T::text(#n)),
                    None => quote!(T::TEXT),
                },
                (None, _) => quote!(T::Text(#max, #charset, #padded)),
            }
        }
        LogicalType::Decimal { precision, scale } => {
            quote!(T::Of(L::Decimal { precision: #precision, scale: #scale }))
        }
        LogicalType::Enum {
            name,
            values,
            native,
        } => quote!(T::Enum(#name, &[#(#values),*], #native)),
        other => {
            let variant = variant_ident(other);
            match field.precision {
                Some(precision) => {
                    quote!(T::Time(L::#variant, #precision))
                }
                None => quote!(T::Of(L::#variant)),
            }
        }
    };
    let mut built = quote!(s::field(#name, #ty));
    if column != name {
        built.extend(quote!(.column(#column)));
    }
    for (set, flag) in [
        (field.nullable, "nullable"),
        (field.generated, "generated"),
        (field.unique, "unique"),
        (field.version, "version"),
    ] {
        if set {
            let flag = proc_macro2::Ident::new(flag, proc_macro2::Span::call_site());
            built.extend(quote!(.#flag()));
        }
    }
    if let Some(default) = &field.default {
        let value = match default {
            DefaultValue::Bool(b) => quote!(D::Bool(#b)),
            DefaultValue::Int(n) => quote!(D::Int(#n)),
            DefaultValue::Float(x) => {
                let x = proc_macro2::Literal::f64_unsuffixed(*x);
                quote!(D::Float(#x))
            }
            DefaultValue::Text(t) => quote!(D::Text(#t)),
            DefaultValue::Decimal(d) => quote!(D::Decimal(#d)),
            DefaultValue::DateTime(d) => quote!(D::DateTime(#d)),
            DefaultValue::Now => quote!(D::Now),
        };
        built.extend(quote!(.default(#value)));
    }
    if let Some(r) = &field.references {
        let (store, field_name, table, column) = (&r.store, &r.field, &r.table, &r.column);
        let action = variant_ident(&r.on_delete);
        built.extend(
            quote!(.references(#store, #field_name, #table, #column, m::OnDelete::#action)),
        );
    }
    built
}
