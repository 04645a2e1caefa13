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
    // Made for the server it was read from.
    catalog
        .backend
        .rules()
        .for_server(script, &catalog.server_version)
}

/// The CREATE script of `schema` for `backend`.
pub fn ddl(schema: &Schema, backend: BackendKind) -> String {
    crate::backend::ddl::script(&statements(schema, backend))
}

/// `storegen ddl`'s text: the CREATE script, with `collation` in place of storegen's
/// own when given (MySQL's); the error says why the backend takes none.
pub fn ddl_text(
    schema: &Schema,
    backend: BackendKind,
    collation: Option<&str>,
) -> Result<String, String> {
    let script = ddl(schema, backend);
    match collation {
        None => Ok(backend.rules().ddl_text(script)),
        Some(collation) => backend.rules().recollate(script, collation),
    }
}

/// The CREATE script of `schema` for `backend`, statement by statement.
pub fn statements(schema: &Schema, backend: BackendKind) -> Vec<crate::backend::ddl::Statement> {
    backend.rules().create_statements(schema)
}
