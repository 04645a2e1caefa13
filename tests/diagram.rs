//! `storegen diagram`: golden Mermaid and DOT for the quickstart and a blueprint with a
//! composite key, a self-reference and a one-to-one reference; the Mermaid text is read
//! back by a small parser of its `erDiagram` grammar, so every reference names declared
//! entities and every attribute line is one Mermaid takes.

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use support::{Expectations, root};

fn diagram(blueprint: &str, format: &str) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_storegen"))
        .args(["diagram", "--blueprint", blueprint, "--format", format])
        .current_dir(root())
        .output()
        .expect("running storegen");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const BLUEPRINTS: [(&str, &str); 2] = [
    ("quickstart", "examples/quickstart/blueprint.toml"),
    ("org", "fixtures/diagram/org.toml"),
];

#[test]
fn diagrams_match_their_goldens() {
    let mut expectations = Expectations::default();
    for (name, blueprint) in BLUEPRINTS {
        for (format, ext) in [("mermaid", "mmd"), ("dot", "dot")] {
            let (code, stdout, stderr) = diagram(blueprint, format);
            assert_eq!((code, stderr.as_str()), (0, ""), "{name} {format}");
            expectations.check(
                &root().join(format!("fixtures/diagram/{name}.{ext}")),
                &stdout,
            );
        }
    }
    expectations.finish();
}

/// What a Mermaid `erDiagram` says, as its grammar reads it.
#[derive(Debug, Default)]
struct Er {
    entities: Vec<(String, Vec<String>)>,
    relationships: Vec<(String, String, String, String)>,
}

/// A word of Mermaid's: an entity or attribute name (letters, digits, `_`, `-`), or a
/// quoted name.
fn word(text: &str) -> Option<(String, &str)> {
    if let Some(rest) = text.strip_prefix('"') {
        let end = rest.find('"')?;
        return Some((rest[..end].to_owned(), &rest[end + 1..]));
    }
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(text.len());
    (end > 0).then(|| (text[..end].to_owned(), &text[end..]))
}

/// The attribute's type: a letter, then letters, digits, `-`, `_`, `(`, `)`, `[`, `]`.
fn attribute_type(text: &str) -> Option<(&str, &str)> {
    let end = text.find(' ')?;
    let ty = &text[..end];
    let valid = ty.starts_with(|c: char| c.is_ascii_alphabetic())
        && ty
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_()[]".contains(c));
    valid.then(|| (ty, &text[end + 1..]))
}

fn parse_mermaid(text: &str) -> Result<Er, String> {
    let mut lines = text.lines();
    if lines.next() != Some("erDiagram") {
        return Err("the first line is not `erDiagram`".into());
    }
    let mut er = Er::default();
    let mut open: Option<(String, Vec<String>)> = None;
    for line in lines {
        let line = line.trim();
        if let Some((name, attributes)) = &mut open {
            if line == "}" {
                er.entities.push((name.clone(), std::mem::take(attributes)));
                open = None;
                continue;
            }
            let (_, rest) = attribute_type(line).ok_or(format!("bad attribute type: {line}"))?;
            let (attribute, rest) = word(rest).ok_or(format!("bad attribute name: {line}"))?;
            let rest = rest.trim_start();
            let (keys, comment) = match rest.find('"') {
                Some(at) => (rest[..at].trim(), Some(&rest[at..])),
                None => (rest.trim(), None),
            };
            if !keys.is_empty() && !keys.split(", ").all(|k| ["PK", "FK", "UK"].contains(&k)) {
                return Err(format!("bad keys: {line}"));
            }
            if let Some(comment) = comment
                && !(comment.len() >= 2
                    && comment.ends_with('"')
                    && comment[1..comment.len() - 1].find('"').is_none())
            {
                return Err(format!("bad comment: {line}"));
            }
            attributes.push(attribute);
            continue;
        }
        if let Some(entity) = line.strip_suffix(" {") {
            let (name, rest) = word(entity).ok_or(format!("bad entity: {line}"))?;
            if !rest.is_empty() {
                return Err(format!("bad entity: {line}"));
            }
            open = Some((name, Vec::new()));
            continue;
        }
        let (left, rest) = word(line).ok_or(format!("bad line: {line}"))?;
        let rest = rest.trim_start();
        let (cardinality, rest) = rest.split_once(' ').ok_or(format!("bad line: {line}"))?;
        let valid = ["||", "|o"].iter().any(|l| {
            ["o{", "o|", "|{", "||"]
                .iter()
                .any(|r| cardinality == format!("{l}--{r}"))
        });
        if !valid {
            return Err(format!("bad cardinality `{cardinality}`: {line}"));
        }
        let (right, rest) = word(rest).ok_or(format!("bad line: {line}"))?;
        let label = rest
            .strip_prefix(" : \"")
            .and_then(|l| l.strip_suffix('"'))
            .ok_or(format!("bad label: {line}"))?;
        er.relationships
            .push((left, cardinality.to_owned(), right, label.to_owned()));
    }
    if open.is_some() {
        return Err("an entity is not closed".into());
    }
    Ok(er)
}

