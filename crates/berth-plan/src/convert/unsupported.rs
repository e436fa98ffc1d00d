//! The service attributes the create body does not carry, and why: each is either handled by
//! another step of the verbs, ignored by compose itself (so berth ignores it too), or named in
//! a warning because berth does not do what compose does with it yet.
//!
//! | attribute | where it goes |
//! |---|---|
//! | `profiles`, `extends`, `env_file`, `label_file` | applied by the loader (`env_file` and `label_file` are folded into `environment` and `labels`) |
//! | `attach`, `depends_on`, `scale`, `pull_policy`, `container_name` | the verbs (attach, ordering, replicas, pulling, naming) |
//! | `build`, `dockerfile` | image building (warned below when berth would need to build) |
//! | `deploy.mode`, `.replicas`, `.labels`, `.update_config`, `.rollback_config`, `.placement`, `.endpoint_mode`, `resources.reservations.cpus/pids/generic_resources` | swarm only: compose ignores them |
//! | `log_driver`, `log_opt`, `net`, `dockerfile` | not in the compose schema: never set |
//! | `x-*` extensions, `annotations` on Linux engines | compose sends annotations; the engine keeps them |
//! | `post_start`, `pre_stop` | hooks run with exec after start and before stop (`hooks.rs`) |
//! | `develop` | `watch` only (warned below) |
//! | `provider`, `models` | compose runs a provider plugin / docker model runner (warned below) |
//! | `credential_spec` | Windows engines only; compose sends nothing on Linux (warned below) |
//! | `cpu_count`, `cpu_percent` | sent as compose sends them (Windows engines only) |

use berth_model::compose::{PullPolicy, Service};

use berth_model::compose::Project;

/// Warnings for the attributes of `service` berth does not honour as compose would.
pub(super) fn warnings(project: &Project, service: &Service) -> Vec<String> {
    let name = &service.name;
    let mut out = Vec::new();
    let mut warn = |key: &str, what: &str| {
        out.push(format!(
            "service {name:?}: {key} is not supported yet, {what}"
        ));
    };
    if service.build.is_some() && service.image.is_none() {
        warn(
            "build",
            &format!(
                "the image {} must exist already",
                service.image_name(project)
            ),
        );
    }
    if service.build.is_some()
        && service.image.is_some()
        && service.pull_policy == Some(PullPolicy::Build)
    {
        warn(
            "pull_policy: build",
            "the image is not rebuilt, the local one is used",
        );
    }
    if service.develop.is_some() {
        warn("develop", "ignored");
    }
    if service.provider.is_some() {
        warn("provider", "the service is created as a container");
    }
    if !service.models.is_empty() {
        warn("models", "no model runner is set up");
    }
    if service.credential_spec.is_some() {
        warn("credential_spec", "ignored (Windows engines only)");
    }
    out
}
