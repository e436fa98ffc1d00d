//! The loader's error, one variant per way loading fails, worded as compose words it.

use crate::phases;
use crate::phases::parse::Pos;

/// Where in which file something went wrong, when known.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Location {
    pub file: String,
    pub pos: Option<Pos>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}", self.file, p.line, p.column),
            None => write!(f, "{}", self.file),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("no configuration file provided: not found")]
    NoConfigFile,
    #[error("no compose file specified")]
    NoFileSpecified,
    #[error("couldn't find env file: {0}")]
    EnvFileNotFound(String),
    #[error("{0} is a directory")]
    EnvFileIsDirectory(String),
    #[error("open {path}: {message}")]
    Read { path: String, message: String },
    /// A file that does not parse, found while looking for the project's name (compose
    /// reports these without naming the file; berth adds the location).
    #[error("{source}")]
    NameLookupParse {
        file: String,
        source: phases::parse::ParseError,
    },
    /// A file whose top level is not a mapping, found while looking for its `name`.
    #[error("yaml: unmarshal errors:\n  line {line}: cannot unmarshal !!{kind} into cli.named")]
    NameLookupNotMapping {
        file: String,
        line: usize,
        kind: &'static str,
    },
    #[error("stat {path}: no such file or directory")]
    ComposeFileNotFound { path: String },
    #[error("failed to parse {file}: {source}")]
    Parse {
        file: String,
        source: phases::parse::ParseError,
    },
    #[error("failed to parse env_file {file}: {source}")]
    RawEnv {
        file: String,
        source: phases::dotenv::RawEnvError,
    },
    #[error("failed to read {file}: {source}")]
    DotEnv {
        file: String,
        source: phases::dotenv::DotenvError,
    },
    #[error("top-level object must be a mapping")]
    TopLevelNotMapping { file: String },
    #[error("empty compose file")]
    EmptyFile,
    #[error("invalid project name {0:?}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number")]
    InvalidProjectName(String),
    #[error("project name must not be empty")]
    ProjectNameEmpty,
    #[error("{source}")]
    Interpolate {
        file: String,
        source: phases::interpolate::InterpolateError,
    },
    #[error("validating {file}: {source}")]
    Schema {
        file: String,
        source: phases::validate::SchemaError,
    },
    #[error("{0}")]
    Merge(#[from] phases::merge::MergeError),
    #[error("{0}")]
    Canonical(#[from] phases::canonical::CanonicalError),
    #[error("{0}")]
    Defaults(#[from] phases::defaults::DefaultsError),
    #[error("{0}")]
    Paths(#[from] phases::paths::PathsError),
    #[error("{0}")]
    Normalise(#[from] phases::normalise::NormaliseError),
    #[error("{0}")]
    Decode(#[from] berth_model::shape::DecodeError),
    #[error("{0}")]
    Model(#[from] berth_model::compose::ModelError),
    /// Errors of the extends, include, checks and consistency phases, worded as compose.
    #[error("{message}")]
    Invalid {
        message: String,
        /// The YAML path the message is about, for locating it in the source.
        path: Option<String>,
    },
}

impl LoadError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        LoadError::Invalid {
            message: message.into(),
            path: None,
        }
    }
}

impl LoadError {
    /// The YAML path the error is about, when the phase that raised it knows one.
    pub fn yaml_path(&self) -> Option<String> {
        match self {
            LoadError::Invalid { path, .. } => path.clone(),
            LoadError::Schema { source, .. } => Some(match &source.kind {
                // Point at the first key that is not allowed, not at its parent.
                phases::validate::SchemaErrorKind::AdditionalProperties { names }
                    if !names.is_empty() =>
                {
                    if source.path.is_empty() {
                        names[0].clone()
                    } else {
                        format!("{}.{}", source.path, names[0])
                    }
                }
                _ => source.path.clone(),
            }),
            LoadError::Interpolate { source, .. } => match source {
                phases::interpolate::InterpolateError::InvalidFormat { path, .. }
                | phases::interpolate::InterpolateError::Template { path, .. }
                | phases::interpolate::InterpolateError::Cast { path, .. } => Some(path.clone()),
            },
            _ => None,
        }
    }

    /// Where the error is: the parser's own position, or the source of its YAML path.
    pub(crate) fn location(&self, sources: &crate::load::Sources) -> Option<Location> {
        match self {
            LoadError::Parse { file, source } | LoadError::NameLookupParse { file, source } => {
                Some(Location {
                    file: file.clone(),
                    pos: source.pos(),
                })
            }
            _ => self.yaml_path().and_then(|p| sources.locate(&p)),
        }
    }
}
