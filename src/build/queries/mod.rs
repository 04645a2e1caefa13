//! Custom queries: `.sql` files the blueprint lists (`[queries] files`), each query
//! introduced by a header comment (`-- name: open_issues :many`), described by the
//! database at build time (or read from the snapshot) and generated as typed functions
//! in `db::queries`.
//!
//! The pipeline: [`load`] reads the files and their headers (no database);
//! `describe` (each backend's, on the build's one connection) says what a statement
//! takes and returns; [`resolve`] turns that, with the blueprint's stores and the
//! header's declarations, into a [`Shape`] — the Rust signature — which the snapshot
//! records and code generation writes.

pub(crate) mod analyze;
pub(crate) mod recorded;
pub(crate) mod resolve;
pub(crate) mod text;

use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::diagnostics::{Diagnostic, Report};
use crate::backend::BackendKind;
use crate::model::{LogicalType, Schema};
pub(crate) use resolve::{Column, Shape, ShapeParam};

/// What a query returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `:one`: the first row, if any (`Option<Row>`).
    One,
    /// `:many`: every row (`Vec<Row>`).
    Many,
    /// `:exec`: no rows; the number of rows affected (`u64`).
    Exec,
}

impl Kind {
    /// The header's spelling: `one`, `many`, `exec`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::One => "one",
            Kind::Many => "many",
            Kind::Exec => "exec",
        }
    }

    fn from_name(name: &str) -> Option<Kind> {
        Some(match name {
            "one" => Kind::One,
            "many" => Kind::Many,
            "exec" => Kind::Exec,
            _ => return None,
        })
    }
}

/// A query file: its path as shown, and its text.
#[derive(Debug, Clone)]
pub struct QueryFile {
    /// The path as diagnostics show it (relative to the blueprint's folder).
    pub shown: String,
    /// The file's text, which spans index.
    pub source: String,
}

/// A place in a query file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub file: usize,
    pub span: Range<usize>,
}

/// A type a header declares: a logical type, and whether the value may be NULL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Declared {
    pub ty: LogicalType,
    pub nullable: bool,
}

/// `-- param limit: int64`.
#[derive(Debug, Clone)]
pub(crate) struct ParamDecl {
    pub name: String,
    pub declared: Declared,
    pub place: Place,
}

/// One text of a query: for every backend, or for one (`-- backend: mysql`).
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub backend: Option<BackendKind>,
    /// Where the `-- name:` line is.
    pub name_place: Place,
    /// The statement as written (without its final `;`).
    pub sql: String,
    /// Where `sql` starts in its file.
    pub sql_place: Place,
    /// Its parameters' uses, in order (spans in `sql`).
    pub uses: Vec<text::Use>,
}

/// A query, with its variants.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub name: String,
    pub kind: Kind,
    /// The comment lines after the name line.
    pub doc: Option<String>,
    /// `-- returns: Customer`: the record type its rows are, and where that is said.
    pub returns: Option<(String, Place)>,
    /// The parameters, in the order the text first uses them.
    pub params: Vec<String>,
    pub declared: Vec<ParamDecl>,
    pub variants: Vec<Variant>,
    /// The file of its first text, as shown.
    pub file: String,
    /// `sha256:<hex>` of the query's text, headers and every variant: the snapshot's
    /// record of what it described.
    pub hash: String,
}

impl Query {
    /// The text a backend runs: its own variant, else the one for every backend.
    pub fn variant(&self, backend: BackendKind) -> Option<&Variant> {
        self.variants
            .iter()
            .find(|v| v.backend == Some(backend))
            .or_else(|| self.variants.iter().find(|v| v.backend.is_none()))
    }

    /// The parameter's declared type, if the header declares one.
    pub fn declared(&self, name: &str) -> Option<&ParamDecl> {
        self.declared.iter().find(|d| d.name == name)
    }

    /// The position of a parameter in [`Query::params`].
    pub fn param_index(&self, name: &str) -> usize {
        self.params.iter().position(|p| p == name).unwrap_or(0)
    }

