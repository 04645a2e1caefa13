//! `schema()`: the blueprint's schema as data, compiled in, with the `verify` and
//! `health` that compare it with a database at run time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

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
            m::Schema {
                name: #name.into(),
                description: None,
                backends: Vec::from([#(#backends),*]),
                stores: Vec::from([#(#stores),*]),
                datetime: m::DateTimeCrate::#datetime,
            }
        }

        /// Checks that the database behind `conn` still matches this module, with the
        /// same introspection and drift rules as the build. `Err` lists every
        /// difference when any would make a store fail; `Ok` holds the harmless ones.
        #[allow(dead_code)]
        pub fn verify<C: ::storegen::Connection + ?Sized>(
            conn: &mut C,
        ) -> Result<Vec<::storegen::drift::Drift>, ::storegen::Error> {
            ::storegen::verify(conn, &schema())
        }

        /// Connectivity (one timed round trip) and schema status, for a service's
        /// health endpoint. Never fails: what goes wrong is in the result.
        #[allow(dead_code)]
        pub fn health<C: ::storegen::Connection + ?Sized>(conn: &mut C) -> ::storegen::Health {
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
        let positions = index.fields.iter().map(|&i| proc_macro2::Literal::usize_unsuffixed(i));
        quote!(m::Index { name: #name.into(), fields: Vec::from([#(#positions),*]), unique: #unique })
    });
    quote! {
        m::Store {
            name: #name.into(),
            table: #table.into(),
            record: #record.into(),
            description: None,
            fields: Vec::from([#(#fields),*]),
            primary_key: Vec::from([#(#key),*]),
            indexes: Vec::from([#(#indexes),*]),
        }
    }
}

fn field_value(field: &Field) -> TokenStream {
    let name = &field.name;
    let ty = match &field.ty {
        LogicalType::Text { max_length } => {
            let max = match max_length {
                Some(n) => quote!(Some(#n)),
                None => quote!(None),
            };
            quote!(m::LogicalType::Text { max_length: #max })
        }
        LogicalType::Decimal { precision, scale } => {
            quote!(m::LogicalType::Decimal { precision: #precision, scale: #scale })
        }
        LogicalType::Enum {
            name,
            values,
            native,
        } => {
            quote!(m::LogicalType::Enum { name: #name.into(), values: Vec::from([#(#values.into()),*]), native: #native })
        }
        other => {
            let variant = variant_ident(other);
            quote!(m::LogicalType::#variant)
        }
    };
    let mut value = quote!(m::Field::new(#name, #ty));
    if field.column != field.name {
        let column = &field.column;
        value.extend(quote!(.with_column(#column)));
    }
    for (set, method) in [
        (field.nullable, "nullable"),
        (field.generated, "generated"),
        (field.unique, "unique"),
    ] {
        if set {
            let method = format_ident!("{method}");
            value.extend(quote!(.#method()));
        }
    }
    if let Some(default) = &field.default {
        let default = match default {
            DefaultValue::Bool(b) => quote!(m::DefaultValue::Bool(#b)),
            DefaultValue::Int(n) => quote!(m::DefaultValue::Int(#n)),
            DefaultValue::Float(x) => {
                let x = proc_macro2::Literal::f64_unsuffixed(*x);
                quote!(m::DefaultValue::Float(#x))
            }
            DefaultValue::Text(t) => quote!(m::DefaultValue::Text(#t.into())),
            DefaultValue::Decimal(d) => quote!(m::DefaultValue::Decimal(#d.into())),
            DefaultValue::DateTime(d) => quote!(m::DefaultValue::DateTime(#d.into())),
            DefaultValue::Now => quote!(m::DefaultValue::Now),
        };
        value.extend(quote!(.with_default(#default)));
    }
    if let Some(r) = &field.references {
        let (store, field_name, table, column) = (&r.store, &r.field, &r.table, &r.column);
        let action = variant_ident(&r.on_delete);
        value.extend(quote!(.with_reference(m::Reference {
            store: #store.into(),
            field: #field_name.into(),
            table: #table.into(),
            column: #column.into(),
            on_delete: m::OnDelete::#action,
        })));
    }
    value
}
