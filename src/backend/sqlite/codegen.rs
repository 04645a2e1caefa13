//! The SQLite half of code generation: each store's operations as an `impl` on
//! `Store<'_, Sqlite>`, backed by a private module of statements. Statements go through
//! rusqlite's per-connection cache (`prepare_cached`), so each is prepared once.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::build::codegen::rust::{
    Context, field_access, ident, key_parts, key_type, new_ident, ops_impl_head, record_ident,
};
use crate::model::{LogicalType, Store};
use crate::sql::statements::StoreSql;

/// A field's value as the parameter bound for it. A float goes through a check first:
/// SQLite would store NaN as NULL, silently. JSON goes as its text, a decimal as its
/// text at the column's scale.
fn param(cx: &Context, field: &crate::model::Field, value: TokenStream) -> TokenStream {
    if crate::build::codegen::rust::overridden(field) {
        return value;
    }
    if crate::build::codegen::rust::typed_json(field) {
        return if field.nullable {
            quote!(::storegen::sqlite::json_typed_opt(#value)?)
        } else {
            quote!(::storegen::sqlite::json_typed(#value)?)
        };
    }
    match field.ty {
        LogicalType::Float32 | LogicalType::Float64 => {
            let name = &field.name;
            quote!(::storegen::sqlite::finite(#value, #name)?)
        }
        LogicalType::Json => quote!(::storegen::sqlite::json(#value)),
        LogicalType::Decimal { scale, .. } => quote!(::storegen::sqlite::decimal(#value, #scale)),
        LogicalType::UuidText => quote!(::storegen::sqlite::uuid_text(#value)),
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
fn read_column(cx: &Context, field: &crate::model::Field, index: Literal) -> TokenStream {
    if crate::build::codegen::rust::overridden(field) {
        return quote!(row.get(#index)?);
    }
    if crate::build::codegen::rust::typed_json(field) {
        let ty = crate::build::codegen::rust::value_type(cx, field);
        return if field.nullable {
            quote!(row.get::<_, Option<::storegen::sqlite::JsonTyped<#ty>>>(#index)?.map(|j| j.0))
        } else {
            quote!(row.get::<_, ::storegen::sqlite::JsonTyped<#ty>>(#index)?.0)
        };
    }
    match (&field.ty, field.nullable) {
        (LogicalType::Decimal { .. }, false) => {
            quote!(row.get::<_, ::storegen::sqlite::DecimalText>(#index)?.0)
        }
        (LogicalType::Decimal { .. }, true) => {
            quote!(row.get::<_, Option<::storegen::sqlite::DecimalText>>(#index)?.map(|d| d.0))
        }
        (LogicalType::UuidText, false) => {
            quote!(row.get::<_, ::storegen::sqlite::UuidText>(#index)?.0)
        }
        (LogicalType::UuidText, true) => {
            quote!(row.get::<_, Option<::storegen::sqlite::UuidText>>(#index)?.map(|u| u.0))
        }
        _ => quote!(row.get(#index)?),
    }
}

pub(crate) fn store_impl(cx: &Context, store: &Store) -> TokenStream {
    let sql = StoreSql::new(store, &super::DIALECT);
    let module = format_ident!("{}_sqlite", store.name);
    let record = record_ident(store);
    let new = new_ident(store);
    let key = key_type(cx, store);

    let read_fields = store.fields.iter().enumerate().map(|(i, f)| {
        let field = ident(&f.name);
        let value = read_column(cx, f, Literal::usize_unsuffixed(i));
        quote!(#field: #value)
    });

    let bind_new = store.fields.iter().filter(|f| !f.generated).map(|f| {
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

    let insertable: Vec<_> = store.fields.iter().filter(|f| !f.generated).collect();
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
    let insert_sql = if has_optional {
        let present = insertable.iter().map(|f| {
            let field = ident(&f.name);
            if f.default.is_some() {
                quote!(new.#field.is_some())
            } else {
                quote!(true)
            }
        });
        quote! {
            /// The INSERT for the columns this row gives; the others take their defaults.
            fn insert_sql(new: &New, returning: bool) -> String {
                ::storegen::sqlite::insert_sql(
                    TABLE,
                    INSERT_COLUMNS,
                    &[#(#present),*],
                    returning.then_some(COLUMNS),
                )
            }
        }
    } else {
        let with = format!("{} RETURNING {}", sql.insert, sql.columns);
        let without = &sql.insert;
        quote! {
            fn insert_sql(returning: bool) -> &'static str {
                if returning { #with } else { #without }
            }
        }
    };

    // One statement for the batch; with defaults, one per shape of row, prepared again
    // only when the shape changes.
    let shape = if has_optional {
        quote!(|new| insert_sql(new, false))
    } else {
        quote!(|_| insert_sql(false))
    };
    let insert_returning = if has_optional {
        quote!(&insert_sql(new, true))
    } else {
        quote!(insert_sql(true))
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

    let (table, columns) = (&sql.table, &sql.columns);
    let insert_columns = &sql.insert_columns;
    // The statement built per row needs the table and its columns apart.
    let shape_consts = if has_optional {
        quote! {
            const TABLE: &str = #table;
            const INSERT_COLUMNS: &[&str] = &[#(#insert_columns),*];
        }
    } else {
        TokenStream::new()
    };
    let get = &sql.get;
    let delete = &sql.delete;
    let list_first = &sql.list_first;
    let list_after = &sql.list_after;
    let count = &sql.count;

    let ops_impl = ops_impl_head(store, quote!(::storegen::Sqlite));
    let update_fn = match &sql.update {
        None => TokenStream::new(),
        Some(update) => {
            let value_fields = store
                .fields
                .iter()
                .enumerate()
                .filter(|(i, _)| !store.is_key(*i))
                .map(|(_, f)| f);
            let binds = value_fields
                .chain(store.key_fields())
                .enumerate()
                .map(|(i, f)| {
                    let n = Literal::usize_unsuffixed(i + 1);
                    let value = param(cx, f, field_access(&format_ident!("record"), f));
                    quote!(stmt.raw_bind_parameter(#n, #value)?;)
                });
            quote! {
                fn update(conn: &mut &Connection, record: &Record) -> rusqlite::Result<bool> {
                    let mut stmt = conn.prepare_cached(#update)?;
                    #(#binds)*
                    Ok(stmt.raw_execute()? > 0)
                }
            }
        }
    };

    // An application rarely calls every operation of every store.
    quote! {
        #[allow(dead_code)]
        mod #module {
            use super::{#record as Record, #new as New};
            use ::storegen::Page;
            use ::storegen::rusqlite::{self, Connection, Row, Statement};

            const COLUMNS: &str = #columns;
            #shape_consts

            pub(super) fn read(row: &Row<'_>) -> rusqlite::Result<Record> {
                Ok(Record { #(#read_fields,)* })
            }

            #insert_sql

            #bind_fn

            #ops_impl {
                fn insert(conn: &mut &Connection, new: &New) -> rusqlite::Result<Option<Record>> {
                    let mut stmt = conn.prepare_cached(#insert_returning)?;
                    bind(&mut stmt, new)?;
                    let mut rows = stmt.raw_query();
                    rows.next()?.map(read).transpose()
                }

                fn insert_many(conn: &mut &Connection, rows: &[New]) -> rusqlite::Result<u64> {
                    ::storegen::sqlite::insert_each(conn, rows, #shape, bind)
                }

                fn get(conn: &mut &Connection, key: #key) -> rusqlite::Result<Option<Record>> {
                    let mut stmt = conn.prepare_cached(#get)?;
                    #(#key_binds)*
                    let mut rows = stmt.raw_query();
                    match rows.next()? {
                        Some(row) => read(row).map(Some),
                        None => Ok(None),
                    }
                }

                #update_fn

                fn delete(conn: &mut &Connection, key: #key) -> rusqlite::Result<bool> {
                    let mut stmt = conn.prepare_cached(#delete)?;
                    #(#key_binds)*
                    Ok(stmt.raw_execute()? > 0)
                }

                fn list(conn: &mut &Connection, page: Page<#key>) -> rusqlite::Result<Vec<Record>> {
                    let (after, limit) = page.into_parts();
                    let mut stmt = match after {
                        None => {
                            let mut stmt = conn.prepare_cached(#list_first)?;
                            stmt.raw_bind_parameter(1, limit)?;
                            stmt
                        }
                        Some(key) => {
                            let mut stmt = conn.prepare_cached(#list_after)?;
                            #(#key_binds)*
                            stmt.raw_bind_parameter(#limit_index, limit)?;
                            stmt
                        }
                    };
                    ::storegen::sqlite::read_rows(&mut stmt, limit, read)
                }

                fn count(conn: &mut &Connection) -> rusqlite::Result<u64> {
                    ::storegen::sqlite::count(conn, #count)
                }
            }
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
                ::storegen::sqlite::enum_from_sql(value)
            }
        }
    }
}