    /// The statement `backend` prepares, with its placeholders.
    pub fn rewritten(&self, backend: BackendKind) -> Option<text::Rewritten> {
        let variant = self.variant(backend)?;
        Some(text::rewrite(
            &variant.sql,
            &variant.uses,
            |name| self.param_index(name),
            backend.dialect(),
        ))
    }
}

/// Diagnostics, each in the blueprint (`None`) or a query file.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub items: Vec<(Option<usize>, Diagnostic)>,
}

impl Found {
    pub fn blueprint(&mut self, diagnostic: Diagnostic) {
        self.items.push((None, diagnostic));
    }

    pub fn at(&mut self, place: &Place, diagnostic: Diagnostic) {
        self.items.push((Some(place.file), diagnostic));
    }

    pub fn in_file(&mut self, file: usize, diagnostic: Diagnostic) {
        self.items.push((Some(file), diagnostic));
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|(_, d)| d.is_error())
    }

    /// The query files' diagnostics as one report per file (in file order); the
    /// blueprint's go to `blueprint`.
    pub fn into_reports(self, files: &[QueryFile], blueprint: &mut Vec<Diagnostic>) -> Vec<Report> {
        let mut per_file: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
        for (file, diagnostic) in self.items {
            match file.and_then(|f| per_file.get_mut(f)) {
                Some(list) => list.push(diagnostic),
                None => blueprint.push(diagnostic),
            }
        }
        files
            .iter()
            .zip(per_file)
            .filter(|(_, d)| !d.is_empty())
            .map(|(file, diagnostics)| {
                Report::new(file.shown.clone(), file.source.clone(), diagnostics)
            })
            .collect()
    }
}

/// The query files the patterns name, in pattern order (each pattern's matches sorted);
/// a file named twice is read once. Each file read is a `rerun-if-changed`.
pub(crate) fn read_files(
    patterns: &[(String, Range<usize>)],
    base_dir: &Path,
    directives: &mut Vec<String>,
    found: &mut Found,
) -> Vec<QueryFile> {
    let mut files: Vec<QueryFile> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (pattern, span) in patterns {
        if pattern.trim().is_empty() {
            continue;
        }
        let full = base_dir.join(pattern);
        let matches = match glob::glob(&full.to_string_lossy()) {
            Ok(paths) => paths,
            Err(e) => {
                found.blueprint(Diagnostic::error(
                    Some(span.clone()),
                    format!("`{pattern}` is not a valid file pattern: {}", e.msg),
                ));
                continue;
            }
        };
        let mut paths: Vec<std::path::PathBuf> = matches.filter_map(Result::ok).collect();
        paths.sort();
        // A pattern without a wildcard names a file: its directory is watched through it.
        if paths.is_empty() {
            found.blueprint(
                Diagnostic::error(Some(span.clone()), format!("`{pattern}` matches no file")).help(
                    format!(
                        "query files are found relative to the blueprint's folder (`{}`)",
                        base_dir.display()
                    ),
                ),
            );
            continue;
        }
        for path in paths {
            if !seen.insert(path.clone()) || path.is_dir() {
                continue;
            }
            directives.push(format!("cargo:rerun-if-changed={}", path.display()));
            let shown = path
                .strip_prefix(base_dir)
                .unwrap_or(&path)
                .display()
                .to_string();
            match std::fs::read_to_string(&path) {
                Ok(source) => files.push(QueryFile { shown, source }),
                Err(e) => found.blueprint(Diagnostic::error(
                    Some(span.clone()),
                    format!("cannot read the query file `{shown}`: {e}"),
                )),
            }
        }
    }
    // New files in a pattern's folders rerun the build too.
    for (pattern, _) in patterns {
        if let Some(dir) = base_dir.join(pattern).parent()
            && !dir.to_string_lossy().contains(['*', '?', '['])
        {
            directives.push(format!("cargo:rerun-if-changed={}", dir.display()));
        }
    }
    files
}

/// One `-- name:` block of a file, before queries of the same name are merged.
struct Block {
    name: String,
    name_place: Place,
    kind: Option<Kind>,
    doc: Vec<String>,
    declared: Vec<ParamDecl>,
    returns: Option<(String, Place)>,
    backend: Option<(BackendKind, Place)>,
    sql: String,
    sql_place: Place,
    /// The block's header lines and statement, for the query's hash.
    text: String,
}

