//! File objects (top-level `secrets` and `configs`, compose-go's `SecretConfig` and
//! `ConfigObjConfig`) and a service's references to them (`FileReferenceConfig`).

use serde::Deserialize;

use super::{Extensions, Mapping};

/// A top-level secret or config: its content comes from exactly one of `file`,
/// `environment`, `content`, or it is `external`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileObject {
    /// The engine-side name; always set after loading.
    pub name: String,
    /// A host file (absolute after loading).
    pub file: Option<String>,
    /// An environment variable holding the content.
    pub environment: Option<String>,
    /// Inline content.
    pub content: Option<String>,
    pub external: bool,
    pub labels: Mapping,
    pub driver: Option<String>,
    pub driver_opts: Mapping,
    pub template_driver: Option<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// A top-level secret (`types.SecretConfig`).
pub type Secret = FileObject;
/// A top-level config (`types.ConfigObjConfig`).
pub type Config = FileObject;

/// A service's use of a secret or config (`types.ServiceSecretConfig` /
/// `ServiceConfigObjConfig`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileReference {
    /// The key in the top-level `secrets` / `configs`.
    pub source: String,
    /// Where it is mounted; see [`FileReference::secret_target`] and
    /// [`FileReference::config_target`] for the defaults.
    pub target: Option<String>,
    pub uid: Option<String>,
    pub gid: Option<String>,
    /// File mode bits (e.g. `0o440`).
    pub mode: Option<u32>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

impl FileReference {
    /// The path of a secret in the container: `/run/secrets/<source>` by default, a
    /// relative target under `/run/secrets/`.
    pub fn secret_target(&self) -> String {
        self.target_under("/run/secrets/")
    }

    /// The path of a config in the container: `/<source>` by default, a relative target
    /// under `/`.
    pub fn config_target(&self) -> String {
        self.target_under("/")
    }

    fn target_under(&self, base: &str) -> String {
        match self.target.as_deref() {
            None | Some("") => format!("{base}{}", self.source),
            Some(t) if is_abs_target(t) => t.to_string(),
            Some(t) => format!("{base}{t}"),
        }
    }
}

/// Absolute for Linux or Windows containers (`C:\x`, `\\server\share`).
fn is_abs_target(p: &str) -> bool {
    let b = p.as_bytes();
    let sep = |c: u8| c == b'/' || c == b'\\';
    p.starts_with('/')
        || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && sep(b[2]))
        || (b.len() >= 2 && sep(b[0]) && sep(b[1]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::map;
    use crate::value::Value;

    #[test]
    fn references_bind_and_default_their_targets() {
        let r: FileReference = from_value(&map(&[
            ("source", "db_pass".into()),
            ("uid", "103".into()),
            ("mode", Value::Int(0o440)),
        ]))
        .unwrap();
        assert_eq!(r.source, "db_pass");
        assert_eq!(r.uid.as_deref(), Some("103"));
        assert_eq!(r.mode, Some(0o440));
        assert_eq!(r.secret_target(), "/run/secrets/db_pass");
        assert_eq!(r.config_target(), "/db_pass");
        let rel = FileReference {
            target: Some("pw".into()),
            ..r.clone()
        };
        assert_eq!(rel.secret_target(), "/run/secrets/pw");
        let abs = FileReference {
            target: Some("/etc/pw".into()),
            ..r
        };
        assert_eq!(abs.secret_target(), "/etc/pw");
        assert_eq!(abs.config_target(), "/etc/pw");
        assert!(is_abs_target("C:\\x") && !is_abs_target("C:x"));
    }

    #[test]
    fn file_objects_bind() {
        let o: FileObject = from_value(&map(&[
            ("name", "p_token".into()),
            ("environment", "TOKEN".into()),
            ("x-#value", "ignored by decode, kept as an extension".into()),
        ]))
        .unwrap();
        assert_eq!(o.name, "p_token");
        assert_eq!(o.environment.as_deref(), Some("TOKEN"));
        assert_eq!(o.file, None);
        assert!(!o.external);
    }
}
