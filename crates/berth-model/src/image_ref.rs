//! Image references as docker normalises them (distribution's `reference.ParseDockerRef`):
//! `busybox` is `docker.io/library/busybox:latest`, and a reference with both a tag and a
//! digest keeps only the digest.
//!
//! Written here because the crates that parse references (oci-spec, oci-client) bring a
//! registry client or a large type tree for these forty lines.

use std::fmt;

/// A normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry, e.g. `docker.io` or `127.0.0.1:5000`.
    pub domain: String,
    /// The repository path, e.g. `library/busybox`.
    pub path: String,
    pub tag: Option<String>,
    /// `sha256:…`
    pub digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageRefError {
    #[error("invalid reference format")]
    Invalid,
    #[error("invalid reference format: repository name ({0}) must be lowercase")]
    Uppercase(String),
}

const DEFAULT_DOMAIN: &str = "docker.io";

impl ImageRef {
    /// Parses and normalises like `reference.ParseDockerRef`.
    pub fn parse_docker_ref(s: &str) -> Result<ImageRef, ImageRefError> {
        if s.is_empty() || s.contains(char::is_whitespace) {
            return Err(ImageRefError::Invalid);
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => {
                let (algo, hex) = d.split_once(':').ok_or(ImageRefError::Invalid)?;
                if algo.is_empty() || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit())
                {
                    return Err(ImageRefError::Invalid);
                }
                (r, Some(d.to_string()))
            }
            None => (s, None),
        };
        // A tag is after the last ':' that follows the last '/' (a ':' before it is a port).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (&rest[..at], Some(rest[at + 1..].to_string()))
            }
            None => (rest, None),
        };
        if name.is_empty() || tag.as_deref() == Some("") {
            return Err(ImageRefError::Invalid);
        }
        let (domain, path) = match name.split_once('/') {
            Some((first, remainder))
                if first.contains('.')
                    || first.contains(':')
                    || first == "localhost"
                    || first.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                (first.to_string(), remainder.to_string())
            }
            _ => (DEFAULT_DOMAIN.to_string(), name.to_string()),
        };
        let path = if domain == DEFAULT_DOMAIN && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        if path.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(ImageRefError::Uppercase(path));
        }
        if !path.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        }) {
            return Err(ImageRefError::Invalid);
        }
        // ParseDockerRef: tag and digest → digest only; neither → `latest`.
        let tag = match (&tag, &digest) {
            (_, Some(_)) => None,
            (None, None) => Some("latest".to_string()),
            (Some(_), None) => tag,
        };
        Ok(ImageRef {
            domain,
            path,
            tag,
            digest,
        })
    }

    /// `domain/path`, without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name())?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:9d7962f52256c0283df40a9037769c4c01d3e3a41a5a8473e78cce0218e2638b";

    fn norm(s: &str) -> String {
        ImageRef::parse_docker_ref(s).unwrap().to_string()
    }

    #[test]
    fn normalises_as_docker_does() {
        assert_eq!(norm("busybox"), "docker.io/library/busybox:latest");
        assert_eq!(norm("busybox:1.36"), "docker.io/library/busybox:1.36");
        assert_eq!(norm("me/app"), "docker.io/me/app:latest");
        assert_eq!(norm("127.0.0.1:5000/a/b:v"), "127.0.0.1:5000/a/b:v");
        assert_eq!(norm("localhost/x"), "localhost/x:latest");
        assert_eq!(
            norm(&format!("busybox:1.36@{D}")),
            format!("docker.io/library/busybox@{D}")
        );
        assert_eq!(
            norm(&format!("127.0.0.1:5000/a@{D}")),
            format!("127.0.0.1:5000/a@{D}")
        );
    }

    #[test]
    fn rejects_what_docker_rejects() {
        assert!(ImageRef::parse_docker_ref("Busybox").is_err());
        assert!(ImageRef::parse_docker_ref("busybox:").is_err());
        assert!(ImageRef::parse_docker_ref("a b").is_err());
        assert!(ImageRef::parse_docker_ref("busybox@sha256:xyz").is_err());
    }
}
