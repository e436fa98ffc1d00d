//! The typed structs of `berth_model::compose` bind every project the loader produces: each
//! fixture of `tests/fixtures/config/` that loads as `config` loads it is bound with
//! `Project::from_model`, and a handful are checked value by value (values read from the
//! reference's `config` output for the same fixture).

use std::fs;
use std::path::{Path, PathBuf};

use berth_loader::{Diagnostics, LoadRequest, ProjectOptions};
use berth_model::compose::{
    DependencyCondition, DeployMode, EndpointMode, FailureAction, GoDuration, PortMode, Project,
    Protocol, RestartCondition, Service, UpdateOrder, VolumeType,
};

const HOME: &str = "/home/test";

fn fixtures_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/config");
    fs::canonicalize(dir).expect("the fixtures folder")
}

/// The loading options of a fixture whose command line only loads the project the way plain
/// `config` does (`-f`/`--env-file` before it, output-only flags after); `None` otherwise.
fn options_for(dir: &Path) -> Option<ProjectOptions> {
    if dir.join("stdin").exists() {
        return None;
    }
    let mut options = ProjectOptions {
        cwd: dir.to_path_buf(),
        ..Default::default()
    };
    if let Ok(args) = fs::read_to_string(dir.join("args")) {
        let words = shell_words::split(args.trim()).ok()?;
        let at = words.iter().position(|w| w == "config")?;
        let mut before = words[..at].iter();
        while let Some(flag) = before.next() {
            let value = before.next()?.clone();
            match flag.as_str() {
                "-f" => options.files.push(value),
                "--env-file" => options.env_files.push(value),
                _ => return None,
            }
        }
        let mut after = words[at + 1..].iter();
        while let Some(flag) = after.next() {
            match flag.as_str() {
                "-q" | "--quiet" => {}
                "--format" | "-o" | "--output" => {
                    after.next()?;
                }
                _ => return None,
            }
        }
    }
    if let Ok(cwd) = fs::read_to_string(dir.join("cwd")) {
        options.cwd = dir.join(cwd.trim());
    }
    options.os_env.insert("HOME".into(), HOME.into());
    if let Ok(env) = fs::read_to_string(dir.join("env")) {
        for line in env.lines().filter(|l| !l.trim().is_empty()) {
            let (k, v) = line.split_once('=')?;
            options.os_env.insert(k.to_string(), v.to_string());
        }
    }
    Some(options)
}

/// The fixture's project as the loader gives it, or `None` when it does not load.
fn load(options: &ProjectOptions) -> Option<berth_loader::Project> {
    let request = LoadRequest {
        resolve_environment: true,
        ..Default::default()
    };
    berth_loader::load_project(options, &request, &mut Diagnostics::default()).ok()
}

fn typed(fixture: &str) -> Project {
    let dir = fixtures_dir().join(fixture);
    let options = options_for(&dir).expect("a plain config fixture");
    let loaded = load(&options).expect("the fixture loads");
    Project::from_model(&loaded.model).expect("the model binds")
}

