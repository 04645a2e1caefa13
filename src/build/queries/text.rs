//! A query's SQL text: finding its `:name` parameters (outside strings, quoted names,
//! comments and PostgreSQL's `::type` casts) and rewriting them to a backend's
//! placeholders, with a map from the rewritten text back to the written one.

use std::ops::Range;

use crate::sql::{Dialect, Placeholder};

/// One use of a named parameter: its name and where `:name` is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Use {
    pub name: String,
    pub span: Range<usize>,
}

fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Every `:name` in `sql`, in order. `backslash_escapes`: a backslash escapes the next
/// character in a string literal (MySQL); PostgreSQL's `E'…'` strings always do.
pub(crate) fn parameters(sql: &str, backslash_escapes: bool) -> Vec<Use> {
    let bytes = sql.as_bytes();
    let mut uses = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                let escapes = backslash_escapes
                    || (i > 0
                        && matches!(bytes[i - 1], b'E' | b'e')
                        && (i < 2 || !ident_char(bytes[i - 2])));
                i = skip_quoted(bytes, i, b'\'', escapes);
            }
            // MySQL's double quotes make a string, with backslash escapes.
            b'"' => i = skip_quoted(bytes, i, b'"', backslash_escapes),
            b'`' => i = skip_quoted(bytes, i, b'`', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
            }
            b'#' if backslash_escapes => {
                // MySQL's other line comment.
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            b'$' => i = skip_dollar_quoted(sql, i),
            b':' if bytes.get(i + 1) == Some(&b':') => {
                // A cast: `::text`, and the type name after it.
                i += 2;
                while i < bytes.len() && ident_char(bytes[i]) {
                    i += 1;
                }
            }
            b':' if bytes.get(i + 1).is_some_and(|b| ident_start(*b))
                && (i == 0 || !ident_char(bytes[i - 1])) =>
            {
                let start = i;
                i += 1;
                while i < bytes.len() && ident_char(bytes[i]) {
                    i += 1;
                }
                uses.push(Use {
                    name: sql[start + 1..i].to_owned(),
                    span: start..i,
                });
            }
            _ => i += 1,
        }
    }
    uses
}

/// The index just past a quoted run opening at `start` (a doubled quote stays inside).
fn skip_quoted(bytes: &[u8], start: usize, quote: u8, escapes: bool) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escapes => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// PostgreSQL's `$tag$…$tag$` (and `$$…$$`); a `$1` or a `$` in a name is passed over.
fn skip_dollar_quoted(sql: &str, start: usize) -> usize {
    let bytes = sql.as_bytes();
    if start > 0 && ident_char(bytes[start - 1]) {
        return start + 1;
    }
    if bytes.get(start + 1).is_some_and(u8::is_ascii_digit) {
        return start + 1;
    }
    let mut end = start + 1;
    while end < bytes.len() && ident_char(bytes[end]) {
        end += 1;
    }
    if bytes.get(end) != Some(&b'$') {
        return start + 1;
    }
    let tag = &sql[start..=end];
    match sql[end + 1..].find(tag) {
        Some(n) => end + 1 + n + tag.len(),
        None => bytes.len(),
    }
}

/// A query's text with its parameters as one backend writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rewritten {
    /// The statement the backend prepares.
    pub sql: String,
    /// The parameter (by index into the query's parameters) each placeholder binds, in
    /// placeholder order: each parameter once where placeholders are numbered, each use
    /// where they are not (MySQL's `?`).
    pub binds: Vec<usize>,
    /// `(offset in sql, offset in the written text)` at each point the two part, so an
    /// error position in the statement maps back to the file.
    map: Vec<(usize, usize)>,
}

impl Rewritten {
    /// Where byte `offset` of the rewritten statement was in the written text.
    pub fn original(&self, offset: usize) -> usize {
        let at = self.map.partition_point(|(new, _)| *new <= offset);
        match at.checked_sub(1) {
            Some(i) => {
                let (new, old) = self.map[i];
                old + (offset - new)
            }
            None => offset,
        }
    }
}

