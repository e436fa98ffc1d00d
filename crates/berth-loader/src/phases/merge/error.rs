//! Merge phase, errors: one enum for merging and unicity, worded as compose-go words them.

use thiserror::Error;

/// Why two compose models could not be merged or deduplicated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MergeError {
    /// The override has another kind than the base at the same path (mapping vs. sequence, or a
    /// container vs. a scalar).
    #[error("cannot override {path}")]
    CannotOverride { path: String },
    /// A value of an unexpected kind where the rule needs a sequence or a string.
    #[error("{path}: unexpected type {go_type}")]
    UnexpectedType { path: String, go_type: &'static str },
    /// compose-go uses the same wording for bad `expose`, `secrets` and `configs` entries.
    #[error("{path}: unsupported expose value {value}")]
    UnsupportedValue { path: String, value: String },
    #[error("service volume {path} is missing a mount target")]
    VolumeMissingTarget { path: String },
    #[error("service device {path} is missing a mount target")]
    DeviceMissingTarget { path: String },
    #[error("service ports {path} is missing a target port")]
    PortMissingTarget { path: String },
    #[error("environment path attribute {path} is missing")]
    EnvFileMissingPath { path: String },
    #[error("invalid empty volume spec")]
    EmptyVolumeSpec,
    #[error("invalid spec: {spec}: {reason}")]
    InvalidVolumeSpec { spec: String, reason: &'static str },
    /// `merge` was handed something other than two mappings.
    #[error("top-level object must be a mapping")]
    NotAMapping,
}
