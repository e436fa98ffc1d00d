//! What the integration tests share: loading a project folder the way `berth config` does,
//! and (in `engine`) running projects on the engine.

pub mod engine;
pub mod recorder;
pub mod registry;

use berth_loader::{Diagnostics, LoadFailure, LoadRequest, LoadSwitches, Project, ProjectOptions};

#[allow(dead_code)]
/// Loads the compose project in `dir` with a fixed `HOME` and nothing else in the environment.
pub fn load_in(dir: &std::path::Path, switches: LoadSwitches) -> Result<Project, LoadFailure> {
    let options = ProjectOptions {
        cwd: dir.to_path_buf(),
        os_env: [("HOME".to_string(), "/home/test".to_string())]
            .into_iter()
            .collect(),
        ..Default::default()
    };
    let request = LoadRequest {
        switches,
        resolve_environment: true,
        ..Default::default()
    };
    berth_loader::load_project(&options, &request, &mut Diagnostics::default())
}
