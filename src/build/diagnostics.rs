//! Diagnostics: one problem each, located in the blueprint, rendered as a compiler
//! renders them (annotate-snippets).

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

pub use crate::drift::Severity;

/// One problem in a blueprint, or between a blueprint and a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// An error stops the build; a warning doesn't.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Byte range in the blueprint source; `None` for a problem with no place in it.
    pub span: Option<Range<usize>>,
    /// A short note under the marked source.
    pub label: Option<String>,
    /// A fix, where one is known.
    pub help: Option<String>,
    /// Other places that explain it, each with its note: the first declaration of a
    /// name declared twice.
    pub related: Box<[(Range<usize>, String)]>,
}

impl Diagnostic {
    /// An error at `span`, or with no place in the blueprint.
    pub fn error(span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            help: None,
            related: Box::new([]),
        }
    }

    /// A warning at `span`, or with no place in the blueprint.
    pub fn warning(span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    /// Sets the short note under the marked source.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Points at another place too, with a note: "first declared here".
    pub fn related(mut self, span: Option<Range<usize>>, note: impl Into<String>) -> Self {
        if let Some(span) = span {
            let mut related = std::mem::take(&mut self.related).into_vec();
            related.push((span, note.into()));
            self.related = related.into_boxed_slice();
        }
        self
    }

    /// Sets the suggested fix.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether it stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A blueprint's diagnostics with the source they point into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The blueprint's path as shown to the user.
    pub path: String,
    /// The blueprint's text, which the spans index.
    pub source: String,
    /// The diagnostics, in the order they were found.
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics located in other files the blueprint names (its query files),
    /// one report per file, rendered after this one's.
    pub also: Vec<Report>,
}

impl Report {
    /// A report of `diagnostics` in the file shown as `path` with text `source`.
    pub fn new(
        path: impl Into<String>,
        source: impl Into<String>,
        diagnostics: Vec<Diagnostic>,
    ) -> Report {
        Report {
            path: path.into(),
            source: source.into(),
            diagnostics,
            also: Vec::new(),
        }
    }

