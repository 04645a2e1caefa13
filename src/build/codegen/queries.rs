//! The custom queries' shared half: `pub mod queries` with a row struct and a function
//! per query, generic over the connection as the stores are, and the `QueryOps` trait
//! each backend implements in its folder (`queries_impl`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust::{Context, doc, ident, key_param_type, record_ident, rust_type, value_type};
use crate::backend::BackendKind;
use crate::build::blueprint::names::camel_case;
use crate::build::queries::text::Rewritten;
use crate::build::queries::{Column, Kind, Query, Shape, ShapeParam};
use crate::model::{Field, LogicalType, Schema, Store};

/// A query ready to generate: what it is, and its signature (each backend rewrites its
/// own statement from the query).
pub(crate) struct Generated<'a> {
    pub query: &'a Query,
    pub shape: &'a Shape,
}

/// The row struct's name: `OpenIssuesRow` for `open_issues`.
pub(crate) fn row_ident(query: &Query) -> Ident {
    format_ident!("{}Row", camel_case(&query.name))
}

/// The row type as the backend modules (children of the including module) name it.
pub(crate) fn row_type(schema: &Schema, g: &Generated<'_>) -> TokenStream {
    match g.shape.returns.as_deref().and_then(|s| schema.store(s)) {
        Some(store) => {
            let record = record_ident(store);
            quote!(super::#record)
        }
        None => {
            let row = row_ident(g.query);
            quote!(super::queries::#row)
        }
    }
}

/// The store field a column is, or a field made for it.
pub(crate) fn column_field<'s>(schema: &'s Schema, column: &Column) -> (Option<&'s Store>, Field) {
    if let Some((store, field)) = &column.field
        && let Some(store) = schema.store(store)
        && let Some(f) = store.field(field)
    {
        let mut f = f.clone();
        f.name = column.name.clone();
        f.nullable = column.nullable;
        return (Some(store), f);
    }
    let mut f = Field::new(&column.name, column.ty.clone());
    f.nullable = column.nullable;
    (None, f)
}

/// A parameter as a field, for the backends' binding code.
pub(crate) fn param_field(param: &ShapeParam) -> Field {
    let mut f = Field::new(&param.name, param.ty.clone());
    f.nullable = param.nullable;
    f
}

/// The type a parameter is passed as: text as `&str`, bytes as `&[u8]`, JSON by
/// reference, the rest by value; `Option<…>` when it may be NULL.
pub(crate) fn param_type(cx: &Context, param: &ShapeParam) -> TokenStream {
    let ty = match &param.ty {
        LogicalType::Json => {
            let ty = rust_type(cx, &param.ty);
            quote!(&#ty)
        }
        other => key_param_type(cx, other),
    };
    if param.nullable {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// The parameters as `name: type` in the function's signature.
pub(crate) fn params(cx: &Context, shape: &Shape) -> Vec<TokenStream> {
    shape
        .params
        .iter()
        .map(|p| {
            let (name, ty) = (ident(&p.name), param_type(cx, p));
            quote!(#name: #ty)
        })
        .collect()
}

/// `Option<Row>`, `Vec<Row>` or `u64`.
fn output(kind: Kind, row: &TokenStream) -> TokenStream {
    match kind {
        Kind::One => quote!(Option<#row>),
        Kind::Many => quote!(Vec<#row>),
        Kind::Exec => quote!(u64),
    }
}

/// `pub mod queries` and what it needs in the including module.
pub(crate) fn module(cx: &Context, schema: &Schema, queries: &[Generated<'_>]) -> TokenStream {
    if queries.is_empty() {
        return TokenStream::new();
    }
    let mut items = TokenStream::new();
    let mut ops = TokenStream::new();
    let mut enums: Vec<Ident> = Vec::new();
    for g in queries {
        let (query, shape) = (g.query, g.shape);
        let name = ident(&query.name);
        let mut note = |ty: &LogicalType| {
            if let LogicalType::Enum { name, .. } = ty {
                let id = ident(name);
                if !enums.contains(&id) {
                    enums.push(id);
                }
            }
        };
        shape.params.iter().for_each(|p| note(&p.ty));
        let row = match shape.returns.as_deref().and_then(|s| schema.store(s)) {
            Some(store) => {
                let record = record_ident(store);
                quote!(super::#record)
            }
            None => {
                let row = row_ident(query);
                if query.kind != Kind::Exec {
                    let fields = shape.columns.iter().map(|c| {
                        note(&c.ty);
                        let (store, field) = column_field(schema, c);
                        let ty = match store {
                            Some(store) if field.rust.is_some() => {
                                crate::build::codegen::rust::child_value_type(store, &field)
                            }
                            _ => value_type(cx, &field),
                        };
                        let ty = if field.nullable {
                            quote!(Option<#ty>)
                        } else {
                            ty
                        };
                        let name = ident(&c.name);
                        quote!(pub #name: #ty)
                    });
                    let about = format!(" A row of [`{}`].", query.name);
                    items.extend(quote! {
                        #[doc = #about]
                        #[derive(Debug, Clone, PartialEq)]
                        #[allow(missing_docs)]
                        pub struct #row {
                            #(#fields,)*
                        }
                    });
                }
                quote!(#row)
            }
        };
        let out = output(query.kind, &row);
        let params = params(cx, shape);
        let args: Vec<Ident> = shape.params.iter().map(|p| ident(&p.name)).collect();
        let fallback = format!(
            "The `{}` query of `{}` (`:{}`).",
            query.name,
            query.file,
            query.kind.name()
        );
        let fn_doc = doc(Some(query.doc.as_deref().unwrap_or(&fallback)));
        let helper = match query.kind {
            Kind::One => quote!(one::<_C::Backend, _>),
            Kind::Many => quote!(rows::<_C::Backend, _>),
            Kind::Exec => quote!(affected::<_C::Backend>),
        };
        let query_name = &query.name;
        let columns = shape.columns.iter().map(|c| &c.name);
        items.extend(quote! {
            #fn_doc
            pub fn #name<_C: ::storegen::Connection + ?::core::marker::Sized>(
                __conn: &mut _C,
                #(#params),*
            ) -> Result<#out, ::storegen::Error>
            where
                _C::Backend: QueryOps,
            {
                let mut __raw = __conn.raw();
                ::storegen::__private::store::#helper(
                    "queries",
                    #query_name,
                    &[#(#columns),*],
                    || <_C::Backend as QueryOps>::#name(&mut __raw, #(#args),*),
                )
            }
        });
        ops.extend(quote! {
            fn #name(__conn: &mut Self::Raw<'_>, #(#params),*) -> Result<#out, Self::DriverError>;
        });
    }
    let imports = if enums.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            #[allow(unused_imports)]
            use super::{#(#enums),*};
        }
    };
    quote! {
        /// The blueprint's custom queries (`[queries] files`), checked against the
        /// database when the crate was built.
        #[allow(dead_code, clippy::too_many_arguments)]
        pub mod queries {
            #imports
            #items

            /// Each backend's statements for the queries; implemented by storegen.
            #[doc(hidden)]
            #[allow(missing_docs)]
            pub trait QueryOps: ::storegen::Backend {
                #ops
            }
        }
    }
}

/// How one backend's generated code reads a row and runs a query's statement.
pub(crate) trait Runner {
    /// The backend.
    fn backend(&self) -> BackendKind;

    /// The `use` lines its module needs.
    fn imports(&self) -> TokenStream;

    /// The head of the row reader: `fn __read(row: …) -> Result<#row, Error>`. (Names
    /// the generated code gives itself start with `__`: a parameter may be called
    /// `conn` or `read`.)
    fn read_head(&self, row: &TokenStream) -> TokenStream;

    /// Column `i` of `row` read into `field` (a store's, or made for the column).
    fn read_value(
        &self,
        cx: &Context,
        store: Option<&Store>,
        field: &Field,
        i: usize,
    ) -> TokenStream;

    /// The reader of a store's rows, as a function: the store's own, in its backend
    /// module `<store>_<backend>`, unless the backend reads records generically.
    fn store_reader(&self, store: &Store) -> TokenStream {
        let module = quote::format_ident!("{}_{}", store.name, self.backend().name());
        quote!(super::#module::read)
    }

    /// The body that binds the parameters and runs `SQL` on `__conn`, reading rows with
    /// `__read`.
    fn body(&self, cx: &Context, shape: &Shape, rewritten: &Rewritten, kind: Kind) -> TokenStream;
}

/// A backend's module: `impl queries::QueryOps for <Backend>`.
pub(crate) fn backend_module(
    cx: &Context,
    schema: &Schema,
    queries: &[Generated<'_>],
    runner: &dyn Runner,
) -> TokenStream {
    if queries.is_empty() {
        return TokenStream::new();
    }
    let backend = runner.backend();
    let module = format_ident!("__queries_{}", backend.name());
    let marker = {
        let name = format_ident!("{}", camel_case(backend.name()));
        quote!(::storegen::#name)
    };
    let mut fns = TokenStream::new();
    let mut enums: Vec<Ident> = Vec::new();
    for g in queries {
        let Some(rewritten) = g.query.rewritten(backend) else {
            continue;
        };
        let (query, shape) = (g.query, g.shape);
        for ty in shape.params.iter().map(|p| &p.ty) {
            if let LogicalType::Enum { name, .. } = ty {
                let id = ident(name);
                if !enums.contains(&id) {
                    enums.push(id);
                }
            }
        }
        let name = ident(&query.name);
        let params = params(cx, shape);
        let row = row_type(schema, g);
        let out = output(query.kind, &row);
        let sql = super::rust::raw_string(&rewritten.sql);
        let reader = match (
            query.kind,
            shape.returns.as_deref().and_then(|s| schema.store(s)),
        ) {
            (Kind::Exec, _) => TokenStream::new(),
            // The store's own reader.
            (_, Some(store)) => {
                let reader = runner.store_reader(store);
                quote!(let __read = #reader;)
            }
            (_, None) => {
                let fields = shape.columns.iter().enumerate().map(|(i, c)| {
                    let (store, field) = column_field(schema, c);
                    let (name, value) = (ident(&c.name), runner.read_value(cx, store, &field, i));
                    quote!(#name: #value)
                });
                let head = runner.read_head(&row);
                quote! {
                    #head {
                        Ok(#row { #(#fields,)* })
                    }
                }
            }
        };
        let body = runner.body(cx, shape, &rewritten, query.kind);
        fns.extend(quote! {
            fn #name(__conn: &mut Self::Raw<'_>, #(#params),*) -> Result<#out, Self::DriverError> {
                const SQL: &str = #sql;
                #reader
                #body
            }
        });
    }
    let imports = runner.imports();
    let enum_imports = if enums.is_empty() {
        TokenStream::new()
    } else {
        quote!(use super::{#(#enums),*};)
    };
    quote! {
        #[allow(dead_code, unused_imports, clippy::too_many_arguments)]
        mod #module {
            #imports
            #enum_imports

            impl super::queries::QueryOps for #marker {
                #fns
            }
        }
    }
}
