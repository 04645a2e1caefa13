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
        /// The schema this module was generated from (descriptions left out), as
        /// [`verify`] compares it with a database.
        #[allow(dead_code)]
        pub fn schema() -> ::storegen::model::Schema {
            use ::storegen::model as m;
            use ::storegen::__private::static_schema as s;
            static SCHEMA: s::StaticSchema = s::StaticSchema {
                name: #name,
                backends: &[#(#backends),*],
                stores: &[#(#stores),*],
                datetime: m::DateTimeCrate::#datetime,
            };
            SCHEMA.to_schema()
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
                    quote!(s::StaticType::TextCollated(#max, #charset, #padded, #collation))
                }
                (None, None) if !padded => {
                    quote!(s::StaticType::Of(m::LogicalType::Text { max_length: #max }))
                }
                (None, _) => quote!(s::StaticType::Text(#max, #charset, #padded)),
            }
        }
        LogicalType::Decimal { precision, scale } => {
            quote!(s::StaticType::Of(m::LogicalType::Decimal { precision: #precision, scale: #scale }))
        }
        LogicalType::Enum {
            name,
            values,
            native,
        } => quote!(s::StaticType::Enum(#name, &[#(#values),*], #native)),
        other => {
            let variant = variant_ident(other);
            match field.precision {
                Some(precision) => {
                    quote!(s::StaticType::Time(m::LogicalType::#variant, #precision))
                }
                None => quote!(s::StaticType::Of(m::LogicalType::#variant)),
            }
        }
    };
    let (nullable, generated, unique) = (field.nullable, field.generated, field.unique);
    let default = match &field.default {
        None => quote!(None),
        Some(default) => {
            let value = match default {
                DefaultValue::Bool(b) => quote!(s::StaticDefault::Bool(#b)),
                DefaultValue::Int(n) => quote!(s::StaticDefault::Int(#n)),
                DefaultValue::Float(x) => {
                    let x = proc_macro2::Literal::f64_unsuffixed(*x);
                    quote!(s::StaticDefault::Float(#x))
                }
                DefaultValue::Text(t) => quote!(s::StaticDefault::Text(#t)),
                DefaultValue::Decimal(d) => quote!(s::StaticDefault::Decimal(#d)),
                DefaultValue::DateTime(d) => quote!(s::StaticDefault::DateTime(#d)),
                DefaultValue::Now => quote!(s::StaticDefault::Now),
            };
            quote!(Some(#value))
        }
    };
    let references = match &field.references {
        None => quote!(None),
        Some(r) => {
            let (store, field_name, table, column) = (&r.store, &r.field, &r.table, &r.column);
            let action = variant_ident(&r.on_delete);
            quote!(Some(s::StaticReference {
                store: #store,
                field: #field_name,
                table: #table,
                column: #column,
                on_delete: m::OnDelete::#action,
            }))
        }
    };
    quote! {
        s::StaticField {
            name: #name,
            column: #column,
            ty: #ty,
            nullable: #nullable,
            generated: #generated,
            unique: #unique,
            default: #default,
            references: #references,
        }
    }
}
