//! Each enum the blueprint declares, as a Rust enum with its conversions for every
//! backend's driver.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::rust::ident;
use crate::model::{LogicalType, Schema};

/// Each enum the fields declare, once (fields may share one by naming it alike), with
/// its conversions for each backend's driver.
pub(super) fn enum_items(schema: &Schema) -> TokenStream {
    let mut seen = Vec::new();
    let mut out = TokenStream::new();
    for store in &schema.stores {
        for field in &store.fields {
            let LogicalType::Enum { name, values, .. } = &field.ty else {
                continue;
            };
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let ty = ident(name);
            let variants: Vec<Ident> = values
                .iter()
                .map(|v| ident(&crate::build::blueprint::enum_variant(v)))
                .collect();
            let docs = values.iter().map(|v| format!(" `{v}`"));
            // The first value is the default, so insert types can derive `Default`.
            let defaults = (0..values.len()).map(|i| (i == 0).then(|| quote!(#[default])));
            let doc = format!(
                " The values of `{}.{}`, as the database stores them: {}.",
                store.name,
                field.name,
                values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            out.extend(quote! {
                #[doc = #doc]
                #[allow(dead_code, clippy::upper_case_acronyms, clippy::enum_variant_names)]
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
                pub enum #ty {
                    #(#[doc = #docs] #defaults #variants,)*
                }

                impl ::storegen::Enum for #ty {
                    const NAME: &'static str = #name;
                    const VALUES: &'static [&'static str] = &[#(#values),*];
                    const ALL: &'static [Self] = &[#(Self::#variants),*];
                    fn index(self) -> usize {
                        self as usize
                    }
                }

                impl ::std::fmt::Display for #ty {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(::storegen::Enum::as_str(*self))
                    }
                }
            });
            for backend in &schema.backends {
                out.extend(backend.rules().enum_impls(&ty));
            }
        }
    }
    out
}
