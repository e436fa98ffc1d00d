//! The compose model as plain Rust structs, compose-go's `types.Project` and friends: what the
//! commands that run containers work on.
//!
//! It sits after loading: the loader ends with `shape::decode`'s typed `Value` tree and
//! [`Project::from_model`] binds that tree to these structs. Every struct and field of the
//! `shape` tables has its counterpart here, in the same order, with Rust types for the Go
//! kinds:
//!
//! | shape `Kind`              | Rust type                                   |
//! |---------------------------|---------------------------------------------|
//! | `Str` / `Int` / floats    | `Option<String>` / `Option<i64>` / `Option<f32>` (absent = unset) |
//! | `Bool`, `External`        | `bool` (absent = false)                     |
//! | `Duration`                | [`GoDuration`] (nanoseconds)                |
//! | `UnitBytes`               | `i64` bytes                                 |
//! | `FileMode`                | `u32`                                       |
//! | `ShellCommand`            | `Option<Vec<String>>` (nil ≠ empty)         |
//! | string lists              | `Vec<String>`                               |
//! | `Mapping`                 | [`Mapping`] (`IndexMap<String, String>`)    |
//! | `MappingWithEquals`       | [`MappingWithEquals`] (`IndexMap<String, Option<String>>`) |
//! | maps of structs           | `IndexMap<String, T>` (`Option<T>` values for `*T`) |
//! | closed sets of strings    | enums with an `Other(String)` fallback      |
//! | inline `Extensions`       | `extensions: IndexMap<String, Value>`       |
//!
//! Pure data and pure functions; binding never panics on a malformed model, it returns a
//! [`ModelError`] naming the field.

mod de;

mod build;
mod deploy;
mod develop;
mod healthcheck;
mod model;
mod network;
mod ports;
mod project;
mod secret_config;
mod service;
mod volume;

pub use build::Build;
pub use de::{from_value, ModelError};
pub use deploy::{
    Deploy, DeployMode, DeviceRequest, DiscreteGenericResource, EndpointMode, FailureAction,
    GenericResource, Placement, PlacementPreference, Resource, Resources, RestartCondition,
    RestartPolicy, UpdateConfig, UpdateOrder,
};
pub use develop::{Develop, ServiceHook, Trigger, WatchAction};
pub use healthcheck::Healthcheck;
pub use model::{ModelConfig, ServiceModel};
pub use network::{Ipam, IpamPool, Network, ServiceNetwork};
pub use ports::{PortMode, Protocol, ServicePort};
pub use project::{ContainerNameConflict, Project, Separator};
pub use secret_config::{FileObject, FileReference};
pub use service::{
    Blkio, CredentialSpec, DependencyCondition, DeviceMapping, EnvFile, Extends, Logging,
    PullPolicy, Restart, Service, ServiceDependency, ServiceProvider, ThrottleDevice, Ulimit,
    WeightDevice,
};
pub use volume::{
    BindPropagation, BindRecursive, SelinuxRelabel, ServiceVolume, Volume, VolumeBind, VolumeImage,
    VolumeTmpfs, VolumeType, VolumeVolume,
};

use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::value::Value;

/// `types.Mapping` / `Labels` / `Options`: ordered string pairs.
pub type Mapping = IndexMap<String, String>;

/// `types.MappingWithEquals`: a key without a value (`environment: [FOO]`) is `None`.
pub type MappingWithEquals = IndexMap<String, Option<String>>;

/// `types.MultiOptions`: each key has a list of values.
pub type MultiOptions = IndexMap<String, Vec<String>>;

/// A struct's `x-*` keys, in file order.
pub type Extensions = IndexMap<String, Value>;

/// A Go `time.Duration` (compose's `types.Duration`): nanoseconds, possibly negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GoDuration(pub i64);

impl GoDuration {
    pub fn from_secs(secs: i64) -> Self {
        GoDuration(secs.saturating_mul(1_000_000_000))
    }
    pub fn nanos(self) -> i64 {
        self.0
    }
    /// The duration as a `std` one; `None` when negative.
    pub fn to_std(self) -> Option<std::time::Duration> {
        u64::try_from(self.0)
            .ok()
            .map(std::time::Duration::from_nanos)
    }
    /// Parses compose's duration syntax (Go's, plus `d` and `w` units).
    pub fn parse(text: &str) -> Result<Self, String> {
        crate::gofmt::parse_duration(text).map(GoDuration)
    }
}

/// Go's `Duration.String()`: `1m30s`.
impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::gofmt::format_duration(self.0))
    }
}

