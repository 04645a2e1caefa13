//! A record's `Table` functions that read and write it on every backend: each field's
//! value through the runtime's `Read` and `Write` (`r.get()?`, `w.put(&self.name)?`),
//! one function each for every backend. A field of a `rust` type goes through the
//! driver's own conversions (`Driver`), a typed JSON field through serde (`Json`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{ident, key_parts, overridden, typed_json};
use crate::model::{Field, LogicalType, Store};

/// How a field's value is written and read: plain (the backend's conversion for its
/// type), through the driver's own conversions (a `rust` type), or as JSON through
/// serde (a typed JSON field; nullable: NULL when `None`, not JSON `null`).
enum Way {
    Plain,
    Driver,
    Json,
    JsonOpt,
}

fn way(field: &Field) -> Way {
    if typed_json(field) {
        if field.nullable {
            Way::JsonOpt
        } else {
            Way::Json
        }
    } else if overridden(field) {
        Way::Driver
    } else {
        Way::Plain
    }
}

/// Writes the value `value` refers to (a field of the record, borrowed).
fn put(field: &Field, value: TokenStream) -> TokenStream {
    match way(field) {
        Way::Plain => quote!(w.put(#value)?;),
        Way::Driver => quote!(w.put_driver(#value)?;),
        Way::Json => quote!(w.put_json(#value)?;),
        Way::JsonOpt => quote!(w.put_json_opt(#value)?;),
    }
}

/// Writes the value at `place`, an `Option` of the field's value: `None` leaves the
/// column out.
fn put_some(field: &Field, place: TokenStream) -> TokenStream {
    match way(field) {
        Way::Plain => quote!(w.put_some(#place.as_ref())?;),
        _ => {
            let put = put(field, quote!(v));
            quote! {
                match &#place {
                    Some(v) => { #put }
                    None => w.skip(),
                }
            }
        }
    }
}

/// The expression reading the next column into the field.
fn read(field: &Field) -> TokenStream {
    match way(field) {
        Way::Plain => quote!(r.get()?),
        Way::Driver => quote!(r.get_driver()?),
        Way::Json => quote!(r.get_json()?),
        Way::JsonOpt => quote!(r.get_json_opt()?),
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
        put(f, quote!(&self.#name))
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
            put_some(f, quote!(new.#name))
        } else {
            put(f, quote!(&new.#name))
        }
    });
    let key_writes = key_parts(store, &format_ident!("key"))
        .into_iter()
        .zip(store.key_fields())
        .map(|(part, f)| match (f.ty.clone(), store.primary_key.len()) {
            // `key` is `&&str` (or a tuple's `&str`).
            (LogicalType::Text { .. } | LogicalType::Bytes, 1) => quote!(w.put(*#part)?;),
            (LogicalType::Text { .. } | LogicalType::Bytes, _) => quote!(w.put(#part)?;),
            (_, 1) => quote!(w.put(#part)?;),
            _ => quote!(w.put(&#part)?;),
        });
    let patch = (store.fields.len() > store.primary_key.len()).then(|| {
        let writes = store.value_fields().map(|f| {
            let name = ident(&f.name);
            put_some(f, quote!(patch.#name))
        });
        quote! {
            fn write_patch<'a, W: ::storegen::__private::Write<'a>>(patch: &'a Self::Patch, w: &mut W) -> Result<(), W::Error> {
                #(#writes)*
                Ok(())
            }
        }
    });
    quote! {
        fn read<R: ::storegen::__private::Read>(r: &mut R) -> Result<Self, R::Error> {
            Ok(Self { #(#read_fields,)* })
        }

        fn write<'a, W: ::storegen::__private::Write<'a>>(&'a self, w: &mut W) -> Result<(), W::Error> {
            #(#writes)*
            Ok(())
        }

        fn write_new<'a, W: ::storegen::__private::Write<'a>>(#new_var: &'a Self::New, #new_w: &mut W) -> Result<(), W::Error> {
            #(#new_writes)*
            Ok(())
        }

        fn write_key<'a, 'k, W: ::storegen::__private::Write<'a>>(key: &'a Self::Key<'k>, w: &mut W) -> Result<(), W::Error> {
            #(#key_writes)*
            Ok(())
        }

        #patch
    }
}