    /// Whether any diagnostic, here or in [`Report::also`], is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
            || self.also.iter().any(Report::has_errors)
    }

    /// Every diagnostic with the report whose source it points into: this one's, then
    /// each of [`Report::also`].
    pub fn all(&self) -> impl Iterator<Item = (&Report, &Diagnostic)> {
        std::iter::once(self)
            .chain(&self.also)
            .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
    }

    /// `path:line:col: severity: message` of every diagnostic, in [`Report::all`]'s order.
    pub fn short_all(&self) -> Vec<String> {
        self.all().map(|(r, d)| r.short(d)).collect()
    }

    /// `line:col` (both 1-based, the column in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.source, offset)
    }

    /// Renders every diagnostic, cargo-style, without colour.
    pub fn render(&self) -> String {
        let lines = Lines::new(&self.source);
        let mut out = String::new();
        for diagnostic in &self.diagnostics {
            out.push_str(&self.render_with(diagnostic, &lines));
            out.push_str("\n\n");
        }
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = self.diagnostics.len() - errors;
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        match (errors, warnings) {
            (0, 0) => {}
            (0, w) => out.push_str(&format!("{}: {}\n", self.path, count(w, "warning"))),
            (e, 0) => out.push_str(&format!("{}: {}\n", self.path, count(e, "error"))),
            (e, w) => out.push_str(&format!(
                "{}: {}, {}\n",
                self.path,
                count(e, "error"),
                count(w, "warning")
            )),
        }
        for other in &self.also {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&other.render());
        }
        out
    }

    /// Renders one diagnostic.
    pub fn render_one(&self, diagnostic: &Diagnostic) -> String {
        self.render_with(diagnostic, &Lines::new(&self.source))
    }

    /// Renders one diagnostic from just the lines its spans cover (with their line
    /// numbers), so rendering thousands of diagnostics costs each its own lines, not the
    /// whole blueprint (which made it quadratic).
    fn render_with(&self, diagnostic: &Diagnostic, lines: &Lines) -> String {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(diagnostic.message.as_str());
        let mut group: Group<'_> = match &diagnostic.span {
            Some(span) => {
                let primary = clamp(span, &self.source);
                let related: Vec<Range<usize>> = diagnostic
                    .related
                    .iter()
                    .map(|(span, _)| clamp(span, &self.source))
                    .collect();
                let low = related
                    .iter()
                    .map(|r| r.start)
                    .fold(primary.start, usize::min);
                let high = related.iter().map(|r| r.end).fold(primary.end, usize::max);
                let (first, last) = (lines.line_of(low), lines.line_of(high));
                let start = lines.starts[first];
                let end = lines
                    .starts
                    .get(last + 1)
                    .copied()
                    .unwrap_or(self.source.len());
                let shift = |r: &Range<usize>| r.start - start..r.end - start;
                let mut annotation = AnnotationKind::Primary.span(shift(&primary));
                if let Some(label) = &diagnostic.label {
                    annotation = annotation.label(label.as_str());
                }
                let excerpt = mask_passwords(&self.source[start..end]);
                let mut snippet = Snippet::source(excerpt)
                    .line_start(first + 1)
                    .path(self.path.as_str())
                    .annotation(annotation);
                for (span, (_, note)) in related.iter().zip(diagnostic.related.iter()) {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(shift(span))
                            .label(note.as_str()),
                    );
                }
                title.element(snippet)
            }
            None => title.element(Origin::path(self.path.as_str())),
        };
        if let Some(help) = &diagnostic.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        Renderer::plain().render(&[group])
    }

    /// One line per diagnostic, `path:line:col: severity: message`, for `cargo:warning`.
    pub fn short(&self, diagnostic: &Diagnostic) -> String {
        let severity = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &diagnostic.span {
            Some(span) => {
                let (line, col) = self.line_col(span.start);
                format!(
                    "{}:{line}:{col}: {severity}: {}",
                    self.path, diagnostic.message
                )
            }
            None => format!("{}: {severity}: {}", self.path, diagnostic.message),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render().trim_end())
    }
}

/// A span cut to the source and to character boundaries, so rendering never panics.
/// `text` with the password of every URL in it (`scheme://user:password@`) replaced by
/// as many `*` as it has bytes, so a blueprint line holding one can be shown, and the
/// spans into it still point where they did.
fn mask_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        // The user info ends at the last `@` before the URL does (a quote, a space or a
        // line's end); the password is what follows its first `:`.
        let url_end = tail
            .find(|c: char| c == '"' || c == '\'' || c.is_whitespace())
            .unwrap_or(tail.len());
        match tail[..url_end].rfind('@') {
            Some(user_end) => {
                let user = &tail[..user_end];
                match user.find(':') {
                    Some(colon) => {
                        out.push_str(&user[..=colon]);
                        out.extend(std::iter::repeat_n('*', user.len() - colon - 1));
                    }
                    None => out.push_str(user),
                }
                rest = &tail[user_end..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// Where each line of a text starts, for finding a line by binary search.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(source: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The 0-based line holding byte `offset` (an offset just past a newline is on the
    /// next line, as a span's end at a line's end is on that line).
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }
}

fn clamp(span: &Range<usize>, source: &str) -> Range<usize> {
    let end = boundary(source, span.end);
    boundary(source, span.start).min(end)..end
}

/// The nearest character boundary at or before `offset`, within `source`.
fn boundary(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `line:col` (both 1-based, the column in characters) of a byte offset in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_survive_odd_offsets() {
        let source = "a = 1\nnamé = \"x\"\n";
        assert_eq!(line_col(source, 0), (1, 1));
        assert_eq!(line_col(source, 6), (2, 1));
        // After "namé = " (é is two bytes): column 8 in characters.
        assert_eq!(line_col(source, 14), (2, 8));
        // Inside the two bytes of é: the boundary before it.
        assert_eq!(line_col(source, 10), (2, 4));
        assert_eq!(line_col(source, 1000), (3, 1));
        assert_eq!(clamp(&(10..1000), source), 9..source.len());
    }
}