#[test]
fn the_mermaid_diagrams_parse_and_their_references_name_declared_entities() {
    // Every golden blueprint too: hostile names (keywords, Unicode) among them.
    let goldens: Vec<(String, String)> = support::files("fixtures/golden/blueprints", "toml")
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let path = p
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, path)
        })
        .collect();
    let all = BLUEPRINTS
        .iter()
        .map(|(n, b)| ((*n).to_owned(), (*b).to_owned()))
        .chain(goldens);
    for (name, blueprint) in all {
        let blueprint = blueprint.as_str();
        let (code, text, stderr) = diagram(blueprint, "mermaid");
        assert_eq!((code, stderr.as_str()), (0, ""), "{name}");
        let er = parse_mermaid(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        let source = std::fs::read_to_string(root().join(blueprint)).unwrap();
        let (parsed, _) = storegen::build::blueprint::parse(&source).unwrap();
        let schema = parsed.schema;
        let entities: BTreeSet<&str> = er.entities.iter().map(|(n, _)| n.as_str()).collect();
        let stores: BTreeSet<&str> = schema.stores.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(entities, stores, "{name}");
        for (store, (entity, attributes)) in schema.stores.iter().zip(&er.entities) {
            assert_eq!(&store.name, entity);
            assert_eq!(attributes.len(), store.fields.len(), "{name}.{entity}");
        }
        let references: usize = schema
            .stores
            .iter()
            .map(|s| s.fields.iter().filter(|f| f.references.is_some()).count())
            .sum();
        assert_eq!(er.relationships.len(), references, "{name}");
        for (left, _, right, label) in &er.relationships {
            assert!(entities.contains(left.as_str()), "{name}: {left}");
            assert!(entities.contains(right.as_str()), "{name}: {right}");
            let child = schema.stores.iter().find(|s| &s.name == right).unwrap();
            let field = child.fields.iter().find(|f| &f.name == label).unwrap();
            assert_eq!(
                &field.references.as_ref().unwrap().store,
                left,
                "{name}: {label}"
            );
        }
    }
}

#[test]
fn cardinality_follows_nullability_and_uniqueness() {
    let (_, text, _) = diagram("fixtures/diagram/org.toml", "mermaid");
    let er = parse_mermaid(&text).unwrap();
    let cardinality = |label: &str| {
        er.relationships
            .iter()
            .find(|r| r.3 == label)
            .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_str()))
            .unwrap()
    };
    // A manager may be nobody; a manager has any number of reports.
    assert_eq!(
        cardinality("manager_id"),
        ("employees", "|o--o{", "employees")
    );
    // One badge per employee at most (unique); every badge has its employee.
    assert_eq!(
        cardinality("employee_id"),
        ("employees", "||--o|", "badges")
    );
    assert_eq!(
        cardinality("project_id"),
        ("projects", "||--o{", "assignments")
    );
}

#[test]
fn diagram_formats_are_checked() {
    let (code, _, stderr) = diagram("fixtures/diagram/org.toml", "svg");
    assert_eq!(
        (code, stderr.as_str()),
        (
            1,
            "error: unknown --format `svg`: expected text or json (check), mermaid or dot (diagram)\n"
        )
    );
    let (code, _, stderr) = diagram("fixtures/diagram/org.toml", "json");
    assert_eq!(
        (code, stderr.as_str()),
        (
            1,
            "error: `storegen diagram` writes --format mermaid or dot, not json\n"
        )
    );
}

#[test]
fn the_readme_shows_the_quickstarts_diagram_as_it_is() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let (_, quickstart, _) = diagram("examples/quickstart/blueprint.toml", "mermaid");
    assert!(
        readme.contains(&format!("```mermaid\n{quickstart}```\n")),
        "README.md's quickstart diagram differs from `storegen diagram`'s:\n{quickstart}"
    );
}
