//! Reads what a PostgreSQL schema holds for a list of tables, from `pg_catalog`: one
//! query per kind of fact (tables, columns, indexes, foreign keys) for all the tables at
//! once, whatever their number. Names are bound as parameters.

use std::collections::HashMap;

use postgres::types::Oid;

use super::runtime::PgClient;
use crate::backend::BackendKind;
use crate::model::{
    Catalog, CatalogColumn, CatalogForeignKey, CatalogIndex, CatalogTable, Denied, OnDelete,
};

/// Each table, and whether the connecting user may do to it what generated code does.
const TABLES: &str = "SELECT c.oid, c.relname, \
     pg_catalog.has_table_privilege(c.oid, 'SELECT'), \
     pg_catalog.has_table_privilege(c.oid, 'INSERT'), \
     pg_catalog.has_table_privilege(c.oid, 'UPDATE'), \
     pg_catalog.has_table_privilege(c.oid, 'DELETE'), current_user::text \
     FROM pg_catalog.pg_class c \
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname = ANY($2)";

const COLUMNS: &str = "SELECT a.attrelid, a.attname::text, \
     pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, \
     pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, \
     ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = a.atttypid \
           ORDER BY e.enumsortorder), \
     ARRAY(SELECT pg_catalog.pg_get_constraintdef(c.oid) FROM pg_catalog.pg_constraint c \
      WHERE c.conrelid = a.attrelid AND c.contype = 'c' AND c.conkey = ARRAY[a.attnum] \
      ORDER BY c.conname), \
     s.seq, pg_catalog.has_sequence_privilege(s.seq, 'USAGE') \
     FROM pg_catalog.pg_attribute a \
     LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     LEFT JOIN LATERAL (SELECT pg_catalog.pg_get_serial_sequence(a.attrelid::regclass::text, \
       a.attname) AS seq) s ON true \
     WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY a.attrelid, a.attnum";

const INDEXES: &str = "SELECT i.indrelid, ic.relname::text, i.indisunique, i.indisprimary, \
     i.indpred IS NOT NULL, \
     ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) \
           JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
           ORDER BY k.ord), \
     i.indexprs IS NOT NULL, i.indoption::int2[] \
     FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
     WHERE i.indrelid = ANY($1) ORDER BY i.indrelid, ic.relname";

const FOREIGN_KEYS: &str = "SELECT con.conrelid, \
     ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) \
           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
           ORDER BY k.ord), \
     ft.relname::text, \
     ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord) \
           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum \
           ORDER BY k.ord), \
     con.confdeltype::text, con.conname::text \
     FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class ft ON ft.oid = con.confrelid \
     WHERE con.contype = 'f' AND con.conrelid = ANY($1) ORDER BY con.conrelid, con.conname";

const ALL_TABLES: &str = "SELECT c.relname::text FROM pg_catalog.pg_class c \
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
     AND c.relname <> 'storegen_migrations' ORDER BY 1";

/// The names of the schema's tables (partitions left out: their parent is the table),
/// sorted.
pub fn table_names(
    client: &mut dyn PgClient,
    schema: &str,
) -> Result<Vec<String>, postgres::Error> {
    client
        .query(ALL_TABLES, &[&schema])?
        .iter()
        .map(|row| row.try_get(0))
        .collect()
}

/// An enum type's labels, or the values of a CHECK that lists them: PostgreSQL keeps
/// `c IN ('a', 'b')` as `(c = ANY (ARRAY['a'::text, 'b'::text]))`, and a list of one
/// as `(c = 'a'::text)`.
fn enum_values(labels: Vec<String>, checks: Vec<String>) -> Option<Vec<String>> {
    if !labels.is_empty() {
        return Some(labels);
    }
    checks.iter().find_map(|def| {
        let list = def.contains("= ANY (ARRAY[")
            || (def.contains(" = '") && !def.contains(" AND ") && !def.contains(" OR "));
        list.then(|| crate::backend::quoted_literals(def))
    })
}

