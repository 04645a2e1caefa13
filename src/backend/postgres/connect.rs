//! Reaching a PostgreSQL server at build time and reading its catalog.

use crate::backend::connect::{Introspected, Target};
#[cfg(feature = "postgres")]
use crate::backend::connect::{QUERY_TIMEOUT, connect_failure, io_source};
#[cfg(feature = "postgres")]
use crate::backend::redact;

#[cfg(feature = "postgres")]
pub(crate) fn catalog(target: &Target, connected: &dyn Fn()) -> Result<Introspected, String> {
    let (url, timeout) = (target.url.as_str(), target.timeout);
    use postgres::error::SqlState;
    use std::str::FromStr;

    let shown = redact(url);
    let (url, tls, mode) = crate::backend::tls::PgTls::from_url(url)
        .map_err(|why| format!("cannot use PostgreSQL at `{shown}`: {why}"))?;
    let mut config = postgres::Config::from_str(&url)
        .map_err(|_| format!("cannot parse the PostgreSQL URL `{shown}`"))?;
    crate::backend::tls::PgTls::configure(&mut config, mode);
    config.connect_timeout(timeout);
    let describe = |e: &postgres::Error| -> String {
        let reason = match e.code() {
            Some(c) if *c == SqlState::INVALID_PASSWORD => {
                "authentication failed: wrong password".to_owned()
            }
            Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                "authentication failed: the server refused this user".to_owned()
            }
            Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
                "the database does not exist".to_owned()
            }
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                "the user may not read the catalog".to_owned()
            }
            Some(_) => e
                .as_db_error()
                .map_or_else(|| e.to_string(), |db| db.message().to_owned()),
            None => connect_failure(io_source(e), timeout).unwrap_or_else(|| {
                if e.is_closed() {
                    "the server closed the connection".into()
                } else {
                    e.to_string()
                }
            }),
        };
        format!("cannot use PostgreSQL at `{shown}`: {reason}")
    };
    let mut client = tls.connect(&config).map_err(|e| describe(&e))?;
    connected();
    // A server that stops answering mid-introspection fails the build instead of
    // hanging it.
    client
        .batch_execute(&format!(
            "SET statement_timeout = {}",
            QUERY_TIMEOUT.as_millis()
        ))
        .map_err(|e| describe(&e))?;
    let namespace = match target.schema.as_deref() {
        Some(schema) => schema.to_owned(),
        None => client
            .query_one("SELECT current_schema()::text", &[])
            .and_then(|row| row.try_get::<_, Option<String>>(0))
            .map_err(|e| describe(&e))?
            .unwrap_or_else(|| "public".to_owned()),
    };
    let all;
    let tables = if target.all_tables {
        all = super::introspect::table_names(&mut client, &namespace).map_err(|e| describe(&e))?;
        all.iter().map(String::as_str).collect()
    } else {
        target.tables()
    };
    let catalog = super::introspect::introspect(&mut client, &namespace, &tables)
        .map_err(|e| describe(&e))?;
    let described = super::describe::describe_all(&mut client, &target.queries, &target.enums)
        .map_err(|e| describe(&e))?;
    Ok(Introspected { catalog, described })
}

#[cfg(not(feature = "postgres"))]
pub(crate) fn catalog(_: &Target, _: &dyn Fn()) -> Result<Introspected, String> {
    Err(crate::backend::connect::missing_feature("postgres"))
}
