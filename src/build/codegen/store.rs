//! A store's shared items: its record, its insert type, the store type with its
//! accessor, and the operations trait each backend implements with the one generic
//! `impl` of the public methods over it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{
    Context, doc, field_type, ident, new_field_type, new_ident, ops_ident, patch_ident,
    record_ident, store_ident,
};
use crate::model::{Field, LogicalType, Store};

pub(super) fn store_items(cx: &Context, store: &Store) -> TokenStream {
    let record = record_ident(store);
    let new = new_ident(store);
    let store_type = store_ident(store);
    let ops = ops_ident(store);
    let accessor = ident(&store.name);
    let table = &store.table;

    // Fields without a description have no doc: the structs allow that
    // (`#![warn(missing_docs)]` on an application's `pub mod db` stays quiet).
    let record_doc = match store.description.as_deref() {
        Some(text) => doc(Some(text)),
        None => {
            let text = format!(" A row of table `{table}`.");
            quote!(#[doc = #text])
        }
    };
    let record_fields = store.fields.iter().map(|f| {
        let name = ident(&f.name);
        let ty = field_type(cx, f);
        let doc = doc(f.description.as_deref());
        quote! { #doc pub #name: #ty }
    });
    let new_fields = store.fields.iter().filter(|f| !f.assigned()).map(|f| {
        let name = ident(&f.name);
        let ty = new_field_type(cx, f);
        let mut doc = doc(f.description.as_deref());
        if f.default.is_some() {
            let note = " `None` takes the database's default.";
            doc = quote! { #doc #[doc = #note] };
        }
        quote! { #doc pub #name: #ty }
    });
    let new_doc =
        format!(" A new [`{record}`] to insert: every field but those the database assigns.");
    // The time crate's types have no `Default`: an insert type holding one as it is
    // (not an `Option`) can't derive it.
    let without_default = cx.time_crate()
        && store
            .fields
            .iter()
            .any(|f| !f.assigned() && f.ty.is_temporal() && !f.nullable && f.default.is_none());
    let new_default = (!without_default).then(|| quote!(, Default));
    let record_eq = eq_hash(store.fields.iter());
    let new_eq = eq_hash(store.fields.iter().filter(|f| !f.assigned()));
    let patch_item = patch_type(cx, store);
    let aliases = super::rust::override_aliases(cx, store);
    let store_doc = format!(
        " Operations on table `{table}`; get one with [`{accessor}`]. The methods every \
         store has are [`Store`](::storegen::store::Store)'s."
    );
    let accessor_doc = format!(
        " The `{}` store on a connection, transaction or pooled connection.",
        store.name
    );
    quote! {
        #record_doc
        #[allow(dead_code, missing_docs)]
        #[derive(Debug, Clone, PartialEq #record_eq)]
        pub struct #record {
            #(#record_fields,)*
        }

        #[doc = #new_doc]
        #[allow(dead_code, missing_docs)]
        #[derive(Debug, Clone, PartialEq #new_eq #new_default)]
        pub struct #new {
            #(#new_fields,)*
        }

        #patch_item
        #aliases

        #[doc = #store_doc]
        #[allow(dead_code)]
        pub struct #store_type<'c, _B: ::storegen::Backend>(::storegen::store::Store<'c, _B, #record>);

        impl<'c, _B: ::storegen::Backend> ::core::ops::Deref for #store_type<'c, _B> {
            type Target = ::storegen::store::Store<'c, _B, #record>;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl<_B: ::storegen::Backend> ::core::ops::DerefMut for #store_type<'_, _B> {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.0
            }
        }

        #[doc = #accessor_doc]
        #[allow(dead_code)]
        pub fn #accessor<_C: ::storegen::Connection + ?::core::marker::Sized>(conn: &mut _C) -> #store_type<'_, _C::Backend>
        where
            _C::Backend: #ops,
        {
            #store_type(::storegen::store::Store::new(conn.raw()))
        }
    }
}

/// `<Record>Patch`: each field but the key's as an `Option` (a nullable one's as
/// `Option<Option<T>>`), `None` leaving it as it is. None when every field is the key's.
fn patch_type(cx: &Context, store: &Store) -> TokenStream {
    if store.fields.len() == store.primary_key.len() {
        return TokenStream::new();
    }
    let (record, patch) = (record_ident(store), patch_ident(store));
    let fields = store.value_fields().map(|f| {
        let name = ident(&f.name);
        let ty = field_type(cx, f);
        let doc = doc(f.description.as_deref());
        quote! { #doc pub #name: Option<#ty> }
    });
    let patch_doc = format!(
        " Changes to some fields of a [`{record}`], for `patch`: `None` leaves a field as it \
         is; a nullable field's `Some(None)` sets it to NULL."
    );
    let eq = eq_hash(store.value_fields());
    quote! {
        #[doc = #patch_doc]
        #[allow(dead_code, missing_docs)]
        #[derive(Debug, Clone, PartialEq #eq, Default)]
        pub struct #patch {
            #(#fields,)*
        }
    }
}

/// The record's `Table` impl (what the generic store's methods need: its types, name,
/// fields, key and decimal checks), the store's operations trait (the runtime's
/// operations traits the store has, plus its finders), which each backend's module
/// implements, and the store's finder methods.
pub(super) fn store_ops(cx: &Context, store: &Store, position: usize) -> TokenStream {
    let (record, new, store_type, ops) = (
        record_ident(store),
        new_ident(store),
        store_ident(store),
        ops_ident(store),
    );
    let name = &store.name;
    let field_names = store.fields.iter().map(|f| f.name.as_str());
    let has_values = store.fields.len() > store.primary_key.len();
    // Decimals are checked against their columns before anything is written.
    let checks = |value: TokenStream,
                  fields: &mut dyn Iterator<Item = &Field>|
     -> Vec<TokenStream> {
        fields
            .filter_map(|f| match f.ty {
                LogicalType::Decimal { precision, scale } => {
                    let (field, field_name) = (ident(&f.name), &f.name);
                    Some(quote! {
                        ::storegen::__private::store::check_decimal(#name, operation, #field_name, #value.#field, #precision, #scale)?;
                    })
                }
                _ => None,
            })
            .collect()
    };
    let patch_type = if has_values {
        let patch = patch_ident(store);
        quote!(#patch)
    } else {
        quote!(())
    };
    let patch_type_name = &patch_type;
    let new_checks = checks(
        quote!(new),
        &mut store.fields.iter().filter(|f| !f.assigned()),
    );
    let check_fns = if new_checks.is_empty() {
        TokenStream::new()
    } else {
        let record_checks = checks(quote!(self), &mut store.fields.iter());
        let patch_checks = checks(quote!(patch), &mut store.value_fields());
        let check_patch = (!patch_checks.is_empty()).then(|| {
            quote! {
                fn check_patch(patch: &#patch_type_name) -> Result<(), ::storegen::Error> {
                    let operation = "patch";
                    #(#patch_checks)*
                    Ok(())
                }
            }
        });
        quote! {
            fn check_new(new: &#new, operation: &'static str) -> Result<(), ::storegen::Error> {
                #(#new_checks)*
                Ok(())
            }

            fn check_record(&self, operation: &'static str) -> Result<(), ::storegen::Error> {
                #(#record_checks)*
                Ok(())
            }

            #check_patch
        }
    };
    let key = table_key_type(cx, store);
    let key_of_record = crate::build::codegen::rust::key_of_record(store, &format_ident!("self"));
    let versioned = store.version_field().is_some().then(|| {
        quote!(
            const VERSIONED: bool = true;
        )
    });
    let mut supertraits = vec![quote!(::storegen::store::Ops<#record>)];
    if has_values {
        supertraits.push(quote!(::storegen::store::UpdateOps<#record>));
        supertraits.push(quote!(::storegen::store::PatchOps<#record>));
    }
    if has_upsert(store) {
        supertraits.push(quote!(::storegen::store::UpsertOps<#record>));
    }
    let columns = super::columns::table_fns(store);
    let mut markers = TokenStream::new();
    if has_values {
        markers.extend(quote!(impl ::storegen::store::Updatable for #record {}));
    }
    if has_upsert(store) {
        markers.extend(quote!(impl ::storegen::store::Upsertable for #record {}));
    }
    let ops_doc = format!(
        " The `{name}` store's operations on one backend, for each backend the blueprint lists. \
         Code generic over backends names it as a bound: `fn f<_B: {ops}>(s: &mut {store_type}<'_, _B>)`."
    );
    let finder_ops = super::finders::ops(cx, store);
    let finder_methods = super::finders::methods(cx, store);
    let finders = (!finder_methods.is_empty()).then(|| {
        quote! {
            #[allow(dead_code)]
            impl<_B: #ops> #store_type<'_, _B> {
                const FIELDS: &'static [&'static str] = <#record as ::storegen::store::Table>::FIELDS;

                #finder_methods
            }
        }
    });
    quote! {
        impl ::storegen::store::Table for #record {
            type New = #new;
            type Patch = #patch_type;
            type Key<'k> = #key;
            const STORE: &'static str = #name;
            const FIELDS: &'static [&'static str] = &[#(#field_names),*];
            #versioned

            fn key(&self) -> Self::Key<'_> {
                #key_of_record
            }

            fn schema() -> &'static ::storegen::__private::static_schema::StaticStore {
                &__schema::SCHEMA.stores[#position]
            }

            fn statements() -> &'static ::storegen::__private::Statements {
                static STATEMENTS: ::storegen::__private::Statements = ::storegen::__private::Statements::new();
                &STATEMENTS
            }

            #columns

            #check_fns
        }

        #markers

        #finders

        #[doc = #ops_doc]
        #[allow(dead_code, missing_docs)]
        pub trait #ops: #(#supertraits)+* {
            #finder_ops
        }
    }
}

/// Whether the store has `upsert`: its key is the application's (not generated), and it
/// has no version (an upsert would overwrite without the check).
pub(crate) fn has_upsert(store: &Store) -> bool {
    !(store.key_fields().any(|f| f.generated) || store.version_field().is_some())
}

/// The store's key type with the `Table::Key<'k>` lifetime: `&'k str` for text.
fn table_key_type(cx: &Context, store: &Store) -> TokenStream {
    let types: Vec<TokenStream> = store
        .key_fields()
        .map(|f| match f.ty {
            LogicalType::Text { .. } => quote!(&'k str),
            LogicalType::Bytes => quote!(&'k [u8]),
            _ => super::rust::rust_type(cx, &f.ty),
        })
        .collect();
    if types.len() == 1 {
        types[0].clone()
    } else {
        quote!((#(#types),*))
    }
}

/// `, Eq, Hash` when every field's type has them: not floats, not JSON documents, not
/// the application's own types (which may lack them).
fn eq_hash<'f>(mut fields: impl Iterator<Item = &'f Field>) -> Option<TokenStream> {
    fields
        .all(|f| {
            f.rust.is_none()
                && !matches!(
                    f.ty,
                    LogicalType::Float32 | LogicalType::Float64 | LogicalType::Json
                )
        })
        .then(|| quote!(, Eq, Hash))
}
