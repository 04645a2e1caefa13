//! A broken constraint, described the same way on every backend: what kind, which
//! columns and values, which constraint — as much as each database says.
//!
//! `customers.insert: duplicate key: email 'a@b.c' already exists (unique constraint
//! "customers_email_key")`; the driver's own error stays the source.

use super::Constraint;

/// What a database said about a broken constraint.
#[derive(Debug, Default)]
pub(crate) struct Violation {
    /// The columns it names.
    pub columns: Vec<String>,
    /// Their values, as the database wrote them.
    pub values: Option<String>,
    /// The constraint's (or index's) name.
    pub name: Option<String>,
    /// A foreign key's other table: the one a missing row belongs to, or the one whose
    /// rows still reference the row.
    pub table: Option<String>,
    /// A foreign key: the row is still referenced (a delete), not missing (a write).
    pub referenced: bool,
    /// A value longer than its column allows (a CHECK in the wide sense).
    pub too_long: Option<String>,
    /// Characters the column's character set can't hold (MySQL's utf8mb3 and an emoji),
    /// as the database wrote them.
    pub bad_characters: Option<String>,
}

impl Violation {
    fn columns(&self) -> Option<String> {
        match self.columns.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            many => Some(format!("({})", many.join(", "))),
        }
    }

    /// `email 'a@b.c'`, `(a, b) (1, 2)`, `email`, `'a@b.c'`, or nothing.
    fn subject(&self) -> Option<String> {
        let values = self.values.as_ref().map(|v| {
            let number = v.parse::<f64>().is_ok();
            if self.columns.len() > 1 || v.starts_with('\'') || number {
                v.clone()
            } else {
                format!("'{v}'")
            }
        });
        match (self.columns(), values) {
            (Some(c), Some(v)) => Some(format!("{c} {v}")),
            (Some(c), None) => Some(c),
            (None, Some(v)) => Some(v),
            (None, None) => None,
        }
    }

    fn named(&self, what: &str) -> String {
        match &self.name {
            Some(name) => format!(" ({what} \"{name}\")"),
            None => String::new(),
        }
    }

    /// The message: `<kind>: <what happened> (<constraint>)`.
    pub fn message(&self, constraint: Constraint) -> String {
        match constraint {
            Constraint::Unique | Constraint::PrimaryKey => {
                let what = if constraint == Constraint::PrimaryKey {
                    "primary key"
                } else {
                    "unique constraint"
                };
                let subject = self.subject().unwrap_or_else(|| "the value".into());
                format!(
                    "duplicate key: {subject} already exists{}",
                    self.named(what)
                )
            }
            Constraint::ForeignKey => {
                let named = self.named("constraint");
                match (self.referenced, &self.table, self.subject()) {
                    (true, Some(table), Some(subject)) => {
                        format!("foreign key: {subject} is still referenced from {table}{named}")
                    }
                    (true, Some(table), None) => {
                        format!("foreign key: the row is still referenced from {table}{named}")
                    }
                    (false, Some(table), Some(subject)) => {
                        format!("foreign key: {subject} has no row in {table}{named}")
                    }
                    (false, Some(table), None) => {
                        format!("foreign key: the referenced row is not in {table}{named}")
                    }
                    _ => format!(
                        "foreign key: a referenced row is missing, or the row is still referenced{named}"
                    ),
                }
            }
            Constraint::NotNull => match self.columns() {
                Some(column) => format!("not null: {column} has no value"),
                None => "not null: a column has no value".into(),
            },
            Constraint::Check if self.bad_characters.is_some() => {
                let characters = self.bad_characters.as_deref().unwrap_or_default();
                format!(
                    "check: {} can't hold {characters}: the column's character set has no 4-byte characters (MySQL's utf8mb3); emoji and other characters beyond the Basic Multilingual Plane need utf8mb4",
                    self.columns().unwrap_or_else(|| "the column".into())
                )
            }
            Constraint::Check => match (&self.too_long, self.columns(), &self.name) {
                (Some(limit), _, _) => {
                    let limit = if limit.is_empty() {
                        String::new()
                    } else {
                        format!(" ({limit})")
                    };
                    match self.columns() {
                        Some(column) => {
                            format!("check: {column} is longer than its column allows{limit}")
                        }
                        None => format!("check: a value is longer than its column allows{limit}"),
                    }
                }
                (None, _, Some(name)) => format!("check: constraint \"{name}\" failed"),
                (None, Some(columns), None) => format!("check: the constraint on {columns} failed"),
                (None, None, None) => "check: a CHECK constraint failed".into(),
            },
        }
    }
}

/// The text between the first `open` and the next `close` after it.
#[cfg_attr(not(feature = "__server"), allow(dead_code))]
pub(crate) fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}