/// A line's text and where it starts.
fn lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    source.split_inclusive('\n').map(move |line| {
        let start = at;
        at += line.len();
        (start, line)
    })
}

/// `name: rest` of a header comment line (`-- name: x :many`), with the offset of `rest`.
fn header_field<'a>(comment: &'a str, field: &str) -> Option<(&'a str, usize)> {
    let rest = comment.strip_prefix(field)?;
    let rest_trimmed = rest.trim_start();
    let rest_trimmed = rest_trimmed.strip_prefix(':')?;
    let offset = comment.len() - rest_trimmed.len();
    let value = rest_trimmed.trim_start();
    Some((
        value.trim_end(),
        offset + (rest_trimmed.len() - value.len()),
    ))
}

/// Reads every query of every file: headers, texts and parameters, with every problem a
/// file has on its own (the database is asked later).
pub(crate) fn parse(files: &[QueryFile], schema: &Schema, found: &mut Found) -> Vec<Query> {
    let mut blocks = Vec::new();
    for (index, file) in files.iter().enumerate() {
        blocks.extend(parse_file(index, &file.source, schema, found));
    }
    merge(blocks, files, schema, found)
}

fn parse_file(file: usize, source: &str, schema: &Schema, found: &mut Found) -> Vec<Block> {
    let place = |span: Range<usize>| Place { file, span };
    let mut blocks: Vec<Block> = Vec::new();
    let mut in_header = false;
    let mut before_first = true;
    for (start, line) in lines(source) {
        let trimmed = line.trim();
        let lead = line.len() - line.trim_start().len();
        let comment = trimmed.strip_prefix("--").map(str::trim_start);
        if let Some(comment) = comment
            && let Some((value, offset)) = header_field(comment, "name")
        {
            let comment_at = start + lead + (trimmed.len() - comment.len());
            let value_at = comment_at + offset;
            let mut words = value.split_whitespace();
            let name = words.next().unwrap_or_default().to_owned();
            let name_span = value_at..value_at + name.len();
            let kind_word = words.next();
            let kind = match kind_word {
                Some(word) => match word.strip_prefix(':').and_then(Kind::from_name) {
                    Some(kind) => Some(kind),
                    None => {
                        let at = value_at + value.find(word).unwrap_or(0);
                        found.in_file(
                            file,
                            Diagnostic::error(
                                Some(at..at + word.len()),
                                format!("`{word}` is not a query kind"),
                            )
                            .help("write `:one` (at most one row), `:many` (rows) or `:exec` (rows affected)"),
                        );
                        None
                    }
                },
                None => {
                    found.in_file(
                        file,
                        Diagnostic::error(
                            Some(name_span.clone()),
                            format!("query `{name}` has no kind"),
                        )
                        .help(format!(
                            "write `-- name: {name} :many` (or `:one`, `:exec`)"
                        )),
                    );
                    None
                }
            };
            if let Some(extra) = words.next() {
                let at = value_at + value.rfind(extra).unwrap_or(0);
                found.in_file(
                    file,
                    Diagnostic::error(
                        Some(at..at + extra.len()),
                        format!("unexpected `{extra}` after the query's kind"),
                    ),
                );
            }
            if name.is_empty() {
                found.in_file(
                    file,
                    Diagnostic::error(
                        Some(start + lead..start + lead + trimmed.len()),
                        "a `-- name:` line without a name",
                    )
                    .help("write `-- name: <snake_case name> :many`"),
                );
            } else if !super::blueprint::names::is_snake_case(&name)
                || super::blueprint::names::is_rust_keyword(&name)
            {
                found.in_file(
                    file,
                    Diagnostic::error(
                        Some(name_span.clone()),
                        format!("query name `{name}` is not a snake_case Rust name"),
                    )
                    .help(format!(
                        "it names a function: use lowercase letters, digits and single underscores, not a keyword (`{}`)",
                        super::blueprint::names::snake_case(&name)
                    )),
                );
            }
            blocks.push(Block {
                name,
                name_place: place(name_span),
                kind,
                doc: Vec::new(),
                declared: Vec::new(),
                returns: None,
                backend: None,
                sql: String::new(),
                sql_place: place(start..start),
                text: format!("{trimmed}\n"),
            });
            in_header = true;
            before_first = false;
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            if !trimmed.is_empty() && comment.is_none() && before_first {
                found.in_file(
                    file,
                    Diagnostic::error(
                        Some(start + lead..start + lead + trimmed.len()),
                        "SQL before the first `-- name:` line",
                    )
                    .help("introduce each query with `-- name: <name> :one|:many|:exec`"),
                );
                before_first = false;
            }
            continue;
        };
        if in_header && let Some(comment) = comment {
            block.text.push_str(trimmed);
            block.text.push('\n');
            let comment_at = start + lead + (trimmed.len() - comment.len());
            header_line(block, comment, comment_at, file, schema, found);
            continue;
        }
        if in_header && trimmed.is_empty() {
            continue;
        }
        if in_header {
            in_header = false;
            block.sql_place = place(start..start);
        }
        block.sql.push_str(line);
    }
    for block in &mut blocks {
        // The statement without its trailing blank lines, comments and `;`.
        let mut sql = block.sql.trim_end().to_owned();
        loop {
            let last_line = sql.rsplit('\n').next().unwrap_or_default();
            if last_line.trim_start().starts_with("--") {
                let cut = sql.len() - last_line.len();
                sql.truncate(cut);
                sql = sql.trim_end().to_owned();
                continue;
            }
            break;
        }
        let sql = sql.strip_suffix(';').unwrap_or(&sql).trim_end().to_owned();
        block.sql_place.span = block.sql_place.span.start..block.sql_place.span.start + sql.len();
        // What the hash covers: the header and the statement, not the blank lines and
        // comments around them (appending a query leaves the one before it as it was).
        block.text.push_str(&sql);
        block.text.push('\n');
        block.sql = sql;
    }
    blocks
}

