//! A query's shape as the snapshot records it (`[[queries]]`), and back: text a reviewer
//! can read (`limit: int64`, `author_email: text?`, `id: int64 = issues.id`).

use super::{Declared, Query, Shape, ShapeParam, parse_declared};
use crate::backend::BackendKind;
use crate::build::queries::resolve::Column;
use crate::build::snapshot::QueryEntry;
use crate::model::{LogicalType, Schema};

/// A type as the snapshot writes it: the header's spelling, with `decimal` for a
/// decimal of no stated digits and `uuid_text` for a uuid kept as text.
fn type_text(ty: &LogicalType, nullable: bool) -> String {
    let text = match ty {
        LogicalType::Enum { name, .. } => name.clone(),
        LogicalType::Decimal {
            precision: 0,
            scale: 0,
        } => "decimal".into(),
        LogicalType::Decimal { precision, scale } => format!("decimal({precision}, {scale})"),
        LogicalType::UuidText => "uuid_text".into(),
        LogicalType::UInt16 => "uint16".into(),
        LogicalType::UInt32 => "uint32".into(),
        LogicalType::UInt64 => "uint64".into(),
        other => other.name().to_owned(),
    };
    if nullable { format!("{text}?") } else { text }
}

fn read_type(text: &str, schema: &Schema) -> Result<Declared, String> {
    let (bare, nullable) = match text.trim().strip_suffix('?') {
        Some(t) => (t.trim_end(), true),
        None => (text.trim(), false),
    };
    let ty = match bare {
        "decimal" => LogicalType::Decimal {
            precision: 0,
            scale: 0,
        },
        "uuid_text" => LogicalType::UuidText,
        "uint16" => LogicalType::UInt16,
        "uint32" => LogicalType::UInt32,
        "uint64" => LogicalType::UInt64,
        _ => return parse_declared(text, schema),
    };
    Ok(Declared { ty, nullable })
}

/// The snapshot's record of a query's shape on a backend.
pub(crate) fn entry(query: &Query, backend: BackendKind, shape: &Shape) -> QueryEntry {
    QueryEntry {
        name: query.name.clone(),
        backend: backend.name().to_owned(),
        hash: query.hash.clone(),
        params: shape
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, type_text(&p.ty, p.nullable)))
            .collect(),
        columns: shape
            .columns
            .iter()
            .map(|c| {
                let mut text = format!("{}: {}", c.name, type_text(&c.ty, c.nullable));
                if let Some((store, field)) = &c.field {
                    text.push_str(&format!(" = {store}.{field}"));
                }
                text
            })
            .collect(),
        returns: shape.returns.clone(),
    }
}

/// What of a shape makes the Rust signature: each parameter's and column's name, type
/// and nullability (a store field's column counts as that field only where the field
/// has a Rust type of its own). Two backends must agree on it.
pub(crate) fn signature(shape: &Shape, schema: &Schema) -> (Vec<String>, Vec<String>) {
    let params = shape
        .params
        .iter()
        .map(|p| format!("{}: {}", p.name, type_text(&p.ty, p.nullable)))
        .collect();
    let columns = shape
        .columns
        .iter()
        .map(|c| {
            let ty = match &c.ty {
                LogicalType::Text { .. } => LogicalType::Text { max_length: None },
                other => other.clone(),
            };
            let mut text = format!("{}: {}", c.name, type_text(&ty, c.nullable));
            if let Some((store, field)) = &c.field
                && let Some(rust) = schema
                    .store(store)
                    .and_then(|s| s.field(field))
                    .and_then(|f| f.rust.as_deref())
            {
                text.push_str(&format!(" as {rust}"));
            }
            text
        })
        .collect();
    (params, columns)
}

/// The shape a snapshot entry records, read against the blueprint (whose enums and
/// fields it names).
pub(crate) fn shape(entry: &QueryEntry, schema: &Schema) -> Result<Shape, String> {
    let split = |text: &str| -> Result<(String, String), String> {
        let (name, rest) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}` is not `name: type`"))?;
        Ok((name.trim().to_owned(), rest.trim().to_owned()))
    };
    let mut params = Vec::with_capacity(entry.params.len());
    for text in &entry.params {
        let (name, ty) = split(text)?;
        let declared = read_type(&ty, schema)?;
        params.push(ShapeParam {
            name,
            ty: declared.ty,
            nullable: declared.nullable,
        });
    }
    let mut columns = Vec::with_capacity(entry.columns.len());
    for text in &entry.columns {
        let (name, rest) = split(text)?;
        let (ty, field) = match rest.split_once(" = ") {
            Some((ty, field)) => {
                let (store, field) = field
                    .trim()
                    .split_once('.')
                    .ok_or_else(|| format!("`{field}` is not `store.field`"))?;
                if schema.store(store).and_then(|s| s.field(field)).is_none() {
                    return Err(format!("field `{store}.{field}` is not in the blueprint"));
                }
                (ty.to_owned(), Some((store.to_owned(), field.to_owned())))
            }
            None => (rest, None),
        };
        let declared = read_type(&ty, schema)?;
        columns.push(Column {
            name,
            ty: declared.ty,
            nullable: declared.nullable,
            field,
        });
    }
    if let Some(store) = &entry.returns
        && schema.store(store).is_none()
    {
        return Err(format!("store `{store}` is not in the blueprint"));
    }
    Ok(Shape {
        params,
        columns,
        returns: entry.returns.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_shape_reads_back() {
        let (blueprint, _) = crate::build::blueprint::parse(
            r#"
[blueprint]
name = "t"
[stores.issues.fields]
id = { type = "int64", primary_key = true }
status = { type = "enum", values = ["open", "closed"] }
"#,
        )
        .unwrap();
        let schema = &blueprint.schema;
        let status = schema.stores[0].fields[1].ty.clone();
        let shape = Shape {
            params: vec![
                ShapeParam {
                    name: "status".into(),
                    ty: status.clone(),
                    nullable: false,
                },
                ShapeParam {
                    name: "due".into(),
                    ty: LogicalType::Date,
                    nullable: true,
                },
            ],
            columns: vec![
                Column {
                    name: "id".into(),
                    ty: LogicalType::Int64,
                    nullable: false,
                    field: Some(("issues".into(), "id".into())),
                },
                Column {
                    name: "total".into(),
                    ty: LogicalType::Decimal {
                        precision: 0,
                        scale: 0,
                    },
                    nullable: true,
                    field: None,
                },
                Column {
                    name: "money".into(),
                    ty: LogicalType::Decimal {
                        precision: 10,
                        scale: 2,
                    },
                    nullable: false,
                    field: None,
                },
            ],
            returns: None,
        };
        let query = Query {
            name: "q".into(),
            kind: super::super::Kind::Many,
            doc: None,
            returns: None,
            params: vec!["status".into(), "due".into()],
            declared: Vec::new(),
            variants: Vec::new(),
            file: "q.sql".into(),
            hash: "sha256:00".into(),
        };
        let recorded = entry(&query, BackendKind::Postgres, &shape);
        assert_eq!(recorded.params, ["status: IssuesStatus", "due: date?"]);
        assert_eq!(
            recorded.columns,
            [
                "id: int64 = issues.id",
                "total: decimal?",
                "money: decimal(10, 2)"
            ]
        );
        assert_eq!(super::shape(&recorded, schema), Ok(shape));
    }
}
