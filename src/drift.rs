//! Drift: every difference between what a blueprint declares and what a database holds
//! that would make the generated code fail or misbehave. Pure: the build reports drift
//! as located diagnostics, and run-time verification returns the same list.

use std::fmt;

use crate::model::{Catalog, CatalogTable, Charset, Field, LogicalType, OnDelete, Schema, Store};

/// How bad a drift is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The generated code would fail or lose data: the build stops.
    Error,
    /// Worth knowing; the generated code still works.
    Warning,
}

/// Where in the blueprint a drift belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The store as a whole (`[stores.<store>]`).
    Store {
        /// The store's name.
        store: String,
    },
    /// One field's declaration.
    Field {
        /// The store's name.
        store: String,
        /// The field's Rust name.
        field: String,
    },
    /// The store's primary key declaration.
    PrimaryKey {
        /// The store's name.
        store: String,
    },
    /// One of the store's `[[stores.<store>.indexes]]`, by position.
    Index {
        /// The store's name.
        store: String,
        /// The index's position in the store's `indexes`.
        index: usize,
    },
}

impl Location {
    /// The name of the store the location is in.
    pub fn store(&self) -> &str {
        match self {
            Location::Store { store }
            | Location::Field { store, .. }
            | Location::PrimaryKey { store }
            | Location::Index { store, .. } => store,
        }
    }
}

/// One difference between blueprint and database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Where in the blueprint it belongs.
    pub location: Location,
    /// What differs, with the names and values involved.
    pub kind: DriftKind,
}

/// What differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriftKind {
    /// The store's table does not exist.
    MissingTable {
        /// The table's SQL name.
        table: String,
    },
    /// A field's column does not exist.
    MissingColumn {
        /// The table's SQL name.
        table: String,
        /// The missing column's SQL name.
        column: String,
    },
    /// The column's SQL type does not hold the logical type without loss.
    Type {
        /// The column's SQL name.
        column: String,
        /// The field's logical type, as displayed (`text (max_length 20)`).
        expected: String,
        /// The column's SQL type, as the database reports it.
        actual: String,
        /// Why that SQL type does not hold the logical type.
        reason: String,
    },
    /// The column is nullable and the field is not, or the reverse.
    Nullable {
        /// The column's SQL name.
        column: String,
        /// Whether the blueprint declares the field nullable.
        expected: bool,
    },
    /// The table's primary key is not the store's.
    PrimaryKey {
        /// The store's key columns, in key order.
        expected: Vec<String>,
        /// The table's key columns, in key order; empty when it has none.
        actual: Vec<String>,
    },
    /// The field's `unique` and the column's single-column unique constraint differ.
    Unique {
        /// The column's SQL name.
        column: String,
        /// Whether the blueprint declares the field `unique`.
        expected: bool,
    },
    /// The blueprint says the database assigns the value and it doesn't, or the reverse.
    Generated {
        /// The column's SQL name.
        column: String,
        /// Whether the blueprint declares the field `generated`.
        expected: bool,
    },
    /// A column the blueprint doesn't know about. `required`: NOT NULL without a
    /// default, so every insert the generated code makes would fail.
    UnknownColumn {
        /// The table's SQL name.
        table: String,
        /// The undeclared column's SQL name.
        column: String,
        /// Its SQL type, or `no declared type`.
        sql_type: String,
        /// NOT NULL, with no default and no value the database assigns.
        required: bool,
    },
    /// A declared index has no match in the table: no index with its columns in its
    /// order (and unique, when the declared one is).
    MissingIndex {
        /// The table's SQL name.
        table: String,
        /// The declared index's columns, in index order.
        columns: Vec<String>,
        /// Whether the declared index is unique.
        unique: bool,
    },
    /// A field's reference has no foreign key in the database.
    MissingForeignKey {
        /// The referencing column.
        column: String,
        /// The referenced table.
        table: String,
        /// The referenced column.
        referenced: String,
    },
    /// An enum's values and the column's differ: `missing` are the blueprint's values
    /// the column can't hold (writing them fails), `extra` the column's values the
    /// enum lacks (reading them fails). `unchecked`: the column holds any text.
    EnumValues {
        /// The column's SQL name.
        column: String,
        /// The blueprint's values the column can't hold.
        missing: Vec<String>,
        /// The column's values the enum lacks.
        extra: Vec<String>,
        /// The column holds any text, so there is no list to compare.
        unchecked: bool,
    },
    /// A text column of MySQL's utf8mb3, which can't hold 4-byte characters (emoji), for
    /// a field that doesn't say `charset = "utf8mb3"`: a write of one fails.
    Charset {
        /// The column's SQL name.
        column: String,
        /// The column's character set.
        charset: String,
    },
    /// A MySQL text column whose collation ignores trailing spaces, case or accents
    /// (see [`crate::model::collation_ignores`]): `"k"` and `"k "` (or `"K"`) are one
    /// value there, so a key lookup finds the other's row and a unique key refuses it,
    /// where the other backends keep them apart.
    /// Or the column's collation isn't the one the field's `collation` accepts.
    Collation {
        /// The column's SQL name.
        column: String,
        /// The column's collation; None: binary and NO PAD, exact.
        collation: Option<String>,
        /// The field's `collation`.
        expected: Option<String>,
    },
    /// The connecting user may not do what generated code does: the statements fail
    /// with "permission denied".
    Privilege {
        /// `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `USAGE`, or `write` (SQLite).
        privilege: String,
        /// What on (``table `orders` ``).
        object: String,
        /// The user; empty where there are none (SQLite).
        user: String,
        /// The GRANT statement that fixes it, or what to do.
        grant: String,
    },
    /// The foreign key exists but does something else when the referenced row goes.
    OnDelete {
        /// The referencing column.
        column: String,
        /// The blueprint's `on_delete`.
        expected: OnDelete,
        /// The database's foreign key's ON DELETE action.
        actual: OnDelete,
    },
}

