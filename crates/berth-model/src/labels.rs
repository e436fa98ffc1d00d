//! Every `com.docker.compose.*` label key compose puts on the objects it creates.

/// The compose version berth writes into `com.docker.compose.version` labels (and reports
/// as its own).
pub const COMPOSE_VERSION: &str = "2.40.3";

/// The label filter that finds a project's objects: `com.docker.compose.project=<name>`.
pub fn project_filter(project: &str) -> String {
    format!("{PROJECT}={project}")
}

pub const PROJECT: &str = "com.docker.compose.project";
pub const SERVICE: &str = "com.docker.compose.service";
pub const CONFIG_HASH: &str = "com.docker.compose.config-hash";
pub const CONTAINER_NUMBER: &str = "com.docker.compose.container-number";
pub const ONEOFF: &str = "com.docker.compose.oneoff";
pub const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
pub const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
pub const ENVIRONMENT_FILE: &str = "com.docker.compose.project.environment_file";
pub const DEPENDS_ON: &str = "com.docker.compose.depends_on";
pub const IMAGE: &str = "com.docker.compose.image";
pub const VERSION: &str = "com.docker.compose.version";
pub const NETWORK: &str = "com.docker.compose.network";
pub const VOLUME: &str = "com.docker.compose.volume";
pub const REPLACE: &str = "com.docker.compose.replace";
pub const SLUG: &str = "com.docker.compose.slug";