#[test]
fn every_loadable_fixture_binds() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let (mut bound, mut failures) = (0, Vec::new());
    for dir in &dirs {
        let Some(options) = options_for(dir) else {
            continue;
        };
        let Some(loaded) = load(&options) else {
            continue;
        };
        match Project::from_model(&loaded.model) {
            Ok(project) => {
                assert_eq!(project.name, loaded.name);
                let names: Vec<_> = loaded.services().keys().map(String::as_str).collect();
                assert_eq!(project.service_names().collect::<Vec<_>>(), names);
                for (key, service) in &project.services {
                    assert_eq!(&service.name, key);
                }
                for network in project.networks.values() {
                    assert!(!network.name.is_empty(), "{}", dir.display());
                }
                for volume in project.volumes.values() {
                    assert!(!volume.name.is_empty(), "{}", dir.display());
                }
                for (name, service) in &loaded.disabled_services {
                    if let Err(e) = Service::from_model(name, service) {
                        failures.push(format!("{}: {e}", dir.display()));
                    }
                }
                bound += 1;
            }
            Err(e) => failures.push(format!("{}: {e}", dir.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most fixtures load as plain `config`; a sharp drop means fixtures stopped loading.
    assert!(bound > 250, "only {bound} fixtures bound");
}

#[test]
fn ports_are_typed() {
    let p = typed("072-ports-short");
    let ports = &p.services["s"].ports;
    assert_eq!(ports.len(), 18);
    assert_eq!(ports[0].target, 3000);
    assert_eq!(ports[0].published, None);
    assert_eq!(ports[0].mode, Some(PortMode::Ingress));
    assert_eq!(ports[0].protocol, Some(Protocol::Tcp));
    assert_eq!(ports[7].target, 8080);
    assert_eq!(ports[7].published.as_deref(), Some("9090"));
    assert_eq!(ports[10].host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(ports[10].published_range(), Some((8001, 8001)));
    assert_eq!(ports[14].protocol(), Protocol::Udp);
    assert_eq!(ports[15].host_ip.as_deref(), Some("::1"));
    assert_eq!(ports[17].protocol, Some(Protocol::Sctp));
}

#[test]
fn volumes_are_typed() {
    let p = typed("095-volumes-long");
    let dir = fixtures_dir().join("095-volumes-long");
    let v = &p.services["s"].volumes;
    assert_eq!(v[0].kind, Some(VolumeType::Volume));
    assert_eq!(v[0].source.as_deref(), Some("mydata"));
    assert!(v[0].read_only);
    let vol = v[0].volume.as_ref().unwrap();
    assert!(vol.nocopy);
    assert_eq!(vol.subpath.as_deref(), Some("sub"));
    assert_eq!(vol.labels["com.example.v"], "1");
    assert_eq!(v[1].kind, Some(VolumeType::Bind));
    assert_eq!(
        v[1].source.as_deref().map(PathBuf::from),
        Some(dir.join("static"))
    );
    assert_eq!(v[1].consistency.as_deref(), Some("cached"));
    let bind = v[1].bind.as_ref().unwrap();
    assert_eq!(bind.propagation.as_ref().unwrap().as_str(), "rslave");
    assert_eq!(bind.recursive.as_ref().unwrap().as_str(), "readonly");
    assert!(!bind.create_host_path);
    assert_eq!(v[2].kind, Some(VolumeType::Tmpfs));
    let tmpfs = v[2].tmpfs.as_ref().unwrap();
    assert_eq!(tmpfs.size, Some(10_485_760));
    assert_eq!(tmpfs.mode, Some(0o1777));
    assert_eq!(v[3].kind, Some(VolumeType::Image));
    assert_eq!(v[4].kind, Some(VolumeType::Npipe));
    assert_eq!(v[5].kind, Some(VolumeType::Cluster));
    assert_eq!(p.volumes["mydata"].name, "095-volumes-long_mydata");
}

#[test]
fn healthcheck_durations_are_typed() {
    let p = typed("050-healthcheck-full");
    let h = p.services["s"].healthcheck.as_ref().unwrap();
    assert_eq!(h.test, ["CMD", "curl", "-f", "http://localhost"]);
    assert_eq!(h.interval, Some(GoDuration::from_secs(90)));
    assert_eq!(h.timeout, Some(GoDuration::from_secs(10)));
    assert_eq!(h.retries, Some(3));
    assert_eq!(h.start_period, Some(GoDuration::from_secs(40)));
    assert_eq!(h.start_interval, Some(GoDuration::from_secs(5)));
    assert!(!h.is_disabled());
}

#[test]
fn deploy_is_typed() {
    let p = typed("022-deploy-full");
    let s = &p.services["s"];
    assert_eq!(s.scale(), 2);
    let d = s.deploy.as_ref().unwrap();
    assert_eq!(d.mode, Some(DeployMode::Replicated));
    assert_eq!(d.endpoint_mode, Some(EndpointMode::Vip));
    let u = d.update_config.as_ref().unwrap();
    assert_eq!(u.parallelism, Some(2));
    assert_eq!(u.delay, Some(GoDuration::from_secs(10)));
    assert_eq!(u.failure_action, Some(FailureAction::Rollback));
    assert_eq!(u.monitor, Some(GoDuration::from_secs(60)));
    assert_eq!(u.max_failure_ratio, Some(0.3));
    assert_eq!(u.order, Some(UpdateOrder::StartFirst));
    let r = d.rollback_config.as_ref().unwrap();
    assert_eq!(r.monitor, Some(GoDuration::from_secs(90)));
    assert_eq!(r.max_failure_ratio, Some(0.0));
    let limits = d.resources.limits.as_ref().unwrap();
    assert_eq!(limits.cpus, Some(0.5));
    assert_eq!(limits.memory, Some(50 * 1024 * 1024));
    assert_eq!(limits.pids, Some(100));
    let res = d.resources.reservations.as_ref().unwrap();
    assert_eq!(res.cpus, Some(0.25));
    assert_eq!(res.memory, Some(20 * 1024 * 1024));
    let spec = res.generic_resources[0]
        .discrete_resource_spec
        .as_ref()
        .unwrap();
    assert_eq!((spec.kind.as_str(), spec.value), ("gpu", 2));
    assert_eq!(res.devices[0].driver.as_deref(), Some("nvidia"));
    assert_eq!(res.devices[0].count, Some(1));
    assert_eq!(res.devices[0].capabilities, ["gpu", "utility"]);
    assert_eq!(res.devices[0].options["virtualization"], "false");
    assert_eq!(res.devices[1].device_ids, ["0", "3"]);
    let rp = d.restart_policy.as_ref().unwrap();
    assert_eq!(rp.condition, Some(RestartCondition::OnFailure));
    assert_eq!(rp.delay, Some(GoDuration::from_secs(5)));
    assert_eq!(rp.max_attempts, Some(3));
    assert_eq!(rp.window, Some(GoDuration::from_secs(120)));
    assert_eq!(d.placement.constraints.len(), 2);
    assert_eq!(
        d.placement.preferences[0].spread.as_deref(),
        Some("node.labels.zone")
    );
    assert_eq!(d.placement.max_replicas_per_node, Some(1));
}

#[test]
fn depends_on_conditions_are_typed() {
    let p = typed("021-depends-on-long");
    let web = &p.services["web"];
    let db = &web.depends_on["db"];
    assert_eq!(db.condition, Some(DependencyCondition::Healthy));
    assert!(db.restart && db.required);
    let migrate = &web.depends_on["migrate"];
    assert_eq!(
        migrate.condition,
        Some(DependencyCondition::CompletedSuccessfully)
    );
    assert!(!migrate.required);
    let dependents: Vec<_> = p.dependents_of("db").map(|s| s.name.as_str()).collect();
    assert_eq!(dependents, ["web"]);
    assert_eq!(web.image_name(&p), "nginx");
}

#[test]
fn secret_targets_are_typed() {
    let p = typed("082-secrets-short-long");
    let secrets = &p.services["s"].secrets;
    assert_eq!(secrets[0].source, "server-certificate");
    assert_eq!(
        secrets[0].target.as_deref(),
        Some("/run/secrets/server-certificate")
    );
    assert_eq!(secrets[1].target.as_deref(), Some("db_password"));
    assert_eq!(secrets[1].secret_target(), "/run/secrets/db_password");
    assert_eq!(secrets[1].uid.as_deref(), Some("103"));
    assert_eq!(secrets[1].mode, Some(0o440));
    assert_eq!(secrets[2].secret_target(), "/etc/abs_secret");
    let db_pass = &p.secrets["db_pass"];
    assert_eq!(db_pass.name, "082-secrets-short-long_db_pass");
    assert_eq!(db_pass.environment.as_deref(), Some("DB_PASS"));
    let dir = fixtures_dir().join("082-secrets-short-long");
    assert_eq!(
        p.secrets["abs"].file.as_deref().map(PathBuf::from),
        Some(dir.join("abs.txt"))
    );
}
