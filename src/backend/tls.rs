//! TLS settings from a database URL, the same words on both servers: `sslmode` (or
//! MySQL's `ssl-mode`) = `disable`, `prefer`, `require`, `verify-ca`, `verify-full` (and
//! MySQL's `DISABLED`, `PREFERRED`, `REQUIRED`, `VERIFY_CA`, `VERIFY_IDENTITY`), and
//! `sslrootcert` (or `ssl-ca`) = a PEM file of the certificates to trust instead of the
//! public roots. The drivers read neither (the PostgreSQL one knows only `disable`,
//! `prefer`, `require`; the MySQL one refuses parameters it doesn't know): storegen
//! takes them out of the URL and configures the connection itself, with rustls (feature
//! `tls`: nothing to install on the machine).

use std::path::PathBuf;

/// How a connection uses TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslMode {
    /// Never.
    Disable,
    /// When the server offers it, without checking its certificate (libpq's default).
    Prefer,
    /// Always, without checking the certificate unless a root certificate is given.
    Require,
    /// Always, with a certificate signed by a trusted root, whatever host it names.
    VerifyCa,
    /// Always, with a trusted certificate for the host connected to.
    VerifyFull,
}

/// A URL's TLS settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tls {
    pub mode: SslMode,
    pub root_cert: Option<PathBuf>,
}

impl SslMode {
    fn from_name(name: &str) -> Option<SslMode> {
        Some(match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "disable" | "disabled" => SslMode::Disable,
            "prefer" | "preferred" | "allow" => SslMode::Prefer,
            "require" | "required" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" | "verify-identity" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    /// Whether the connection must be encrypted.
    #[cfg_attr(feature = "tls", allow(dead_code))]
    pub fn required(self) -> bool {
        !matches!(self, SslMode::Disable | SslMode::Prefer)
    }
}

/// `url` without its TLS parameters, and the settings they give (`default` when the URL
/// names no mode: `prefer` on PostgreSQL as libpq, `disable` on MySQL as its driver).
pub(crate) fn split(url: &str, default: SslMode) -> Result<(String, Tls), String> {
    let mut tls = Tls {
        mode: default,
        root_cert: None,
    };
    let mut take = |key: &str, value: &str| -> Result<bool, String> {
        match key {
            "sslmode" | "ssl-mode" | "ssl_mode" => {
                tls.mode = SslMode::from_name(value).ok_or_else(|| {
                    format!(
                        "`{key}={value}` is not a TLS mode: use disable, prefer, require, verify-ca or verify-full"
                    )
                })?;
                Ok(true)
            }
            "sslrootcert" | "ssl-ca" | "ssl_ca" => {
                tls.root_cert = Some(PathBuf::from(value));
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let scheme = url.split_once("://").map(|(s, _)| s);
    if !matches!(
        scheme,
        Some("postgres" | "postgresql" | "mysql" | "mariadb")
    ) {
        // PostgreSQL's `key=value` form, values quoted as libpq quotes them.
        let mut kept = Vec::new();
        for (pair, key, value) in key_values(url) {
            if !take(&key, &value)? {
                kept.push(pair);
            }
        }
        return Ok((kept.join(" "), tls));
    }
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), tls));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if !take(k, &percent_decode(v))? {
            kept.push(pair);
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, tls))
}

/// Each `key=value` of a libpq connection string: the pair as written, its key and its
/// value unquoted (`key = 'a \\' b'`).
fn key_values(text: &str) -> Vec<(&str, String, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        i = skip_space(i);
        if i >= bytes.len() {
            return out;
        }
        let start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = text[start..i].to_owned();
        i = skip_space(i);
        if bytes.get(i) != Some(&b'=') {
            out.push((&text[start..i], key, String::new()));
            continue;
        }
        i = skip_space(i + 1);
        let mut value = String::new();
        if bytes.get(i) == Some(&b'\'') {
            i += 1;
            while i < bytes.len() && bytes[i] != b'\'' {
                if bytes[i] == b'\\' && i + 1 < bytes.len() {
                    i += 1;
                }
                let c = text[i..].chars().next().unwrap_or(' ');
                value.push(c);
                i += c.len_utf8();
            }
            i += 1;
        } else {
            let value_start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            value.push_str(&text[value_start..i]);
        }
        let end = i.min(text.len());
        out.push((&text[start..end], key, value));
    }
}

