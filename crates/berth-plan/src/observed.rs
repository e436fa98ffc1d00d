//! What the engine has for a project, as reconciliation needs it: containers with their
//! compose labels, networks, volumes and images, and the full configuration of the
//! containers whose recreation must be explained. Filled in by berth-ops' `observe`.

use bollard_stubs::models::{ContainerInspectResponse, ImageConfig};

use crate::convert::HostSnapshot;
use indexmap::IndexMap;

/// A container's state as the engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}

impl State {
    pub fn parse(s: &str) -> State {
        match s {
            "created" => State::Created,
            "running" => State::Running,
            "paused" => State::Paused,
            "restarting" => State::Restarting,
            "removing" => State::Removing,
            "dead" => State::Dead,
            _ => State::Exited,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Created => "created",
            State::Running => "running",
            State::Paused => "paused",
            State::Restarting => "restarting",
            State::Removing => "removing",
            State::Exited => "exited",
            State::Dead => "dead",
        }
    }
}

/// One container of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub id: String,
    /// Without the leading `/`.
    pub name: String,
    pub service: String,
    /// `com.docker.compose.container-number` (absent on run containers).
    pub number: Option<u32>,
    pub oneoff: bool,
    pub config_hash: String,
    /// `com.docker.compose.image`: the image ID it was created from.
    pub image_label: String,
    pub state: State,
    /// Network name → network ID it is attached to.
    pub networks: IndexMap<String, String>,
    /// Named volumes mounted (engine volume names).
    pub volumes: Vec<String>,
    /// Anonymous volumes mounted, by target path (what a recreated container inherits).
    pub anonymous_volumes: IndexMap<String, AnonymousVolume>,
    /// Unix seconds.
    pub created: i64,
    pub labels: IndexMap<String, String>,
}

/// An anonymous volume as a container mounts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymousVolume {
    /// The engine's name for it (64 hex digits).
    pub name: String,
    pub read_only: bool,
}

impl Container {
    /// Whether the container is up (running or restarting).
    pub fn is_running(&self) -> bool {
        matches!(self.state, State::Running | State::Restarting)
    }
}

/// A network as the engine has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub id: String,
    pub name: String,
    pub labels: IndexMap<String, String>,
}

/// A volume as the engine has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    pub labels: IndexMap<String, String>,
}

/// An image on the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalImage {
    pub id: String,
    /// When it was last tagged (unix seconds), for the time-based pull policies.
    pub last_tag_time: Option<i64>,
    /// What the image gives its containers (environment, command, labels…): a container's
    /// configuration is compared with the file's once this is taken out.
    pub config: Option<ImageConfig>,
}

/// Everything observed for one project.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    pub containers: Vec<Container>,
    /// Networks the project names, by engine name (absent: not on the engine).
    pub networks: IndexMap<String, Network>,
    /// Volumes the project names, by engine name.
    pub volumes: IndexMap<String, Volume>,
    /// The images the services need, by the reference they name (`None`: not on the engine).
    pub images: IndexMap<String, Option<LocalImage>>,
    /// The containers whose configuration differs from the file's (by config hash), as the
    /// engine's inspect reports them, by ID: what explains their recreation.
    pub inspected: IndexMap<String, ContainerInspectResponse>,
    /// The host's files the containers' creation reads (seccomp profiles, secret files).
    pub files: HostSnapshot,
}

impl Observed {
    /// The image the service's containers run, if the engine has it.
    pub fn image(&self, reference: &str) -> Option<&LocalImage> {
        self.images.get(reference).and_then(Option::as_ref)
    }

    /// The service's containers (not run containers), by increasing number.
    pub fn service_containers(&self, service: &str) -> Vec<&Container> {
        let mut list: Vec<&Container> = self
            .containers
            .iter()
            .filter(|c| c.service == service && !c.oneoff)
            .collect();
        list.sort_by_key(|c| (c.number.unwrap_or(0), c.name.clone()));
        list
    }
}
