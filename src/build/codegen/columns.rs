//! A record's `Table` functions that read and write it on every backend: each field's
//! value through the runtime's `Read` and `Write` (`r.get()?`, `w.put(&self.name)?`),
//! one function each for every backend. A field of a `rust` type goes through the
//! driver's own conversions (`Driver`), a typed JSON field through serde (`Json`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{ident, key_parts, overridden, typed_json};
use crate::model::{Field, LogicalType, Store};

/// The wrapper a field's value goes in, if any.
fn wrapper(field: &Field) -> Option<TokenStream> {
    if typed_json(field) {
        Some(quote!(::storegen::__private::Json))
    } else if overridden(field) {
        Some(quote!(::storegen::__private::Driver))
    } else {
        None
    }
}

/// The value to write from `place` (a field of the record): `&place`, or its wrapper.
fn value(field: &Field, place: TokenStream) -> TokenStream {
    match wrapper(field) {
        // A nullable typed JSON field is NULL when `None`, not JSON `null`.
        Some(wrap) if typed_json(field) && field.nullable => quote!(&#place.as_ref().map(#wrap)),
        Some(wrap) => quote!(&#wrap(&#place)),
        None => quote!(&#place),
    }
}

/// The value to write from `place`, an `Option` of the field's value (`None` leaves the
/// column out): an `Option<&V>`.
fn some_value(field: &Field, place: TokenStream) -> TokenStream {
    match wrapper(field) {
        Some(wrap) if typed_json(field) && field.nullable => {
            quote!(#place.as_ref().map(|v| v.as_ref().map(#wrap)).as_ref())
        }
        Some(wrap) => quote!(#place.as_ref().map(#wrap).as_ref()),
        None => quote!(#place.as_ref()),
    }
}

/// The expression reading the next column into the field.
fn read(field: &Field) -> TokenStream {
    match wrapper(field) {
        Some(wrap) if typed_json(field) && field.nullable => {
            quote!(r.get::<Option<#wrap<_>>>()?.map(|v| v.0))
        }
        Some(wrap) => quote!(r.get::<#wrap<_>>()?.0),
        None => quote!(r.get()?),
    }
}

/// `read`, `write`, `write_new`, `write_key` and `write_patch` of a record's `Table`.
pub(super) fn table_fns(store: &Store) -> TokenStream {
    let read_fields = store.fields.iter().map(|f| {
        let (name, value) = (ident(&f.name), read(f));
        quote!(#name: #value)
    });
    let writes = store.fields.iter().map(|f| {
        let name = ident(&f.name);
        let value = value(f, quote!(self.#name));
        quote!(w.put(#value)?;)
    });
    let insertable: Vec<&Field> = store.fields.iter().filter(|f| !f.assigned()).collect();
    let (new_var, new_w) = if insertable.is_empty() {
        (format_ident!("_new"), format_ident!("_w"))
    } else {
        (format_ident!("new"), format_ident!("w"))
    };
    let new_writes = insertable.iter().map(|f| {
        let name = ident(&f.name);
        if f.default.is_some() {
            let value = some_value(f, quote!(new.#name));
            quote!(w.put_some(#value)?;)
        } else {
            let value = value(f, quote!(new.#name));
            quote!(w.put(#value)?;)
        }
    });
    let key_writes = key_parts(store, &format_ident!("key"))
        .into_iter()
        .zip(store.key_fields())
        .map(|(part, f)| match f.ty {
            LogicalType::Text { .. } | LogicalType::Bytes => quote!(w.put(#part)?;),
            _ => quote!(w.put(&#part)?;),
        });
    let patch = (store.fields.len() > store.primary_key.len()).then(|| {
        let writes = store.value_fields().map(|f| {
            let name = ident(&f.name);
            let value = some_value(f, quote!(patch.#name));
            quote!(w.put_some(#value)?;)
        });
        quote! {
            fn write_patch<W: ::storegen::__private::Write>(patch: &Self::Patch, w: &mut W) -> Result<(), W::Error> {
                #(#writes)*
                Ok(())
            }
        }
    });
    quote! {
        fn read<R: ::storegen::__private::Read>(r: &mut R) -> Result<Self, R::Error> {
            Ok(Self { #(#read_fields,)* })
        }

        fn write<W: ::storegen::__private::Write>(&self, w: &mut W) -> Result<(), W::Error> {
            #(#writes)*
            Ok(())
        }

        fn write_new<W: ::storegen::__private::Write>(#new_var: &Self::New, #new_w: &mut W) -> Result<(), W::Error> {
            #(#new_writes)*
            Ok(())
        }

        fn write_key<W: ::storegen::__private::Write>(key: Self::Key<'_>, w: &mut W) -> Result<(), W::Error> {
            #(#key_writes)*
            Ok(())
        }

        #patch
    }
}
