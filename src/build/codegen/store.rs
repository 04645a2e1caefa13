//! A store's shared items: its record, its insert type, the store type with its
//! accessor, and the operations trait each backend implements with the one generic
//! `impl` of the public methods over it.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust::{
    Context, doc, field_type, ident, key_type, new_field_type, new_ident, ops_ident, patch_ident,
    record_ident, store_ident,
};
use crate::model::{Field, LogicalType, Store};

pub(super) fn store_items(cx: &Context, store: &Store) -> TokenStream {
    let record = record_ident(store);
    let new = new_ident(store);
    let store_type = store_ident(store);
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
    let store_doc = format!(" Operations on table `{table}`; get one with [`{accessor}`].");
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
        pub struct #store_type<'c, _B: ::storegen::Backend> {
            raw: _B::Raw<'c>,
        }

        #[doc = #accessor_doc]
        #[allow(dead_code)]
        pub fn #accessor<_C: ::storegen::Connection + ?::core::marker::Sized>(conn: &mut _C) -> #store_type<'_, _C::Backend> {
            #store_type { raw: conn.raw() }
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

/// The store's operations trait, implemented by each backend's module, and the one
/// generic `impl` of the public methods over it. The backend operations return the
/// driver's error; the methods add the observer hook and name the store, operation and
/// field in errors (`storegen::store`).
pub(super) fn store_ops(cx: &Context, store: &Store) -> TokenStream {
    let (record, new, store_type, key, ops) = (
        record_ident(store),
        new_ident(store),
        store_ident(store),
        key_type(cx, store),
        ops_ident(store),
    );
    let name = &store.name;
    let field_names = store.fields.iter().map(|f| f.name.as_str());
    let has_values = store.fields.len() > store.primary_key.len();
    // Decimals are checked against their columns before anything is written.
    let store_name = name;
    let checks = |value: &Ident, fields: &mut dyn Iterator<Item = &Field>| -> Vec<TokenStream> {
        fields
            .filter_map(|f| match f.ty {
                LogicalType::Decimal { precision, scale } => {
                    let (field, name) = (ident(&f.name), &f.name);
                    Some(quote! {
                        ::storegen::__private::store::check_decimal(#store_name, operation, #name, #value.#field, #precision, #scale)?;
                    })
                }
                _ => None,
            })
            .collect()
    };
    let new_checks = checks(
        &format_ident!("new"),
        &mut store.fields.iter().filter(|f| !f.assigned()),
    );
    let record_checks = checks(&format_ident!("record"), &mut store.fields.iter());
    let (check_fns, check_new, check_many, check_record) = if new_checks.is_empty() {
        Default::default()
    } else {
        (
            quote! {
                fn check_new(new: &#new, operation: &'static str) -> Result<(), ::storegen::Error> {
                    #(#new_checks)*
                    Ok(())
                }

                fn check_record(record: &#record, operation: &'static str) -> Result<(), ::storegen::Error> {
                    #(#record_checks)*
                    Ok(())
                }
            },
            quote!(Self::check_new(new, "insert")?;),
            quote! {
                for new in rows {
                    Self::check_new(new, "insert_many")?;
                }
            },
            quote!(Self::check_record(record, "update")?;),
        )
    };
    let patch_checks = checks(&format_ident!("patch"), &mut store.value_fields());
    let check_patch = (!patch_checks.is_empty()).then(|| {
        quote! {
            let operation = "patch";
            #(#patch_checks)*
        }
    });
    let check_upsert =
        (!new_checks.is_empty()).then(|| quote!(Self::check_record(record, "upsert")?;));
    let patch_type = patch_ident(store);
    let (patch_op, patch) = if has_values {
        (
            quote! {
                fn patch(conn: &mut Self::Raw<'_>, key: #key, patch: &#patch_type) -> Result<bool, Self::DriverError>;
            },
            quote! {
                /// Sets the fields `patch` gives on the row with this key, in one UPDATE
                /// without reading the row; `false` when no row has the key. A patch that
                /// gives no field changes nothing and says whether the row exists.
                pub fn patch(&mut self, key: #key, patch: &#patch_type) -> Result<bool, ::storegen::Error> {
                    #check_patch
                    ::storegen::__private::store::found::<_B>(#name, "patch", Self::FIELDS, || _B::patch(&mut self.raw, key, patch))
                }
            },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    // A store with a version has no upsert: it would overwrite without the check.
    let generated_key = store.key_fields().any(|f| f.generated) || store.version_field().is_some();
    let (upsert_op, upsert) = if generated_key {
        (TokenStream::new(), TokenStream::new())
    } else {
        (
            quote! {
                fn upsert(conn: &mut Self::Raw<'_>, record: &#record) -> Result<Option<#record>, Self::DriverError>;
            },
            quote! {
                /// Writes `record` whether a row with its key exists or not: inserts it, or
                /// sets every field of the existing row. Returns the row as stored.
                pub fn upsert(&mut self, record: &#record) -> Result<#record, ::storegen::Error> {
                    #check_upsert
                    ::storegen::__private::store::stored::<_B, _>(#name, "upsert", Self::FIELDS, || _B::upsert(&mut self.raw, record))
                }
            },
        )
    };
    let (update_op, update) = if has_values {
        (
            quote! {
                fn update(conn: &mut Self::Raw<'_>, record: &#record) -> Result<bool, Self::DriverError>;
            },
            match store.version_field() {
                None => quote! {
                    /// Writes every field of `record` to the row with its key; `false` when no
                    /// row has that key.
                    pub fn update(&mut self, record: &#record) -> Result<bool, ::storegen::Error> {
                        #check_record
                        ::storegen::__private::store::update::<_B>(#name, Self::FIELDS, || _B::update(&mut self.raw, record))
                    }
                },
                Some(version) => {
                    let version = &version.name;
                    let key_of_record =
                        crate::build::codegen::rust::key_of_record(store, &format_ident!("record"));
                    let doc = format!(
                        " Writes every field of `record` to the row with its key, where the row's `{version}` still holds the record's, and raises `{version}` by one; `false` when no row has that key. A row whose `{version}` another writer raised since `record` was read is an error, [`is_version_conflict`](::storegen::Error::is_version_conflict), and nothing is written."
                    );
                    quote! {
                        #[doc = #doc]
                        pub fn update(&mut self, record: &#record) -> Result<bool, ::storegen::Error> {
                            #check_record
                            if ::storegen::__private::store::update::<_B>(#name, Self::FIELDS, || _B::update(&mut self.raw, record))? {
                                return Ok(true);
                            }
                            // Nothing had the key and the version: a row with the key
                            // means another writer was first.
                            match ::storegen::__private::store::get::<_B, _>(#name, Self::FIELDS, || _B::get(&mut self.raw, #key_of_record))? {
                                Some(_) => Err(::storegen::Error::VersionConflict { store: #name, operation: "update" }),
                                None => Ok(false),
                            }
                        }
                    }
                }
            },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let ops_doc = format!(
        " The `{name}` store's operations on one backend, for each backend the blueprint lists. \
         Code generic over backends names it as a bound: `fn f<_B: {ops}>(s: &mut {store_type}<'_, _B>)`."
    );
    let (finder_methods, finder_ops) = (
        super::finders::methods(cx, store),
        super::finders::ops(cx, store),
    );
    quote! {
        #[allow(dead_code)]
        impl<_B: #ops> #store_type<'_, _B> {
            const FIELDS: &'static [&'static str] = &[#(#field_names),*];

            #check_fns

            /// Inserts a row and returns it as stored, with the values the database
            /// assigned (generated keys, defaults).
            pub fn insert(&mut self, new: &#new) -> Result<#record, ::storegen::Error> {
                #check_new
                ::storegen::__private::store::insert::<_B, _>(#name, Self::FIELDS, || _B::insert(&mut self.raw, new))
            }

            /// Inserts every row in one transaction (a savepoint inside an open one): all
            /// of them or, on the first error, none. Returns how many were inserted.
            pub fn insert_many(&mut self, rows: &[#new]) -> Result<u64, ::storegen::Error> {
                #check_many
                ::storegen::__private::store::insert_many::<_B, _>(_B::reborrow(&mut self.raw), #name, Self::FIELDS, rows, |tx, rows| _B::insert_many(tx, rows))
            }

            /// The row with this key, if there is one.
            pub fn get(&mut self, key: #key) -> Result<Option<#record>, ::storegen::Error> {
                ::storegen::__private::store::get::<_B, _>(#name, Self::FIELDS, || _B::get(&mut self.raw, key))
            }

            /// The row with this key, locked until the transaction ends: `SELECT … FOR
            /// UPDATE` on PostgreSQL and MySQL (another transaction's `get_for_update` or
            /// write of the row waits); on SQLite the transaction already holds the write
            /// lock. Only inside a transaction: elsewhere it is an error.
            pub fn get_for_update(&mut self, key: #key) -> Result<Option<#record>, ::storegen::Error> {
                if !_B::in_transaction(&mut self.raw) {
                    return Err(::storegen::Error::Unsupported(
                        ::std::format!("{}.get_for_update: only inside a transaction: the lock would end with the statement", #name),
                    ));
                }
                ::storegen::__private::store::one::<_B, _>(#name, "get_for_update", Self::FIELDS, || _B::get_for_update(&mut self.raw, key))
            }

            #update

            #patch

            #upsert

            /// Deletes the row with this key; `false` when there was none.
            pub fn delete(&mut self, key: #key) -> Result<bool, ::storegen::Error> {
                ::storegen::__private::store::delete::<_B>(#name, Self::FIELDS, || _B::delete(&mut self.raw, key))
            }

            /// One page of rows in key order: the first, or those after a key.
            pub fn list(&mut self, page: ::storegen::Page<#key>) -> Result<Vec<#record>, ::storegen::Error> {
                ::storegen::__private::store::list::<_B, _>(#name, Self::FIELDS, || _B::list(&mut self.raw, page))
            }

            /// How many rows the table holds.
            pub fn count(&mut self) -> Result<u64, ::storegen::Error> {
                ::storegen::__private::store::count::<_B>(#name, Self::FIELDS, || _B::count(&mut self.raw))
            }

            #finder_methods
        }

        #[doc = #ops_doc]
        #[allow(dead_code, missing_docs)]
        pub trait #ops: ::storegen::Backend {
            fn insert(conn: &mut Self::Raw<'_>, new: &#new) -> Result<Option<#record>, Self::DriverError>;
            fn insert_many(conn: &mut Self::Raw<'_>, rows: &[#new]) -> Result<u64, Self::DriverError>;
            fn get(conn: &mut Self::Raw<'_>, key: #key) -> Result<Option<#record>, Self::DriverError>;
            fn get_for_update(conn: &mut Self::Raw<'_>, key: #key) -> Result<Option<#record>, Self::DriverError>;
            #update_op
            #patch_op
            #upsert_op
            fn delete(conn: &mut Self::Raw<'_>, key: #key) -> Result<bool, Self::DriverError>;
            fn list(conn: &mut Self::Raw<'_>, page: ::storegen::Page<#key>) -> Result<Vec<#record>, Self::DriverError>;
            fn count(conn: &mut Self::Raw<'_>) -> Result<u64, Self::DriverError>;
            #finder_ops
        }
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