/// A header comment after the name line: `param`, `returns`, `backend`, or the doc.
fn header_line(
    block: &mut Block,
    comment: &str,
    comment_at: usize,
    file: usize,
    schema: &Schema,
    found: &mut Found,
) {
    let place = |span: Range<usize>| Place { file, span };
    if let Some(rest) = comment.strip_prefix("param ") {
        let rest_at = comment_at + comment.len() - rest.len();
        let Some((name, ty)) = rest.split_once(':') else {
            found.in_file(
                file,
                Diagnostic::error(
                    Some(comment_at..comment_at + comment.trim_end().len()),
                    "a `-- param` line needs a name and a type",
                )
                .help("write `-- param limit: int64`"),
            );
            return;
        };
        let name_trimmed = name.trim();
        let name_at = rest_at + (name.len() - name.trim_start().len());
        let ty_at = rest_at + name.len() + 1 + (ty.len() - ty.trim_start().len());
        let ty = ty.trim();
        let ty_span = ty_at..ty_at + ty.len();
        match parse_declared(ty, schema) {
            Ok(declared) => {
                if block.declared.iter().any(|d| d.name == name_trimmed) {
                    found.in_file(
                        file,
                        Diagnostic::error(
                            Some(name_at..name_at + name_trimmed.len()),
                            format!("parameter `{name_trimmed}` is declared twice"),
                        ),
                    );
                }
                block.declared.push(ParamDecl {
                    name: name_trimmed.to_owned(),
                    declared,
                    place: place(name_at..name_at + name_trimmed.len()),
                });
            }
            Err(message) => found.in_file(
                file,
                Diagnostic::error(Some(ty_span), message).help(TYPE_HELP),
            ),
        }
        return;
    }
    if let Some((value, offset)) = header_field(comment, "returns") {
        let at = comment_at + offset;
        block.returns = Some((value.to_owned(), place(at..at + value.len())));
        return;
    }
    if let Some((value, offset)) = header_field(comment, "backend") {
        let at = comment_at + offset;
        match BackendKind::from_name(value) {
            Some(backend) => block.backend = Some((backend, place(at..at + value.len()))),
            None => found.in_file(
                file,
                Diagnostic::error(
                    Some(at..at + value.len()),
                    format!("`{value}` is not a backend storegen knows"),
                )
                .help("write `postgres`, `mysql` or `sqlite`"),
            ),
        }
        return;
    }
    block.doc.push(comment.trim_end().to_owned());
}

