//! Reading spanned TOML values, turning every mismatch into a diagnostic.

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::Span;
use crate::build::diagnostics::Diagnostic;

/// Walks a blueprint document, collecting diagnostics as it goes.
pub(crate) struct Walker {
    diagnostics: Vec<Diagnostic>,
    /// `[rust] datetime`, read before the stores.
    pub datetime: crate::model::DateTimeCrate,
}

impl Walker {
    pub fn new() -> Self {
        Walker {
            diagnostics: Vec::new(),
            datetime: crate::model::DateTimeCrate::Chrono,
        }
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// The span of `key` itself (not its value) in `table`.
    pub fn key_span(&self, table: &DeTable<'_>, key: &str) -> Option<Span> {
        table
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(k, _)| k.span())
    }

    /// Reports every key of `table` that is not in `allowed`, naming the nearest valid
    /// one; `later` lists keys a later storegen will read.
    pub fn check_keys(
        &mut self,
        table: &DeTable<'_>,
        allowed: &[&str],
        later: &[(&str, &str)],
        context: &str,
    ) {
        for (key, _) in table.iter() {
            let key_name: &str = key.get_ref();
            if allowed.contains(&key_name) {
                continue;
            }
            if let Some((_, what)) = later.iter().find(|(k, _)| *k == key_name) {
                self.push(
                    Diagnostic::error(Some(key.span()), format!("{what} is not supported yet"))
                        .label("not supported yet"),
                );
                continue;
            }
            let diagnostic = Diagnostic::error(
                Some(key.span()),
                format!("unknown key `{key_name}` {context}"),
            )
            .label("unknown key");
            self.push(match nearest(key_name, allowed) {
                Some(near) => diagnostic.help(format!("did you mean `{near}`?")),
                None => diagnostic.help(format!("valid keys here: {}", list(allowed))),
            });
        }
    }

    /// Reports `name` as not one of `candidates` with `message`, naming the nearest.
    pub fn unknown_name(&mut self, span: Span, message: String, name: &str, candidates: &[&str]) {
        let diagnostic = Diagnostic::error(Some(span), message);
        self.push(match nearest(name, candidates) {
            Some(near) => diagnostic.help(format!("did you mean `{near}`?")),
            None if candidates.is_empty() => diagnostic,
            None => diagnostic.help(format!("expected one of {}", list(candidates))),
        });
    }

    fn mismatch(&mut self, value: &Spanned<DeValue<'_>>, what: &str, expected: &str) {
        self.push(
            Diagnostic::error(
                Some(value.span()),
                format!(
                    "{what} must be {expected}, found {}",
                    article(value.get_ref().type_str())
                ),
            )
            .label(format!("expected {expected}")),
        );
    }

    pub fn table<'v, 'i>(
        &mut self,
        value: &'v Spanned<DeValue<'i>>,
        what: &str,
    ) -> Option<&'v DeTable<'i>> {
        let table = value.get_ref().as_table();
        if table.is_none() {
            self.mismatch(value, what, "a table");
        }
        table
    }

    pub fn array<'v, 'i>(
        &mut self,
        value: &'v Spanned<DeValue<'i>>,
        what: &str,
    ) -> Option<&'v DeArray<'i>> {
        let array = value.get_ref().as_array();
        if array.is_none() {
            self.mismatch(value, what, "an array");
        }
        array
    }

    pub fn string(&mut self, value: &Spanned<DeValue<'_>>, what: &str) -> Option<String> {
        let text = value.get_ref().as_str().map(str::to_owned);
        if text.is_none() {
            self.mismatch(value, what, "a string");
        }
        text
    }

    pub fn boolean(&mut self, value: &Spanned<DeValue<'_>>, what: &str) -> Option<bool> {
        let flag = value.get_ref().as_bool();
        if flag.is_none() {
            self.mismatch(value, what, "a boolean");
        }
        flag
    }

    pub fn integer(&mut self, value: &Spanned<DeValue<'_>>, what: &str) -> Option<i64> {
        match value.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.push(Diagnostic::error(
                        Some(value.span()),
                        format!("{what} is out of range"),
                    ));
                    None
                }
            },
            _ => {
                self.mismatch(value, what, "an integer");
                None
            }
        }
    }

    /// An array of strings, each with its span.
    pub fn string_array(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        what: &str,
    ) -> Option<Vec<(String, Span)>> {
        let array = self.array(value, what)?;
        let mut out = Vec::with_capacity(array.len());
        for item in array.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push((s.to_owned(), item.span())),
                None => {
                    self.mismatch(item, &format!("each item of {what}"), "a string");
                    return None;
                }
            }
        }
        Some(out)
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn nearest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = match name.chars().count() {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), *c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// `a`, `b`, `c`
pub fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}
