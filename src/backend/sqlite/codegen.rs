//! The SQLite half of code generation: each store's operations as an `impl` on
//! `Store<'_, Sqlite>`, backed by a private module of statements. Statements go through
//! rusqlite's per-connection cache (`prepare_cached`), so each is prepared once.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::build::codegen::finders::{self, Param, Shape};
use crate::build::codegen::rust::{Context, ident, record_ident};
use crate::model::{Field, LogicalType, Store};

/// A field's value as the parameter bound for it. A float goes through a check first:
/// SQLite would store NaN as NULL, silently. JSON goes as its text, a decimal as its
/// text at the column's scale.
fn param(cx: &Context, field: &Field, value: TokenStream) -> TokenStream {
    if crate::build::codegen::rust::overridden(field) {
        return value;
    }
    if crate::build::codegen::rust::typed_json(field) {
        return if field.nullable {
            quote!(::storegen::__private::sqlite::json_typed_opt(#value)?)
        } else {
            quote!(::storegen::__private::sqlite::json_typed(#value)?)
        };
    }
    // Fewer digits of a second than microseconds: rounded here, as the servers round.
    let value = match field.precision {
        Some(digits) => quote!({
            use ::storegen::__private::fraction::RoundFraction as _;
            (#value).round_fraction(#digits)
        }),
        None => value,
    };
    match field.ty {
        LogicalType::Float32 | LogicalType::Float64 => {
            let name = &field.name;
            quote!(::storegen::__private::sqlite::finite(#value, #name)?)
        }
        LogicalType::Json => quote!(::storegen::__private::sqlite::json(#value)),
        LogicalType::Decimal { scale, .. } => {
            quote!(::storegen::__private::sqlite::decimal(#value, #scale))
        }
        LogicalType::UuidText => quote!(::storegen::__private::sqlite::uuid_text(#value)),
        // An instant is written in UTC, as chrono's `DateTime<Utc>` is: text of one
        // offset sorts and compares as the instants do.
        LogicalType::TimestampTz if cx.time_crate() => {
            if field.nullable {
                quote!(#value.map(|v| v.to_offset(::storegen::time::UtcOffset::UTC)))
            } else {
                quote!(#value.to_offset(::storegen::time::UtcOffset::UTC))
            }
        }
        _ => value,
    }
}

/// A column's value read into its field. A decimal is read from its text.
fn read_column(store: Option<&Store>, field: &Field, index: Literal) -> TokenStream {
    if crate::build::codegen::rust::overridden(field) {
        return quote!(row.get(#index)?);
    }
    if let (true, Some(store)) = (crate::build::codegen::rust::typed_json(field), store) {
        let ty = crate::build::codegen::rust::child_value_type(store, field);
        return if field.nullable {
            quote!(row.get::<_, Option<::storegen::__private::sqlite::JsonTyped<#ty>>>(#index)?.map(|j| j.0))
        } else {
            quote!(row.get::<_, ::storegen::__private::sqlite::JsonTyped<#ty>>(#index)?.0)
        };
    }
    match (&field.ty, field.nullable) {
        // ISO-8601 text, or unix seconds another program wrote to a NUMERIC column.
        (LogicalType::Timestamp, false) => {
            quote!(row.get::<_, ::storegen::__private::sqlite::UnixOr<_>>(#index)?.0)
        }
        (LogicalType::Timestamp, true) => {
            quote!(row.get::<_, Option<::storegen::__private::sqlite::UnixOr<_>>>(#index)?.map(|t| t.0))
        }
        // Text at the field's scale as storegen writes it; a NUMERIC or REAL column (or
        // arithmetic) holds a float, rounded back to the scale.
        (LogicalType::Decimal { scale, .. }, false) => {
            quote!(row.get::<_, ::storegen::__private::sqlite::DecimalComputed<#scale>>(#index)?.0)
        }
        (LogicalType::Decimal { scale, .. }, true) => {
            quote!(row.get::<_, Option<::storegen::__private::sqlite::DecimalComputed<#scale>>>(#index)?.map(|d| d.0))
        }
        (LogicalType::UuidText, false) => {
            quote!(row.get::<_, ::storegen::__private::sqlite::UuidText>(#index)?.0)
        }
        (LogicalType::UuidText, true) => {
            quote!(row.get::<_, Option<::storegen::__private::sqlite::UuidText>>(#index)?.map(|u| u.0))
        }
        _ => quote!(row.get(#index)?),
    }
}

/// How SQLite's generated code binds a finder's values and runs its statements.
struct Runner;

impl finders::Runner for Runner {
    fn param(&self, cx: &Context, field: &Field, value: TokenStream) -> Param {
        // The value is never NULL: bound as the field's non-null values are.
        let field = Field {
            nullable: false,
            ..field.clone()
        };
        Param {
            ty: TokenStream::new(),
            value: param(cx, &field, value),
        }
    }

    fn limit(&self) -> Param {
        Param {
            ty: TokenStream::new(),
            value: quote!(limit),
        }
    }

    fn run(&self, sql: &TokenStream, params: &[Param], shape: Shape) -> TokenStream {
        let binds = params.iter().enumerate().map(|(i, p)| {
            let (n, value) = (Literal::usize_unsuffixed(i + 1), &p.value);
            quote!(stmt.raw_bind_parameter(#n, #value)?;)
        });
        let bind = quote!(&move |stmt| { #(#binds)* Ok(()) });
        match shape {
            Shape::One => quote!(sq::one(conn, #sql, #bind, read)),
            Shape::Page => quote!(sq::page(conn, #sql, #bind, limit, read)),
            Shape::Count => quote!(sq::count(conn, #sql, #bind)),
        }
    }
}

/// SQLite's part of a store: its operations are the runtime's, generic over the
/// record's `Table`; here only the store's finders, in a module of their statements.
pub(crate) fn store_impl(cx: &Context, store: &Store) -> TokenStream {
    finders::backend_module(
        cx,
        store,
        &super::DIALECT,
        &Runner,
        crate::backend::BackendKind::Sqlite,
        quote! {
            use ::storegen::rusqlite::{self, Row};
            use ::storegen::__private::sqlite::ops as sq;
        },
        quote! {
            fn read(row: &Row<'_>) -> rusqlite::Result<Record> {
                ::storegen::__private::sqlite::store::read(row)
            }
        },
    )
}

/// A generated enum's conversions for the driver.
pub(crate) fn enum_impls(ty: &proc_macro2::Ident) -> TokenStream {
    quote! {
        impl ::storegen::rusqlite::types::ToSql for #ty {
            fn to_sql(&self) -> ::storegen::rusqlite::Result<::storegen::rusqlite::types::ToSqlOutput<'_>> {
                Ok(::storegen::Enum::as_str(*self).into())
            }
        }

        impl ::storegen::rusqlite::types::FromSql for #ty {
            fn column_result(value: ::storegen::rusqlite::types::ValueRef<'_>) -> ::storegen::rusqlite::types::FromSqlResult<Self> {
                ::storegen::__private::sqlite::enum_from_sql(value)
            }
        }
    }
}

/// How SQLite's generated code runs the custom queries.
pub(crate) struct Queries;

impl crate::build::codegen::queries::Runner for Queries {
    fn backend(&self) -> crate::backend::BackendKind {
        crate::backend::BackendKind::Sqlite
    }

    fn imports(&self) -> TokenStream {
        quote! {
            use ::storegen::rusqlite::{self, Row};
            use ::storegen::__private::sqlite::ops as sq;
        }
    }

    fn read_head(&self, row: &TokenStream) -> TokenStream {
        quote!(fn __read(row: &Row<'_>) -> rusqlite::Result<#row>)
    }

    fn store_reader(&self, store: &Store) -> TokenStream {
        let record = record_ident(store);
        quote!(::storegen::__private::sqlite::store::read::<super::#record>)
    }

    fn read_value(&self, _: &Context, store: Option<&Store>, f: &Field, i: usize) -> TokenStream {
        read_column(store, f, Literal::usize_unsuffixed(i))
    }

    fn body(
        &self,
        cx: &Context,
        shape: &crate::build::queries::Shape,
        rewritten: &crate::build::queries::text::Rewritten,
        kind: crate::build::queries::Kind,
    ) -> TokenStream {
        use crate::build::queries::Kind;
        let binds = rewritten.binds.iter().enumerate().map(|(i, p)| {
            let param = &shape.params[*p];
            let n = Literal::usize_unsuffixed(i + 1);
            let name = ident(&param.name);
            let field = Field {
                nullable: false,
                ..crate::build::codegen::queries::param_field(param)
            };
            let value = self::param(cx, &field, quote!(v));
            if param.nullable {
                quote! {
                    match #name {
                        Some(v) => __stmt.raw_bind_parameter(#n, #value)?,
                        None => __stmt.raw_bind_parameter(#n, rusqlite::types::Null)?,
                    }
                }
            } else {
                quote! {
                    let v = #name;
                    __stmt.raw_bind_parameter(#n, #value)?;
                }
            }
        });
        let stmt = if rewritten.binds.is_empty() {
            format_ident!("_stmt")
        } else {
            format_ident!("__stmt")
        };
        let bind = quote!(&move |#stmt: &mut rusqlite::Statement<'_>| { #(#binds)* Ok(()) });
        match kind {
            Kind::One => quote!(sq::one(__conn, SQL, #bind, __read)),
            Kind::Many => quote!(sq::page(__conn, SQL, #bind, 0, __read)),
            Kind::Exec => quote!(Ok(sq::execute(__conn, SQL, #bind)? as u64)),
        }
    }
}
