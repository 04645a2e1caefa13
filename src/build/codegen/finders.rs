//! The lookups a store's declarations give it, written once for every backend: a
//! `unique` field or unique index gives `get_by_<fields>`, a non-unique index gives
//! `list_by_<fields>` (keyset pages in the index's order) and `count_by_<fields>`.
//! The statements come from [`FinderSql`]; a backend says only how it binds a value and
//! runs a statement ([`Runner`]).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust::{Context, ident, key_param_type, value_type};
use crate::model::{Field, Finder, FinderKind, LogicalType, Store};
use crate::sql::Dialect;
use crate::sql::statements::{Arg, Bound, FinderSql};

/// One parameter as a backend binds it: its PostgreSQL type (empty elsewhere) and the
/// value's expression.
pub(crate) struct Param {
    pub ty: TokenStream,
    pub value: TokenStream,
}

/// What a statement's result is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `Option<Record>`.
    One,
    /// `Vec<Record>`, at most `limit` (a `u32` in scope).
    Page,
    /// A `u64` the statement selects (`COUNT(*)`).
    Count,
}

/// How a backend's generated code binds values and runs statements. The expressions are
/// written inside the backend's module of the store, where `conn` is the connection and
/// `read` reads a row.
pub(crate) trait Runner {
    /// The parameter for a finder value: `value` is a variable of [`arg_type`].
    fn param(&self, cx: &Context, field: &Field, value: TokenStream) -> Param;
    /// The parameter for the page's limit, a `u32` variable `limit`.
    fn limit(&self) -> Param;
    /// Runs `sql` (a `&str` expression) with `params`, in the driver's `Result`.
    fn run(&self, sql: &TokenStream, params: &[Param], shape: Shape) -> TokenStream;
}