impl Drift {
    /// Whether it stops the build. Warnings: a column the blueprint doesn't know that
    /// inserts may leave out, a missing index or foreign key, an enum column that holds
    /// any text. Everything else is an error.
    pub fn severity(&self) -> Severity {
        match &self.kind {
            DriftKind::UnknownColumn {
                required: false, ..
            }
            | DriftKind::MissingIndex { .. }
            | DriftKind::MissingForeignKey { .. }
            | DriftKind::EnumValues {
                unchecked: true, ..
            }
            | DriftKind::Charset { .. }
            | DriftKind::Collation { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A fix, where one is known.
    pub fn help(&self) -> Option<String> {
        Some(match &self.kind {
            DriftKind::MissingTable { .. } => {
                "run the generated `migrate` to create it, or set `table` to the table's name"
                    .into()
            }
            DriftKind::MissingColumn { table, .. } => format!(
                "add the column to `{table}`, or set `column` to the name it has in the database"
            ),
            DriftKind::Nullable { expected: true, .. } => {
                "declare the field without `nullable = true`, or drop NOT NULL from the column"
                    .into()
            }
            DriftKind::Nullable {
                expected: false, ..
            } => "declare the field with `nullable = true`, or make the column NOT NULL".into(),
            DriftKind::UnknownColumn { required: true, .. } => {
                "declare the column as a field, or give it a default in the database".into()
            }
            DriftKind::UnknownColumn {
                required: false,
                column,
                ..
            } => format!("declare `{column}` as a field to read it"),
            DriftKind::MissingIndex { .. } => "run the generated `migrate` to create it".into(),
            DriftKind::EnumValues {
                unchecked: true, ..
            } => "limit the column to the enum's values (a CHECK), or rows holding others fail to read".into(),
            DriftKind::EnumValues { .. } => {
                "make the blueprint's `values` and the column's the same (`storegen diff --sql` adds missing ones)".into()
            }
            DriftKind::Charset { charset, .. } => format!(
                "declare `charset = \"{charset}\"` on the field to accept it, or convert the column to utf8mb4 (`storegen diff --sql`)"
            ),
            DriftKind::Privilege { grant, user, .. } if user.is_empty() => grant.clone(),
            DriftKind::Privilege { grant, .. } => format!("as a user who may grant it: `{grant}`"),
            DriftKind::Collation {
                collation: Some(collation),
                expected: None,
                ..
            } => format!("convert the column to the server's NO PAD binary collation (`utf8mb4_nopad_bin` on MariaDB, `utf8mb4_0900_bin` on MySQL 8; `storegen diff --sql` writes the statement), or declare `collation = \"{collation}\"` on the field to accept it"),
            DriftKind::Collation { .. } => {
                "make the field's `collation` and the column's the same (`storegen diff --sql` converts the column)".into()
            }
            _ => return None,
        })
    }
}

fn columns(list: &[String]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    let quoted: Vec<String> = list.iter().map(|c| format!("`{c}`")).collect();
    format!("({})", quoted.join(", "))
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let store = self.location.store();
        let subject = match &self.location {
            Location::Field { field, .. } => format!("`{store}.{field}`"),
            _ => format!("store `{store}`"),
        };
        match &self.kind {
            DriftKind::MissingTable { table } => {
                write!(f, "{subject}: table `{table}` does not exist")
            }
            DriftKind::Charset { column, charset } => write!(
                f,
                "{subject}: column `{column}` is {charset}, which has no 4-byte characters: writing an emoji (or any character beyond the Basic Multilingual Plane) fails"
            ),
            DriftKind::Privilege {
                privilege,
                object,
                user,
                ..
            } => {
                let who = if user.is_empty() {
                    "this connection".to_owned()
                } else {
                    format!("user `{user}`")
                };
                write!(
                    f,
                    "{subject}: {who} may not {privilege} {object}, which the generated code does"
                )
            }
            DriftKind::Collation {
                column,
                collation,
                expected,
            } => {
                let Some(collation) = collation else {
                    return write!(
                        f,
                        "{subject}: column `{column}` compares exactly (binary, NO PAD), not as the field's collation {} says",
                        expected.as_deref().unwrap_or_default()
                    );
                };
                let ignores = crate::model::collation_ignores(collation);
                if let Some(expected) = expected {
                    return write!(
                        f,
                        "{subject}: column `{column}` has collation {collation}, which ignores {}, not {expected}, the field's",
                        ignores.join(" and ")
                    );
                }
                let example = match (
                    ignores.contains(&"trailing spaces"),
                    ignores.contains(&"case"),
                ) {
                    (true, true) => "`\"k\"`, `\"K\"` and `\"k \"` are one value",
                    (true, false) => "`\"k\"` and `\"k \"` are one value",
                    (false, true) => "`\"k\"` and `\"K\"` are one value",
                    (false, false) => "`\"e\"` and `\"é\"` are one value",
                };
                write!(
                    f,
                    "{subject}: column `{column}` has collation {collation}, which ignores {} when it compares: {example} there, on no other backend (a lookup by one finds the other's row; a unique key refuses the second)",
                    ignores.join(" and ")
                )
            }
            DriftKind::EnumValues {
                column,
                missing,
                extra,
                unchecked,
            } => {
                let list = |values: &[String]| {
                    values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                if *unchecked {
                    return write!(
                        f,
                        "{subject}: column `{column}` holds any text, not only the enum's values"
                    );
                }
                write!(f, "{subject}: column `{column}`")?;
                if !missing.is_empty() {
                    write!(
                        f,
                        " lacks the enum's {} (writing them fails)",
                        list(missing)
                    )?;
                }
                if !extra.is_empty() {
                    if !missing.is_empty() {
                        f.write_str(" and")?;
                    }
                    write!(
                        f,
                        " allows {}, which the enum lacks (reading them fails)",
                        list(extra)
                    )?;
                }
                Ok(())
            }
            DriftKind::MissingColumn { table, column } => {
                write!(
                    f,
                    "{subject}: column `{column}` does not exist in table `{table}`"
                )
            }
            DriftKind::Type {
                column,
                expected,
                actual,
                reason,
            } => write!(
                f,
                "{subject}: column `{column}` is `{actual}`, which does not hold {expected}: {reason}"
            ),
            DriftKind::Nullable { column, expected } => {
                let (want, have) = if *expected {
                    ("nullable", "NOT NULL")
                } else {
                    ("NOT NULL", "nullable")
                };
                write!(
                    f,
                    "{subject}: expected {want}, but column `{column}` is {have}"
                )
            }
            DriftKind::PrimaryKey { expected, actual } => write!(
                f,
                "{subject}: expected primary key {}, found {}",
                columns(expected),
                columns(actual)
            ),
            DriftKind::Unique { column, expected } => {
                if *expected {
                    write!(
                        f,
                        "{subject}: expected a unique constraint on `{column}`, found none"
                    )
                } else {
                    write!(
                        f,
                        "{subject}: column `{column}` is unique in the database, but the field is not declared `unique = true`"
                    )
                }
            }
            DriftKind::Generated { column, expected } => {
                if *expected {
                    write!(
                        f,
                        "{subject}: expected the database to assign `{column}` (`generated = true`), but it does not"
                    )
                } else {
                    write!(
                        f,
                        "{subject}: the database assigns `{column}`, but the field is not declared `generated = true`"
                    )
                }
            }
            DriftKind::UnknownColumn {
                table,
                column,
                sql_type,
                required,
            } => {
                if *required {
                    write!(
                        f,
                        "{subject}: table `{table}` has a column `{column}` ({sql_type} NOT NULL, no default) that the blueprint does not declare; every insert would fail"
                    )
                } else {
                    write!(
                        f,
                        "{subject}: table `{table}` has a column `{column}` ({sql_type}) that the blueprint does not declare"
                    )
                }
            }
            DriftKind::MissingIndex {
                table,
                columns: cols,
                unique,
            } => write!(
                f,
                "{subject}: table `{table}` has no {}index on {}",
                if *unique { "unique " } else { "" },
                columns(cols)
            ),
            DriftKind::MissingForeignKey {
                column,
                table,
                referenced,
            } => write!(
                f,
                "{subject}: column `{column}` has no foreign key to `{table}`.`{referenced}`"
            ),
            DriftKind::OnDelete {
                column,
                expected,
                actual,
            } => write!(
                f,
                "{subject}: expected ON DELETE {}, but the foreign key on `{column}` has ON DELETE {}",
                expected.sql(),
                actual.sql()
            ),
        }
    }
}

/// Compares what the blueprint declares with what the database holds. The result is in
/// blueprint order: store by store, field by field.
pub fn compare(expected: &Schema, actual: &Catalog) -> Vec<Drift> {
    let mut drifts = Vec::new();
    for store in &expected.stores {
        match actual.table(&store.table) {
            None => drifts.push(Drift {
                location: Location::Store {
                    store: store.name.clone(),
                },
                kind: DriftKind::MissingTable {
                    table: store.table.clone(),
                },
            }),
            Some(table) => compare_table(actual, store, table, &mut drifts),
        }
    }
    for denied in &actual.denied {
        let same = |a: &str, b: &str| actual.backend.same_identifier(a, b);
        let Some(store) = expected
            .stores
            .iter()
            .find(|s| same(&s.table, &denied.table))
        else {
            continue;
        };
        let field = denied
            .column
            .as_deref()
            .and_then(|c| store.fields.iter().find(|f| same(&f.column, c)));
        drifts.push(Drift {
            location: match field {
                Some(field) => Location::Field {
                    store: store.name.clone(),
                    field: field.name.clone(),
                },
                None => Location::Store {
                    store: store.name.clone(),
                },
            },
            kind: DriftKind::Privilege {
                privilege: denied.privilege.clone(),
                object: denied.object.clone(),
                user: denied.user.clone(),
                grant: denied.grant.clone(),
            },
        });
    }
    drifts
}

fn compare_table(catalog: &Catalog, store: &Store, table: &CatalogTable, out: &mut Vec<Drift>) {
    let backend = catalog.backend;
    let same = |a: &str, b: &str| backend.same_identifier(a, b);
    let field_at = |field: &Field| Location::Field {
        store: store.name.clone(),
        field: field.name.clone(),
    };

    let single_key = store.primary_key.len() == 1;
    for (index, field) in store.fields.iter().enumerate() {
        let Some(column) = table.columns.iter().find(|c| same(&c.name, &field.column)) else {
            out.push(Drift {
                location: field_at(field),
                kind: DriftKind::MissingColumn {
                    table: table.name.clone(),
                    column: field.column.clone(),
                },
            });
            continue;
        };
        let accepted = backend.accepts(field, column);
        if accepted.is_ok()
            && matches!(field.ty, LogicalType::Text { .. })
            && let Some(charset) = column.charset()
            && Charset::from_name(charset) == Some(Charset::Utf8mb3)
            && field.charset != Some(Charset::Utf8mb3)
        {
            out.push(Drift {
                location: field_at(field),
                kind: DriftKind::Charset {
                    column: column.name.clone(),
                    charset: charset.to_owned(),
                },
            });
        }
        if accepted.is_ok()
            && matches!(field.ty, LogicalType::Text { .. })
            && backend.rules().has_collations()
        {
            let collation = column.collation();
            let same = match (collation, field.collation.as_deref()) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (a, b) => a.is_none() && b.is_none(),
            };
            if !same {
                out.push(Drift {
                    location: field_at(field),
                    kind: DriftKind::Collation {
                        column: column.name.clone(),
                        collation: collation.map(str::to_owned),
                        expected: field.collation.clone(),
                    },
                });
            }
        }
        if let Err(reason) = accepted {
            out.push(Drift {
                location: field_at(field),
                kind: DriftKind::Type {
                    column: column.name.clone(),
                    expected: field.ty.to_string(),
                    // (Its collation, if introspection wrote one, is beside the point.)
                    actual: match column.sql_type.split_once(" collate ") {
                        Some((ty, _)) => ty.to_owned(),
                        None => column.sql_type.clone(),
                    },
                    reason,
                },
            });
        } else if let LogicalType::Enum { values, .. } = &field.ty {
            let kind = match &column.enum_values {
                None => Some(DriftKind::EnumValues {
                    column: column.name.clone(),
                    missing: Vec::new(),
                    extra: Vec::new(),
                    unchecked: true,
                }),
                Some(held) => {
                    let missing: Vec<String> = values
                        .iter()
                        .filter(|v| !held.contains(v))
                        .cloned()
                        .collect();
                    let extra: Vec<String> = held
                        .iter()
                        .filter(|v| !values.contains(v))
                        .cloned()
                        .collect();
                    (!missing.is_empty() || !extra.is_empty()).then(|| DriftKind::EnumValues {
                        column: column.name.clone(),
                        missing,
                        extra,
                        unchecked: false,
                    })
                }
            };
            if let Some(kind) = kind {
                out.push(Drift {
                    location: field_at(field),
                    kind,
                });
            }
        }
        // A key column is NOT NULL in effect whatever the catalog says (SQLite reports a
        // rowid alias as nullable); the primary-key check covers it.
        if !store.is_key(index) && column.nullable != field.nullable {
            out.push(Drift {
                location: field_at(field),
                kind: DriftKind::Nullable {
                    column: column.name.clone(),
                    expected: field.nullable,
                },
            });
        }
        let generated_differs = if field.generated {
            !column.auto_increment
        } else {
            column.auto_increment && backend.explicit_keys_conflict_with_auto_increment()
        };
        if generated_differs {
            out.push(Drift {
                location: field_at(field),
                kind: DriftKind::Generated {
                    column: column.name.clone(),
                    expected: field.generated,
                },
            });
        }
        let is_single_key = single_key && store.is_key(index);
        let actually_unique = table
            .unique
            .iter()
            .any(|cols| cols.len() == 1 && same(&cols[0], &column.name));
        // A unique index on the field alone is declared as an index: its own check
        // (columns, uniqueness) covers it.
        let by_index = store
            .indexes
            .iter()
            .any(|ix| ix.unique && ix.fields == [index]);
        let checked_here = field.unique || !by_index;
        if checked_here && !is_single_key && field.unique != actually_unique {
            out.push(Drift {
                location: field_at(field),
                kind: DriftKind::Unique {
                    column: column.name.clone(),
                    expected: field.unique,
                },
            });
        }
        if let Some(reference) = &field.references {
            let key = table.foreign_keys.iter().find(|fk| {
                fk.columns.len() == 1
                    && same(&fk.columns[0], &column.name)
                    && same(&fk.table, &reference.table)
                    && fk.referenced.len() == 1
                    && same(&fk.referenced[0], &reference.column)
            });
            match key {
                None => out.push(Drift {
                    location: field_at(field),
                    kind: DriftKind::MissingForeignKey {
                        column: column.name.clone(),
                        table: reference.table.clone(),
                        referenced: reference.column.clone(),
                    },
                }),
                Some(fk) if !backend.same_on_delete(fk.on_delete, reference.on_delete) => {
                    out.push(Drift {
                        location: field_at(field),
                        kind: DriftKind::OnDelete {
                            column: column.name.clone(),
                            expected: reference.on_delete,
                            actual: fk.on_delete,
                        },
                    })
                }
                Some(_) => {}
            }
        }
    }

    let expected_key: Vec<String> = store.key_fields().map(|f| f.column.clone()).collect();
    let key_matches = expected_key.len() == table.primary_key.len()
        && expected_key
            .iter()
            .zip(&table.primary_key)
            .all(|(a, b)| same(a, b));
    if !key_matches {
        out.push(Drift {
            location: Location::PrimaryKey {
                store: store.name.clone(),
            },
            kind: DriftKind::PrimaryKey {
                expected: expected_key,
                actual: table.primary_key.clone(),
            },
        });
    }

    for (position, index) in store.indexes.iter().enumerate() {
        let shape = index.columns(store);
        let wanted: Vec<String> = shape
            .iter()
            .map(|c| {
                let column = &store.fields[c.field].column;
                if c.descending {
                    format!("{column} DESC")
                } else {
                    column.clone()
                }
            })
            .collect();
        // The same columns in the same directions (NULLs placed as storegen lists them
        // where that matters), and unique exactly when declared so.
        let found = table.indexes.iter().any(|ix| {
            ix.columns.len() == shape.len()
                && ix.unique == index.unique
                && shape.iter().enumerate().all(|(i, c)| {
                    same(&ix.columns[i], &store.fields[c.field].column)
                        && ix.descending.get(i).copied().unwrap_or(false) == c.descending
                        && (!c.nulls_matter
                            || ix.nulls_first.get(i).copied() == Some(!c.descending))
                })
        });
        if !found {
            out.push(Drift {
                location: Location::Index {
                    store: store.name.clone(),
                    index: position,
                },
                kind: DriftKind::MissingIndex {
                    table: table.name.clone(),
                    columns: wanted,
                    unique: index.unique,
                },
            });
        }
    }

    for column in &table.columns {
        if store.fields.iter().any(|f| same(&f.column, &column.name)) {
            continue;
        }
        out.push(Drift {
            location: Location::Store {
                store: store.name.clone(),
            },
            kind: DriftKind::UnknownColumn {
                table: table.name.clone(),
                column: column.name.clone(),
                sql_type: if column.sql_type.is_empty() {
                    "no declared type".into()
                } else {
                    column.sql_type.clone()
                },
                required: !column.nullable && column.default.is_none() && !column.auto_increment,
            },
        });
    }
}
