//! Reads what a MySQL or MariaDB database holds for a list of tables, from
//! `information_schema`: one query per kind of fact (columns, indexes, foreign keys) for
//! all the tables at once. Column names are aliased (MySQL 8 returns them upper-case)
//! and the two servers' differences are normalised here.

use mysql::Value;

use super::runtime::MyClient;
use super::types::normalize;
use crate::backend::BackendKind;
use crate::model::{
    Catalog, CatalogColumn, CatalogForeignKey, CatalogIndex, CatalogTable, Denied, OnDelete,
};

/// `?, ?, ?` for `n` bound values.
fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The names of the database's base tables (views left out), sorted.
pub fn table_names(client: &mut dyn MyClient, schema: &str) -> Result<Vec<String>, mysql::Error> {
    client
        .exec_rows(
            "SELECT TABLE_NAME AS table_name FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' \
             AND TABLE_NAME <> 'storegen_migrations' ORDER BY TABLE_NAME",
            vec![Value::from(schema)],
        )?
        .iter()
        .map(|row| text(row, 0))
        .collect()
}

/// Introspects the named tables of database `schema`; absent tables are left out.
pub fn introspect(
    client: &mut dyn MyClient,
    schema: &str,
    tables: &[&str],
) -> Result<Catalog, mysql::Error> {
    let version = client.exec_rows("SELECT VERSION()", Vec::new())?;
    // "10.11.19-MariaDB-0+deb12u1": the version and the server, without the packager's.
    let server_version = version
        .first()
        .map(|row| text(row, 0))
        .transpose()?
        .unwrap_or_default();
    let server_version = match server_version.find("-MariaDB") {
        Some(at) => server_version[..at + "-MariaDB".len()].to_owned(),
        None => server_version
            .split('-')
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    if tables.is_empty() {
        return Ok(Catalog {
            backend: BackendKind::Mysql,
            server_version,
            tables: Vec::new(),
            denied: Vec::new(),
        });
    }
    let mut params: Vec<Value> = vec![Value::from(schema)];
    params.extend(tables.iter().map(|t| Value::from(*t)));
    let in_list = marks(tables.len());

    let mut found: Vec<CatalogTable> = Vec::new();
    let columns = client.exec_rows(
        &format!(
            "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, \
             COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, \
             COLUMN_DEFAULT AS column_default, EXTRA AS extra, \
             CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation \
             FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN ({in_list}) \
             ORDER BY TABLE_NAME, ORDINAL_POSITION"
        ),
        params.clone(),
    )?;
    for row in columns {
        let table: String = text(&row, 0)?;
        let column_type: String = text(&row, 2)?;
        let charset: Option<String> = optional_text(&row, 6)?;
        let extra = text(&row, 5)?.to_ascii_lowercase();
        let mut sql_type = normalize(&column_type);
        if let Some(charset) = charset.filter(|c| c != "utf8mb4") {
            sql_type = format!("{sql_type} charset {charset}");
        }
        let default = match optional_text(&row, 4)? {
            // MariaDB reports "no default" on a nullable column as the word NULL, and
            // quotes literal defaults; MySQL 8 does neither.
            Some(d) if d == "NULL" => None,
            Some(d) => Some(d.trim_matches('\'').to_owned()),
            None if extra.contains("generated") => Some("GENERATED".to_owned()),
            None => None,
        };
        // The ENUM's values as declared: the normalised type is lower-cased, so an
        // ENUM's is spelled again from them (DDL restating the column keeps their case).
        let enum_values = column_type
            .get(..5)
            .is_some_and(|head| head.eq_ignore_ascii_case("enum("))
            .then(|| {
                // The server shows a backslash in a value doubled, as a literal needs it.
                crate::backend::quoted_literals(&column_type)
                    .into_iter()
                    .map(|v| v.replace("\\\\", "\\"))
                    .collect::<Vec<_>>()
            });
        if let Some(values) = &enum_values {
            let list: Vec<String> = values.iter().map(|v| super::DIALECT.literal(v)).collect();
            sql_type = sql_type.replacen(
                &normalize(&column_type),
                &format!("enum({})", list.join(",")),
                1,
            );
        }
        // A text column that compares inexactly says which collation it has.
        if enum_values.is_none()
            && let Some(collation) = optional_text(&row, 7)?
            && !crate::model::collation_ignores(&collation).is_empty()
        {
            sql_type = format!("{sql_type} collate {collation}");
        }
        let column = CatalogColumn {
            name: text(&row, 1)?,
            sql_type,
            nullable: text(&row, 3)? == "YES",
            default,
            auto_increment: extra.contains("auto_increment"),
            enum_values,
        };
        match found.last_mut() {
            Some(last) if last.name == table => last.columns.push(column),
            _ => found.push(CatalogTable {
                name: table,
                columns: vec![column],
                primary_key: Vec::new(),
                unique: Vec::new(),
                indexes: Vec::new(),
                foreign_keys: Vec::new(),
            }),
        }
    }

    let statistics = client.exec_rows(
        &format!(
            "SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, \
             NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name, SUB_PART AS sub_part, \
             COLLATION AS collation \
             FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN ({in_list}) \
             ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
        ),
        params.clone(),
    )?;
    for row in statistics {
        let table: String = text(&row, 0)?;
        let Some(table) = found.iter_mut().find(|t| t.name == table) else {
            continue;
        };
        let name: String = text(&row, 1)?;
        let unique = integer(&row, 2)? == 0;
        // A functional index part has no column; a prefix index doesn't cover values.
        let column: Option<String> = optional_text(&row, 3)?;
        let prefix = !matches!(row.as_ref(4), None | Some(Value::NULL));
        let descending = optional_text(&row, 5)?.as_deref() == Some("D");
        let index = match table.indexes.last_mut() {
            Some(last) if last.name == name => last,
            _ => {
                table
                    .indexes
                    .push(CatalogIndex::new(name, Vec::new(), unique, Vec::new()));
                table.indexes.last_mut().expect("just pushed")
            }
        };
        if let Some(column) = column {
            index.columns.push(column);
            index.descending.push(descending);
            // MySQL keeps NULL smallest: first ascending, last descending.
            index.nulls_first.push(!descending);
        }
        index.unique &= !prefix;
    }
    for table in &mut found {
        for index in &table.indexes {
            if index.name == "PRIMARY" {
                table.primary_key = index.columns.clone();
            } else if index.unique {
                table.unique.push(index.columns.clone());
            }
        }
    }

    let keys = client.exec_rows(
        &format!(
            "SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name, \
             k.COLUMN_NAME AS column_name, k.REFERENCED_TABLE_NAME AS referenced_table, \
             k.REFERENCED_COLUMN_NAME AS referenced_column, r.DELETE_RULE AS delete_rule \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
               ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
              AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME IN ({in_list}) \
               AND k.REFERENCED_TABLE_NAME IS NOT NULL \
             ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"
        ),
        params,
    )?;
    let mut last_constraint = (String::new(), String::new());
    for row in keys {
        let table_name: String = text(&row, 0)?;
        let constraint: String = text(&row, 1)?;
        let Some(table) = found.iter_mut().find(|t| t.name == table_name) else {
            continue;
        };
        let same = last_constraint == (table_name.clone(), constraint.clone());
        if !same {
            let rule = text(&row, 5)?;
            table.foreign_keys.push(CatalogForeignKey {
                name: constraint.clone(),
                columns: Vec::new(),
                table: text(&row, 3)?,
                referenced: Vec::new(),
                on_delete: match rule.as_str() {
                    "CASCADE" => OnDelete::Cascade,
                    "SET NULL" => OnDelete::SetNull,
                    "SET DEFAULT" => OnDelete::SetDefault,
                    "RESTRICT" => OnDelete::Restrict,
                    _ => OnDelete::NoAction,
                },
            });
            last_constraint = (table_name, constraint);
        }
        if let Some(key) = table.foreign_keys.last_mut() {
            key.columns.push(text(&row, 2)?);
            key.referenced.push(text(&row, 4)?);
        }
    }

    let denied = denied(client, schema, &found)?;
    let mut ordered = Vec::with_capacity(found.len());
    for &name in tables {
        if let Some(position) = found.iter().position(|t| t.name == name) {
            ordered.push(found.swap_remove(position));
        }
    }
    Ok(Catalog {
        backend: BackendKind::Mysql,
        server_version,
        tables: ordered,
        denied,
    })
}

/// What the connecting user may not do to the tables that generated code does. The
/// grants `information_schema` shows (global, the database's, the table's) answer for
/// most users at once; what they don't show granted — a role's, a wildcard database's
/// — is asked of the server itself, by EXPLAINing the statement (which needs the
/// privilege the statement does, and runs nothing).
fn denied(
    client: &mut dyn MyClient,
    schema: &str,
    tables: &[CatalogTable],
) -> Result<Vec<Denied>, mysql::Error> {
    let mut denied = Vec::new();
    if tables.is_empty() {
        return Ok(denied);
    }
    let user: String = client
        .exec_rows("SELECT CURRENT_USER()", Vec::new())?
        .first()
        .map(|row| text(row, 0))
        .transpose()?
        .unwrap_or_default();
    let Some((name, host)) = user.rsplit_once('@') else {
        return Ok(denied);
    };
    let literal = |s: &str| super::DIALECT.literal(s);
    // As information_schema spells a grantee, and as GRANT takes one.
    let grantee = format!("{}@{}", literal(name), literal(host));
    let granted: Vec<(String, String)> = client
        .exec_rows(
            "SELECT '', PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES \
             WHERE GRANTEE = ? \
             UNION ALL SELECT '', PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES \
             WHERE GRANTEE = ? AND TABLE_SCHEMA = ? \
             UNION ALL SELECT TABLE_NAME, PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES \
             WHERE GRANTEE = ? AND TABLE_SCHEMA = ?",
            vec![
                Value::from(grantee.as_str()),
                Value::from(grantee.as_str()),
                Value::from(schema),
                Value::from(grantee.as_str()),
                Value::from(schema),
            ],
        )?
        .iter()
        .map(|row| Ok((text(row, 0)?, text(row, 1)?)))
        .collect::<Result<_, mysql::Error>>()?;
    let quote = |s: &str| super::DIALECT.quote(s);
    for table in tables {
        let q = quote(&table.name);
        let Some(column) = table.columns.first().map(|c| quote(&c.name)) else {
            continue;
        };
        for privilege in ["SELECT", "INSERT", "UPDATE", "DELETE"] {
            let shown = granted
                .iter()
                .any(|(t, p)| (t.is_empty() || *t == table.name) && p == privilege);
            if shown {
                continue;
            }
            let probe = match privilege {
                "SELECT" => format!("EXPLAIN SELECT * FROM {q} WHERE FALSE"),
                "INSERT" => format!("EXPLAIN INSERT INTO {q} () VALUES ()"),
                "UPDATE" => format!("EXPLAIN UPDATE {q} SET {column} = {column} WHERE FALSE"),
                _ => format!("EXPLAIN DELETE FROM {q} WHERE FALSE"),
            };
            // ER_TABLEACCESS_DENIED_ERROR, "INSERT command denied to user …".
            let refused = matches!(
                client.exec_rows(&probe, Vec::new()),
                Err(mysql::Error::MySqlError(e)) if e.code == 1142 && e.message.starts_with(privilege)
            );
            if refused {
                denied.push(Denied {
                    table: table.name.clone(),
                    column: None,
                    privilege: privilege.to_owned(),
                    object: format!("on table `{}`", table.name),
                    user: grantee.clone(),
                    grant: format!("GRANT {privilege} ON {}.{q} TO {grantee}", quote(schema)),
                });
            }
        }
    }
    Ok(denied)
}

fn optional_text(row: &mysql::Row, index: usize) -> Result<Option<String>, mysql::Error> {
    match row.as_ref(index) {
        None | Some(Value::NULL) => Ok(None),
        Some(Value::Bytes(bytes)) => Ok(Some(String::from_utf8_lossy(bytes).into_owned())),
        Some(other) => Ok(Some(other.as_sql(true).trim_matches('\'').to_owned())),
    }
}

fn text(row: &mysql::Row, index: usize) -> Result<String, mysql::Error> {
    Ok(optional_text(row, index)?.unwrap_or_default())
}

fn integer(row: &mysql::Row, index: usize) -> Result<i64, mysql::Error> {
    Ok(match row.as_ref(index) {
        Some(Value::Int(n)) => *n,
        Some(Value::UInt(n)) => i64::try_from(*n).unwrap_or(i64::MAX),
        Some(Value::Bytes(b)) => String::from_utf8_lossy(b).trim().parse().unwrap_or(0),
        _ => 0,
    })
}
