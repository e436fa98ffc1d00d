//! Phase paths: after `defaults`, makes the model's relative host paths absolute against the
//! project working directory and expands a leading `~` (compose-go `paths.ResolveRelativePaths`).
//!
//! Input: the merged canonical dict with defaults (env_file entries are maps, volumes long
//! form). Remote build contexts (URLs, git refs, `service:`/`docker-image://` contexts) and
//! remote extends files are left alone. Only `develop.watch.*.path` touches the filesystem,
//! to resolve symbolic links as compose-go does.

use super::tree::{Path, RuleTree, LIST_ITEM};
use crate::Diagnostics;
use berth_model::golang::{join, type_name};
use berth_model::Value;

/// Why a path could not be resolved (compose-go's wording).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathsError {
    #[error("unexpected type {0}")]
    UnexpectedType(&'static str),
    #[error("invalid mount config for type \"bind\": field Source must not be empty")]
    BindWithoutSource,
    #[error("{path}: {message}")]
    Symlink { path: String, message: String },
}

/// How one kind of path is made absolute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolver {
    /// A local path (or list of them), joined to the working directory.
    Abs,
    /// A build context: remote URLs, git refs and named contexts stay as written.
    Context,
    /// A path that may already be absolute for Windows; non-strings are left alone.
    MaybeUnix,
    /// An extends file, unless a remote loader accepts it.
    Extends,
    /// A watched path, with symbolic links resolved.
    SymbolicLink,
    /// A service mount: only `type: bind` sources are host paths.
    VolumeMount,
    /// A top-level volume: the device of a local `o: bind` driver is a host path.
    VolumeDriverOpts,
}

/// Which paths hold host paths (compose-go `paths/resolve.go`). The `include.*` rules are
/// compose-go's; includes are already loaded by then, so they rarely fire.
const RESOLVERS: &[(&str, Resolver)] = &[
    ("services.*.build.context", Resolver::Context),
    ("services.*.build.additional_contexts.*", Resolver::Context),
    ("services.*.build.ssh.*", Resolver::MaybeUnix),
    ("services.*.env_file.*.path", Resolver::Abs),
    ("services.*.label_file.*", Resolver::Abs),
    ("services.*.extends.file", Resolver::Extends),
    ("services.*.develop.watch.*.path", Resolver::SymbolicLink),
    ("services.*.volumes.*", Resolver::VolumeMount),
    ("configs.*.file", Resolver::MaybeUnix),
    ("secrets.*.file", Resolver::MaybeUnix),
    ("include.path", Resolver::Abs),
    ("include.project_directory", Resolver::Abs),
    ("include.env_file", Resolver::Abs),
    ("volumes.*", Resolver::VolumeDriverOpts),
];

/// Build contexts with these prefixes are fetched by the builder, not read from disk
/// (buildkit's list, as compose-go keeps it).
const REMOTE_CONTEXT_PREFIXES: &[&str] = &[
    "https://",
    "http://",
    "git://",
    "ssh://",
    "github.com/",
    "git@",
];

/// Whether docker compose's remote resource loaders (git, oci) would accept a path.
pub fn is_remote_resource(path: &str) -> bool {
    path.starts_with("oci://")
        || REMOTE_CONTEXT_PREFIXES
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

struct Resolve<'a> {
    working_dir: &'a str,
    home: Option<&'a str>,
    is_remote: &'a dyn Fn(&str) -> bool,
    diagnostics: &'a mut Diagnostics,
}

/// Makes relative paths absolute against `working_dir`; `home` expands `~` (none: kept).
pub fn resolve_relative_paths(
    dict: &mut Value,
    working_dir: &str,
    home: Option<&str>,
) -> Result<(), PathsError> {
    resolve_relative_paths_with(
        dict,
        working_dir,
        home,
        &is_remote_resource,
        &mut Diagnostics::default(),
    )
}

/// [`resolve_relative_paths`] with the remote-resource test and a place for warnings.
pub fn resolve_relative_paths_with(
    dict: &mut Value,
    working_dir: &str,
    home: Option<&str>,
    is_remote: &dyn Fn(&str) -> bool,
    diagnostics: &mut Diagnostics,
) -> Result<(), PathsError> {
    let mut r = Resolve {
        working_dir,
        home,
        is_remote,
        diagnostics,
    };
    r.walk(dict, &Path::root())
}

