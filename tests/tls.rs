//! TLS (feature `tls`, rustls) on PostgreSQL, at run time and at build time, against the
//! local server given a certificate of a test CA, and on MariaDB without TLS.
//!
//! The setup is the test's, idempotently: a CA and a server certificate for
//! `db.storegen.test` (made with `openssl` in `/var/lib/postgresql/storegen-tls`, owned
//! by the server's user), and the server told to use them (`ALTER SYSTEM`, a reload).
//! Connections go to 127.0.0.1 with `hostaddr`, naming the host for the certificate.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use storegen::r2d2::ManageConnection;
use support::databases;

const DIR: &str = "/var/lib/postgresql/storegen-tls";

fn openssl(args: &[&str], dir: &Path) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("running openssl");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The test CA, another CA, and the server's certificate, made once; the server told to
/// use them. `None` when the machine can't (not root): said on stderr.
fn setup(admin: &mut storegen::postgres::Client) -> Option<(PathBuf, PathBuf)> {
    let dir = Path::new(DIR);
    if !dir.join("server.crt").is_file() {
        if std::fs::create_dir_all(dir).is_err() {
            eprintln!("storegen tests: SKIPPING the TLS server test: cannot write {DIR}");
            return None;
        }
        let days = "3650";
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                days,
                "-subj",
                "/CN=storegen test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ],
            dir,
        );
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                days,
                "-subj",
                "/CN=another CA",
                "-keyout",
                "other.key",
                "-out",
                "other.pem",
            ],
            dir,
        );
        openssl(
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=db.storegen.test",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
            dir,
        );
        std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:db.storegen.test\n").unwrap();
        openssl(
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                days,
                "-extfile",
                "san.ext",
                "-out",
                "server.crt",
            ],
            dir,
        );
        let owned = Command::new("chown")
            .args(["-R", "postgres:postgres", DIR])
            .status()
            .is_ok_and(|s| s.success());
        let private = Command::new("chmod")
            .args(["600", &format!("{DIR}/server.key")])
            .status()
            .is_ok_and(|s| s.success());
        assert!(owned && private, "cannot hand {DIR} to the server's user");
    }
    let current: String = admin
        .query_one("SELECT current_setting('ssl_cert_file')", &[])
        .unwrap()
        .get(0);
    if current != format!("{DIR}/server.crt") {
        // One statement at a time: ALTER SYSTEM can't run in the implicit transaction
        // of a multi-statement string.
        for statement in [
            "ALTER SYSTEM SET ssl = on".to_owned(),
            format!("ALTER SYSTEM SET ssl_cert_file = '{DIR}/server.crt'"),
            format!("ALTER SYSTEM SET ssl_key_file = '{DIR}/server.key'"),
            "SELECT pg_reload_conf()".to_owned(),
        ] {
            admin.batch_execute(&statement).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    Some((dir.join("ca.pem"), dir.join("other.pem")))
}

/// `postgres://postgres@db.storegen.test/<db>?hostaddr=127.0.0.1&…`.
fn url(database: &str, params: &str) -> String {
    format!("postgres://postgres@db.storegen.test:5432/{database}?hostaddr=127.0.0.1&{params}")
}

fn encrypted(client: &mut storegen::postgres::Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0)
}

#[test]
fn postgres_connections_verify_the_server_as_the_url_says() {
    let Some(db) = databases::postgres("tls") else {
        return;
    };
    let mut admin = db.postgres_client();
    let Some((ca, other)) = setup(&mut admin) else {
        assert!(
            !databases::required("postgres"),
            "the TLS test could not set the server up"
        );
        return;
    };
    let (ca, other) = (ca.display().to_string(), other.display().to_string());
    let connect = |params: &str| {
        storegen::pool::PostgresManager::new(&url(&db.name, params))
            .unwrap()
            .connect()
    };
    // The certificate's chain and name: connected, encrypted.
    let mut full = connect(&format!("sslmode=verify-full&sslrootcert={ca}")).unwrap();
    assert!(encrypted(&mut full));
    // `require`: encrypted, the certificate unchecked.
    assert!(encrypted(&mut connect("sslmode=require").unwrap()));
    assert!(!encrypted(&mut connect("sslmode=disable").unwrap()));
    // A certificate from another CA: refused, saying why.
    let error = connect(&format!("sslmode=verify-ca&sslrootcert={other}"))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("invalid peer certificate: UnknownIssuer"),
        "{error}"
    );
    // The right CA for another name: `verify-ca` connects, `verify-full` refuses.
    let wrong_name = format!(
        "postgres://postgres@127.0.0.1:5432/{}?sslmode=verify-full&sslrootcert={ca}",
        db.name
    );
    let error = storegen::pool::PostgresManager::new(&wrong_name)
        .unwrap()
        .connect()
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("certificate not valid for name \"127.0.0.1\""),
        "{error}"
    );
    // verify-ca trusts only the root it is given: without one it is refused.
    let error = storegen::pool::PostgresManager::new(&url(&db.name, "sslmode=verify-ca"))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("`sslmode=verify-ca` needs `sslrootcert`"),
        "{error}"
    );
    let ca_only = wrong_name.replace("verify-full", "verify-ca");
    assert!(encrypted(
        &mut storegen::pool::PostgresManager::new(&ca_only)
            .unwrap()
            .connect()
            .unwrap()
    ));

    // A build checks against the server through TLS too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("blueprint.toml"),
        "[blueprint]\nname = \"t\"\n[database]\nbackends = [\"postgres\"]\n[stores.notes.fields]\nid = { type = \"int64\", primary_key = true }\n",
    )
    .unwrap();
    full.batch_execute("CREATE TABLE notes (id BIGINT PRIMARY KEY)")
        .unwrap();
    let build = |params: &str| {
        storegen::Builder::new()
            .blueprint(dir.path().join("blueprint.toml"))
            .database(url(&db.name, params))
            .validate(storegen::Validate::Live)
            .out_dir(dir.path().join("out"))
            .emit_cargo_directives(false)
            .generate()
            .into_result()
    };
    assert!(build(&format!("sslmode=verify-full&sslrootcert={ca}")).is_ok());
    let error = storegen::build::render_error(
        &build(&format!("sslmode=verify-full&sslrootcert={other}")).unwrap_err(),
    );
    assert!(error.contains("UnknownIssuer"), "{error}");
}