const TYPE_HELP: &str = "types are the blueprint's: bool, int16, int32, int64, float32, float64, text, bytes, date, time, timestamp, timestamp_tz, uuid, json, decimal(<precision>, <scale>), or an enum the blueprint generates (by its Rust name); `?` after it: may be NULL";

/// A declared type: `int64`, `decimal(10, 2)`, `IssueStatus`, with `?` for NULL.
pub(crate) fn parse_declared(text: &str, schema: &Schema) -> Result<Declared, String> {
    let (text, nullable) = match text.trim().strip_suffix('?') {
        Some(t) => (t.trim_end(), true),
        None => (text.trim(), false),
    };
    let ty = match text {
        simple if let Some(ty) = super::blueprint::types::simple_type(simple) => ty,
        "" => return Err("a declaration without a type".into()),
        other => {
            if let Some(args) = other
                .strip_prefix("decimal")
                .map(str::trim_start)
                .and_then(|a| a.strip_prefix('('))
                .and_then(|a| a.strip_suffix(')'))
            {
                let parts: Vec<Option<u32>> =
                    args.split(',').map(|p| p.trim().parse().ok()).collect();
                return match parts.as_slice() {
                    [Some(precision), Some(scale)] if *precision >= 1 && scale <= precision => {
                        Ok(Declared {
                            ty: LogicalType::Decimal {
                                precision: *precision,
                                scale: *scale,
                            },
                            nullable,
                        })
                    }
                    _ => Err(format!(
                        "`{other}` is not a decimal type: write `decimal(<precision>, <scale>)`"
                    )),
                };
            }
            if other == "decimal" {
                return Err("`decimal` needs its digits: `decimal(<precision>, <scale>)`".into());
            }
            match schema_enum(schema, other) {
                Some(ty) => ty,
                None => return Err(format!("`{other}` is not a type storegen knows")),
            }
        }
    };
    Ok(Declared { ty, nullable })
}

/// The enum type the blueprint generates under this Rust name.
fn schema_enum(schema: &Schema, name: &str) -> Option<LogicalType> {
    schema
        .stores
        .iter()
        .flat_map(|s| &s.fields)
        .map(|f| &f.ty)
        .find(|ty| matches!(ty, LogicalType::Enum { name: n, .. } if n == name))
        .cloned()
}

