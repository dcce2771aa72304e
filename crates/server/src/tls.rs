//! HTTPS served by the server itself. Browsers give the microphone only to secure contexts, so an agent
//! whose page is not on `localhost` needs it: `--tls-cert`/`--tls-key` load the operator's certificate
//! (PEM), and `--tls-self-signed` makes one for a LAN trial — kept in the data directory so that the
//! fingerprint agents accepted stays the same across restarts, and made again when the names it must
//! cover change. Push and SIP WebSockets are on the same port, so they become WSS with it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::ConfigError;

/// A TLS identity the server presents, ready to serve.
#[derive(Clone)]
pub struct TlsConfig {
    pub(crate) server: Arc<ServerConfig>,
    /// SHA-256 of the leaf certificate, `AB:CD:…` (what a browser's certificate viewer shows).
    pub fingerprint: String,
    /// base64 SHA-256 of the leaf's public key (SPKI): the pin Chromium's
    /// `--ignore-certificate-errors-spki-list` and HPKP-style checks take. Known for generated certificates.
    pub spki_sha256: Option<String>,
    /// Where the certificate came from (for the start-up line).
    pub source: PathBuf,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("fingerprint", &self.fingerprint)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Names a generated certificate always covers, besides those asked for.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// File names inside `<data-dir>/tls/`.
const SELF_CERT: &str = "self-signed.crt";
const SELF_KEY: &str = "self-signed.key";
const SELF_NAMES: &str = "self-signed.names";

impl TlsConfig {
    /// The operator's certificate chain and private key, PEM files.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, ConfigError> {
        let bad = |what: &str, path: &Path, e: &dyn std::fmt::Display| {
            ConfigError::Tls(format!("{what} {}: {e}", path.display()))
        };
        let chain = CertificateDer::pem_file_iter(cert)
            .map_err(|e| bad("cannot read the certificate", cert, &e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad("not a PEM certificate chain:", cert, &e))?;
        if chain.is_empty() {
            return Err(bad(
                "no certificate in",
                cert,
                &"expected -----BEGIN CERTIFICATE-----",
            ));
        }
        let key_der = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| bad("cannot read a PEM private key from", key, &e))?;
        Self::build(chain, key_der, None, cert.to_path_buf())
    }

    /// A self-signed certificate for `names` (plus localhost and the loopback addresses) from
    /// `<data_dir>/tls/`, made there first if it is missing or was made for other names. The key file is
    /// readable by its owner only.
    pub fn self_signed(data_dir: &Path, names: &[String]) -> Result<Self, ConfigError> {
        let dir = data_dir.join("tls");
        let mut wanted: Vec<String> = LOOPBACK_NAMES.iter().map(|s| (*s).to_owned()).collect();
        for n in names {
            // DNS names are case-insensitive: one spelling, so that `CCC.lan` keeps `ccc.lan`'s certificate.
            let n = n.trim().to_ascii_lowercase();
            if !n.is_empty() && !wanted.contains(&n) {
                wanted.push(n);
            }
        }
        let names_line = wanted.join(",");
        let io = |what: &str, path: &Path, e: std::io::Error| {
            ConfigError::Tls(format!("{what} {}: {e}", path.display()))
        };
        let (cert_path, key_path, names_path) = (
            dir.join(SELF_CERT),
            dir.join(SELF_KEY),
            dir.join(SELF_NAMES),
        );
        let same_names = std::fs::read_to_string(&names_path)
            .is_ok_and(|kept| kept.trim() == names_line)
            && cert_path.is_file()
            && key_path.is_file();
        if !same_names {
            let made = rcgen::generate_simple_self_signed(wanted.clone()).map_err(|e| {
                ConfigError::Tls(format!("cannot make a certificate for {names_line}: {e}"))
            })?;
            std::fs::create_dir_all(&dir).map_err(|e| io("cannot create", &dir, e))?;
            write_private(&key_path, made.signing_key.serialize_pem().as_bytes())
                .map_err(|e| io("cannot write", &key_path, e))?;
            std::fs::write(&cert_path, made.cert.pem())
                .map_err(|e| io("cannot write", &cert_path, e))?;
            std::fs::write(&names_path, format!("{names_line}\n"))
                .map_err(|e| io("cannot write", &names_path, e))?;
            tracing::info!(names = %names_line, dir = %dir.display(), "made a self-signed certificate");
        }
        let key_pem =
            std::fs::read_to_string(&key_path).map_err(|e| io("cannot read", &key_path, e))?;
        let pair = rcgen::KeyPair::from_pem(&key_pem)
            .map_err(|e| ConfigError::Tls(format!("{}: {e}", key_path.display())))?;
        let spki = base64_std(&Sha256::digest(
            rcgen::PublicKeyData::subject_public_key_info(&pair),
        ));
        let mut tls = Self::from_pem_files(&cert_path, &key_path)?;
        tls.spki_sha256 = Some(spki);
        Ok(tls)
    }

    fn build(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        spki_sha256: Option<String>,
        source: PathBuf,
    ) -> Result<Self, ConfigError> {
        let fingerprint = fingerprint(&chain[0]);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ConfigError::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| {
                ConfigError::Tls(format!(
                    "the key does not fit the certificate {}: {e}",
                    source.display()
                ))
            })?;
        // Browsers speak HTTP/1.1 to us (the server has no HTTP/2 enabled); WebSockets need it anyway.
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsConfig {
            server: Arc::new(server),
            fingerprint,
            spki_sha256,
            source,
        })
    }
}

/// `AB:CD:…` — SHA-256 of a certificate.
fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Writes `bytes` to a new file only its owner can read (the private key).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        // An existing file keeps its mode through open(): narrow it too.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ccc-tls-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_self_signed_certificate_is_kept_and_made_again_for_other_names() {
        let dir = temp("kept");
        let first = TlsConfig::self_signed(&dir, &["ccc.lan".into()]).unwrap();
        assert_eq!(first.fingerprint.len(), 32 * 3 - 1, "{}", first.fingerprint);
        assert!(first.spki_sha256.as_deref().is_some_and(|s| s.len() == 44));
        let again = TlsConfig::self_signed(&dir, &["CCC.lan".into(), " ".into()]).unwrap();
        assert_eq!(
            again.fingerprint, first.fingerprint,
            "same names: the same certificate"
        );
        let other = TlsConfig::self_signed(&dir, &["pc-7.lan".into()]).unwrap();
        assert_ne!(
            other.fingerprint, first.fingerprint,
            "other names: a new certificate"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("tls").join(SELF_KEY))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_files_are_named_in_the_error() {
        let dir = temp("bad");
        std::fs::create_dir_all(&dir).unwrap();
        let junk = dir.join("junk.pem");
        std::fs::write(&junk, "not a certificate\n").unwrap();
        let missing = dir.join("missing.pem");
        let e = TlsConfig::from_pem_files(&missing, &junk)
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing.pem"), "{e}");
        let e = TlsConfig::from_pem_files(&junk, &junk)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no certificate in") && e.contains("junk.pem"),
            "{e}"
        );
        // A real certificate with another certificate's key.
        let a = TlsConfig::self_signed(&dir.join("a"), &[]).unwrap();
        let b = dir.join("b");
        TlsConfig::self_signed(&b, &["other".into()]).unwrap();
        let e = TlsConfig::from_pem_files(&a.source, &b.join("tls").join(SELF_KEY))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not fit"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