impl Resolve<'_> {
    fn walk(&mut self, value: &mut Value, p: &Path) -> Result<(), PathsError> {
        static TREE: std::sync::LazyLock<RuleTree<Resolver>> =
            std::sync::LazyLock::new(|| RuleTree::new(RESOLVERS));
        if let Some(resolver) = TREE.at(p) {
            return self.apply(*resolver, value, p);
        }
        if !TREE.below(p) {
            return Ok(());
        }
        match value {
            Value::Map(m) => {
                for (k, v) in m.iter_mut() {
                    self.walk(v, &p.next(k))?;
                }
            }
            Value::Seq(items) => {
                let child = p.next(LIST_ITEM);
                for v in items.iter_mut() {
                    self.walk(v, &child)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn apply(&mut self, resolver: Resolver, value: &mut Value, p: &Path) -> Result<(), PathsError> {
        match resolver {
            Resolver::Abs => self.abs_path(value),
            Resolver::Context => match value {
                Value::String(s) if is_remote_context(s) => Ok(()),
                _ => self.abs_path(value),
            },
            Resolver::Extends => match value {
                Value::String(s) if (self.is_remote)(s) => Ok(()),
                _ => self.abs_path(value),
            },
            Resolver::MaybeUnix => {
                if let Value::String(s) = value {
                    *s = self.maybe_unix_path(s);
                }
                Ok(())
            }
            Resolver::SymbolicLink => {
                self.abs_path(value)?;
                if let Value::String(s) = value {
                    *s = resolve_symbolic_link(s).map_err(|message| PathsError::Symlink {
                        path: p.to_string(),
                        message,
                    })?;
                }
                Ok(())
            }
            Resolver::VolumeMount => {
                let Value::Map(vol) = value else {
                    // Not canonical (short syntax kept by --no-interpolate): skip.
                    return Ok(());
                };
                if vol.get("type").and_then(Value::as_str) != Some("bind") {
                    return Ok(());
                }
                match vol.get_mut("source") {
                    None => Err(PathsError::BindWithoutSource),
                    Some(Value::String(s)) => {
                        *s = self.maybe_unix_path(s);
                        Ok(())
                    }
                    Some(_) => Ok(()),
                }
            }
            Resolver::VolumeDriverOpts => {
                let Value::Map(vol) = value else {
                    return Ok(());
                };
                if vol.get("driver").and_then(Value::as_str) != Some("local") {
                    return Ok(());
                }
                let Some(Value::Map(opts)) = vol.get_mut("driver_opts") else {
                    return Ok(());
                };
                if opts.get("o").and_then(Value::as_str) != Some("bind") {
                    return Ok(());
                }
                if let Some(Value::String(device)) = opts.get_mut("device") {
                    *device = self.maybe_unix_path(device);
                }
                Ok(())
            }
        }
    }

    /// compose-go `ExpandUser`: `~` (and, as Go's `filepath.Join` does, `~user`) under home.
    fn expand_user(&mut self, p: &str) -> String {
        let Some(rest) = p.strip_prefix('~') else {
            return p.to_string();
        };
        match self.home {
            Some(home) => join(home, rest),
            None => {
                self.diagnostics
                    .warn("cannot expand '~', because the environment lacks HOME");
                p.to_string()
            }
        }
    }

    fn abs_path(&mut self, value: &mut Value) -> Result<(), PathsError> {
        match value {
            Value::Seq(items) => items.iter_mut().try_for_each(|item| self.abs_path(item)),
            Value::String(s) => {
                let expanded = self.expand_user(s);
                // Absolute paths are kept as written (not cleaned), like compose-go.
                *s = if expanded.starts_with('/') || expanded.is_empty() {
                    expanded
                } else {
                    join(self.working_dir, &expanded)
                };
                Ok(())
            }
            other => Err(PathsError::UnexpectedType(type_name(other))),
        }
    }

    /// Joins a relative path to the working directory unless it is absolute for unix or for
    /// Windows (a Windows client may talk to a unix engine and vice versa).
    fn maybe_unix_path(&mut self, p: &str) -> String {
        let expanded = self.expand_user(p);
        if expanded.starts_with('/') || is_windows_abs(&expanded) {
            expanded
        } else {
            join(self.working_dir, &expanded)
        }
    }
}

fn is_remote_context(context: &str) -> bool {
    context.contains("://")
        || context.starts_with("service:")
        || REMOTE_CONTEXT_PREFIXES
            .iter()
            .any(|prefix| context.starts_with(prefix))
}

fn is_separator(b: u8) -> bool {
    b == b'\\' || b == b'/'
}

/// Whether a path is absolute for Windows (`C:\x`, `\\host\share`, `\\?\...`), checked on
/// any platform (Go's `filepathlite` rules).
pub fn is_windows_abs(path: &str) -> bool {
    let b = path.as_bytes();
    let vol = windows_volume_len(b);
    if vol == 0 {
        return false;
    }
    if is_separator(b[0]) && b.len() > 1 && is_separator(b[1]) {
        return true;
    }
    b.get(vol).is_some_and(|c| is_separator(*c))
}

fn has_prefix_fold(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len()
        && prefix.iter().zip(s).all(|(p, c)| {
            if is_separator(*p) {
                is_separator(*c)
            } else {
                p.eq_ignore_ascii_case(c)
            }
        })
        && (s.len() == prefix.len() || is_separator(s[prefix.len()]))
}

fn unc_len(b: &[u8], prefix_len: usize) -> usize {
    let mut count = 0;
    for (i, c) in b.iter().enumerate().skip(prefix_len) {
        if is_separator(*c) {
            count += 1;
            if count == 2 {
                return i;
            }
        }
    }
    b.len()
}

fn windows_volume_len(b: &[u8]) -> usize {
    if b.len() >= 2 && b[1] == b':' {
        return 2;
    }
    if b.is_empty() || !is_separator(b[0]) {
        return 0;
    }
    if has_prefix_fold(b, b"\\\\.\\UNC") {
        return unc_len(b, b"\\\\.\\UNC\\".len());
    }
    if has_prefix_fold(b, b"\\\\.") || has_prefix_fold(b, b"\\\\?") || has_prefix_fold(b, b"\\??") {
        if b.len() == 3 {
            return 3;
        }
        let rest = &b[4.min(b.len())..];
        return match rest.iter().position(|c| is_separator(*c)) {
            Some(i) => 4 + i,
            None => b.len(),
        };
    }
    if b.len() >= 2 && is_separator(b[1]) {
        return unc_len(b, 2);
    }
    0
}

/// Replaces the first symbolic-link prefix of an absolute path by its target, as
/// compose-go's `utils.ResolveSymbolicLink` (only the first link met is resolved).
fn resolve_symbolic_link(path: &str) -> Result<String, String> {
    let mut current = if path.starts_with('/') {
        "/".to_string()
    } else {
        String::new()
    };
    for part in path.split('/').filter(|p| !p.is_empty()) {
        current = join(&current, part);
        let is_link = std::fs::symlink_metadata(&current)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false);
        if is_link {
            let target = std::fs::canonicalize(&current).map_err(|e| e.to_string())?;
            return Ok(path.replacen(&current, &target.to_string_lossy(), 1));
        }
    }
    Ok(path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phases::canonical::tests::v;
    use crate::phases::tree::overlapping_patterns;
    use serde_json::json;

    #[test]
    fn no_path_matches_two_rules() {
        assert_eq!(overlapping_patterns(RESOLVERS), vec![]);
    }

    // What the reference printed for the same files in /tmp/transform-a and -b
    // (HOME=/home/u, project dir /w here).
    #[test]
    fn resolves_like_the_reference() {
        let mut dict = v(json!({
            "services": {
                "s": {
                    "build": {
                        "context": "https://github.com/x/y.git",
                        "dockerfile": "sub/Dockerfile",
                        "ssh": {"default": null, "k": "./key", "h": "~/key"},
                        "additional_contexts": {"a": "../a", "b": "docker-image://x",
                            "d": "git@github.com:x/y", "e": "service:foo"},
                    },
                    "env_file": [{"path": "a.env", "required": false}],
                    "label_file": ["./l.txt"],
                    "volumes": [
                        {"type": "bind", "source": "./src", "target": "/src"},
                        {"type": "bind", "source": "~/x", "target": "/x"},
                        {"type": "bind", "source": "rel", "target": "/rel"},
                        {"type": "bind", "source": "C:\\\\foo", "target": "/win"},
                        {"type": "volume", "source": "data", "target": "/data"},
                    ],
                    "extends": {"file": "../base.yaml", "service": "b"},
                },
                "t": {"build": {"context": "~/ctx"}},
            },
            "volumes": {
                "v": {"driver": "local", "driver_opts": {"o": "bind", "device": "./data"}},
                "w": {"driver_opts": {"o": "bind", "device": "./data"}},
            },
            "secrets": {"s": {"file": "~/sec"}},
            "configs": {"c": {"file": "./c1.txt"}},
        }));
        resolve_relative_paths(&mut dict, "/w", Some("/home/u")).unwrap();
        assert_eq!(
            dict,
            v(json!({
                "services": {
                    "s": {
                        "build": {
                            "context": "https://github.com/x/y.git",
                            "dockerfile": "sub/Dockerfile",
                            "ssh": {"default": null, "k": "/w/key", "h": "/home/u/key"},
                            "additional_contexts": {"a": "/a", "b": "docker-image://x",
                                "d": "git@github.com:x/y", "e": "service:foo"},
                        },
                        "env_file": [{"path": "/w/a.env", "required": false}],
                        "label_file": ["/w/l.txt"],
                        "volumes": [
                            {"type": "bind", "source": "/w/src", "target": "/src"},
                            {"type": "bind", "source": "/home/u/x", "target": "/x"},
                            {"type": "bind", "source": "/w/rel", "target": "/rel"},
                            {"type": "bind", "source": "C:\\\\foo", "target": "/win"},
                            {"type": "volume", "source": "data", "target": "/data"},
                        ],
                        "extends": {"file": "/base.yaml", "service": "b"},
                    },
                    "t": {"build": {"context": "/home/u/ctx"}},
                },
                "volumes": {
                    "v": {"driver": "local", "driver_opts": {"o": "bind", "device": "/w/data"}},
                    "w": {"driver_opts": {"o": "bind", "device": "./data"}},
                },
                "secrets": {"s": {"file": "/home/u/sec"}},
                "configs": {"c": {"file": "/w/c1.txt"}},
            }))
        );
    }

    #[test]
    fn bind_without_source() {
        let mut dict =
            v(json!({"services": {"s": {"volumes": [{"type": "bind", "target": "/x"}]}}}));
        assert_eq!(
            resolve_relative_paths(&mut dict, "/w", None)
                .unwrap_err()
                .to_string(),
            "invalid mount config for type \"bind\": field Source must not be empty"
        );
    }

    #[test]
    fn windows_absolute_paths() {
        assert!(is_windows_abs("C:\\foo"));
        assert!(is_windows_abs("c:/foo"));
        assert!(!is_windows_abs("c:foo"));
        assert!(is_windows_abs("\\\\host\\share"));
        assert!(!is_windows_abs("/unix"));
    }

    #[test]
    fn watch_path_follows_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        std::fs::create_dir(base.join("real")).unwrap();
        std::os::unix::fs::symlink(base.join("real"), base.join("link")).unwrap();
        let wd = base.to_string_lossy().to_string();
        let mut dict = v(json!({"services": {"s": {"develop": {"watch": [
            {"path": "./link/src", "action": "sync"}]}}}}));
        resolve_relative_paths(&mut dict, &wd, None).unwrap();
        let path = dict
            .get("services")
            .and_then(|s| s.get("s"))
            .and_then(|s| s.get("develop"))
            .and_then(|d| d.get("watch"))
            .and_then(|w| w.as_seq())
            .and_then(|w| w[0].get("path"))
            .cloned();
        assert_eq!(path, Some(Value::String(format!("{wd}/real/src"))));
    }
}
