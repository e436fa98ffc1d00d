//! Service → container conversion against the reference, on the real engine: for each case
//! under `tests/fixtures/convert/<case>/`, the reference's `create` makes the project's
//! networks, volumes and containers; then berth's create body for each of those containers
//! (`berth_ops::convert::container_spec`) is sent to the engine as is, under the reference
//! container's name plus `-berth`, in the same project, and connected to its other networks.
//! Both containers' `docker inspect` (Config, HostConfig, the network endpoints, the mounts)
//! must be equal once the names, IDs and anonymous volume names are replaced by
//! placeholders and the lists compose builds in Go map order are sorted.
//!
//! The bodies go to the engine through its HTTP API with curl: the create body compose sends
//! on API < 1.44 has a container-wide `MacAddress`, which bollard's body type no longer has.
//!
//! Fails — never skips — when the engine or the reference is absent. Removes what it created
//! (containers with their anonymous volumes, networks and volumes of its own project names),
//! also on failure.

// The test passes its environment to both implementations, as the differential test does.
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

use common::engine::{
    assert_project_gone, docker, docker_ok, reference, require_engine as ensure_image, run,
};

use berth_ops::convert::{container_spec, ContainerSpec, SpecInputs};
use berth_ops::Project;
use indexmap::IndexMap;
use serde_json::{json, Value};