/// MariaDB with `build-support/ensure-tls`'s certificate: verified, encrypted, refused.
#[test]
fn mysql_connections_verify_the_server_as_the_url_says() {
    use storegen::mysql::prelude::Queryable;
    let Some(db) = databases::mysql("tls") else {
        return;
    };
    let mut admin = db.mysql_conn();
    let have: Option<String> = admin.query_first("SELECT @@have_ssl").unwrap();
    if have.as_deref() != Some("YES") {
        assert!(
            !databases::required("mysql"),
            "MariaDB has no TLS: run build-support/ensure-databases (it runs ensure-tls)"
        );
        eprintln!(
            "storegen tests: SKIPPING the MariaDB TLS test: the server has no TLS (build-support/ensure-tls gives it some)"
        );
        return;
    }
    let dir = "/etc/mysql/storegen-tls";
    let connect = |params: &str| {
        storegen::pool::MysqlManager::new(&format!("{}?{params}", db.url))
            .unwrap()
            .connect()
    };
    let cipher = |conn: &mut storegen::mysql::Conn| -> String {
        conn.query_first::<(String, String), _>("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
            .unwrap()
            .map(|(_, c)| c)
            .unwrap_or_default()
    };
    let mut full = connect(&format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={dir}/ca.pem")).unwrap();
    assert!(!cipher(&mut full).is_empty());
    assert!(!cipher(&mut connect("ssl-mode=require").unwrap()).is_empty());
    assert!(cipher(&mut connect("ssl-mode=disable").unwrap()).is_empty());
    let error = connect(&format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={dir}/other.pem"))
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("UnknownIssuer"), "{error}");
    // The driver trusts the public roots beside `ssl-ca`: a chain-only check is refused.
    let error = storegen::pool::MysqlManager::new(&format!(
        "{}?ssl-mode=VERIFY_CA&ssl-ca={dir}/ca.pem",
        db.url
    ))
    .err()
    .unwrap()
    .to_string();
    assert!(error.contains("use VERIFY_IDENTITY"), "{error}");
}

/// `require` of a server that answers PostgreSQL's SSL request with "no": a clear error,
/// not a plain connection.
#[test]
fn requiring_tls_of_a_server_without_it_is_a_clear_error() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        // The probe's connection, then the driver's: each asks, each hears "no".
        for stream in listener.incoming().take(2) {
            let Ok(mut stream) = stream else { break };
            let mut request = [0u8; 8];
            if stream.read_exact(&mut request).is_ok() {
                let _ = stream.write_all(b"N");
            }
        }
    });
    let error = storegen::pool::PostgresManager::new(&format!(
        "postgres://app:secret@127.0.0.1:{port}/x?sslmode=require"
    ))
    .unwrap()
    .connect()
    .err()
    .unwrap()
    .to_string();
    assert!(error.contains("server does not support TLS"), "{error}");
    assert!(!error.contains("secret"), "{error}");
}

#[test]
fn a_tls_mode_storegen_does_not_know_is_refused() {
    let error = storegen::pool::PostgresManager::new("postgres://u:secret@db/x?sslmode=sometimes")
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        "PostgreSQL URL `postgres://***@db/x?***`: `sslmode=sometimes` is not a TLS mode: use disable, prefer, require, verify-ca or verify-full"
    );
}
