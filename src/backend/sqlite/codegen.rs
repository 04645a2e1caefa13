//! The SQLite half of code generation: each store's operations as an `impl` on
//! `Store<'_, Sqlite>`, backed by a private module of statements. Statements go through
//! rusqlite's per-connection cache (`prepare_cached`), so each is prepared once.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::build::codegen::finders::{self, Param, Shape};
use crate::build::codegen::rust::{
    Context, field_access, ident, is_copy, key_parts, key_type, new_ident, ops_impls,
    overridden, patch_import, record_ident,
};
use crate::model::{Field, LogicalType, Store};
use crate::sql::statements::StoreSql;

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

/// `patch` (an UPDATE of the fields a patch gives, built for it) and `upsert` (one
/// INSERT … ON CONFLICT … RETURNING).
fn patch_and_upsert(
    cx: &Context,
    store: &Store,
    sql: &StoreSql,
) -> (TokenStream, TokenStream, TokenStream) {
    let (mut items, mut patch_fn, mut upsert_fn) =
        (TokenStream::new(), TokenStream::new(), TokenStream::new());
    let key = key_type(cx, store);
    if store.fields.len() > store.primary_key.len() {
        let (patch_consts, set) = crate::build::codegen::rust::patch_parts(store, sql);
        let patch_sql =
            crate::build::codegen::rust::patch_sql_call(sql, quote!(::storegen::__private::sqlite));
        let binds = store.value_fields().map(|f| {
            let name = ident(&f.name);
            // A `Copy` value is bound as it is, the rest by reference, as `update` does.
            let source = if is_copy(&f.ty) && !overridden(f) {
                quote!(patch.#name)
            } else {
                quote!(&patch.#name)
            };
            let value = param(cx, f, quote!(value));
            quote! {
                if let Some(value) = #source {
                    index += 1;
                    stmt.raw_bind_parameter(index, #value)?;
                }
            }
        });
        let key_binds = key_parts(store, &format_ident!("key"))
            .into_iter()
            .zip(store.key_fields())
            .map(|(part, f)| {
                let value = param(cx, f, part);
                quote! {
                    index += 1;
                    stmt.raw_bind_parameter(index, #value)?;
                }
            });
        items.extend(quote! {
            #patch_consts
        });
        patch_fn.extend(quote! {
            fn patch(conn: &mut &Connection, key: #key, patch: &Patch) -> rusqlite::Result<bool> {
                let set = #set;
                let sql = #patch_sql;
                let bind = move |stmt: &mut Statement<'_>| -> rusqlite::Result<()> {
                    let mut index = 0;
                    #(#binds)*
                    #(#key_binds)*
                    Ok(())
                };
                if set.contains(&true) {
                    Ok(sq::execute(conn, &sql, &bind)? > 0)
                } else {
                    Ok(sq::count(conn, &sql, &bind)? > 0)
                }
            }
        });
    }
    if let Some(upsert) = &sql.upsert {
        let upsert = crate::build::codegen::rust::raw_string(upsert);
        let binds = store.fields.iter().enumerate().map(|(i, f)| {
            let n = Literal::usize_unsuffixed(i + 1);
            let value = param(cx, f, field_access(&format_ident!("record"), f));
            quote!(stmt.raw_bind_parameter(#n, #value)?;)
        });
        items.extend(quote! {
            const UPSERT: &str = #upsert;

            fn bind_record(stmt: &mut Statement<'_>, record: &Record) -> rusqlite::Result<()> {
                #(#binds)*
                Ok(())
            }
        });
        upsert_fn.extend(quote! {
            fn upsert(conn: &mut &Connection, record: &Record) -> rusqlite::Result<Option<Record>> {
                sq::one(conn, UPSERT, &|stmt| bind_record(stmt, record), read)
            }
        });
    }
    (items, patch_fn, upsert_fn)
}

pub(crate) fn store_impl(cx: &Context, store: &Store) -> TokenStream {
    let sql = StoreSql::new(store, &super::DIALECT);
    let module = format_ident!("{}_sqlite", store.name);
    let record = record_ident(store);
    let new = new_ident(store);
    let key = key_type(cx, store);

    let read_fields = store.fields.iter().enumerate().map(|(i, f)| {
        let field = ident(&f.name);
        let value = read_column(Some(store), f, Literal::usize_unsuffixed(i));
        quote!(#field: #value)
    });

    let bind_new = store.fields.iter().filter(|f| !f.assigned()).map(|f| {
        let field = ident(&f.name);
        if f.default.is_some() {
            let value = param(cx, f, quote!(value));
            quote! {
                if let Some(value) = &new.#field {
                    index += 1;
                    stmt.raw_bind_parameter(index, #value)?;
                }
            }
        } else {
            let value = param(cx, f, field_access(&format_ident!("new"), f));
            quote! {
                index += 1;
                stmt.raw_bind_parameter(index, #value)?;
            }
        }
    });

    let insertable: Vec<_> = store.fields.iter().filter(|f| !f.assigned()).collect();
    let bind_fn = if insertable.is_empty() {
        quote! {
            fn bind(_stmt: &mut Statement<'_>, _new: &New) -> rusqlite::Result<()> {
                Ok(())
            }
        }
    } else {
        quote! {
            fn bind(stmt: &mut Statement<'_>, new: &New) -> rusqlite::Result<()> {
                let mut index = 0;
                #(#bind_new)*
                Ok(())
            }
        }
    };
    let has_optional = insertable.iter().any(|f| f.default.is_some());
    let (table, columns) = (&sql.table, &sql.columns);
    let raw = |text: &str| crate::build::codegen::rust::raw_string(text);
    // With defaults, the INSERT names the columns each row gives: built per row, and
    // prepared again in a batch only when the shape changes.
    let insert_items = if has_optional {
        let insert_columns = &sql.insert_columns;
        let present = insertable.iter().map(|f| {
            let field = ident(&f.name);
            if f.default.is_some() {
                quote!(new.#field.is_some())
            } else {
                quote!(true)
            }
        });
        quote! {
            const INSERT_COLUMNS: &[&str] = &[#(#insert_columns),*];

            /// The INSERT for the columns this row gives; the others take their defaults.
            fn insert_sql(new: &New, returning: bool) -> String {
                ::storegen::__private::sqlite::insert_sql(
                    TABLE,
                    INSERT_COLUMNS,
                    &[#(#present),*],
                    returning.then_some(COLUMNS),
                )
            }

            fn shape(new: &New) -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Owned(insert_sql(new, false))
            }
        }
    } else {
        let insert = raw(&sql.insert);
        let returning = raw(&format!("{} RETURNING {}", sql.insert, sql.columns));
        quote! {
            const INSERT: &str = #insert;
            const INSERT_RETURNING: &str = #returning;

            fn shape(_: &New) -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(INSERT)
            }
        }
    };
    let insert_returning = if has_optional {
        quote!(&insert_sql(new, true))
    } else {
        quote!(INSERT_RETURNING)
    };

    let key_var = format_ident!("key");
    let key_binds = key_parts(store, &key_var)
        .into_iter()
        .zip(store.key_fields())
        .enumerate()
        .map(|(i, (part, f))| {
            let n = Literal::usize_unsuffixed(i + 1);
            let value = param(cx, f, part);
            quote!(stmt.raw_bind_parameter(#n, #value)?;)
        })
        .collect::<Vec<_>>();
    let limit_index = Literal::usize_unsuffixed(store.primary_key.len() + 1);
    let (get, delete, count) = (raw(&sql.get), raw(&sql.delete), raw(&sql.count));
    let (list_first, list_after) = (raw(&sql.list_first), raw(&sql.list_after));

    let (update_items, update_fn) = match &sql.update {
        None => (TokenStream::new(), TokenStream::new()),
        Some(update) => {
            let update = raw(update);
            // The value fields, the key, then the version it must still hold.
            let binds = store
                .value_fields()
                .chain(store.key_fields())
                .chain(store.version_field())
                .enumerate()
                .map(|(i, f)| {
                    let n = Literal::usize_unsuffixed(i + 1);
                    let value = param(cx, f, field_access(&format_ident!("record"), f));
                    quote!(stmt.raw_bind_parameter(#n, #value)?;)
                });
            (
                quote! {
                    const UPDATE: &str = #update;

                    fn bind_update(stmt: &mut Statement<'_>, record: &Record) -> rusqlite::Result<()> {
                        #(#binds)*
                        Ok(())
                    }
                },
                quote! {
                    fn update(conn: &mut &Connection, record: &Record) -> rusqlite::Result<bool> {
                        Ok(sq::execute(conn, UPDATE, &|stmt| bind_update(stmt, record))? > 0)
                    }
                },
            )
        }
    };

    let (finder_consts, finder_fns) = finders::backend(cx, store, &super::DIALECT, &Runner);
    let (write_items, patch_fn, upsert_fn) = patch_and_upsert(cx, store, &sql);
    let patch_import = patch_import(store);

    // An application rarely calls every operation of every store.
    let more_impls = ops_impls(
        store,
        quote!(::storegen::Sqlite),
        [update_fn, patch_fn, upsert_fn, finder_fns],
    );

    quote! {
        #[allow(dead_code)]
        mod #module {
            use super::{#record as Record, #new as New};
            #patch_import
            use ::storegen::Page;
            use ::storegen::rusqlite::{self, Connection, Row, Statement};
            use ::storegen::__private::sqlite::ops as sq;

            const TABLE: &str = #table;
            const COLUMNS: &str = #columns;
            const GET: &str = #get;
            const DELETE: &str = #delete;
            const LIST_FIRST: &str = #list_first;
            const LIST_AFTER: &str = #list_after;
            const COUNT: &str = #count;
            #finder_consts
            #write_items
            #insert_items
            #update_items

            pub(super) fn read(row: &Row<'_>) -> rusqlite::Result<Record> {
                Ok(Record { #(#read_fields,)* })
            }

            impl<'a, 'b> ::storegen::FromRow<&'a Row<'b>> for Record {
                type Error = rusqlite::Error;
                fn from_row(row: &'a Row<'b>) -> rusqlite::Result<Record> {
                    read(row)
                }
            }

            #bind_fn

            fn bind_key(stmt: &mut Statement<'_>, key: #key) -> rusqlite::Result<()> {
                #(#key_binds)*
                Ok(())
            }

            impl ::storegen::store::Ops<Record> for ::storegen::Sqlite {
                fn insert(conn: &mut &Connection, new: &New) -> rusqlite::Result<Option<Record>> {
                    sq::one(conn, #insert_returning, &|stmt| bind(stmt, new), read)
                }

                fn insert_many(conn: &mut &Connection, rows: &[New]) -> rusqlite::Result<u64> {
                    sq::insert_many(conn, rows, shape, bind)
                }

                fn get(conn: &mut &Connection, key: #key) -> rusqlite::Result<Option<Record>> {
                    sq::one(conn, GET, &move |stmt| bind_key(stmt, key), read)
                }

                // SQLite's transactions hold the write lock: reading is enough.
                fn get_for_update(conn: &mut &Connection, key: #key) -> rusqlite::Result<Option<Record>> {
                    <Self as ::storegen::store::Ops<Record>>::get(conn, key)
                }

                fn delete(conn: &mut &Connection, key: #key) -> rusqlite::Result<bool> {
                    Ok(sq::execute(conn, DELETE, &move |stmt| bind_key(stmt, key))? > 0)
                }

                fn list(conn: &mut &Connection, page: Page<#key>) -> rusqlite::Result<Vec<Record>> {
                    match page.into_parts() {
                        (None, limit) => sq::page(conn, LIST_FIRST, &move |stmt| stmt.raw_bind_parameter(1, limit), limit, read),
                        (Some(key), limit) => sq::page(
                            conn,
                            LIST_AFTER,
                            &move |stmt| {
                                bind_key(stmt, key)?;
                                stmt.raw_bind_parameter(#limit_index, limit)
                            },
                            limit,
                            read,
                        ),
                    }
                }

                fn count(conn: &mut &Connection) -> rusqlite::Result<u64> {
                    sq::count(conn, COUNT, &|_| Ok(()))
                }
            }

            #more_impls
        }
    }
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
