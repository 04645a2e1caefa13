//! The PostgreSQL half of code generation: each store's operations as an `impl` on
//! `Store<'_, Postgres>`, backed by a private module of statements with their
//! parameter types.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use crate::build::codegen::finders::{self, Param, Shape};
use crate::build::codegen::rust::{Context, child_value_type, ident, record_ident, typed_json};
use crate::model::{Field, LogicalType, Store};

/// The `postgres::types::Type` constant for a logical type's parameters.
fn pg_type(ty: &LogicalType) -> TokenStream {
    let name = Ident::new(super::types::param_type(ty), proc_macro2::Span::call_site());
    quote!(Type::#name)
}

/// How PostgreSQL's generated code binds a finder's values and runs its statements.
struct Runner;

impl finders::Runner for Runner {
    fn param(&self, _: &Context, field: &Field, value: TokenStream) -> Param {
        Param {
            ty: pg_type(&field.ty),
            value: quote!(&#value),
        }
    }

    fn limit(&self) -> Param {
        Param {
            ty: quote!(Type::INT8),
            value: quote!(&i64::from(limit)),
        }
    }

    fn run(&self, sql: &TokenStream, params: &[Param], shape: Shape) -> TokenStream {
        let types = params.iter().map(|p| &p.ty);
        let values = params.iter().map(|p| &p.value);
        let (types, values) = (quote!(&[#(#types),*]), quote!(&[#(#values),*]));
        match shape {
            Shape::One => quote!(pg::first(&conn.query(#sql, #types, #values)?, read)),
            Shape::Page => quote!(pg::all(&conn.query(#sql, #types, #values)?, read)),
            Shape::Count => quote!(pg::count(conn, #sql, #types, #values)),
        }
    }
}

/// A custom query's column `i`, read into its field (typed JSON through its `Json`
/// wrapper).
fn read_value(store: Option<&Store>, f: &Field, i: usize) -> TokenStream {
    let i = Literal::usize_unsuffixed(i);
    if let (true, Some(store)) = (typed_json(f), store) {
        let ty = child_value_type(store, f);
        return if f.nullable {
            quote!(row.try_get::<_, Option<::storegen::postgres::types::Json<#ty>>>(#i)?.map(|j| j.0))
        } else {
            quote!(row.try_get::<_, ::storegen::postgres::types::Json<#ty>>(#i)?.0)
        };
    }
    quote!(row.try_get(#i)?)
}

/// PostgreSQL's part of a store: its operations are the runtime's, generic over the
/// record's `Table`; here only the store's finders, in a module of their statements.
pub(crate) fn store_impl(cx: &Context, store: &Store) -> TokenStream {
    finders::backend_module(
        cx,
        store,
        &super::DIALECT,
        &Runner,
        crate::backend::BackendKind::Postgres,
        quote! {
            use ::storegen::__private::postgres as pg;
            use ::storegen::postgres::types::Type;
            use ::storegen::postgres::{Error, Row};
        },
        quote! {
            fn read(row: &Row) -> Result<Record, Error> {
                ::storegen::__private::postgres::store::read(row)
            }
        },
    )
}

/// A generated enum's conversions for the driver.
pub(crate) fn enum_impls(ty: &proc_macro2::Ident) -> TokenStream {
    quote! {
        impl ::storegen::postgres::types::ToSql for #ty {
            fn to_sql(
                &self,
                ty: &::storegen::postgres::types::Type,
                out: &mut ::storegen::__private::postgres::BytesMut,
            ) -> Result<::storegen::postgres::types::IsNull, Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>> {
                ::storegen::__private::postgres::enum_to_sql(*self, ty, out)
            }

            fn accepts(ty: &::storegen::postgres::types::Type) -> bool {
                ::storegen::__private::postgres::enum_accepts(ty)
            }

            fn to_sql_checked(
                &self,
                ty: &::storegen::postgres::types::Type,
                out: &mut ::storegen::__private::postgres::BytesMut,
            ) -> Result<::storegen::postgres::types::IsNull, Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>> {
                ::storegen::__private::postgres::enum_to_sql_checked(*self, ty, out)
            }
        }

        impl<'a> ::storegen::postgres::types::FromSql<'a> for #ty {
            fn from_sql(
                _: &::storegen::postgres::types::Type,
                raw: &'a [u8],
            ) -> Result<Self, Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>> {
                ::storegen::__private::postgres::enum_from_sql(raw)
            }

            fn accepts(ty: &::storegen::postgres::types::Type) -> bool {
                ::storegen::__private::postgres::enum_accepts(ty)
            }
        }
    }
}

/// How PostgreSQL's generated code runs the custom queries: prepared once per
/// connection with the parameters' types, as the stores' statements are.
pub(crate) struct Queries;

impl crate::build::codegen::queries::Runner for Queries {
    fn backend(&self) -> crate::backend::BackendKind {
        crate::backend::BackendKind::Postgres
    }

    fn imports(&self) -> TokenStream {
        quote! {
            use ::storegen::__private::postgres as pg;
            use ::storegen::postgres::types::Type;
            use ::storegen::postgres::{Error, Row};
        }
    }

    fn read_head(&self, row: &TokenStream) -> TokenStream {
        quote!(fn __read(row: &Row) -> Result<#row, Error>)
    }

    fn store_reader(&self, store: &Store) -> TokenStream {
        let record = record_ident(store);
        quote!(::storegen::__private::postgres::store::read::<super::#record>)
    }

    fn read_value(&self, _: &Context, store: Option<&Store>, f: &Field, i: usize) -> TokenStream {
        read_value(store, f, i)
    }

    fn body(
        &self,
        _: &Context,
        shape: &crate::build::queries::Shape,
        rewritten: &crate::build::queries::text::Rewritten,
        kind: crate::build::queries::Kind,
    ) -> TokenStream {
        use crate::build::queries::Kind;
        let params: Vec<_> = rewritten.binds.iter().map(|p| &shape.params[*p]).collect();
        let types = params.iter().map(|p| pg_type(&p.ty));
        let values = params.iter().map(|p| {
            let name = ident(&p.name);
            quote!(&#name)
        });
        let (types, values) = (quote!(&[#(#types),*]), quote!(&[#(#values),*]));
        // A native enum in the rows: the driver must know its type before they come.
        let query = if shape
            .columns
            .iter()
            .any(|c| c.ty.enum_type_name().is_some())
        {
            quote!(query_prepared)
        } else {
            quote!(query)
        };
        match kind {
            Kind::One => quote!(pg::first(&__conn.#query(SQL, #types, #values)?, __read)),
            Kind::Many => quote!(pg::all(&__conn.#query(SQL, #types, #values)?, __read)),
            Kind::Exec => quote!(__conn.execute(SQL, #types, #values)),
        }
    }
}
