//! The MySQL/MariaDB half of code generation: each store's operations as an `impl` on
//! `Store<'_, Mysql>`, backed by a private module of statements.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::build::codegen::finders::{self, Param, Shape};
use crate::build::codegen::rust::{
    Context, child_value_type, ident, key_of_record, key_parts, key_type, new_ident, ops_impls,
    overridden, patch_import, record_ident, typed_json,
};
use crate::model::{Field, LogicalType, Store};
use crate::sql::statements::StoreSql;

/// The driver's `Value` of a place holding a field's record type (`T`, or `Option<T>`
/// when nullable). An instant goes as its UTC date and time: MySQL has no instant type
/// storegen would use (TIMESTAMP ends in 2038). Instants are `Copy`, so they are read
/// from the place; everything else is borrowed.
fn value_of(cx: &Context, field: &Field, place: TokenStream) -> TokenStream {
    if overridden(field) {
        return quote!(Value::from(&#place));
    }
    // Serialised here, so a failure is the operation's error (`?`: the functions
    // building these return `Result`).
    if typed_json(field) {
        return if field.nullable {
            quote!(my::json_typed_opt(&#place)?)
        } else {
            quote!(my::json_typed(&#place)?)
        };
    }
    // Fewer digits of a second than microseconds: rounded here, as MySQL would and
    // MariaDB wouldn't.
    let place = match field.precision {
        Some(digits) => quote!({
            use ::storegen::__private::fraction::RoundFraction as _;
            (#place).round_fraction(#digits)
        }),
        None => place,
    };
    match (&field.ty, field.nullable) {
        (LogicalType::UuidText, _) => quote!(my::uuid_text(#place)),
        (LogicalType::TimestampTz, false) if cx.time_crate() => quote!(my::utc_datetime(#place)),
        (LogicalType::TimestampTz, true) if cx.time_crate() => {
            quote!(Value::from(#place.map(my::utc_primitive)))
        }
        (LogicalType::TimestampTz, false) => quote!(Value::from(#place.naive_utc())),
        (LogicalType::TimestampTz, true) => quote!(Value::from(#place.map(|v| v.naive_utc()))),
        _ => quote!(Value::from(&#place)),
    }
}

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

/// `patch` (an UPDATE of the fields a patch gives, built for it) and `upsert` (INSERT …
/// ON DUPLICATE KEY UPDATE, guarded to the primary key, then the row read back).
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
        let patch_sql = crate::build::codegen::rust::patch_sql_call(sql, quote!(my));
        let pushes = store.value_fields().map(|f| {
            let name = ident(&f.name);
            // A `Copy` value is taken as it is, the rest by reference (`Value::from(&value)`
            // takes a reference to it: the driver converts those too).
            let (source, place) = if crate::build::codegen::rust::is_copy(&f.ty) && !overridden(f) {
                (quote!(patch.#name), quote!(value))
            } else {
                (quote!(&patch.#name), quote!(value))
            };
            let value = match (typed_json(f), f.nullable) {
                (true, true) => quote!(my::json_typed_opt(value)?),
                (true, false) => quote!(my::json_typed(value)?),
                _ => value_of(cx, f, place),
            };
            quote! {
                if let Some(value) = #source {
                    params.push(#value);
                }
            }
        });
        let key_pushes: Vec<TokenStream> = key_parts(store, &format_ident!("key"))
            .into_iter()
            .zip(store.key_fields())
            .map(|(part, f)| key_value(cx, f, part))
            .collect();
        items.extend(quote! {
            #patch_consts
        });
        patch_fn.extend(quote! {
            fn patch(conn: &mut MyConn<'_>, key: #key, patch: &Patch) -> Result<bool, Error> {
                let set = #set;
                let sql = #patch_sql;
                let mut params: Vec<Value> = Vec::with_capacity(set.len() + KEY_COLUMNS.len());
                #(#pushes)*
                #(params.push(#key_pushes);)*
                if set.contains(&true) {
                    // The rows it found, which MySQL reports apart from those it changed.
                    let (found, _) = conn.execute(&sql, params)?;
                    Ok(found > 0)
                } else {
                    Ok(my::count(conn, &sql, params)? > 0)
                }
            }
        });
    }
    if let Some(upsert) = &sql.upsert {
        let raw = crate::build::codegen::rust::raw_string;
        let (upsert, insert_all) = (raw(upsert), raw(&sql.insert_all));
        let values = store.fields.iter().map(|f| {
            let field = ident(&f.name);
            value_of(cx, f, quote!(record.#field))
        });
        let key = key_of_record(store, &format_ident!("record"));
        items.extend(quote! {
            const UPSERT: &str = #upsert;
            const INSERT_ALL: &str = #insert_all;

            /// Every field's value, in column order.
            fn record_values(record: &Record) -> Result<Vec<Value>, Error> {
                Ok(::std::vec::Vec::from([#(#values),*]))
            }
        });
        upsert_fn.extend(quote! {
            fn upsert(conn: &mut MyConn<'_>, record: &Record) -> Result<Option<Record>, Error> {
                conn.execute(UPSERT, record_values(record)?)?;
                if let Some(row) = <Self as ::storegen::store::Ops<Record>>::get(conn, #key)? {
                    return Ok(Some(row));
                }
                // No row has the key: the values clashed with another row's unique key,
                // and the guarded update changed nothing. A plain insert fails with the
                // server's own error (or succeeds, if that row has gone since).
                conn.execute(INSERT_ALL, record_values(record)?)?;
                <Self as ::storegen::store::Ops<Record>>::get(conn, #key)
            }
        });
    }
    (items, patch_fn, upsert_fn)
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

pub(crate) fn store_impl(cx: &Context, store: &Store) -> TokenStream {
    let (finder_consts, finder_fns) = finders::backend(cx, store, &super::DIALECT, &Runner);
    let module = format_ident!("{}_mysql", store.name);
    let record = record_ident(store);
    let new = new_ident(store);
    let key = key_type(cx, store);
    let sql = StoreSql::new(store, &super::DIALECT);
    let (write_items, patch_fn, upsert_fn) = patch_and_upsert(cx, store, &sql);
    let patch_import = patch_import(store);
    let (table, columns) = (&sql.table, &sql.columns);
    let read_fields = store.fields.iter().enumerate().map(|(i, f)| {
        let field = ident(&f.name);
        let value = read_value(cx, Some(store), f, i);
        quote!(#field: #value)
    });

    let insertable: Vec<_> = store.fields.iter().filter(|f| !f.assigned()).collect();
    let insert_columns = &sql.insert_columns;
    let values = insertable.iter().map(|f| {
        let field = ident(&f.name);
        if f.default.is_some() && f.ty == LogicalType::TimestampTz && !overridden(f) {
            if cx.time_crate() && !f.nullable {
                return quote!(new.#field.map(my::utc_datetime));
            }
            let value = value_of(cx, f, quote!(value));
            quote!(new.#field.map(|value| #value))
        } else if f.default.is_some() {
            quote!(new.#field.as_ref().map(Value::from))
        } else {
            let value = value_of(cx, f, quote!(new.#field));
            quote!(Some(#value))
        }
    });

    let key_var = format_ident!("key");
    let key_values: Vec<TokenStream> = key_parts(store, &key_var)
        .into_iter()
        .zip(store.key_fields())
        .map(|(part, f)| key_value(cx, f, part))
        .collect();
    let (get_sql, delete_sql, count_sql) = (&sql.get, &sql.delete, &sql.count);
    let (list_first, list_after) = (&sql.list_first, &sql.list_after);

    // Without RETURNING (MySQL), the stored row is read back by its key: the generated
    // id, or the key the new row gave.
    let generated_key = store.key_fields().find(|f| f.generated);
    // Without RETURNING the row is read back by its key: a key the database would choose
    // (a default) can't be, so such an insert is refused before anything is written.
    let mut key_checks = TokenStream::new();
    let read_back = match generated_key {
        Some(field) => {
            // LAST_INSERT_ID() is a u64: narrowed to the key's type unless it is one.
            let key = if field.ty == LogicalType::UInt64 {
                quote!(id)
            } else {
                let ty = crate::build::codegen::rust::rust_type(cx, &field.ty);
                quote!(id.and_then(|id| #ty::try_from(id).ok()))
            };
            quote! {
                match #key {
                    Some(key) => <Self as ::storegen::store::Ops<Record>>::get(conn, key),
                    None => Ok(None),
                }
            }
        }
        None => {
            let mut bindings = Vec::new();
            let parts: Vec<TokenStream> = store
                .key_fields()
                .map(|f| {
                    let field = ident(&f.name);
                    let borrowed = f.default.is_some();
                    let value = if borrowed {
                        let local = format_ident!("key_{}", f.name);
                        let name = &f.name;
                        bindings.push(quote! {
                            let Some(#local) = &new.#field else {
                                return Err(my::key_needed(#name));
                            };
                        });
                        quote!(#local)
                    } else {
                        quote!(new.#field)
                    };
                    match f.ty {
                        LogicalType::Text { .. } => quote!(#value.as_str()),
                        LogicalType::Bytes => quote!(#value.as_slice()),
                        _ if borrowed => quote!(*#value),
                        _ => value,
                    }
                })
                .collect();
            let key_value = if parts.len() == 1 {
                parts[0].clone()
            } else {
                quote!((#(#parts),*))
            };
            key_checks = quote!(#(#bindings)*);
            quote! {
                let _ = id;
                <Self as ::storegen::store::Ops<Record>>::get(conn, #key_value)
            }
        }
    };

    let raw = |text: &str| crate::build::codegen::rust::raw_string(text);
    let update_const = sql
        .update
        .as_deref()
        .map(raw)
        .map(|update| quote!(const UPDATE: &str = #update;));
    let update_fn = if sql.update.is_some() {
        // The value fields, the key, then the version it must still hold.
        let params = store
            .value_fields()
            .chain(store.key_fields())
            .chain(store.version_field())
            .map(|f| {
                let field = ident(&f.name);
                value_of(cx, f, quote!(record.#field))
            });
        quote! {
            fn update(conn: &mut MyConn<'_>, record: &Record) -> Result<bool, Error> {
                // The rows it found, which MySQL reports apart from those it changed.
                let (found, _) = conn.execute(UPDATE, ::std::vec::Vec::from([#(#params),*]))?;
                Ok(found > 0)
            }
        }
    } else {
        TokenStream::new()
    };
    let (get_sql, delete_sql, count_sql) = (raw(get_sql), raw(delete_sql), raw(count_sql));
    let get_for_update = raw(&sql.get_for_update);
    let (list_first, list_after) = (raw(list_first), raw(list_after));
    let (values_new, values_out) = if insertable.is_empty() {
        (format_ident!("_new"), format_ident!("_out"))
    } else {
        (format_ident!("new"), format_ident!("out"))
    };

    let more_impls = ops_impls(
        store,
        quote!(::storegen::Mysql),
        [update_fn, patch_fn, upsert_fn, finder_fns],
    );

    quote! {
        #[allow(dead_code)]
        mod #module {
            use super::{#record as Record, #new as New};
            #patch_import
            use ::storegen::Page;
            use ::storegen::__private::mysql::{self as my, MyConn};
            use ::storegen::mysql::{Error, Row, Value};

            const TABLE: &str = #table;
            const COLUMNS: &str = #columns;
            const INSERT_COLUMNS: &[&str] = &[#(#insert_columns),*];
            const GET: &str = #get_sql;
            const GET_FOR_UPDATE: &str = #get_for_update;
            const DELETE: &str = #delete_sql;
            #update_const
            const LIST_FIRST: &str = #list_first;
            const LIST_AFTER: &str = #list_after;
            const COUNT: &str = #count_sql;
            #finder_consts
            #write_items

            pub(super) fn read(mut row: Row) -> Result<Record, Error> {
                Ok(Record { #(#read_fields,)* })
            }

            impl ::storegen::FromRow<Row> for Record {
                type Error = Error;
                fn from_row(row: Row) -> Result<Record, Error> {
                    read(row)
                }
            }

            /// Each insertable column's value, in `out`; `None` takes the column's
            /// default. (Typed JSON is serialised here: then this can fail.)
            fn values(#values_new: &New, #values_out: &mut Vec<Option<Value>>) -> Result<(), Error> {
                #(#values_out.push(#values);)*
                Ok(())
            }

            fn key_values(key: #key) -> Vec<Value> {
                ::std::vec::Vec::from([#(#key_values),*])
            }

            impl ::storegen::store::Ops<Record> for ::storegen::Mysql {
                fn insert(conn: &mut MyConn<'_>, new: &New) -> Result<Option<Record>, Error> {
                    let row = |_, out: &mut Vec<Option<Value>>| values(new, out);
                    if let Some(rows) = my::insert_returning(conn, TABLE, INSERT_COLUMNS, &row, COLUMNS)? {
                        return my::first(rows, read);
                    }
                    #key_checks
                    let (_, id) = my::insert(conn, TABLE, INSERT_COLUMNS, &row, None)?;
                    #read_back
                }

                fn insert_many(conn: &mut MyConn<'_>, rows: &[New]) -> Result<u64, Error> {
                    my::insert_many(conn, TABLE, INSERT_COLUMNS, rows.len(), &|i, out| values(&rows[i], out))
                }

                fn get(conn: &mut MyConn<'_>, key: #key) -> Result<Option<Record>, Error> {
                    my::first(conn.query(GET, key_values(key))?, read)
                }

                fn get_for_update(conn: &mut MyConn<'_>, key: #key) -> Result<Option<Record>, Error> {
                    my::first(conn.query(GET_FOR_UPDATE, key_values(key))?, read)
                }

                fn delete(conn: &mut MyConn<'_>, key: #key) -> Result<bool, Error> {
                    let (deleted, _) = conn.execute(DELETE, key_values(key))?;
                    Ok(deleted > 0)
                }

                fn list(conn: &mut MyConn<'_>, page: Page<#key>) -> Result<Vec<Record>, Error> {
                    let rows = match page.into_parts() {
                        (None, limit) => conn.query(LIST_FIRST, ::std::vec::Vec::from([Value::from(limit)]))?,
                        (Some(key), limit) => {
                            let mut params = key_values(key);
                            params.push(Value::from(limit));
                            conn.query(LIST_AFTER, params)?
                        }
                    };
                    my::all(rows, read)
                }

                fn count(conn: &mut MyConn<'_>) -> Result<u64, Error> {
                    my::count(conn, COUNT, Vec::new())
                }
            }

            #more_impls
        }
    }
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