/// Groups blocks by name into queries: one text for every backend and one per backend
/// at most, all of one kind, using the same parameters.
fn merge(
    blocks: Vec<Block>,
    files: &[QueryFile],
    schema: &Schema,
    found: &mut Found,
) -> Vec<Query> {
    let mut queries: Vec<Query> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for block in blocks {
        if block.name.is_empty() {
            continue;
        }
        if block.sql.trim().is_empty() {
            found.at(
                &block.name_place,
                Diagnostic::error(
                    Some(block.name_place.span.clone()),
                    format!("query `{}` has no SQL", block.name),
                ),
            );
            continue;
        }
        let backend = block.backend.as_ref().map(|(b, _)| *b);
        if let Some((b, place)) = &block.backend
            && !schema.backends.contains(b)
        {
            found.at(
                place,
                Diagnostic::warning(
                    Some(place.span.clone()),
                    format!(
                        "a variant of `{}` for {b}, which the blueprint doesn't list in `[database] backends`",
                        block.name
                    ),
                ),
            );
        }
        let escapes = backend.is_some_and(|b| b.dialect().backslash_escapes);
        let uses = text::parameters(&block.sql, escapes);
        let params = first_uses(&uses);
        let variant = Variant {
            backend,
            name_place: block.name_place.clone(),
            sql: block.sql,
            sql_place: block.sql_place,
            uses,
        };
        let doc = block.doc.join("\n").trim().to_owned();
        match queries.iter().position(|q| q.name == block.name) {
            None => {
                texts.push(block.text);
                queries.push(Query {
                    name: block.name,
                    kind: block.kind.unwrap_or(Kind::Many),
                    doc: (!doc.is_empty()).then_some(doc),
                    returns: block.returns,
                    params,
                    declared: block.declared,
                    file: files
                        .get(variant.name_place.file)
                        .map(|f| f.shown.clone())
                        .unwrap_or_default(),
                    variants: vec![variant],
                    hash: String::new(),
                });
            }
            Some(i) => {
                let query = &mut queries[i];
                if let Some(same) = query.variants.iter().find(|v| v.backend == backend) {
                    let message = match backend {
                        None => format!("query `{}` is declared twice", query.name),
                        Some(b) => format!("query `{}` has two variants for {b}", query.name),
                    };
                    let related = (same.name_place.file == variant.name_place.file)
                        .then(|| same.name_place.span.clone());
                    let first_at = if related.is_some() {
                        String::new()
                    } else {
                        let shown = files
                            .get(same.name_place.file)
                            .map_or("", |f| f.shown.as_str());
                        format!(" (first in `{shown}`)")
                    };
                    found.at(
                        &variant.name_place,
                        Diagnostic::error(Some(variant.name_place.span.clone()), format!("{message}{first_at}"))
                            .related(related, "first declared here")
                            .help("give it another name, or mark a backend's own text with `-- backend: <name>`"),
                    );
                    continue;
                }
                if let Some(kind) = block.kind
                    && kind != query.kind
                {
                    found.at(
                        &variant.name_place,
                        Diagnostic::error(
                            Some(variant.name_place.span.clone()),
                            format!(
                                "this variant of `{}` is `:{}`, another is `:{}`",
                                query.name,
                                kind.name(),
                                query.kind.name()
                            ),
                        )
                        .help("every variant of a query has one kind: the Rust function is the same on every backend"),
                    );
                }
                let mut mine = params.clone();
                let mut theirs = query.params.clone();
                mine.sort();
                theirs.sort();
                if mine != theirs {
                    found.at(
                        &variant.name_place,
                        Diagnostic::error(
                            Some(variant.name_place.span.clone()),
                            format!(
                                "this variant of `{}` takes {}, another takes {}",
                                query.name,
                                list(&params),
                                list(&query.params)
                            ),
                        )
                        .help("every variant of a query takes the same parameters: the Rust function is the same on every backend"),
                    );
                }
                // A variant may declare what the others don't; the same name twice must
                // agree.
                for decl in block.declared {
                    match query.declared.iter().find(|d| d.name == decl.name) {
                        Some(other) if other.declared != decl.declared => found.at(
                            &decl.place,
                            Diagnostic::error(
                                Some(decl.place.span.clone()),
                                format!(
                                    "parameter `{}` is declared with another type in another variant",
                                    decl.name
                                ),
                            ),
                        ),
                        Some(_) => {}
                        None => query.declared.push(decl),
                    }
                }
                if query.doc.is_none() && !doc.is_empty() {
                    query.doc = Some(doc);
                }
                if query.returns.is_none() {
                    query.returns = block.returns;
                }
                // The text for every backend comes first: its parameter order is the
                // function's.
                if backend.is_none() {
                    query.params = params;
                    query.variants.insert(0, variant);
                } else {
                    query.variants.push(variant);
                }
                texts[i].push_str(&block.text);
            }
        }
    }
    check_rust_names(&queries, schema, found);
    for (query, text) in queries.iter_mut().zip(&texts) {
        query.hash = hash(text);
        for decl in &query.declared {
            if !query.params.contains(&decl.name) {
                found.at(
                    &decl.place,
                    Diagnostic::error(
                        Some(decl.place.span.clone()),
                        format!(
                            "parameter `{}` is declared but `{}` doesn't use `:{}`",
                            decl.name, query.name, decl.name
                        ),
                    )
                    .help("remove the declaration, or use the parameter"),
                );
            }
        }
        if let Some(store) = schema.store(&query.name) {
            found.at(
                &query.variants[0].name_place,
                Diagnostic::error(
                    Some(query.variants[0].name_place.span.clone()),
                    format!(
                        "query `{}` has the name of a store",
                        query.name
                    ),
                )
                .help(format!(
                    "`db::{}(&mut conn)` is the store and `db::queries::{}` would be the query: give the query a name of its own",
                    store.name, query.name
                )),
            );
        }
        if query.variants.iter().all(|v| v.backend.is_some()) {
            let missing: Vec<&str> = schema
                .backends
                .iter()
                .filter(|b| !query.variants.iter().any(|v| v.backend == Some(**b)))
                .map(|b| b.name())
                .collect();
            if !missing.is_empty() {
                found.at(
                    &query.variants[0].name_place,
                    Diagnostic::error(
                        Some(query.variants[0].name_place.span.clone()),
                        format!(
                            "query `{}` has no text for {}",
                            query.name,
                            missing.join(", ")
                        ),
                    )
                    .help("add a variant without `-- backend:` (for every other backend), or one for each"),
                );
            }
        }
    }
    queries
}

