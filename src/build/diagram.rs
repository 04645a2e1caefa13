//! `storegen diagram`: the blueprint as an entity-relationship diagram, in Mermaid
//! (`erDiagram`, which GitHub and most Markdown renderers draw) or Graphviz DOT. Entities
//! are stores; attributes their fields with their logical types and keys (PK, FK, UK);
//! each reference is a relationship whose cardinality says whether the referencing field
//! may be NULL (zero or one parent) and whether it is unique (zero or one child).

use std::fmt::Write as _;

use crate::model::{Field, LogicalType, Schema, Store};

/// The diagram's notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Mermaid's `erDiagram`.
    Mermaid,
    /// Graphviz's DOT, tables as HTML-like labels.
    Dot,
}

impl Format {
    /// The format named so on the command line.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "mermaid" => Some(Format::Mermaid),
            "dot" => Some(Format::Dot),
            _ => None,
        }
    }
}

/// The diagram of `schema`.
pub fn render(schema: &Schema, format: Format) -> String {
    match format {
        Format::Mermaid => mermaid(schema),
        Format::Dot => dot(schema),
    }
}

/// A field's type as a short word: `int64`, `text(255)`, `uint32`, `decimal`.
fn type_word(ty: &LogicalType) -> String {
    match ty {
        LogicalType::Text {
            max_length: Some(n),
        } => format!("text({n})"),
        LogicalType::UInt16 => "uint16".into(),
        LogicalType::UInt32 => "uint32".into(),
        LogicalType::UInt64 => "uint64".into(),
        other => other.name().into(),
    }
}

/// What a type word leaves out, for the attribute's comment.
fn type_detail(ty: &LogicalType) -> Option<String> {
    match ty {
        LogicalType::Decimal { precision, scale } => Some(format!("decimal({precision}, {scale})")),
        LogicalType::Enum { name, values, .. } => {
            Some(format!("enum {name}: {}", values.join(" | ")))
        }
        _ => None,
    }
}

/// The keys a field takes part in: `PK`, `FK`, `UK`.
fn keys(store: &Store, index: usize, field: &Field) -> Vec<&'static str> {
    let mut keys = Vec::new();
    if store.is_key(index) {
        keys.push("PK");
    }
    if field.references.is_some() {
        keys.push("FK");
    }
    if field.unique {
        keys.push("UK");
    }
    keys
}

/// The attribute's comment: what its type word leaves out, and whether it may be NULL.
fn comment(field: &Field) -> Vec<String> {
    let mut parts: Vec<String> = type_detail(&field.ty).into_iter().collect();
    if field.nullable {
        parts.push("nullable".into());
    }
    parts
}

/// One reference: the referencing store and field, the referenced ones, and the
/// cardinality on each side.
struct Relationship<'a> {
    child: &'a Store,
    child_field: usize,
    parent: &'a Store,
    parent_field: usize,
    /// The child may have no parent (the field is nullable).
    optional_parent: bool,
    /// At most one child per parent (the field is unique, or the child's whole key).
    single_child: bool,
}

fn relationships(schema: &Schema) -> Vec<Relationship<'_>> {
    let mut out = Vec::new();
    for child in &schema.stores {
        for (i, field) in child.fields.iter().enumerate() {
            let Some(reference) = &field.references else {
                continue;
            };
            let Some(parent) = schema.stores.iter().find(|s| s.name == reference.store) else {
                continue;
            };
            let Some(parent_field) = parent.fields.iter().position(|f| f.name == reference.field)
            else {
                continue;
            };
            out.push(Relationship {
                child,
                child_field: i,
                parent,
                parent_field,
                optional_parent: field.nullable,
                single_child: field.unique || (child.primary_key.len() == 1 && child.is_key(i)),
            });
        }
    }
    out
}

/// A Mermaid entity or attribute name: as it is when it is a plain word, else quoted.
fn mermaid_name(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '-')
    {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "'"))
    }
}

/// A Mermaid attribute name: a word; other characters become `_` (the comment keeps the
/// name when they did).
fn mermaid_attribute(name: &str) -> (String, Option<String>) {
    let word: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let word = if word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        word
    } else {
        format!("_{word}")
    };
    if word == name {
        (word, None)
    } else {
        (word, Some(name.to_owned()))
    }
}

fn mermaid(schema: &Schema) -> String {
    let mut out = String::from("erDiagram\n");
    for store in &schema.stores {
        let _ = writeln!(out, "    {} {{", mermaid_name(&store.name));
        for (i, field) in store.fields.iter().enumerate() {
            let (name, renamed) = mermaid_attribute(&field.name);
            let mut line = format!("        {} {name}", type_word(&field.ty));
            let keys = keys(store, i, field);
            if !keys.is_empty() {
                line.push(' ');
                line.push_str(&keys.join(", "));
            }
            let mut notes = comment(field);
            if let Some(original) = renamed {
                notes.insert(0, format!("field {original}"));
            }
            if !notes.is_empty() {
                let _ = write!(line, " \"{}\"", notes.join(", ").replace('"', "'"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    for r in relationships(schema) {
        let parent_side = if r.optional_parent { "|o" } else { "||" };
        let child_side = if r.single_child { "o|" } else { "o{" };
        let _ = writeln!(
            out,
            "    {} {parent_side}--{child_side} {} : \"{}\"",
            mermaid_name(&r.parent.name),
            mermaid_name(&r.child.name),
            r.child.fields[r.child_field].name.replace('"', "'")
        );
    }
    out
}

/// Text for a DOT HTML-like label.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A DOT identifier: always quoted.
fn dot_id(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(schema: &Schema) -> String {
    let mut out = format!(
        "digraph {} {{\n    graph [rankdir=LR];\n    node [shape=plaintext, fontname=\"Helvetica\"];\n    edge [fontname=\"Helvetica\", fontsize=10, dir=both];\n",
        dot_id(&schema.name)
    );
    for store in &schema.stores {
        let _ = writeln!(
            out,
            "    {} [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">",
            dot_id(&store.name)
        );
        let _ = writeln!(
            out,
            "        <tr><td bgcolor=\"lightgrey\"><b>{}</b></td></tr>",
            html(&store.name)
        );
        for (i, field) in store.fields.iter().enumerate() {
            let keys = keys(store, i, field);
            let keys = if keys.is_empty() {
                String::new()
            } else {
                format!(" {}", keys.join(", "))
            };
            let notes = comment(field);
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            let _ = writeln!(
                out,
                "        <tr><td port=\"f{i}\" align=\"left\">{}: {}{}{}</td></tr>",
                html(&field.name),
                html(&type_word(&field.ty)),
                html(&keys),
                html(&notes)
            );
        }
        out.push_str("    </table>>];\n");
    }
    for r in relationships(schema) {
        // Crow's foot: the child's end many (or at most one), the parent's one (or zero
        // or one).
        let tail = if r.single_child {
            "teeodot"
        } else {
            "crowodot"
        };
        let head = if r.optional_parent {
            "teeodot"
        } else {
            "teetee"
        };
        let _ = writeln!(
            out,
            "    {}:\"f{}\" -> {}:\"f{}\" [arrowtail={tail}, arrowhead={head}, label={}];",
            dot_id(&r.child.name),
            r.child_field,
            dot_id(&r.parent.name),
            r.parent_field,
            dot_id(&r.child.fields[r.child_field].name)
        );
    }
    out.push_str("}\n");
    out
}
