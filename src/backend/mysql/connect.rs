//! Reaching a MySQL or MariaDB server at build time and reading its catalog.

use crate::backend::connect::{Introspected, Target};
#[cfg(feature = "mysql")]
use crate::backend::connect::{QUERY_TIMEOUT, connect_failure};
#[cfg(feature = "mysql")]
use crate::backend::redact;

#[cfg(feature = "mysql")]
pub(crate) fn catalog(target: &Target, connected: &dyn Fn()) -> Result<Introspected, String> {
    let (url, timeout) = (target.url.as_str(), target.timeout);
    use mysql::prelude::Queryable;

    let shown = redact(url);
    // The driver reads only `mysql://`; storegen takes `mariadb://` too.
    let url = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_owned(),
    };
    let (url, ssl, mode) = crate::backend::tls::mysql_options(&url)
        .map_err(|why| format!("cannot use MySQL at `{shown}`: {why}"))?;
    let opts =
        mysql::Opts::from_url(&url).map_err(|_| format!("cannot parse the MySQL URL `{shown}`"))?;
    // The driver moves a loopback connection to the Unix socket, without TLS: not when
    // the URL asks for TLS.
    let socket = ssl.is_none() && opts.get_prefer_socket();
    let opts = mysql::OptsBuilder::from_opts(opts)
        .prefer_socket(socket)
        .ssl_opts(ssl)
        .tcp_connect_timeout(Some(timeout))
        .read_timeout(Some(QUERY_TIMEOUT))
        .write_timeout(Some(QUERY_TIMEOUT));
    let describe = |e: &mysql::Error| -> String {
        let reason = match e {
            mysql::Error::MySqlError(server) => match server.code {
                1045 => "authentication failed: wrong user or password".to_owned(),
                1044 | 1049 => {
                    "the database does not exist, or this user may not use it".to_owned()
                }
                1142 | 1143 => "the user may not read the catalog".to_owned(),
                _ => server.message.clone(),
            },
            mysql::Error::IoError(io) => connect_failure(Some(io), timeout)
                .unwrap_or_else(|| format!("the connection failed: {io}")),
            mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(Some((
                _,
                what,
                kind,
            )))) => {
                let io = std::io::Error::new(*kind, what.clone());
                connect_failure(Some(&io), timeout)
                    .unwrap_or_else(|| format!("the connection failed: {what}"))
            }
            mysql::Error::DriverError(mysql::DriverError::ConnectTimeout) => {
                format!("no answer within {} s (connect_timeout)", timeout.as_secs())
            }
            mysql::Error::DriverError(driver) => format!("the connection failed: {driver}"),
            other => other.to_string(),
        };
        format!("cannot use MySQL at `{shown}`: {reason}")
    };
    let prefer = mode == crate::backend::tls::SslMode::Prefer;
    let mut conn = match mysql::Conn::new(opts.clone()) {
        // `prefer`: without TLS where the server has none.
        Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported)) if prefer => {
            mysql::Conn::new(opts.ssl_opts(None::<mysql::SslOpts>))
        }
        other => other,
    }
    .map_err(|e| describe(&e))?;
    connected();
    let database = match target.schema.as_deref() {
        Some(schema) => schema.to_owned(),
        None => conn
            .query_first::<Option<String>, _>("SELECT DATABASE()")
            .map_err(|e| describe(&e))?
            .flatten()
            .ok_or_else(|| {
                format!(
                    "the MySQL URL `{shown}` names no database: add one to the URL, or set `[database] schema`"
                )
            })?,
    };
    let all;
    let tables = if target.all_tables {
        all = super::introspect::table_names(&mut conn, &database).map_err(|e| describe(&e))?;
        all.iter().map(String::as_str).collect()
    } else {
        target.tables()
    };
    let catalog =
        super::introspect::introspect(&mut conn, &database, &tables).map_err(|e| describe(&e))?;
    let mut described = Vec::with_capacity(target.queries.len());
    for query in &target.queries {
        described.push(super::describe::describe(&mut conn, query).map_err(|e| describe(&e))?);
    }
    Ok(Introspected { catalog, described })
}

#[cfg(not(feature = "mysql"))]
pub(crate) fn catalog(_: &Target, _: &dyn Fn()) -> Result<Introspected, String> {
    Err(crate::backend::connect::missing_feature("mysql"))
}