/// The type a finder value is passed as: as a key is (text as `&str`, bytes as `&[u8]`,
/// the rest by value), or by reference to the field's own `rust` type. In a backend's
/// module (`from_backend`), generated enums are named from the parent module.
pub(crate) fn arg_type(
    cx: &Context,
    store: &Store,
    field: &Field,
    from_backend: bool,
) -> TokenStream {
    if field.rust.is_some() {
        let ty = if from_backend {
            super::rust::child_value_type(store, field)
        } else {
            value_type(cx, field)
        };
        return quote!(&#ty);
    }
    match &field.ty {
        LogicalType::Enum { name, .. } if from_backend => {
            let name = ident(name);
            quote!(super::#name)
        }
        ty => key_param_type(cx, ty),
    }
}

/// The type of a listing's "after" value: one per page column, `Option` for a
/// nullable `order` field, a tuple of them when there are several.
fn page_type(cx: &Context, store: &Store, finder: &Finder<'_>, from_backend: bool) -> TokenStream {
    let Some(index) = finder.index else {
        return TokenStream::new();
    };
    let types: Vec<TokenStream> = index
        .page_columns(store)
        .iter()
        .map(|c| {
            let ty = arg_type(cx, store, &store.fields[c.field], from_backend);
            if c.nulls_matter {
                quote!(Option<#ty>)
            } else {
                ty
            }
        })
        .collect();
    if types.len() == 1 {
        types[0].clone()
    } else {
        quote!((#(#types),*))
    }
}

/// A finder's value parameters in the public method: the fields' names (`page` is the
/// page's).
fn public_args(store: &Store, finder: &Finder<'_>) -> Vec<Ident> {
    finder
        .fields
        .iter()
        .map(|&i| match store.fields[i].name.as_str() {
            "page" => format_ident!("page_value"),
            name => ident(name),
        })
        .collect()
}

/// A finder's value parameters (`name: Type`, …), what a call passes them as, and each
/// field's value: one parameter per field, or for a composite unique lookup one tuple
/// `key` (`key.0`, …), as `get` takes a composite key.
struct Values {
    params: Vec<TokenStream>,
    passed: Vec<Ident>,
    values: Vec<TokenStream>,
}

fn values(
    cx: &Context,
    store: &Store,
    finder: &Finder<'_>,
    names: Vec<Ident>,
    from_backend: bool,
) -> Values {
    let types: Vec<TokenStream> = finder
        .fields
        .iter()
        .map(|&i| arg_type(cx, store, &store.fields[i], from_backend))
        .collect();
    if finder.kind == FinderKind::Get && finder.fields.len() > 1 {
        let parts = (0..types.len()).map(|i| {
            let i = syn::Index::from(i);
            quote!(key.#i)
        });
        return Values {
            params: vec![quote!(key: (#(#types),*))],
            passed: vec![format_ident!("key")],
            values: parts.collect(),
        };
    }
    Values {
        params: names
            .iter()
            .zip(&types)
            .map(|(name, ty)| quote!(#name: #ty))
            .collect(),
        values: names.iter().map(|name| quote!(#name)).collect(),
        passed: names,
    }
}

fn method(prefix: &str, finder: &Finder<'_>) -> Ident {
    ident(&format!("{prefix}_by_{}", finder.suffix))
}

fn field_list(store: &Store, fields: impl Iterator<Item = usize>) -> String {
    let names: Vec<String> = fields
        .map(|i| format!("`{}`", store.fields[i].name))
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// The public methods, in the store's generic `impl`.
pub(super) fn methods(cx: &Context, store: &Store) -> TokenStream {
    let record = super::rust::record_ident(store);
    let name = &store.name;
    let mut out = TokenStream::new();
    for finder in store.finders() {
        let Values { params, passed, .. } =
            values(cx, store, &finder, public_args(store, &finder), false);
        let fields = field_list(store, finder.fields.iter().copied());
        match finder.kind {
            FinderKind::Get => {
                let get = method("get", &finder);
                let operation = get.to_string();
                let doc = format!(" The row whose {fields} hold these values, if there is one.");
                out.extend(quote! {
                    #[doc = #doc]
                    pub fn #get(&mut self, #(#params),*) -> Result<Option<#record>, ::storegen::Error> {
                        ::storegen::__private::store::one::<_B, _>(#name, #operation, Self::FIELDS, || _B::#get(self.0.raw(), #(#passed),*))
                    }
                });
            }
            FinderKind::List => {
                let Some(index) = finder.index else { continue };
                let (list, count) = (method("list", &finder), method("count", &finder));
                let (list_op, count_op) = (list.to_string(), count.to_string());
                let page = page_type(cx, store, &finder, false);
                let columns = index.page_columns(store);
                let order: Vec<String> = columns
                    .iter()
                    .map(|c| {
                        let name = &store.fields[c.field].name;
                        if c.descending {
                            format!("`{name}` descending")
                        } else {
                            format!("`{name}`")
                        }
                    })
                    .collect();
                let after = if columns.len() == 1 {
                    format!("`{}`", store.fields[columns[0].field].name)
                } else {
                    let names: Vec<&str> = columns
                        .iter()
                        .map(|c| store.fields[c.field].name.as_str())
                        .collect();
                    format!("`({})`", names.join(", "))
                };
                let list_doc = format!(
                    " One page of the rows whose {fields} hold these values, by {}: the first \
                     page, or the one after the row whose {after} the page gives.",
                    order.join(", then ")
                );
                let count_doc = format!(" How many rows have these {fields}.");
                out.extend(quote! {
                    #[doc = #list_doc]
                    pub fn #list(&mut self, #(#params,)* page: ::storegen::Page<#page>) -> Result<Vec<#record>, ::storegen::Error> {
                        ::storegen::__private::store::rows::<_B, _>(#name, #list_op, Self::FIELDS, || _B::#list(self.0.raw(), #(#passed,)* page))
                    }

                    #[doc = #count_doc]
                    pub fn #count(&mut self, #(#params),*) -> Result<u64, ::storegen::Error> {
                        ::storegen::__private::store::number::<_B>(#name, #count_op, Self::FIELDS, || _B::#count(self.0.raw(), #(#passed),*))
                    }
                });
            }
        }
    }
    out
}

/// The backend operations' declarations, in the store's operations trait.
pub(super) fn ops(cx: &Context, store: &Store) -> TokenStream {
    let record = super::rust::record_ident(store);
    let mut out = TokenStream::new();
    for finder in store.finders() {
        let Values { params, .. } = values(cx, store, &finder, value_args(&finder), false);
        match finder.kind {
            FinderKind::Get => {
                let get = method("get", &finder);
                out.extend(quote! {
                    fn #get(conn: &mut Self::Raw<'_>, #(#params),*) -> Result<Option<#record>, Self::DriverError>;
                });
            }
            FinderKind::List => {
                let (list, count) = (method("list", &finder), method("count", &finder));
                let page = page_type(cx, store, &finder, false);
                out.extend(quote! {
                    fn #list(conn: &mut Self::Raw<'_>, #(#params,)* page: ::storegen::Page<#page>) -> Result<Vec<#record>, Self::DriverError>;
                    fn #count(conn: &mut Self::Raw<'_>, #(#params),*) -> Result<u64, Self::DriverError>;
                });
            }
        }
    }
    out
}

/// `a0`, `a1`, …: the value parameters inside the backend operations, which can't
/// collide with `conn` or `page` whatever the fields are called.
fn value_args(finder: &Finder<'_>) -> Vec<Ident> {
    (0..finder.fields.len())
        .map(|i| format_ident!("a{i}"))
        .collect()
}

/// A statement's name in a backend's module: `GET_BY_EMAIL`, `LIST_BY_STATUS_AFTER`, ….
fn const_name(prefix: &str, finder: &Finder<'_>, suffix: &str) -> Ident {
    format_ident!(
        "{}_BY_{}{suffix}",
        prefix,
        finder.suffix.trim_start_matches("r#").to_ascii_uppercase()
    )
}

/// The statements (as `const`s) and the operations' implementations, for one backend's
/// module of the store.
pub(crate) fn backend(
    cx: &Context,
    store: &Store,
    dialect: &Dialect,
    runner: &dyn Runner,
) -> (TokenStream, TokenStream) {
    let raw = super::rust::raw_string;
    let (mut consts, mut fns) = (TokenStream::new(), TokenStream::new());
    for finder in store.finders() {
        let sql = FinderSql::new(store, &finder, dialect);
        let Values {
            params: value_params,
            values: value_exprs,
            ..
        } = values(cx, store, &finder, value_args(&finder), true);
        // A listing's page columns: what each "after" value is compared with.
        let page = finder
            .index
            .map(|ix| ix.page_columns(store))
            .unwrap_or_default();
        let params = |bound: &Bound, after: &[TokenStream]| -> Vec<Param> {
            bound
                .args
                .iter()
                .map(|arg| match *arg {
                    Arg::Equal(n) => {
                        runner.param(cx, &store.fields[finder.fields[n]], value_exprs[n].clone())
                    }
                    Arg::After(n) => {
                        runner.param(cx, &store.fields[page[n].field], after[n].clone())
                    }
                    Arg::Limit => runner.limit(),
                })
                .collect()
        };
        if let Some(get) = &sql.get {
            let (name, text) = (const_name("GET", &finder, ""), raw(&get.sql));
            let method = method("get", &finder);
            let body = runner.run(&quote!(#name), &params(get, &[]), Shape::One);
            consts.extend(quote!(const #name: &str = #text;));
            fns.extend(quote! {
                fn #method(conn: &mut Self::Raw<'_>, #(#value_params),*) -> Result<Option<Record>, Self::DriverError> {
                    #body
                }
            });
        }
        let (Some(first), Some(after), Some(count)) = (&sql.first, &sql.after_value, &sql.count)
        else {
            continue;
        };
        let first_name = const_name("LIST", &finder, "_FIRST");
        let count_name = const_name("COUNT", &finder, "");
        let (first_text, count_text) = (raw(&first.sql), raw(&count.sql));
        consts.extend(quote! {
            const #first_name: &str = #first_text;
            const #count_name: &str = #count_text;
        });
        let columns = &page;
        // The page's "after" values: `after` itself, or `after.0`, `after.1`, ….
        let parts: Vec<TokenStream> = if columns.len() == 1 {
            vec![quote!(after)]
        } else {
            (0..columns.len())
                .map(|i| {
                    let i = syn::Index::from(i);
                    quote!(after.#i)
                })
                .collect()
        };
        let first_body = runner.run(&quote!(#first_name), &params(first, &[]), Shape::Page);
        let mut statement = |suffix: &str, bound: &Bound, values: &[TokenStream]| {
            let name = const_name("LIST", &finder, suffix);
            let text = raw(&bound.sql);
            consts.extend(quote!(const #name: &str = #text;));
            runner.run(&quote!(#name), &params(bound, values), Shape::Page)
        };
        let after_body = match (&sql.after_null, &sql.then) {
            (Some(after_null), Some(then)) => {
                // The nullable first `order` field: a value, or NULL.
                let mut values = parts.clone();
                values[0] = quote!(value);
                let after_value = statement("_AFTER_VALUE", after, &values);
                let after_null = statement("_AFTER_NULL", after_null, &parts);
                let then = statement("_THEN", then, &[]);
                // The page goes on into the second range when the first runs out.
                let and_then = |first: TokenStream| {
                    quote! {{
                        let mut rows = #first?;
                        if (rows.len() as u32) < limit {
                            let limit = limit - rows.len() as u32;
                            rows.extend(#then?);
                        }
                        Ok(rows)
                    }}
                };
                let (on_value, on_null) = if columns[0].descending {
                    (and_then(after_value), after_null)
                } else {
                    (after_value, and_then(after_null))
                };
                let nullable = &parts[0];
                quote! {
                    match #nullable {
                        Some(value) => #on_value,
                        None => #on_null,
                    }
                }
            }
            _ => statement("_AFTER", after, &parts),
        };
        let count_body = runner.run(&quote!(#count_name), &params(count, &[]), Shape::Count);
        let (list, count_method) = (method("list", &finder), method("count", &finder));
        let page = page_type(cx, store, &finder, true);
        fns.extend(quote! {
            fn #list(conn: &mut Self::Raw<'_>, #(#value_params,)* page: Page<#page>) -> Result<Vec<Record>, Self::DriverError> {
                match page.into_parts() {
                    (None, limit) => #first_body,
                    (Some(after), limit) => #after_body,
                }
            }

            fn #count_method(conn: &mut Self::Raw<'_>, #(#value_params),*) -> Result<u64, Self::DriverError> {
                #count_body
            }
        });
    }
    (consts, fns)
}

/// A backend's part of a store: its operations are the runtime's, generic over the
/// record's `Table`; here the store's operations trait for the backend (`marker`) and,
/// if the store has finders, their statements and functions in a module
/// `<store>_<backend>`, with the backend's `imports` and its record reader `read`.
pub(crate) fn backend_module(
    cx: &Context,
    store: &Store,
    dialect: &Dialect,
    runner: &dyn Runner,
    backend: crate::backend::BackendKind,
    imports: TokenStream,
    read: TokenStream,
) -> TokenStream {
    let ops = super::rust::ops_ident(store);
    let marker = format_ident!(
        "{}",
        crate::build::blueprint::names::camel_case(backend.name())
    );
    let (consts, fns) = self::backend(cx, store, dialect, runner);
    if fns.is_empty() {
        return quote!(impl #ops for ::storegen::#marker {});
    }
    let module = format_ident!("{}_{}", store.name, backend.name());
    let record = super::rust::record_ident(store);
    let page = store
        .finders()
        .iter()
        .any(|f| f.kind == FinderKind::List)
        .then(|| {
            quote!(
                use ::storegen::Page;
            )
        });
    quote! {
        #[allow(dead_code)]
        mod #module {
            use super::#record as Record;
            #page
            #imports

            #consts

            #read

            impl super::#ops for ::storegen::#marker {
                #fns
            }
        }
    }
}