/// The typed tree holds durations as Go duration strings; a bare integer is nanoseconds.
impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = GoDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<GoDuration, E> {
                GoDuration::parse(s).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<GoDuration, E> {
                Ok(GoDuration(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<GoDuration, E> {
                i64::try_from(n)
                    .map(GoDuration)
                    .map_err(|_| E::custom("duration out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Declares an enum over a set of compose strings with an `Other(String)` fallback, so that a
/// value the set does not know (the schema allows any string, or a newer compose adds one)
/// still binds and round-trips.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value outside the known set, verbatim.
            Other(String),
        }

        impl $name {
            /// The compose spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(s.as_str()))
            }
        }
    };
}
pub(crate) use string_enum;

#[cfg(test)]
pub(crate) mod test_support {
    use crate::value::Value;

    /// A sequence of strings.
    pub fn strs(items: &[&str]) -> Value {
        Value::Seq(items.iter().map(|s| Value::from(*s)).collect())
    }

    /// A mapping from pairs.
    pub fn map(pairs: &[(&str, Value)]) -> Value {
        Value::from_pairs(pairs.iter().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::shape;
    use std::cell::Cell;

    type Fields = Option<&'static [&'static str]>;

    /// A deserializer that only records the field list a struct asks for.
    struct FieldRecorder<'a>(&'a Cell<Fields>);

    impl<'de> serde::Deserializer<'de> for FieldRecorder<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(Some(fields));
            Err(serde::de::Error::custom("recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    fn fields_of<T: serde::de::DeserializeOwned>() -> Vec<&'static str> {
        let cell = Cell::new(None);
        let _ = T::deserialize(FieldRecorder(&cell));
        cell.get().expect("a struct").to_vec()
    }

    /// Every struct of the shape tables has a Rust struct with the same fields in the same
    /// order, plus the extensions pseudo field exactly where Go has `Extensions`.
    #[test]
    fn every_shape_struct_and_field_has_its_rust_counterpart() {
        let table: Vec<(&shape::Struct, Vec<&str>)> = vec![
            (&shape::PROJECT, fields_of::<Project>()),
            (&shape::SERVICE, fields_of::<Service>()),
            (&shape::PROVIDER, fields_of::<ServiceProvider>()),
            (&shape::BUILD, fields_of::<Build>()),
            (&shape::BLKIO, fields_of::<Blkio>()),
            (&shape::WEIGHT_DEVICE, fields_of::<WeightDevice>()),
            (&shape::THROTTLE_DEVICE, fields_of::<ThrottleDevice>()),
            (&shape::DEVICE_MAPPING, fields_of::<DeviceMapping>()),
            (&shape::DEVICE_REQUEST, fields_of::<DeviceRequest>()),
            (&shape::LOGGING, fields_of::<Logging>()),
            (&shape::DEPLOY, fields_of::<Deploy>()),
            (&shape::UPDATE_CONFIG, fields_of::<UpdateConfig>()),
            (&shape::RESOURCES, fields_of::<Resources>()),
            (&shape::RESOURCE, fields_of::<Resource>()),
            (&shape::GENERIC_RESOURCE, fields_of::<GenericResource>()),
            (
                &shape::DISCRETE_RESOURCE,
                fields_of::<DiscreteGenericResource>(),
            ),
            (&shape::RESTART_POLICY, fields_of::<RestartPolicy>()),
            (&shape::PLACEMENT, fields_of::<Placement>()),
            (&shape::PLACEMENT_PREF, fields_of::<PlacementPreference>()),
            (&shape::SERVICE_NETWORK, fields_of::<ServiceNetwork>()),
            (&shape::PORT, fields_of::<ServicePort>()),
            (&shape::SERVICE_VOLUME, fields_of::<ServiceVolume>()),
            (&shape::VOLUME_BIND, fields_of::<VolumeBind>()),
            (&shape::VOLUME_VOLUME, fields_of::<VolumeVolume>()),
            (&shape::VOLUME_TMPFS, fields_of::<VolumeTmpfs>()),
            (&shape::VOLUME_IMAGE, fields_of::<VolumeImage>()),
            (&shape::FILE_REF, fields_of::<FileReference>()),
            (&shape::NETWORK, fields_of::<Network>()),
            (&shape::IPAM, fields_of::<Ipam>()),
            (&shape::IPAM_POOL, fields_of::<IpamPool>()),
            (&shape::VOLUME, fields_of::<Volume>()),
            (&shape::SECRET, fields_of::<FileObject>()),
            (&shape::CONFIG, fields_of::<FileObject>()),
            (&shape::MODEL, fields_of::<ModelConfig>()),
            (&shape::SERVICE_MODEL, fields_of::<ServiceModel>()),
            (&shape::CREDENTIAL_SPEC, fields_of::<CredentialSpec>()),
            (&shape::DEPENDS_ON, fields_of::<ServiceDependency>()),
            (&shape::EXTENDS, fields_of::<Extends>()),
            (&shape::HEALTHCHECK, fields_of::<Healthcheck>()),
            (&shape::DEVELOP, fields_of::<Develop>()),
            (&shape::TRIGGER, fields_of::<Trigger>()),
            (&shape::SERVICE_HOOK, fields_of::<ServiceHook>()),
        ];
        for s in shape::ALL {
            assert!(
                table.iter().any(|(t, _)| std::ptr::eq(*t, *s)),
                "{} has no Rust struct",
                s.name
            );
        }
        for (s, rust) in &table {
            let mut want: Vec<&str> = s.fields.iter().map(|f| f.key).collect();
            if s.extensions {
                want.push(de::EXTENSIONS);
            }
            assert_eq!(rust, &want, "{}", s.name);
        }
    }

    #[test]
    fn durations_parse_and_print_like_go() {
        let d: GoDuration = from_value(&Value::from("1m30s")).unwrap();
        assert_eq!(d, GoDuration::from_secs(90));
        assert_eq!(d.to_std(), Some(std::time::Duration::from_secs(90)));
        assert_eq!(d.to_string(), "1m30s");
        let d: GoDuration = from_value(&Value::from("1d")).unwrap();
        assert_eq!(d, GoDuration::from_secs(86_400));
        assert_eq!(GoDuration(-1).to_std(), None);
        let e = from_value::<GoDuration>(&Value::from("10x")).unwrap_err();
        assert_eq!(e.message, "time: unknown unit \"x\" in duration \"10x\"");
    }
}