/// Introspects the named tables of `schema`; absent tables are left out.
pub fn introspect(
    client: &mut dyn PgClient,
    schema: &str,
    tables: &[&str],
) -> Result<Catalog, postgres::Error> {
    let names: Vec<&str> = tables.to_vec();
    let found = client.query(TABLES, &[&schema, &names])?;
    let mut by_oid: HashMap<Oid, CatalogTable> = HashMap::new();
    let mut denied = Vec::new();
    let quote = |name: &str| super::DIALECT.quote(name);
    // The connecting user (`current_user`, the same on every row).
    let user: String = match found.first() {
        Some(row) => row.try_get(6)?,
        None => String::new(),
    };
    for row in &found {
        let table: String = row.try_get(1)?;
        for (at, privilege) in [(2, "SELECT"), (3, "INSERT"), (4, "UPDATE"), (5, "DELETE")] {
            if !row.try_get::<_, bool>(at)? {
                denied.push(Denied {
                    table: table.clone(),
                    column: None,
                    privilege: privilege.to_owned(),
                    object: format!("on table `{table}`"),
                    grant: format!("GRANT {privilege} ON {} TO {}", quote(&table), quote(&user)),
                    user: user.clone(),
                });
            }
        }
        by_oid.insert(
            row.try_get(0)?,
            CatalogTable {
                name: table,
                columns: Vec::new(),
                primary_key: Vec::new(),
                unique: Vec::new(),
                indexes: Vec::new(),
                foreign_keys: Vec::new(),
            },
        );
    }
    let oids: Vec<Oid> = by_oid.keys().copied().collect();

    if !oids.is_empty() {
        for row in client.query(COLUMNS, &[&oids])? {
            let Some(table) = by_oid.get_mut(&row.try_get::<_, Oid>(0)?) else {
                continue;
            };
            let default: Option<String> = row.try_get(4)?;
            let identity: String = row.try_get(5)?;
            let generated: String = row.try_get(6)?;
            let serial = default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
            // A serial column's insert takes its sequence's next value: USAGE. (An
            // identity's needs nothing more than INSERT; an enum type, nothing for
            // reads and writes.)
            let sequence: Option<String> = row.try_get(9)?;
            if serial
                && let Some(sequence) = sequence
                && row.try_get::<_, Option<bool>>(10)? == Some(false)
            {
                let column: String = row.try_get(1)?;
                denied.push(Denied {
                    table: table.name.clone(),
                    object: format!(
                        "on sequence `{sequence}` (where `{column}`'s values come from)"
                    ),
                    column: Some(column),
                    privilege: "USAGE".to_owned(),
                    grant: format!("GRANT USAGE ON SEQUENCE {sequence} TO {}", quote(&user)),
                    user: user.clone(),
                });
            }
            table.columns.push(CatalogColumn {
                name: row.try_get(1)?,
                sql_type: row.try_get(2)?,
                nullable: !row.try_get::<_, bool>(3)?,
                default: match (default, generated.is_empty()) {
                    // A generated column's expression: the database computes it.
                    (Some(expr), false) => Some(format!("GENERATED ALWAYS AS ({expr})")),
                    (default, _) => default,
                },
                auto_increment: !identity.is_empty() || serial,
                enum_values: enum_values(row.try_get(7)?, row.try_get(8)?),
            });
        }
        for row in client.query(INDEXES, &[&oids])? {
            let Some(table) = by_oid.get_mut(&row.try_get::<_, Oid>(0)?) else {
                continue;
            };
            let unique: bool = row.try_get(2)?;
            let primary: bool = row.try_get(3)?;
            let partial: bool = row.try_get(4)?;
            let columns: Vec<String> = row.try_get(5)?;
            let expression: bool = row.try_get(6)?;
            if primary {
                table.primary_key = columns.clone();
            } else if unique && !partial && !expression {
                table.unique.push(columns.clone());
            }
            // A partial index covers some rows, and an expression's part has no column:
            // read as its columns alone, either would pass for an index it isn't.
            if partial || expression {
                continue;
            }
            // Each key column's options: bit 1 DESC, bit 2 NULLS FIRST.
            let options: Vec<i16> = row.try_get(7)?;
            let option = |i: usize, bit: i16| options.get(i).is_some_and(|o| o & bit != 0);
            table.indexes.push(CatalogIndex {
                name: row.try_get(1)?,
                descending: (0..columns.len()).map(|i| option(i, 1)).collect(),
                nulls_first: (0..columns.len()).map(|i| option(i, 2)).collect(),
                columns,
                unique: unique && !partial,
            });
        }
        for row in client.query(FOREIGN_KEYS, &[&oids])? {
            let Some(table) = by_oid.get_mut(&row.try_get::<_, Oid>(0)?) else {
                continue;
            };
            let action: String = row.try_get(4)?;
            table.foreign_keys.push(CatalogForeignKey {
                name: row.try_get(5)?,
                columns: row.try_get(1)?,
                table: row.try_get(2)?,
                referenced: row.try_get(3)?,
                on_delete: match action.as_str() {
                    "r" => OnDelete::Restrict,
                    "c" => OnDelete::Cascade,
                    "n" => OnDelete::SetNull,
                    "d" => OnDelete::SetDefault,
                    _ => OnDelete::NoAction,
                },
            });
        }
    }

    // In the order the blueprint asked for them.
    let mut ordered = Vec::with_capacity(by_oid.len());
    let mut tables_found: Vec<CatalogTable> = by_oid.into_values().collect();
    for &name in tables {
        if let Some(position) = tables_found.iter().position(|t| t.name == name) {
            ordered.push(tables_found.swap_remove(position));
        }
    }
    let version = client.query("SHOW server_version", &[])?;
    // "15.19 (Debian 15.19-0+deb12u1)": the version, without the packager's note.
    let server_version = version
        .first()
        .map(|row| row.try_get::<_, String>(0))
        .transpose()?
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok(Catalog {
        backend: BackendKind::Postgres,
        server_version,
        tables: ordered,
        denied,
    })
}

#[cfg(test)]
mod tests {
    use super::enum_values;

    #[test]
    fn an_enums_values_come_from_its_type_or_a_check_that_lists_them() {
        let list = |values: &[&str]| Some(values.iter().map(|v| v.to_string()).collect::<Vec<_>>());
        assert_eq!(
            enum_values(vec!["a".into(), "b".into()], Vec::new()),
            list(&["a", "b"])
        );
        let checks = |defs: &[&str]| defs.iter().map(|d| d.to_string()).collect::<Vec<_>>();
        assert_eq!(
            enum_values(
                Vec::new(),
                checks(&["CHECK ((kind = ANY (ARRAY['a'::text, 'b''c'::text])))"])
            ),
            list(&["a", "b'c"])
        );
        // A list of one, as PostgreSQL keeps `kind IN ('only')`.
        assert_eq!(
            enum_values(
                Vec::new(),
                checks(&[
                    "CHECK ((length(kind) > 1))",
                    "CHECK ((kind = 'only'::text))"
                ])
            ),
            list(&["only"])
        );
        assert_eq!(
            enum_values(Vec::new(), checks(&["CHECK ((length(kind) > 1))"])),
            None
        );
        assert_eq!(
            enum_values(
                Vec::new(),
                checks(&["CHECK (((kind = 'a'::text) OR (note = 'b'::text)))"])
            ),
            None
        );
    }
}