/// `%2F` and the like, decoded (a root certificate's path in a URL).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why a URL that asks for TLS can't have it in this build.
#[cfg(not(feature = "tls"))]
pub(crate) fn missing_feature(tls: &Tls) -> Option<String> {
    tls.mode
        .required()
        .then(|| "the URL asks for TLS, which needs storegen's `tls` feature".to_owned())
}

#[cfg(all(feature = "tls", feature = "postgres"))]
pub(crate) use with_rustls::client_config;

#[cfg(all(feature = "tls", feature = "postgres"))]
mod with_rustls {
    use std::sync::Arc;

    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{DigitallySignedStruct, SignatureScheme};

    use super::{SslMode, Tls};

    /// The rustls client configuration for the settings.
    pub(crate) fn client_config(tls: &Tls) -> Result<rustls::ClientConfig, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        match &tls.root_cert {
            Some(path) => {
                let certs = CertificateDer::pem_file_iter(path)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| {
                        format!("cannot read the root certificate `{}`: {e}", path.display())
                    })?;
                let (added, _) = roots.add_parsable_certificates(certs);
                if added == 0 {
                    return Err(format!(
                        "the root certificate file `{}` holds no certificate",
                        path.display()
                    ));
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .map_err(|e| e.to_string())?;
        if tls.mode == SslMode::VerifyCa && tls.root_cert.is_none() {
            // Any certificate a public CA signed, for any host, would do: not a check.
            return Err("`sslmode=verify-ca` needs `sslrootcert`: the certificate of the CA to trust (with the public roots, any of their certificates would pass; use verify-full)".into());
        }
        let verify = match (tls.mode, &tls.root_cert) {
            (SslMode::VerifyFull, _) => Verify::Full,
            // libpq: `require` with a root certificate checks the chain, as verify-ca.
            (SslMode::VerifyCa, _) | (SslMode::Require, Some(_)) => Verify::Chain,
            _ => Verify::Nothing,
        };
        let config = match verify {
            Verify::Full => builder.with_webpki_verifier(webpki),
            other => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Verifier {
                    inner: webpki,
                    chain: other == Verify::Chain,
                    provider,
                })),
        };
        Ok(config.with_no_client_auth())
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Verify {
        Full,
        Chain,
        Nothing,
    }

    /// `verify-ca`: the chain, not the host name; `prefer`/`require`: nothing (the
    /// connection is encrypted, its peer unchecked, as libpq does). The handshake's
    /// signatures are checked either way.
    #[derive(Debug)]
    struct Verifier {
        inner: Arc<rustls::client::WebPkiServerVerifier>,
        chain: bool,
        provider: Arc<rustls::crypto::CryptoProvider>,
    }