/// Names the generated code can't take: a parameter that isn't a snake_case Rust name,
/// two queries whose row types would share a name (`a_1` and `a1` are both `A1Row`),
/// and a row type named like an enum the module imports.
fn check_rust_names(queries: &[Query], schema: &Schema, found: &mut Found) {
    use super::blueprint::names::{is_snake_case, snake_case};
    let mut rows: Vec<(String, &Query)> = Vec::new();
    for query in queries {
        for variant in &query.variants {
            let mut seen: Vec<&str> = Vec::new();
            for u in &variant.uses {
                if seen.contains(&u.name.as_str()) {
                    continue;
                }
                seen.push(&u.name);
                let bad = !is_snake_case(&u.name)
                    || ["self", "super", "crate"].contains(&u.name.as_str());
                if bad {
                    let at = variant.sql_place.span.start + u.span.start;
                    found.in_file(
                        variant.sql_place.file,
                        Diagnostic::error(
                            Some(at..at + u.name.len() + 1),
                            format!("parameter `{}` can't be a Rust argument name", u.name),
                        )
                        .help(format!(
                            "name parameters in snake_case (`:{}`): they are the function's arguments",
                            snake_case(&u.name)
                        )),
                    );
                }
            }
        }
        if query.kind == Kind::Exec {
            continue;
        }
        let row = format!("{}Row", super::blueprint::names::camel_case(&query.name));
        let at = &query.variants[0].name_place;
        if let Some((_, other)) = rows.iter().find(|(r, _)| *r == row) {
            found.at(
                at,
                Diagnostic::error(
                    Some(at.span.clone()),
                    format!(
                        "queries `{}` and `{}` would both have the row type `{row}`",
                        other.name, query.name
                    ),
                )
                .help("rename one of them"),
            );
        } else if schema
            .stores
            .iter()
            .flat_map(|s| &s.fields)
            .any(|f| matches!(&f.ty, LogicalType::Enum { name, .. } if *name == row))
        {
            found.at(
                at,
                Diagnostic::error(
                    Some(at.span.clone()),
                    format!(
                        "the row type of `{}`, `{row}`, is the name of an enum of the blueprint",
                        query.name
                    ),
                )
                .help("rename the query, or the enum (`enum_name`)"),
            );
        }
        rows.push((row, query));
    }
}

fn list(params: &[String]) -> String {
    if params.is_empty() {
        return "no parameters".into();
    }
    let named: Vec<String> = params.iter().map(|p| format!("`:{p}`")).collect();
    named.join(", ")
}

/// Each parameter's name once, in the order the text first uses them.
fn first_uses(uses: &[text::Use]) -> Vec<String> {
    let mut params: Vec<String> = Vec::new();
    for u in uses {
        if !params.contains(&u.name) {
            params.push(u.name.clone());
        }
    }
    params
}

/// `sha256:<hex>`.
pub(crate) fn hash(text: &str) -> String {
    super::snapshot::sha256_text(&Sha256::digest(text.as_bytes()))
}