const IMAGE: &str = "berth-example/busybox:local";
const SOCKET: &str = "/var/run/docker.sock";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A call to the engine's HTTP API; the decoded answer.
fn api(method: &str, path: &str, body: Option<&Value>) -> Value {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "--unix-socket", SOCKET, "-X", method])
        .args([
            "-H",
            "Content-Type: application/json",
            "-w",
            "\n%{http_code}",
        ])
        .arg(format!("http://localhost{path}"));
    if body.is_some() {
        cmd.args(["--data-binary", "@-"]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("curl");
    if let Some(body) = body {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(body.to_string().as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    let text = stdout(&out);
    let (payload, status) = text.trim_end().rsplit_once('\n').unwrap_or(("", &text));
    assert!(
        status.starts_with('2'),
        "{method} {path} answered {status}: {payload} {}\nbody: {}",
        String::from_utf8_lossy(&out.stderr),
        body.map(|b| serde_json::to_string_pretty(b).unwrap())
            .unwrap_or_default()
    );
    serde_json::from_str(payload).unwrap_or(Value::Null)
}

/// Removes the project's containers (with their anonymous volumes), networks and volumes.
struct Cleanup {
    project: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        // A failed create may leave the engine finishing parallel creates: sweep twice.
        self.sweep();
        std::thread::sleep(std::time::Duration::from_millis(500));
        self.sweep();
    }
}

impl Cleanup {
    /// Removes the project from the engine and checks that nothing of it is left: the step
    /// between two runs that are compared.
    fn take_down(&self) {
        let filter = format!("label=com.docker.compose.project={}", self.project);
        for id in docker_ok(&["ps", "-aq", "--filter", &filter]).split_whitespace() {
            docker_ok(&["rm", "-f", "-v", id]);
        }
        for id in docker_ok(&["network", "ls", "-q", "--filter", &filter]).split_whitespace() {
            docker_ok(&["network", "rm", id]);
        }
        for name in docker_ok(&["volume", "ls", "-q", "--filter", &filter]).split_whitespace() {
            docker_ok(&["volume", "rm", "-f", name]);
        }
        assert_project_gone(&self.project);
    }

    /// Removes what it can, ignoring failures (on drop, also after a failed test).
    fn sweep(&self) {
        let filter = format!("label=com.docker.compose.project={}", self.project);
        let ids = stdout(&docker(&["ps", "-aq", "--filter", &filter]));
        for id in ids.split_whitespace() {
            let _ = docker(&["rm", "-f", "-v", id]);
        }
        let nets = stdout(&docker(&["network", "ls", "-q", "--filter", &filter]));
        for id in nets.split_whitespace() {
            let _ = docker(&["network", "rm", id]);
        }
        let vols = stdout(&docker(&["volume", "ls", "-q", "--filter", &filter]));
        for name in vols.split_whitespace() {
            let _ = docker(&["volume", "rm", "-f", name]);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn inspect(name: &str) -> Value {
    let out = docker(&["inspect", name]);
    assert!(out.status.success(), "inspect {name}: {out:?}");
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list[0].clone()
}

/// The project as berth loads it, from the process environment plus `extra`.
fn load(dir: &Path, project: &str, extra: &[(&str, String)]) -> Project {
    let mut os_env: IndexMap<String, String> = std::env::vars().collect();
    for (k, v) in extra {
        os_env.insert(k.to_string(), v.clone());
    }
    let options = berth_loader::ProjectOptions {
        cwd: dir.to_path_buf(),
        project_name: Some(project.to_string()),
        os_env,
        ..Default::default()
    };
    let request = berth_loader::LoadRequest {
        resolve_environment: true,
        ..Default::default()
    };
    let mut diags = berth_loader::Diagnostics::default();
    berth_loader::load_typed(&options, &request, false, &mut diags)
        .unwrap_or_else(|e| panic!("berth cannot load {}: {e:?}", dir.display()))
}

/// The container's settings that the create call decides.
fn relevant(c: &Value) -> Value {
    let mut networks = c["NetworkSettings"]["Networks"].clone();
    if let Some(map) = networks.as_object_mut() {
        for ep in map.values_mut() {
            if let Some(ep) = ep.as_object_mut() {
                // Given by the engine at connect time.
                ep.remove("EndpointID");
            }
        }
    }
    json!({
        "Config": c["Config"],
        "HostConfig": c["HostConfig"],
        "Networks": networks,
        "Mounts": c["Mounts"],
        "Platform": c["Platform"],
        "Driver": c["Driver"],
    })
}

fn is_anonymous_volume(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Placeholders for what differs by construction, lists compose orders randomly sorted.
fn normalise(v: &mut Value, names: &[(String, &str)]) {
    // Fields that name the engine's own objects.
    if let Value::Object(map) = v {
        for key in ["HostnamePath", "HostsPath", "ResolvConfPath", "LogPath"] {
            map.remove(key);
        }
    }
    match v {
        Value::String(s) => {
            if is_anonymous_volume(s) {
                *s = "<anonymous>".into();
                return;
            }
            if let Some(rest) = s.strip_prefix("/var/lib/docker/volumes/") {
                if rest.split('/').next().is_some_and(is_anonymous_volume) {
                    *s = "<anonymous volume path>".into();
                    return;
                }
            }
            for (from, to) in names {
                if s.contains(from.as_str()) {
                    *s = s.replace(from.as_str(), to);
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                normalise(item, names);
            }
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                normalise(item, names);
            }
        }
        _ => {}
    }
}

fn sort_list(v: &mut Value, key: Option<&str>) {
    if let Value::Array(items) = v {
        items.sort_by_key(|item| match key {
            Some(k) => item[k].to_string(),
            None => item.to_string(),
        });
    }
}

fn comparable(c: &Value, own: &[(String, &str)]) -> Value {
    let mut v = relevant(c);
    normalise(&mut v, own);
    sort_list(&mut v["Config"]["Env"], None);
    sort_list(&mut v["HostConfig"]["Binds"], None);
    sort_list(&mut v["HostConfig"]["Mounts"], Some("Target"));
    sort_list(&mut v["HostConfig"]["Ulimits"], Some("Name"));
    sort_list(&mut v["HostConfig"]["ExtraHosts"], None);
    sort_list(&mut v["HostConfig"]["Links"], None);
    sort_list(&mut v["Mounts"], Some("Destination"));
    if let Some(map) = v["Networks"].as_object_mut() {
        for ep in map.values_mut() {
            sort_list(&mut ep["Links"], None);
        }
    }
    v
}

/// Creates berth's container for `spec` through the HTTP API; its ID.
fn create(spec: &ContainerSpec) -> String {
    let mut body = serde_json::to_value(&spec.body).unwrap();
    if let Some(mac) = &spec.mac_address {
        body["MacAddress"] = json!(mac);
    }
    let mut path = format!("/containers/create?name={}", spec.name);
    if let Some(p) = &spec.platform {
        path.push_str(&format!("&platform={p}"));
    }
    let created = api("POST", &path, Some(&body));
    let id = created["Id"].as_str().expect("an ID").to_string();
    for (network, endpoint) in &spec.connect {
        api(
            "POST",
            &format!("/networks/{network}/connect"),
            Some(&json!({"Container": id, "EndpointConfig": endpoint})),
        );
    }
    id
}

fn service_refs(service: &berth_model::compose::Service) -> bool {
    [&service.network_mode, &service.ipc, &service.pid]
        .iter()
        .any(|m| m.as_deref().is_some_and(|m| m.starts_with("service:")))
        || !service.volumes_from.is_empty()
        || service.use_api_socket
}

fn run_case(case: &str) {
    ensure_image();
    let fixture = repo_root().join("tests/fixtures/convert").join(case);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(case);
    copy_dir(&fixture, &dir);
    let pid = std::process::id().to_string();
    let project = format!("berthtest-conv-{case}-{pid}");
    let _cleanup = Cleanup {
        project: project.clone(),
    };
    let extra = [
        ("BERTH_CONVERT_TOKEN", "t0k3n".to_string()),
        ("BERTH_CONVERT_SUFFIX", pid.clone()),
    ];

    let mut cmd = Command::new(reference());
    cmd.args(["-p", &project, "create"]).current_dir(&dir);
    for (k, v) in &extra {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert!(
        out.status.success(),
        "reference create failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let filter = format!("label=com.docker.compose.project={project}");
    let names = docker_ok(&["ps", "-a", "--filter", &filter, "--format", "{{.Names}}"]);
    let mut reference_containers: Vec<Value> = names.split_whitespace().map(inspect).collect();
    reference_containers.sort_by_key(|c| c["Name"].as_str().unwrap_or_default().to_string());
    assert!(
        !reference_containers.is_empty(),
        "the reference created nothing"
    );

    let spec = load(&dir, &project, &extra);
    let mut service_containers = IndexMap::new();
    let mut service_container_names: IndexMap<String, Vec<String>> = IndexMap::new();
    for c in &reference_containers {
        let service = c["Config"]["Labels"]["com.docker.compose.service"]
            .as_str()
            .unwrap()
            .to_string();
        let name = c["Name"]
            .as_str()
            .unwrap()
            .trim_start_matches('/')
            .to_string();
        service_containers
            .entry(service.clone())
            .or_insert_with(|| c["Id"].as_str().unwrap().to_string());
        service_container_names
            .entry(service)
            .or_default()
            .push(name);
    }
    let image_id = docker_ok(&["image", "inspect", "--format", "{{.Id}}", IMAGE]);
    assert!(
        image_id.starts_with("sha256:"),
        "the ID of {IMAGE}: {image_id:?}"
    );
    let none = IndexMap::new();

    let mut failures = Vec::new();
    for reference_container in &reference_containers {
        let labels = &reference_container["Config"]["Labels"];
        let service_name = labels["com.docker.compose.service"].as_str().unwrap();
        let number: u32 = labels["com.docker.compose.container-number"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let service = &spec.services[service_name];
        let reference_hash = labels["com.docker.compose.config-hash"].as_str().unwrap();
        if !service_refs(service) {
            let ours = service.config_hash.known().unwrap();
            assert_eq!(ours, reference_hash, "config hash of {service_name}");
        }
        let reference_name = reference_container["Name"]
            .as_str()
            .unwrap()
            .trim_start_matches('/')
            .to_string();
        let berth_name = format!("{reference_name}-berth");
        let inputs = SpecInputs {
            project: &spec,
            service,
            number,
            name: berth_name.clone(),
            config_hash: reference_hash,
            image_id: &image_id,
            replace: None,
            service_containers: &service_containers,
            service_container_names: &service_container_names,
            inherited_volumes: &IndexMap::new(),
            api_version: (1, 41),
            proxy_env: &none,
            api_socket_config: None,
            files: &berth_ops::observe::LocalFiles,
        };
        let (container, warnings) =
            container_spec(&inputs).unwrap_or_else(|e| panic!("{service_name}: {e}"));
        // The fixtures use only what berth honours; use_api_socket warns that no
        // credentials are passed (none are configured here either).
        let unexpected: Vec<&String> = warnings
            .iter()
            .filter(|w| !w.contains("use_api_socket"))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{case}/{service_name}: {unexpected:?}"
        );
        let id = create(&container);
        let ours = inspect(&id);
        let reference_id = reference_container["Id"].as_str().unwrap().to_string();
        let placeholders = |name: &str, id: &str| {
            vec![
                (name.to_string(), "<name>"),
                (id.to_string(), "<id>"),
                (id[..12].to_string(), "<id>"),
            ]
        };
        let want = comparable(
            reference_container,
            &placeholders(&reference_name, &reference_id),
        );
        // berth's endpoint aliases name the final container: the reference's name.
        let mut own = placeholders(&berth_name, &id);
        own.push((reference_name.clone(), "<name>"));
        let got = comparable(&ours, &own);
        if want != got {
            let want = serde_json::to_string_pretty(&want).unwrap();
            let got = serde_json::to_string_pretty(&got).unwrap();
            failures.push(format!(
                "{case}/{reference_name}:\n{}",
                pretty_assertions::StrComparison::new(&want, &got)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn basic() {
    run_case("basic");
}

#[test]
fn create_basic() {
    run_create_case("basic");
}

#[test]
fn create_ports() {
    run_create_case("ports");
}

#[test]
fn create_volumes() {
    run_create_case("volumes");
}

#[test]
fn create_networks() {
    run_create_case("networks");
}

#[test]
fn create_shared() {
    run_create_case("shared");
}

#[test]
fn create_resources() {
    run_create_case("resources");
}

#[test]
fn create_secrets() {
    run_create_case("secrets");
}

#[test]
fn create_misc() {
    run_create_case("misc");
}

#[test]
fn ports() {
    run_case("ports");
}

#[test]
fn volumes() {
    run_case("volumes");
}

#[test]
fn networks() {
    run_case("networks");
}

#[test]
fn shared() {
    run_case("shared");
}

#[test]
fn resources() {
    run_case("resources");
}

#[test]
fn secrets() {
    run_case("secrets");
}

#[test]
fn misc() {
    run_case("misc");
}

/// The project's containers, inspected, by name.
fn project_containers(project: &str) -> Vec<(String, Value)> {
    let filter = format!("label=com.docker.compose.project={project}");
    let names = docker_ok(&["ps", "-a", "--filter", &filter, "--format", "{{.Names}}"]);
    let mut list: Vec<(String, Value)> = names
        .split_whitespace()
        .map(|n| (n.to_string(), inspect(n)))
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    list
}

/// Placeholders for every container's ID (the engine's choice), by container name.
fn id_placeholders(containers: &[(String, Value)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, c) in containers {
        let id = c["Id"].as_str().unwrap().to_string();
        out.push((id.clone(), format!("<id of {name}>")));
        out.push((id[..12].to_string(), format!("<id of {name}>")));
    }
    out
}

/// `berth create` against the reference's `create`, in turn, in the same folder and under
/// the same project name (each taken down before the other runs, so that fixed subnets and
/// names do not clash): the containers' `docker inspect` must be equal once IDs and
/// anonymous volume names are placeholders.
fn run_create_case(case: &str) {
    ensure_image();
    let fixture = repo_root().join("tests/fixtures/convert").join(case);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(case);
    copy_dir(&fixture, &dir);
    let pid = std::process::id().to_string();
    let project = format!("berthtest-create-{case}-{pid}");
    let extra = [
        ("BERTH_CONVERT_TOKEN", "t0k3n".to_string()),
        ("BERTH_CONVERT_SUFFIX", pid.clone()),
    ];
    let mut results = Vec::new();
    let mut created_ids: Vec<Vec<String>> = Vec::new();
    for binary in [reference(), PathBuf::from(env!("CARGO_BIN_EXE_berth"))] {
        let cleanup = Cleanup {
            project: project.clone(),
        };
        // Each run starts from nothing: the reference's containers must not pass for berth's.
        assert_project_gone(&project);
        let mut cmd = Command::new(&binary);
        cmd.args(["-p", &project, "create"]).current_dir(&dir);
        for (k, v) in &extra {
            cmd.env(k, v);
        }
        let out = run(&mut cmd);
        assert!(
            out.status.success(),
            "{} create failed: {}",
            binary.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let containers = project_containers(&project);
        assert!(
            !containers.is_empty(),
            "{case}: {} create made no container",
            binary.display()
        );
        created_ids.push(
            containers
                .iter()
                .map(|(_, c)| c["Id"].as_str().unwrap().to_string())
                .collect(),
        );
        let ids = id_placeholders(&containers);
        let normalised: Vec<(String, Value)> = containers
            .iter()
            .map(|(name, c)| {
                let mut v = c.clone();
                // Network IDs differ: each run creates the networks anew.
                if let Some(map) = v["NetworkSettings"]["Networks"].as_object_mut() {
                    for ep in map.values_mut() {
                        ep["NetworkID"] = json!("<network>");
                    }
                }
                let names: Vec<(String, &str)> =
                    ids.iter().map(|(id, p)| (id.clone(), p.as_str())).collect();
                (name.clone(), comparable(&v, &names))
            })
            .collect();
        results.push(normalised);
        cleanup.take_down();
    }
    assert!(
        created_ids[1].iter().all(|id| !created_ids[0].contains(id)),
        "{case}: berth's containers are the reference's"
    );
    let ours = results.pop().unwrap();
    let want = results.pop().unwrap();
    let names = |l: &[(String, Value)]| l.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&want), "{case}: the containers");
    let mut failures = Vec::new();
    for ((name, want), (_, got)) in want.iter().zip(&ours) {
        if want != got {
            let want = serde_json::to_string_pretty(want).unwrap();
            let got = serde_json::to_string_pretty(got).unwrap();
            failures.push(format!(
                "{case}/{name}:\n{}",
                pretty_assertions::StrComparison::new(&want, &got)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A case compose refuses while converting: the reference's `create` fails, and its error
/// message is the one berth's conversion returns for the first service that fails.
fn run_error_case(case: &str) {
    ensure_image();
    let fixture = repo_root().join("tests/fixtures/convert-errors").join(case);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(case);
    copy_dir(&fixture, &dir);
    let project = format!(
        "berthtest-converr-{}-{}",
        case.replace('_', "-"),
        std::process::id()
    );
    let _cleanup = Cleanup {
        project: project.clone(),
    };
    let out = run(Command::new(reference())
        .args(["-p", &project, "create"])
        .current_dir(&dir));
    assert!(!out.status.success(), "the reference accepted {case}");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();

    let spec = load(&dir, &project, &[]);
    let none = IndexMap::new();
    let names = IndexMap::new();
    let error = spec
        .services
        .values()
        .find_map(|service| {
            let inputs = SpecInputs {
                project: &spec,
                service,
                number: 1,
                name: spec.container_name(service, 1),
                config_hash: "",
                image_id: "",
                replace: None,
                service_containers: &none,
                service_container_names: &names,
                inherited_volumes: &IndexMap::new(),
                api_version: (1, 41),
                proxy_env: &none,
                api_socket_config: None,
                files: &berth_ops::observe::LocalFiles,
            };
            container_spec(&inputs).err()
        })
        .unwrap_or_else(|| panic!("berth accepted {case}; the reference said: {stderr}"));
    assert!(
        stderr.contains(&error.to_string()),
        "berth: {error}\nreference: {stderr}"
    );
}

#[test]
fn error_endpoint_mac_before_api_1_44() {
    run_error_case("endpoint_mac");
}

#[test]
fn error_mac_mismatch() {
    run_error_case("mac_mismatch");
}

#[test]
fn error_start_interval_before_api_1_44() {
    run_error_case("start_interval");
}

#[test]
fn error_interface_name_before_api_1_49() {
    run_error_case("interface_name");
}

#[test]
fn error_missing_seccomp_profile() {
    run_error_case("security_opt");
}

#[test]
fn error_image_volume_before_api_1_48() {
    run_error_case("image_volume");
}