    impl ServerCertVerifier for Verifier {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            if !self.chain {
                return Ok(ServerCertVerified::assertion());
            }
            match self
                .inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            {
                Err(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::NotValidForName
                    | rustls::CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_parameters_come_out_of_the_url() {
        let (url, tls) = split(
            "postgres://app@db/shop?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=x",
            SslMode::Prefer,
        )
        .unwrap();
        assert_eq!(url, "postgres://app@db/shop?application_name=x");
        assert_eq!(tls.mode, SslMode::VerifyFull);
        assert_eq!(
            tls.root_cert.as_deref(),
            Some(std::path::Path::new("/etc/ca.pem"))
        );
        let (url, tls) = split("mysql://root@db/test?ssl-mode=REQUIRED", SslMode::Disable).unwrap();
        assert_eq!(
            (url.as_str(), tls.mode),
            ("mysql://root@db/test", SslMode::Require)
        );
        let (url, tls) = split("host=db sslmode=verify-ca dbname=shop", SslMode::Prefer).unwrap();
        assert_eq!(
            (url.as_str(), tls.mode),
            ("host=db dbname=shop", SslMode::VerifyCa)
        );
        assert_eq!(
            split("postgres://db/x?sslmode=sometimes", SslMode::Prefer).unwrap_err(),
            "`sslmode=sometimes` is not a TLS mode: use disable, prefer, require, verify-ca or verify-full"
        );
        let (url, tls) = split("postgres://db/x", SslMode::Prefer).unwrap();
        assert_eq!(
            (url.as_str(), tls.mode, tls.root_cert),
            ("postgres://db/x", SslMode::Prefer, None)
        );
    }
}

/// A PostgreSQL connection's TLS, ready to connect with: none, or rustls's.
#[cfg(feature = "postgres")]
#[derive(Clone)]
pub(crate) enum PgTls {
    Plain,
    #[cfg(feature = "tls")]
    Rustls(tokio_postgres_rustls::MakeRustlsConnect),
}

#[cfg(feature = "postgres")]
impl PgTls {
    /// The config (without its TLS parameters) and the TLS of a PostgreSQL URL; the
    /// error says why not (a mode without the `tls` feature, an unreadable root).
    pub fn from_url(url: &str) -> Result<(String, PgTls, SslMode), String> {
        let (url, tls) = split(url, SslMode::Prefer)?;
        let connector = match tls.mode {
            SslMode::Disable => PgTls::Plain,
            #[cfg(feature = "tls")]
            _ => PgTls::Rustls(tokio_postgres_rustls::MakeRustlsConnect::new(
                client_config(&tls)?,
            )),
            #[cfg(not(feature = "tls"))]
            _ => match missing_feature(&tls) {
                Some(why) => return Err(why),
                None => PgTls::Plain,
            },
        };
        Ok((url, connector, tls.mode))
    }

    /// Sets the driver's own mode (it knows disable, prefer and require).
    pub fn configure(config: &mut postgres::Config, mode: SslMode) {
        config.ssl_mode(match mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
    }

    /// Connects with this TLS.
    pub fn connect(self, config: &postgres::Config) -> Result<postgres::Client, postgres::Error> {
        match self {
            PgTls::Plain => config.connect(postgres::NoTls),
            #[cfg(feature = "tls")]
            PgTls::Rustls(connector) => config.connect(connector),
        }
    }
}

/// The TLS options of a MySQL URL (without its TLS parameters), for the driver.
#[cfg(feature = "mysql")]
pub(crate) fn mysql_options(
    url: &str,
) -> Result<(String, Option<mysql::SslOpts>, SslMode), String> {
    let (url, tls) = split(url, SslMode::Disable)?;
    if tls.mode == SslMode::Disable {
        return Ok((url, None, tls.mode));
    }
    #[cfg(not(feature = "tls"))]
    {
        match missing_feature(&tls) {
            Some(why) => Err(why),
            None => Ok((url, None, tls.mode)),
        }
    }
    #[cfg(feature = "tls")]
    {
        // The driver trusts the public roots beside `ssl-ca`: a check of the chain
        // alone would pass any certificate a public CA signed. Only the full check.
        if tls.mode == SslMode::VerifyCa {
            return Err("`ssl-mode=VERIFY_CA` can't be honoured (the MySQL driver trusts the public roots beside `ssl-ca`, so any of their certificates would pass): use VERIFY_IDENTITY".into());
        }
        // The driver builds its rustls configuration with the process's provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let full = tls.mode == SslMode::VerifyFull;
        let ssl = mysql::SslOpts::default()
            .with_root_cert_path(tls.root_cert.clone())
            .with_danger_accept_invalid_certs(!full)
            .with_danger_skip_domain_validation(!full);
        Ok((url, Some(ssl), tls.mode))
    }
}
