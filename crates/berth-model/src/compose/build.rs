//! `types.BuildConfig`: how to build a service's image.

use indexmap::IndexMap;
use serde::Deserialize;

use super::{Extensions, FileReference, Mapping, MappingWithEquals, Ulimit};

/// A service's `build` section (`types.BuildConfig`), fields in compose-go's order.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Build {
    /// The build context: an absolute path after loading, or a URL.
    pub context: Option<String>,
    pub dockerfile: Option<String>,
    pub dockerfile_inline: Option<String>,
    pub entitlements: Vec<String>,
    /// Build arguments; `None` values take the value from the environment, if any.
    pub args: MappingWithEquals,
    pub provenance: Option<String>,
    pub sbom: Option<String>,
    /// SSH agent sockets or keys by id (`default` → `None` means the agent).
    pub ssh: IndexMap<String, Option<String>>,
    pub labels: Mapping,
    pub cache_from: Vec<String>,
    pub cache_to: Vec<String>,
    pub no_cache: bool,
    pub additional_contexts: Mapping,
    pub pull: bool,
    /// `host=ip` entries, sorted.
    pub extra_hosts: Vec<String>,
    pub isolation: Option<String>,
    pub network: Option<String>,
    pub target: Option<String>,
    pub secrets: Vec<FileReference>,
    /// Bytes.
    pub shm_size: Option<i64>,
    pub tags: Vec<String>,
    pub ulimits: IndexMap<String, Ulimit>,
    pub platforms: Vec<String>,
    pub privileged: bool,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::{map, strs};
    use crate::value::Value;

    #[test]
    fn a_build_binds() {
        let b: Build = from_value(&map(&[
            ("context", "/src/app".into()),
            ("dockerfile", "Dockerfile.dev".into()),
            ("args", map(&[("A", "1".into()), ("B", Value::Null)])),
            (
                "ssh",
                map(&[("default", Value::Null), ("k", "/key".into())]),
            ),
            ("cache_from", strs(&["a", "b"])),
            ("shm_size", Value::Int(1 << 20)),
            ("secrets", Value::Seq(vec![map(&[("source", "s".into())])])),
            ("no_cache", true.into()),
        ]))
        .unwrap();
        assert_eq!(b.context.as_deref(), Some("/src/app"));
        assert_eq!(b.dockerfile.as_deref(), Some("Dockerfile.dev"));
        assert_eq!(b.args["B"], None);
        assert_eq!(b.ssh["default"], None);
        assert_eq!(b.ssh["k"].as_deref(), Some("/key"));
        assert_eq!(b.cache_from, ["a", "b"]);
        assert_eq!(b.shm_size, Some(1_048_576));
        assert_eq!(b.secrets[0].source, "s");
        assert!(b.no_cache && !b.pull);
    }
}
