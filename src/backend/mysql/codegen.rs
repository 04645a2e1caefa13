//! The MySQL/MariaDB half of code generation: each store's operations as an `impl` on
//! `Store<'_, Mysql>`, backed by a private module of statements.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::build::codegen::finders::{self, Param, Shape};
use crate::build::codegen::rust::{
    Context, child_value_type, ident, overridden, record_ident, typed_json,
};
use crate::model::{Field, LogicalType, Store};

/// The driver's `Value` of a key's or finder's value (a variable of the type it is passed
/// as: `&str`, a `Copy` value, or a reference to a `rust` type).
fn key_value(cx: &Context, field: &Field, value: TokenStream) -> TokenStream {
    match field.ty {
        _ if overridden(field) => quote!(Value::from(#value)),
        LogicalType::TimestampTz if cx.time_crate() => quote!(my::utc_datetime(#value)),
        LogicalType::TimestampTz => quote!(Value::from(#value.naive_utc())),
        LogicalType::UuidText => quote!(my::uuid_text(#value)),
        _ => quote!(Value::from(#value)),
    }
}

/// How MySQL's generated code binds a finder's values and runs its statements.
struct Runner;

impl finders::Runner for Runner {
    fn param(&self, cx: &Context, field: &Field, value: TokenStream) -> Param {
        Param {
            ty: TokenStream::new(),
            value: key_value(cx, field, value),
        }
    }

    fn limit(&self) -> Param {
        Param {
            ty: TokenStream::new(),
            value: quote!(Value::from(limit)),
        }
    }

    fn run(&self, sql: &TokenStream, params: &[Param], shape: Shape) -> TokenStream {
        let values = params.iter().map(|p| &p.value);
        let values = quote!(::std::vec::Vec::from([#(#values),*]));
        match shape {
            Shape::One => quote!(my::first(conn.query(#sql, #values)?, read)),
            Shape::Page => quote!(my::all(conn.query(#sql, #values)?, read)),
            Shape::Count => quote!(my::count(conn, #sql, #values)),
        }
    }
}

/// A column's value read from `row` into its field. An instant is stored as its UTC
/// date and time: read back as UTC.
fn read_value(cx: &Context, store: Option<&Store>, f: &Field, i: usize) -> TokenStream {
    let i = Literal::usize_unsuffixed(i);
    match (&f.ty, f.nullable, store) {
        _ if overridden(f) => quote!(my::take(&mut row, #i)?),
        (_, _, Some(store)) if typed_json(f) => {
            let ty = child_value_type(store, f);
            if f.nullable {
                quote!(my::take::<Option<my::JsonTyped<#ty>>>(&mut row, #i)?.map(|j| j.0))
            } else {
                quote!(my::take::<my::JsonTyped<#ty>>(&mut row, #i)?.0)
            }
        }
        (LogicalType::UuidText, false, _) => quote!(my::take::<my::UuidText>(&mut row, #i)?.0),
        (LogicalType::UuidText, true, _) => {
            quote!(my::take::<Option<my::UuidText>>(&mut row, #i)?.map(|u| u.0))
        }
        (LogicalType::TimestampTz, false, _) if cx.time_crate() => {
            quote!(my::take::<::storegen::time::PrimitiveDateTime>(&mut row, #i)?.assume_utc())
        }
        (LogicalType::TimestampTz, true, _) if cx.time_crate() => quote!(
            my::take::<Option<::storegen::time::PrimitiveDateTime>>(&mut row, #i)?.map(|v| v.assume_utc())
        ),
        (LogicalType::TimestampTz, false, _) => {
            quote!(my::take::<::storegen::chrono::NaiveDateTime>(&mut row, #i)?.and_utc())
        }
        (LogicalType::TimestampTz, true, _) => quote!(
            my::take::<Option<::storegen::chrono::NaiveDateTime>>(&mut row, #i)?.map(|v| v.and_utc())
        ),
        _ => quote!(my::take(&mut row, #i)?),
    }
}

/// MySQL's part of a store: its operations are the runtime's, generic over the record's
/// `Table`; here only the store's finders, in a module of their statements.
pub(crate) fn store_impl(cx: &Context, store: &Store) -> TokenStream {
    finders::backend_module(
        cx,
        store,
        &super::DIALECT,
        &Runner,
        crate::backend::BackendKind::Mysql,
        quote! {
            use ::storegen::__private::mysql as my;
            use ::storegen::mysql::{Error, Row, Value};
        },
        quote! {
            fn read(row: Row) -> Result<Record, Error> {
                ::storegen::__private::mysql::store::read(row)
            }
        },
    )
}

/// A generated enum's conversions for the driver.
pub(crate) fn enum_impls(ty: &proc_macro2::Ident) -> TokenStream {
    quote! {
        impl ::core::convert::From<#ty> for ::storegen::mysql::Value {
            fn from(value: #ty) -> Self {
                ::storegen::__private::mysql::enum_value(value)
            }
        }

        impl ::core::convert::From<::storegen::__private::mysql::EnumIr<#ty>> for #ty {
            fn from(value: ::storegen::__private::mysql::EnumIr<#ty>) -> Self {
                value.0
            }
        }

        impl ::storegen::mysql::prelude::FromValue for #ty {
            type Intermediate = ::storegen::__private::mysql::EnumIr<#ty>;
        }
    }
}

/// How MySQL's generated code runs the custom queries (prepared once per connection by
/// the driver's statement cache, as the stores' are).
pub(crate) struct Queries;

impl crate::build::codegen::queries::Runner for Queries {
    fn backend(&self) -> crate::backend::BackendKind {
        crate::backend::BackendKind::Mysql
    }

    fn imports(&self) -> TokenStream {
        quote! {
            use ::storegen::__private::mysql as my;
            use ::storegen::mysql::{Error, Row, Value};
        }
    }

    fn read_head(&self, row: &TokenStream) -> TokenStream {
        quote!(fn __read(mut row: Row) -> Result<#row, Error>)
    }

    fn store_reader(&self, store: &Store) -> TokenStream {
        let record = record_ident(store);
        quote!(::storegen::__private::mysql::store::read::<super::#record>)
    }

    fn read_value(&self, cx: &Context, store: Option<&Store>, f: &Field, i: usize) -> TokenStream {
        read_value(cx, store, f, i)
    }

    fn body(
        &self,
        cx: &Context,
        shape: &crate::build::queries::Shape,
        rewritten: &crate::build::queries::text::Rewritten,
        kind: crate::build::queries::Kind,
    ) -> TokenStream {
        use crate::build::queries::Kind;
        // `?` placeholders: a parameter used twice is bound twice.
        let values = rewritten.binds.iter().map(|p| {
            let param = &shape.params[*p];
            let name = ident(&param.name);
            let field = Field {
                nullable: false,
                ..crate::build::codegen::queries::param_field(param)
            };
            let value = key_value(cx, &field, quote!(v));
            if param.nullable {
                quote!(match #name { Some(v) => #value, None => Value::NULL })
            } else {
                quote!({ let v = #name; #value })
            }
        });
        let params = quote!(::std::vec::Vec::from([#(#values),*]));
        match kind {
            Kind::One => quote!(my::first(__conn.query(SQL, #params)?, __read)),
            Kind::Many => quote!(my::all(__conn.query(SQL, #params)?, __read)),
            Kind::Exec => quote!(Ok(__conn.execute(SQL, #params)?.0)),
        }
    }
}