/// `sql` with each use rewritten to `dialect`'s placeholder for its parameter, whose
/// index `index_of` gives.
pub(crate) fn rewrite(
    sql: &str,
    uses: &[Use],
    index_of: impl Fn(&str) -> usize,
    dialect: &Dialect,
) -> Rewritten {
    let mut out = String::with_capacity(sql.len());
    let mut binds = Vec::new();
    let mut map = vec![(0, 0)];
    let mut at = 0;
    for u in uses {
        out.push_str(&sql[at..u.span.start]);
        let index = index_of(&u.name);
        dialect.push_placeholder(&mut out, index + 1);
        match dialect.placeholder {
            Placeholder::Question => binds.push(index),
            Placeholder::NumberedQuestion | Placeholder::Dollar => {
                if !binds.contains(&index) {
                    binds.push(index);
                }
            }
        }
        at = u.span.end;
        map.push((out.len(), at));
    }
    out.push_str(&sql[at..]);
    if dialect.placeholder != Placeholder::Question {
        // Numbered: parameter n is the nth, whatever order the text uses them in.
        binds.sort_unstable();
    }
    Rewritten {
        sql: out,
        binds,
        map,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sql: &str) -> Vec<String> {
        parameters(sql, false).into_iter().map(|u| u.name).collect()
    }

    #[test]
    fn parameters_are_found_outside_strings_comments_and_casts() {
        assert_eq!(
            names("SELECT a FROM t WHERE b = :b AND c = :c_2 LIMIT :limit"),
            ["b", "c_2", "limit"]
        );
        assert_eq!(
            names("SELECT ':x', \":y\", `:z` -- :w\n, /* :v */ :u::text, x::int"),
            ["u"]
        );
        assert_eq!(names("SELECT 'it''s :no', :yes"), ["yes"]);
        assert_eq!(
            names("SELECT $tag$ :no $tag$, $$ :no $$, $1, :yes"),
            ["yes"]
        );
        assert_eq!(names("SELECT arr[1:2], a:b, E'\\' :no', :yes"), ["yes"]);
        // MySQL: a backslash escapes a quote, `#` starts a comment.
        assert_eq!(
            parameters("SELECT 'a\\' :no', :yes # :no\n", true)
                .into_iter()
                .map(|u| u.name)
                .collect::<Vec<_>>(),
            ["yes"]
        );
    }

    #[test]
    fn rewriting_binds_a_repeated_parameter_once_where_placeholders_are_numbered() {
        let sql = "SELECT * FROM t WHERE a = :a OR b = :b OR c = :a";
        let uses = parameters(sql, false);
        let index = |name: &str| usize::from(name == "b");
        let pg = rewrite(sql, &uses, index, &crate::backend::postgres::DIALECT);
        assert_eq!(pg.sql, "SELECT * FROM t WHERE a = $1 OR b = $2 OR c = $1");
        assert_eq!(pg.binds, [0, 1]);
        let sqlite = rewrite(sql, &uses, index, &crate::backend::sqlite::DIALECT);
        assert_eq!(
            sqlite.sql,
            "SELECT * FROM t WHERE a = ?1 OR b = ?2 OR c = ?1"
        );
        let my = rewrite(sql, &uses, index, &crate::backend::mysql::DIALECT);
        assert_eq!(my.sql, "SELECT * FROM t WHERE a = ? OR b = ? OR c = ?");
        assert_eq!(my.binds, [0, 1, 0]);
        // Positions map back: `OR` after the first placeholder.
        let or = pg.sql.find("OR").unwrap();
        assert_eq!(&sql[pg.original(or)..pg.original(or) + 2], "OR");
        assert_eq!(pg.original(3), 3);
        let last = pg.sql.rfind('c').unwrap();
        assert_eq!(&sql[pg.original(last)..], "c = :a");
    }
}
