//! The PostgreSQL half of code generation: each store's operations as an `impl` on
//! `Store<'_, Postgres>`, backed by a private module of statements with their
//! parameter types.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::build::codegen::finders::{self, Param, Shape};
use crate::build::codegen::rust::{
    Context, child_value_type, ident, key_parts, key_type, new_ident, ops_impls, overridden,
    patch_import, record_ident, typed_json, value_type,
};
use crate::model::{Field, LogicalType, Store};
use crate::sql::statements::StoreSql;

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

/// Whether a field's parameter goes in a wrapper made before the parameters borrow it:
/// typed JSON in `Json`, a time with a `precision` in `Rounded`.
fn wrapped(f: &Field) -> bool {
    typed_json(f) || (f.precision.is_some() && !overridden(f))
}

/// The wrapper's constructor, a function of a reference to the value.
fn wrapper(f: &Field) -> TokenStream {
    match f.precision {
        Some(digits) if !typed_json(f) => {
            quote!(::storegen::__private::postgres::Rounded::<_, #digits>)
        }
        _ => quote!(::storegen::postgres::types::Json),
    }
}

/// The wrapper's type, borrowing for `'a`.
fn wrapper_type(cx: &Context, store: &Store, f: &Field) -> TokenStream {
    match f.precision {
        Some(digits) if !typed_json(f) => {
            let ty = value_type(cx, f);
            quote!(::storegen::__private::postgres::Rounded<'a, #ty, #digits>)
        }
        _ => {
            let ty = child_value_type(store, f);
            quote!(::storegen::postgres::types::Json<&'a #ty>)
        }
    }
}

/// A record's field as a parameter (in its wrapper, if it has one).
fn record_param(f: &Field) -> TokenStream {
    let field = ident(&f.name);
    let wrap = wrapper(f);
    if wrapped(f) && f.nullable {
        quote!(&record.#field.as_ref().map(#wrap))
    } else if wrapped(f) {
        quote!(&#wrap(&record.#field))
    } else {
        quote!(&record.#field)
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
        let patch_sql = crate::build::codegen::rust::patch_sql_call(sql, quote!(pg));
        // Wrapped values (typed JSON, rounded times), made before the parameters borrow
        // them.
        let wrappers = store.value_fields().filter(|f| wrapped(f)).map(|f| {
            let (name, local) = (ident(&f.name), format_ident!("wrapped_{}", f.name));
            let wrap = wrapper(f);
            if f.nullable {
                quote!(let #local = patch.#name.as_ref().map(|v| v.as_ref().map(#wrap));)
            } else {
                quote!(let #local = patch.#name.as_ref().map(#wrap);)
            }
        });
        let pushes = store.value_fields().map(|f| {
            let name = ident(&f.name);
            let ty = pg_type(&f.ty);
            let source = if wrapped(f) {
                let local = format_ident!("wrapped_{}", f.name);
                quote!(&#local)
            } else {
                quote!(&patch.#name)
            };
            quote! {
                if let Some(value) = #source {
                    types.push(#ty);
                    params.push(value);
                }
            }
        });
        let key_var = format_ident!("key");
        let key_params = key_parts(store, &key_var);
        items.extend(quote! {
            #patch_consts
        });
        patch_fn.extend(quote! {
            fn patch(conn: &mut PgConn<'_>, key: #key, patch: &Patch) -> Result<bool, Error> {
                let set = #set;
                let sql = #patch_sql;
                #(#wrappers)*
                let mut types: Vec<Type> = Vec::with_capacity(set.len() + KEY_TYPES.len());
                let mut params: Vec<Param<'_>> = Vec::with_capacity(types.capacity());
                #(#pushes)*
                types.extend_from_slice(KEY_TYPES);
                #(params.push(&#key_params);)*
                if set.contains(&true) {
                    Ok(conn.execute(&sql, &types, &params)? > 0)
                } else {
                    Ok(pg::count(conn, &sql, &types, &params)? > 0)
                }
            }
        });
    }
    if let Some(upsert) = &sql.upsert {
        let upsert = crate::build::codegen::rust::raw_string(upsert);
        let types = store.fields.iter().map(|f| pg_type(&f.ty));
        let params = store.fields.iter().map(record_param);
        items.extend(quote! {
            const UPSERT: &str = #upsert;
        });
        upsert_fn.extend(quote! {
            fn upsert(conn: &mut PgConn<'_>, record: &Record) -> Result<Option<Record>, Error> {
                pg::first(&conn.query(UPSERT, &[#(#types),*], &[#(#params),*])?, read)
            }
        });
    }
    (items, patch_fn, upsert_fn)
}

/// A column's value read from `row` into its field (typed JSON through its `Json`
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

pub(crate) fn store_impl(cx: &Context, store: &Store) -> TokenStream {
    let (finder_consts, finder_fns) = finders::backend(cx, store, &super::DIALECT, &Runner);

    let module = format_ident!("{}_postgres", store.name);
    let record = record_ident(store);
    let new = new_ident(store);
    let key = key_type(cx, store);
    let sql = StoreSql::new(store, &super::DIALECT);
    let (write_items, patch_fn, upsert_fn) = patch_and_upsert(cx, store, &sql);
    let patch_import = patch_import(store);
    let (table, columns) = (&sql.table, &sql.columns);
    let read_fields = store.fields.iter().enumerate().map(|(i, f)| {
        let field = ident(&f.name);
        let value = read_value(Some(store), f, i);
        quote!(#field: #value)
    });

    let insertable: Vec<_> = store.fields.iter().filter(|f| !f.assigned()).collect();
    let new_param = if insertable.is_empty() {
        format_ident!("_new")
    } else {
        format_ident!("new")
    };
    let insert_columns = &sql.insert_columns;
    let insert_types = insertable.iter().map(|f| pg_type(&f.ty));
    let width = Literal::usize_unsuffixed(insertable.len());
    // Wrapped values (typed JSON, rounded times) made before `values` borrows them.
    let typed: Vec<_> = insertable.iter().filter(|f| wrapped(f)).collect();
    let mut typed_index = 0;
    let values: Vec<TokenStream> = insertable
        .iter()
        .map(|f| {
            let field = ident(&f.name);
            if wrapped(f) {
                let k = syn::Index::from(typed_index);
                typed_index += 1;
                // A default's `None` leaves the column to it.
                return if f.default.is_some() {
                    quote!(json.#k.as_ref().map(|value| value as Param<'_>))
                } else {
                    quote!(Some(&json.#k as Param<'_>))
                };
            }
            if f.default.is_some() {
                quote!(new.#field.as_ref().map(|value| value as Param<'_>))
            } else {
                quote!(Some(&new.#field as Param<'_>))
            }
        })
        .collect();

    let key_types: Vec<TokenStream> = store.key_fields().map(|f| pg_type(&f.ty)).collect();
    let key_var = format_ident!("key");
    let key_params: Vec<TokenStream> = key_parts(store, &key_var)
        .into_iter()
        .map(|part| quote!(&#part))
        .collect();
    let raw = |text: &str| crate::build::codegen::rust::raw_string(text);
    let (get_sql, delete_sql, count_sql) = (raw(&sql.get), raw(&sql.delete), raw(&sql.count));
    let get_for_update = raw(&sql.get_for_update);
    let (list_first, list_after) = (raw(&sql.list_first), raw(&sql.list_after));

    let update_const = sql
        .update
        .as_deref()
        .map(raw)
        .map(|update| quote!(const UPDATE: &str = #update;));
    let update_fn = if sql.update.is_some() {
        // The value fields, the key, then the version it must still hold.
        let ordered: Vec<_> = store
            .value_fields()
            .chain(store.key_fields())
            .chain(store.version_field())
            .collect();
        let types = ordered.iter().map(|f| pg_type(&f.ty));
        let params = ordered.iter().map(|f| record_param(f));
        quote! {
            fn update(conn: &mut PgConn<'_>, record: &Record) -> Result<bool, Error> {
                Ok(conn.execute(UPDATE, &[#(#types),*], &[#(#params),*])? > 0)
            }
        }
    } else {
        TokenStream::new()
    };

    let (values_fns, insert_fns) = if typed.is_empty() {
        (
            quote! {
                /// Each insertable column's value; `None` takes the column's default.
                fn values(#new_param: &New) -> [Option<Param<'_>>; #width] {
                    [#(#values),*]
                }
            },
            quote! {
                fn insert(conn: &mut PgConn<'_>, new: &New) -> Result<Option<Record>, Error> {
                    let rows = pg::insert(conn, TABLE, INSERT_COLUMNS, INSERT_TYPES, &values(new), 1, Some(COLUMNS))?;
                    pg::first(&rows, read)
                }

                fn insert_many(conn: &mut PgConn<'_>, rows: &[New]) -> Result<u64, Error> {
                    pg::insert_rows(conn, TABLE, INSERT_COLUMNS, INSERT_TYPES, rows.len(), &|i, out| {
                        out.extend(values(&rows[i]))
                    })
                }
            },
        )
    } else {
        let values_new = if typed.len() == insertable.len() {
            format_ident!("_new")
        } else {
            format_ident!("new")
        };
        let json_types = typed.iter().map(|f| {
            let ty = wrapper_type(cx, store, f);
            match (f.nullable, f.default.is_some()) {
                (false, false) => ty,
                (true, true) => quote!(Option<Option<#ty>>),
                _ => quote!(Option<#ty>),
            }
        });
        let json_values = typed.iter().map(|f| {
            let field = ident(&f.name);
            let wrap = wrapper(f);
            match (f.nullable, f.default.is_some()) {
                (false, false) => quote!(#wrap(&new.#field)),
                (true, true) => quote!(new.#field.as_ref().map(|v| v.as_ref().map(#wrap))),
                _ => quote!(new.#field.as_ref().map(#wrap)),
            }
        });
        (
            quote! {
                /// The typed JSON fields, as the parameters `values` borrows.
                type JsonParams<'a> = (#(#json_types,)*);

                fn json(new: &New) -> JsonParams<'_> {
                    (#(#json_values,)*)
                }

                /// Each insertable column's value; `None` takes the column's default.
                fn values<'a>(#values_new: &'a New, json: &'a JsonParams<'a>) -> [Option<Param<'a>>; #width] {
                    [#(#values),*]
                }
            },
            quote! {
                fn insert(conn: &mut PgConn<'_>, new: &New) -> Result<Option<Record>, Error> {
                    let json = json(new);
                    let rows = pg::insert(conn, TABLE, INSERT_COLUMNS, INSERT_TYPES, &values(new, &json), 1, Some(COLUMNS))?;
                    pg::first(&rows, read)
                }

                fn insert_many(conn: &mut PgConn<'_>, rows: &[New]) -> Result<u64, Error> {
                    let json: Vec<JsonParams<'_>> = rows.iter().map(json).collect();
                    pg::insert_rows(conn, TABLE, INSERT_COLUMNS, INSERT_TYPES, rows.len(), &|i, out| {
                        out.extend(values(&rows[i], &json[i]))
                    })
                }
            },
        )
    };

    let more_impls = ops_impls(
        store,
        quote!(::storegen::Postgres),
        [update_fn, patch_fn, upsert_fn, finder_fns],
    );

    quote! {
        #[allow(dead_code)]
        mod #module {
            use super::{#record as Record, #new as New};
            #patch_import
            use ::storegen::Page;
            use ::storegen::__private::postgres::{self as pg, Param, PgConn};
            use ::storegen::postgres::types::Type;
            use ::storegen::postgres::{Error, Row};

            const TABLE: &str = #table;
            const COLUMNS: &str = #columns;
            const INSERT_COLUMNS: &[&str] = &[#(#insert_columns),*];
            const INSERT_TYPES: &[Type] = &[#(#insert_types),*];
            const KEY_TYPES: &[Type] = &[#(#key_types),*];
            const GET: &str = #get_sql;
            const GET_FOR_UPDATE: &str = #get_for_update;
            const DELETE: &str = #delete_sql;
            #update_const
            const LIST_FIRST: &str = #list_first;
            const LIST_AFTER: &str = #list_after;
            const COUNT: &str = #count_sql;
            #finder_consts
            #write_items

            pub(super) fn read(row: &Row) -> Result<Record, Error> {
                Ok(Record { #(#read_fields,)* })
            }

            impl<'a> ::storegen::FromRow<&'a Row> for Record {
                type Error = Error;
                fn from_row(row: &'a Row) -> Result<Record, Error> {
                    read(row)
                }
            }

            #values_fns

            impl ::storegen::store::Ops<Record> for ::storegen::Postgres {
                #insert_fns

                fn get(conn: &mut PgConn<'_>, key: #key) -> Result<Option<Record>, Error> {
                    let rows = conn.query(GET, KEY_TYPES, &[#(#key_params),*])?;
                    pg::first(&rows, read)
                }

                fn get_for_update(conn: &mut PgConn<'_>, key: #key) -> Result<Option<Record>, Error> {
                    let rows = conn.query(GET_FOR_UPDATE, KEY_TYPES, &[#(#key_params),*])?;
                    pg::first(&rows, read)
                }

                fn delete(conn: &mut PgConn<'_>, key: #key) -> Result<bool, Error> {
                    Ok(conn.execute(DELETE, KEY_TYPES, &[#(#key_params),*])? > 0)
                }

                fn list(conn: &mut PgConn<'_>, page: Page<#key>) -> Result<Vec<Record>, Error> {
                    let (after, limit) = page.into_parts();
                    let limit = i64::from(limit);
                    let rows = match after {
                        None => conn.query(LIST_FIRST, &[Type::INT8], &[&limit])?,
                        Some(key) => conn.query(
                            LIST_AFTER,
                            &[#(#key_types,)* Type::INT8],
                            &[#(#key_params,)* &limit],
                        )?,
                    };
                    pg::all(&rows, read)
                }

                fn count(conn: &mut PgConn<'_>) -> Result<u64, Error> {
                    pg::count(conn, COUNT, &[], &[])
                }
            }

            #more_impls
        }
    }
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
