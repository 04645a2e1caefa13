//! `storegen diff --sql`: the statements that bring a database to its blueprint, in the
//! database's dialect, from the same drift the build reports.

use crate::backend::BackendKind;
use crate::backend::ddl::{Step, render_steps};
use crate::drift;
use crate::model::{Catalog, Schema};

/// The migration script for `catalog` toward `schema`; destructive steps (dropping
/// columns) are comments unless allowed. Empty when there is nothing to do.
pub fn sql(schema: &Schema, catalog: &Catalog, allow_destructive: bool) -> String {
    let drifts = drift::compare(schema, catalog);
    let steps: Vec<Step> = catalog.backend.rules().migration(
        schema,
        catalog,
        &drifts,
        &crate::backend::migration::Evolve::default(),
    );
    let script = render_steps(&steps, allow_destructive);
    // Made for the server it was read from: its NO PAD binary collation.
    match crate::backend::mysql::no_pad_collation(&catalog.server_version) {
        Some(collation) if catalog.backend == BackendKind::Mysql => {
            crate::backend::mysql::with_collation(&script, collation).into_owned()
        }
        _ => script,
    }
}

/// The CREATE script of `schema` for `backend`.
pub fn ddl(schema: &Schema, backend: BackendKind) -> String {
    crate::backend::ddl::script(&statements(schema, backend))
}

/// `storegen ddl`'s text: the CREATE script, a MySQL one with `collation` in place of
/// `utf8mb4_bin` when given, else saying above its first statement that it pads.
pub fn ddl_text(schema: &Schema, backend: BackendKind, collation: Option<&str>) -> String {
    let script = ddl(schema, backend);
    if backend != BackendKind::Mysql {
        return script;
    }
    match collation {
        Some(collation) => crate::backend::mysql::with_collation(&script, collation).into_owned(),
        None if script.contains("COLLATE=utf8mb4_bin") => format!(
            "-- `utf8mb4_bin`, which every MySQL and MariaDB has, pads: 'k' and 'k ' are one key.\n\
             -- `migrate` uses the server's NO PAD binary collation instead; for the same here, say\n\
             -- `--collation utf8mb4_nopad_bin` (MariaDB) or `--collation utf8mb4_0900_bin` (MySQL 8).\n{script}"
        ),
        None => script,
    }
}

/// The CREATE script of `schema` for `backend`, statement by statement.
pub fn statements(schema: &Schema, backend: BackendKind) -> Vec<crate::backend::ddl::Statement> {
    backend.rules().create_statements(schema)
}
