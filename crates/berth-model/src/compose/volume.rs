//! `types.VolumeConfig` (top-level `volumes`) and `types.ServiceVolumeConfig` (a service's
//! mounts, always in the long form after loading) with their per-type options.

use serde::Deserialize;

use super::{string_enum, Extensions, Mapping};

/// A top-level named volume (`types.VolumeConfig`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Volume {
    /// The engine-side name (`<project>_<key>` unless set); always set after loading.
    pub name: String,
    pub driver: Option<String>,
    pub driver_opts: Mapping,
    /// Managed outside the project: never created nor removed.
    pub external: bool,
    pub labels: Mapping,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
    /// compose's `VolumeHash`, set by the loader's last phase.
    #[serde(skip)]
    pub config_hash: String,
}

/// One mount of a service (`types.ServiceVolumeConfig`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceVolume {
    /// Always set after loading.
    #[serde(rename = "type")]
    pub kind: Option<VolumeType>,
    /// Host path (bind, absolute after loading), volume key (volume), image (image); `None`
    /// for an anonymous volume or a tmpfs.
    pub source: Option<String>,
    /// The path in the container.
    pub target: String,
    pub read_only: bool,
    pub consistency: Option<String>,
    pub bind: Option<VolumeBind>,
    pub volume: Option<VolumeVolume>,
    pub tmpfs: Option<VolumeTmpfs>,
    pub image: Option<VolumeImage>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

string_enum! {
    /// A mount's type.
    VolumeType {
        Bind = "bind",
        Volume = "volume",
        Tmpfs = "tmpfs",
        Npipe = "npipe",
        Cluster = "cluster",
        Image = "image",
    }
}

/// Bind mount options (`types.ServiceVolumeBind`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VolumeBind {
    pub selinux: Option<SelinuxRelabel>,
    pub propagation: Option<BindPropagation>,
    /// Create the host path when missing (the short syntax sets it).
    pub create_host_path: bool,
    pub recursive: Option<BindRecursive>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

string_enum! {
    /// `bind.selinux`: relabel shared (`z`) or private (`Z`).
    SelinuxRelabel {
        Shared = "z",
        Private = "Z",
    }
}

string_enum! {
    /// `bind.propagation`.
    BindPropagation {
        Rprivate = "rprivate",
        Private = "private",
        Rshared = "rshared",
        Shared = "shared",
        Rslave = "rslave",
        Slave = "slave",
    }
}

string_enum! {
    /// `bind.recursive`.
    BindRecursive {
        Enabled = "enabled",
        Disabled = "disabled",
        Writable = "writable",
        Readonly = "readonly",
    }
}

/// Volume mount options (`types.ServiceVolumeVolume`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VolumeVolume {
    pub labels: Mapping,
    pub nocopy: bool,
    pub subpath: Option<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// tmpfs mount options (`types.ServiceVolumeTmpfs`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VolumeTmpfs {
    /// Bytes.
    pub size: Option<i64>,
    /// File mode bits (e.g. `0o1777`).
    pub mode: Option<u32>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// Image mount options (`types.ServiceVolumeImage`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VolumeImage {
    pub subpath: Option<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::map;
    use crate::value::Value;

    #[test]
    fn mounts_bind_by_type() {
        let v: ServiceVolume = from_value(&map(&[
            ("type", "bind".into()),
            ("source", "/host/data".into()),
            ("target", "/data".into()),
            ("read_only", true.into()),
            (
                "bind",
                map(&[("create_host_path", true.into()), ("selinux", "Z".into())]),
            ),
        ]))
        .unwrap();
        assert_eq!(v.kind, Some(VolumeType::Bind));
        assert_eq!(v.source.as_deref(), Some("/host/data"));
        assert_eq!(v.target, "/data");
        assert!(v.read_only);
        let bind = v.bind.unwrap();
        assert!(bind.create_host_path);
        assert_eq!(bind.selinux, Some(SelinuxRelabel::Private));

        let v: ServiceVolume = from_value(&map(&[
            ("type", "tmpfs".into()),
            ("target", "/run".into()),
            (
                "tmpfs",
                map(&[("size", Value::Int(65536)), ("mode", Value::Int(0o1777))]),
            ),
        ]))
        .unwrap();
        assert_eq!(v.kind, Some(VolumeType::Tmpfs));
        assert_eq!(v.source, None);
        let t = v.tmpfs.unwrap();
        assert_eq!((t.size, t.mode), (Some(65536), Some(0o1777)));

        let v: Volume = from_value(&map(&[
            ("name", "p_data".into()),
            ("external", true.into()),
        ]))
        .unwrap();
        assert_eq!(v.name, "p_data");
        assert!(v.external);
        assert_eq!(VolumeType::from("weird"), VolumeType::Other("weird".into()));
    }
}
