//! One test per attribute group: a compose file loaded by the loader, one service converted,
//! the body fields checked.

use std::collections::HashMap;

use bollard_stubs::models::{
    ContainerCreateBody, EndpointSettings, HostConfig, Mount, MountType, PortBinding,
    RestartPolicyNameEnum,
};
use indexmap::IndexMap;
use pretty_assertions::assert_eq;

use super::*;

/// A loaded project and the folder it lives in.
struct Fixture {
    dir: tempfile::TempDir,
    spec: Project,
}

fn load(yaml: &str) -> Fixture {
    load_with(yaml, &[])
}

fn load_with(yaml: &str, files: &[(&str, &str)]) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), yaml).unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let options = berth_loader::ProjectOptions {
        cwd: dir.path().to_path_buf(),
        os_env: [
            ("HOME".to_string(), "/home/test".to_string()),
            ("TOKEN".to_string(), "s3cr3t".to_string()),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    let request = berth_loader::LoadRequest {
        resolve_environment: true,
        ..Default::default()
    };
    let mut diags = berth_loader::Diagnostics::default();
    let spec = berth_loader::load_typed(&options, &request, false, &mut diags)
        .unwrap_or_else(|e| panic!("load: {e:?}"));
    Fixture { dir, spec }
}

/// The host's files as they are on disk.
#[derive(Debug)]
struct Disk;

impl HostFiles for Disk {
    fn read(&self, path: &std::path::Path) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".into(),
            _ => e.to_string(),
        })
    }
    fn exists(&self, path: &std::path::Path) -> bool {
        path.exists()
    }
}

/// What the inputs borrow, with defaults: API 1.41, no other containers.
struct Env {
    containers: IndexMap<String, String>,
    names: IndexMap<String, Vec<String>>,
    inherited: IndexMap<String, crate::observed::AnonymousVolume>,
    proxy: IndexMap<String, String>,
    api: (usize, usize),
}

impl Default for Env {
    fn default() -> Self {
        Env {
            containers: IndexMap::new(),
            names: IndexMap::new(),
            inherited: IndexMap::new(),
            proxy: IndexMap::new(),
            api: (1, 41),
        }
    }
}

fn try_convert(
    f: &Fixture,
    service: &str,
    env: &Env,
) -> Result<(ContainerSpec, Vec<String>), ConvertError> {
    let svc = &f.spec.services[service];
    let inputs = SpecInputs {
        project: &f.spec,
        service: svc,
        number: 1,
        name: f.spec.container_name(svc, 1),
        config_hash: "hash",
        image_id: "sha256:img",
        replace: None,
        service_containers: &env.containers,
        service_container_names: &env.names,
        inherited_volumes: &env.inherited,
        api_version: env.api,
        proxy_env: &env.proxy,
        api_socket_config: None,
        files: &Disk,
    };
    container_spec(&inputs)
}

fn convert_env(f: &Fixture, service: &str, env: &Env) -> (ContainerSpec, Vec<String>) {
    try_convert(f, service, env).unwrap_or_else(|e| panic!("convert: {e}"))
}

fn convert(f: &Fixture, service: &str) -> (ContainerSpec, Vec<String>) {
    convert_env(f, service, &Env::default())
}

fn body(yaml: &str) -> ContainerCreateBody {
    let f = load(yaml);
    convert(&f, "s").0.body
}

fn host(body: &ContainerCreateBody) -> &HostConfig {
    body.host_config.as_ref().unwrap()
}

fn strings(items: &[&str]) -> Option<Vec<String>> {
    Some(items.iter().map(|s| s.to_string()).collect())
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn image_command_entrypoint_and_process_settings() {
    let b = body(
        "services:\n  s:\n    image: busybox\n    command: [sleep, '1']\n    entrypoint: /bin/sh -c\n    user: '1000:1000'\n    working_dir: /w\n    hostname: h\n    domainname: d.example\n    tty: true\n    stdin_open: true\n    stop_signal: SIGUSR1\n    stop_grace_period: 1m30s\n    init: true\n    read_only: true\n    privileged: true\n",
    );
    assert_eq!(b.image.as_deref(), Some("busybox"));
    assert_eq!(b.cmd, strings(&["sleep", "1"]));
    assert_eq!(b.entrypoint, strings(&["/bin/sh", "-c"]));
    assert_eq!(b.user.as_deref(), Some("1000:1000"));
    assert_eq!(b.working_dir.as_deref(), Some("/w"));
    assert_eq!(b.hostname.as_deref(), Some("h"));
    assert_eq!(b.domainname.as_deref(), Some("d.example"));
    assert_eq!((b.tty, b.open_stdin), (Some(true), Some(true)));
    assert_eq!((b.attach_stdout, b.attach_stderr), (Some(true), Some(true)));
    assert_eq!(b.stop_signal.as_deref(), Some("SIGUSR1"));
    assert_eq!(b.stop_timeout, Some(90));
    let h = host(&b);
    assert_eq!(h.init, Some(true));
    assert_eq!(h.readonly_rootfs, Some(true));
    assert_eq!(h.privileged, Some(true));
    // Unset: the image's.
    let b = body("services:\n  s:\n    image: busybox\n");
    assert_eq!(
        (&b.cmd, &b.entrypoint, b.stop_timeout),
        (&None, &None, None)
    );
    assert_eq!(host(&b).init, None);
}

#[test]
fn environment_keeps_keys_without_value_and_proxies_go_underneath() {
    let f = load("services:\n  s:\n    image: busybox\n    environment:\n      A: '1'\n      B: ''\n      UNSET_IN_ENV:\n      HTTP_PROXY: mine\n");
    let env = Env {
        proxy: [("HTTP_PROXY", "p"), ("NO_PROXY", "n")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    let b = convert_env(&f, "s", &env).0.body;
    assert_eq!(
        b.env,
        strings(&["NO_PROXY=n", "A=1", "B=", "UNSET_IN_ENV", "HTTP_PROXY=mine"])
    );
}

#[test]
fn env_file_is_folded_into_environment_by_the_loader() {
    let f = load_with(
        "services:\n  s:\n    image: busybox\n    env_file: a.env\n    environment: {B: x}\n",
        &[("a.env", "A=1\nB=2\n")],
    );
    let b = convert(&f, "s").0.body;
    assert_eq!(sorted(b.env.unwrap()), ["A=1", "B=x"]);
}

#[test]
fn labels_are_the_service_ones_under_compose_ones() {
    let f = load("services:\n  s:\n    image: busybox\n    labels:\n      a: b\n      com.docker.compose.service: mine\n    depends_on:\n      t: {condition: service_healthy, restart: true}\n  t:\n    image: busybox\n");
    let b = convert(&f, "s").0.body;
    let labels = b.labels.unwrap();
    assert_eq!(labels["a"], "b");
    assert_eq!(labels["com.docker.compose.service"], "s");
    assert_eq!(
        labels["com.docker.compose.depends_on"],
        "t:service_healthy:true"
    );
    assert_eq!(labels["com.docker.compose.image"], "sha256:img");
    assert_eq!(labels["com.docker.compose.container-number"], "1");
    assert_eq!(labels["com.docker.compose.oneoff"], "False");
    assert_eq!(labels["com.docker.compose.config-hash"], "hash");
    assert!(!labels.contains_key("com.docker.compose.replace"));
}

#[test]
fn ports_and_expose() {
    let b = body(
        "services:\n  s:\n    image: busybox\n    expose: ['3000', '4000-4001/udp']\n    ports:\n      - '8080:80'\n      - '127.0.0.1:8081:80'\n      - '53:53/udp'\n      - '9000-9001:9000-9001'\n      - '5000'\n      - target: 6000\n        published: '6001'\n        host_ip: '::1'\n        protocol: sctp\n",
    );
    assert_eq!(
        b.exposed_ports,
        strings(&[
            "3000",
            "4000-4001/udp",
            "80/tcp",
            "53/udp",
            "9000/tcp",
            "9001/tcp",
            "5000/tcp",
            "6000/sctp"
        ])
    );
    let bindings = host(&b).port_bindings.clone().unwrap();
    let binding = |ip: &str, port: &str| PortBinding {
        host_ip: Some(ip.into()),
        host_port: Some(port.into()),
    };
    assert_eq!(
        bindings["80/tcp"],
        Some(vec![binding("", "8080"), binding("127.0.0.1", "8081")])
    );
    assert_eq!(bindings["53/udp"], Some(vec![binding("", "53")]));
    assert_eq!(bindings["9001/tcp"], Some(vec![binding("", "9001")]));
    assert_eq!(bindings["5000/tcp"], Some(vec![binding("", "")]));
    assert_eq!(bindings["6000/sctp"], Some(vec![binding("::1", "6001")]));
    assert_eq!(bindings.len(), 6);
    // No ports: an empty map, as compose sends.
    let b = body("services:\n  s:\n    image: busybox\n");
    assert_eq!(host(&b).port_bindings, Some(HashMap::new()));
    assert_eq!(b.exposed_ports, None);
}

fn mounts_by_target(h: &HostConfig) -> IndexMap<String, Mount> {
    h.mounts
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.target.clone().unwrap(), m))
        .collect()
}

#[test]
fn volumes_split_into_binds_and_mounts_as_compose_does() {
    let f = load(
        "services:\n  s:\n    image: busybox\n    volumes:\n      - ./data:/data\n      - ./ro:/ro:ro,z\n      - named:/named\n      - named:/named-ro:ro\n      - /anon\n      - type: bind\n        source: ./long\n        target: /long\n      - type: bind\n        source: ./prop\n        target: /prop\n        bind: {propagation: rshared, create_host_path: true}\n      - type: bind\n        source: ./nocreate\n        target: /nocreate\n        bind: {create_host_path: false}\n      - type: volume\n        source: named\n        target: /nocopy\n        volume: {nocopy: true, subpath: sub}\n      - type: tmpfs\n        target: /tmp\n        tmpfs: {size: 1m, mode: 0o1777}\n      - type: bind\n        source: ./cached\n        target: /cached\n        consistency: cached\nvolumes:\n  named: {}\n",
    );
    let (spec, warnings) = convert(&f, "s");
    assert!(warnings.is_empty(), "{warnings:?}");
    let dir = f.spec.working_dir.clone();
    let h = host(&spec.body);
    let name = format!("{}_named", f.spec.name);
    assert_eq!(
        sorted(h.binds.clone().unwrap()),
        sorted(vec![
            format!("{dir}/data:/data:rw"),
            format!("{dir}/ro:/ro:ro,z"),
            format!("{name}:/named:rw"),
            format!("{name}:/named-ro:ro"),
            format!("{dir}/long:/long:rw"),
            format!("{dir}/cached:/cached:rw"),
        ])
    );
    let m = mounts_by_target(h);
    assert_eq!(
        m.keys().map(String::as_str).collect::<Vec<_>>(),
        ["/anon", "/prop", "/nocreate", "/nocopy", "/tmp"]
    );
    assert_eq!(m["/anon"].typ, Some(MountType::VOLUME));
    assert_eq!(m["/anon"].source.as_deref(), Some(""));
    let prop = m["/prop"].bind_options.clone().unwrap();
    assert_eq!(prop.create_mountpoint, Some(true));
    assert_eq!(
        prop.propagation,
        Some(bollard_stubs::models::MountBindOptionsPropagationEnum::RSHARED)
    );
    assert_eq!(m["/nocreate"].source, Some(format!("{dir}/nocreate")));
    assert_eq!(
        m["/nocreate"]
            .bind_options
            .clone()
            .unwrap()
            .create_mountpoint,
        None
    );
    let nocopy = m["/nocopy"].volume_options.clone().unwrap();
    assert_eq!(
        (nocopy.no_copy, nocopy.subpath.as_deref()),
        (Some(true), Some("sub"))
    );
    assert_eq!(m["/nocopy"].source, Some(name));
    let tmpfs = m["/tmp"].tmpfs_options.clone().unwrap();
    assert_eq!(
        (tmpfs.size_bytes, tmpfs.mode),
        (Some(1 << 20), Some(0o1777))
    );
}

#[test]
fn inherited_anonymous_volumes_replace_the_new_ones() {
    // The old container mounted /anon read-only: compose keeps that, whatever the file says.
    let f = load("services:\n  s:\n    image: busybox\n    volumes: [/anon, {type: volume, target: /other, read_only: true}]\n");
    let old = crate::observed::AnonymousVolume {
        name: "oldvolume".to_string(),
        read_only: true,
    };
    let env = Env {
        inherited: [("/anon".to_string(), old)].into_iter().collect(),
        ..Default::default()
    };
    let h = convert_env(&f, "s", &env).0.body.host_config.unwrap();
    let m = mounts_by_target(&h);
    assert_eq!(m["/anon"].source.as_deref(), Some("oldvolume"));
    assert_eq!(m["/anon"].typ, Some(MountType::VOLUME));
    assert_eq!(m["/anon"].read_only, Some(true));
    assert_eq!(m["/other"].source.as_deref(), Some(""));
    assert_eq!(m["/other"].read_only, Some(true));
    assert_eq!(h.binds, None);
}

#[test]
fn image_volumes_need_a_recent_engine() {
    let f = load("services:\n  s:\n    image: busybox\n    volumes:\n      - type: image\n        source: alpine\n        target: /img\n        image: {subpath: etc}\n");
    let e = try_convert(&f, "s", &Env::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "volume with type=image require Docker Engine v28 or later"
    );
    let env = Env {
        api: (1, 48),
        ..Default::default()
    };
    let h = convert_env(&f, "s", &env).0.body.host_config.unwrap();
    let m = mounts_by_target(&h);
    assert_eq!(m["/img"].typ, Some(MountType::IMAGE));
    assert_eq!(m["/img"].source.as_deref(), Some("alpine"));
    assert_eq!(
        m["/img"].image_options.clone().unwrap().subpath.as_deref(),
        Some("etc")
    );
}

#[test]
fn tmpfs_strings_go_to_host_config_tmpfs() {
    let b = body(
        "services:\n  s:\n    image: busybox\n    tmpfs: ['/run:size=64m,mode=1777', /cache]\n",
    );
    let t = host(&b).tmpfs.clone().unwrap();
    assert_eq!(t["/run"], "size=64m,mode=1777");
    assert_eq!(t["/cache"], "");
}

#[test]
fn secrets_and_configs_from_files_are_read_only_binds() {
    let f = load_with(
        "services:\n  s:\n    image: busybox\n    secrets:\n      - pw\n      - source: pw\n        target: rel\n        uid: '1'\n      - source: token\n        target: /etc/token\n        mode: 0o400\n        uid: '7'\n    configs:\n      - cfg\n      - source: inline\n        target: /etc/inline.conf\nsecrets:\n  pw: {file: ./pw.txt}\n  token: {environment: TOKEN}\nconfigs:\n  cfg: {file: ./cfg.txt}\n  inline: {content: hello}\n",
        &[("pw.txt", "pw"), ("cfg.txt", "cfg")],
    );
    let (spec, warnings) = convert(&f, "s");
    assert_eq!(
        warnings,
        ["secrets `uid`, `gid` and `mode` are not supported, they will be ignored"]
    );
    let dir = f.dir.path().canonicalize().unwrap();
    let h = host(&spec.body);
    let m = mounts_by_target(h);
    assert_eq!(
        m.keys().map(String::as_str).collect::<Vec<_>>(),
        ["/run/secrets/pw", "/run/secrets/rel", "/cfg"]
    );
    let pw = &m["/run/secrets/pw"];
    assert_eq!(pw.typ, Some(MountType::BIND));
    assert_eq!(pw.read_only, Some(true));
    assert_eq!(
        pw.source.as_deref(),
        Some(dir.join("pw.txt").to_str().unwrap())
    );
    assert_eq!(pw.bind_options, Some(Default::default()));
    assert_eq!(m["/cfg"].bind_options, None);
    assert_eq!(h.binds, None);
    assert_eq!(
        spec.files,
        [
            InjectedFile {
                target: "/etc/token".into(),
                content: b"s3cr3t".to_vec(),
                mode: 0o400,
                uid: 7,
                gid: 0,
                copy_uid_gid: true,
            },
            InjectedFile {
                target: "/etc/inline.conf".into(),
                content: b"hello".to_vec(),
                mode: 0o444,
                uid: 0,
                gid: 0,
                copy_uid_gid: false,
            },
        ]
    );
    assert!(spec.files_error.is_none());
}

#[test]
fn secret_errors_and_warnings_follow_compose() {
    let f = load("services:\n  s:\n    image: busybox\n    secrets: [missing]\nsecrets:\n  missing: {file: ./nope}\n");
    let (_, warnings) = convert(&f, "s");
    assert_eq!(
        warnings,
        [format!(
            "secret file {}_missing does not exist",
            f.spec.name
        )]
    );
    let f = load("services:\n  s:\n    image: busybox\n    read_only: true\n    configs: [c]\nconfigs:\n  c: {content: x}\n");
    let (spec, _) = convert(&f, "s");
    assert_eq!(
        spec.files_error.unwrap().to_string(),
        format!(
            "cannot create config \"{}_c\" in read-only service s: `file` is the sole supported option",
            f.spec.name
        )
    );
    let f = load("services:\n  s:\n    image: busybox\n    secrets: [e]\nsecrets:\n  e: {environment: NOT_SET}\n");
    let (spec, _) = convert(&f, "s");
    assert_eq!(
        spec.files_error.unwrap().to_string(),
        format!(
            "environment variable \"NOT_SET\" required by secret \"{}_e\" is not set",
            f.spec.name
        )
    );
}

#[test]
fn networks_aliases_addresses_and_priority() {
    let f = load(
        "services:\n  s:\n    image: busybox\n    networks:\n      back:\n        aliases: [db]\n        ipv4_address: 172.30.5.5\n        ipv6_address: 'fd00::5'\n        link_local_ips: [169.254.1.1]\n        driver_opts: {o: v}\n        gw_priority: 3\n      front:\n        priority: 10\nnetworks:\n  front: {}\n  back:\n    ipam:\n      config: [{subnet: 172.30.0.0/16}]\n",
    );
    let (spec, _) = convert(&f, "s");
    let p = &f.spec.name;
    let front = format!("{p}_front");
    let back = format!("{p}_back");
    assert_eq!(
        host(&spec.body).network_mode.as_deref(),
        Some(front.as_str())
    );
    let endpoints = spec
        .body
        .networking_config
        .clone()
        .unwrap()
        .endpoints_config
        .unwrap();
    assert_eq!(endpoints.keys().collect::<Vec<_>>(), [&front]);
    let name = format!("{p}-s-1");
    assert_eq!(endpoints[&front].aliases, strings(&[&name, "s"]));
    assert_eq!(endpoints[&front].ipam_config, Some(Default::default()));
    // API < 1.44: the other network is connected before start.
    assert_eq!(spec.connect.len(), 1);
    let (net, ep) = &spec.connect[0];
    assert_eq!(net, &back);
    assert_eq!(ep.aliases, strings(&[&name, "s", "db"]));
    let ipam = ep.ipam_config.clone().unwrap();
    assert_eq!(ipam.ipv4_address.as_deref(), Some("172.30.5.5"));
    assert_eq!(ipam.ipv6_address.as_deref(), Some("fd00::5"));
    assert_eq!(ipam.link_local_ips, strings(&["169.254.1.1"]));
    assert_eq!(ep.ip_address.as_deref(), Some("172.30.5.5"));
    assert_eq!(ep.driver_opts.clone().unwrap()["o"], "v");
    assert_eq!(ep.gw_priority, Some(3));

    // API ≥ 1.44: all in the create call.
    let env = Env {
        api: (1, 44),
        ..Default::default()
    };
    let (spec, _) = convert_env(&f, "s", &env);
    assert!(spec.connect.is_empty());
    let endpoints = spec
        .body
        .networking_config
        .unwrap()
        .endpoints_config
        .unwrap();
    assert_eq!(endpoints.len(), 2);
}

#[test]
fn the_default_network_and_no_network() {
    let f = load("services:\n  s:\n    image: busybox\n");
    let (spec, _) = convert(&f, "s");
    let default = format!("{}_default", f.spec.name);
    assert_eq!(
        host(&spec.body).network_mode.as_deref(),
        Some(default.as_str())
    );
    let endpoints = spec
        .body
        .networking_config
        .unwrap()
        .endpoints_config
        .unwrap();
    assert_eq!(endpoints[&default].ipam_config, None);
    // Only a network_mode service: the project has no networks.
    let b = body("services:\n  s:\n    image: busybox\n    network_mode: host\n");
    assert_eq!(host(&b).network_mode.as_deref(), Some("host"));
    assert_eq!(b.networking_config, None);
    let b = body("services:\n  s:\n    image: busybox\n    network_mode: none\n");
    assert_eq!(host(&b).network_mode.as_deref(), Some("none"));
}

#[test]
fn service_references_become_container_ids() {
    let f = load("services:\n  s:\n    image: busybox\n    network_mode: service:t\n    ipc: service:t\n    pid: service:t\n    volumes_from: ['t:ro', 'container:other:rw']\n  t:\n    image: busybox\n    ipc: shareable\n");
    let env = Env {
        containers: [("t".to_string(), "abc123".to_string())]
            .into_iter()
            .collect(),
        ..Default::default()
    };
    let b = convert_env(&f, "s", &env).0.body;
    let h = host(&b);
    assert_eq!(h.network_mode.as_deref(), Some("container:abc123"));
    assert_eq!(h.ipc_mode.as_deref(), Some("container:abc123"));
    assert_eq!(h.pid_mode.as_deref(), Some("container:abc123"));
    assert_eq!(h.volumes_from, strings(&["abc123", "other"]));
    let e = try_convert(&f, "s", &Env::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot share volume with service t: container missing"
    );
}

#[test]
fn links_name_every_container_of_the_linked_service() {
    let f = load("services:\n  s:\n    image: busybox\n    links: ['t:alias', u]\n    external_links: ['ext:e', plain]\n  t:\n    image: busybox\n  u:\n    image: busybox\n");
    let p = f.spec.name.clone();
    let env = Env {
        names: [
            (
                "t".to_string(),
                vec![format!("{p}-t-1"), format!("{p}-t-2")],
            ),
            ("u".to_string(), vec!["custom".to_string()]),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    let (spec, _) = convert_env(&f, "s", &env);
    let want: Vec<String> = vec![
        format!("{p}-t-1:alias"),
        format!("{p}-t-1:t-1"),
        format!("{p}-t-1:{p}-t-1"),
        format!("{p}-t-2:alias"),
        format!("{p}-t-2:t-1"),
        format!("{p}-t-2:{p}-t-1"),
        "custom:u".into(),
        "custom:u-1".into(),
        format!("custom:{p}-u-1"),
        "ext:e".into(),
        "plain:plain".into(),
    ];
    assert_eq!(host(&spec.body).links, Some(want.clone()));
    let endpoints = spec
        .body
        .networking_config
        .unwrap()
        .endpoints_config
        .unwrap();
    let ep: &EndpointSettings = endpoints.values().next().unwrap();
    assert_eq!(ep.links, Some(want));
}

#[test]
fn mac_address_moves_with_the_api_version() {
    let f = load("services:\n  s:\n    image: busybox\n    mac_address: '02:42:ac:11:00:99'\n");
    let (spec, _) = convert(&f, "s");
    assert_eq!(spec.mac_address.as_deref(), Some("02:42:ac:11:00:99"));
    let env = Env {
        api: (1, 44),
        ..Default::default()
    };
    let (spec, _) = convert_env(&f, "s", &env);
    assert_eq!(spec.mac_address, None);
    let ep = spec
        .body
        .networking_config
        .unwrap()
        .endpoints_config
        .unwrap();
    assert_eq!(
        ep.values().next().unwrap().mac_address.as_deref(),
        Some("02:42:ac:11:00:99")
    );
    let f = load("services:\n  s:\n    image: busybox\n    networks:\n      a: {mac_address: '02:42:ac:11:00:01'}\n      b: {mac_address: '02:42:ac:11:00:02'}\nnetworks: {a: {}, b: {}}\n");
    let e = try_convert(&f, "s", &Env::default()).unwrap_err();
    assert_eq!(e.to_string(), "a MAC address is specified for multiple networks (a, b), but this feature requires Docker Engine v25 or later");
}

#[test]
fn interface_name_needs_api_1_49() {
    let f = load("services:\n  s:\n    image: busybox\n    networks:\n      a: {interface_name: eth5}\nnetworks: {a: {}}\n");
    let e = try_convert(&f, "s", &Env::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "interface_name requires Docker Engine v28.1 or later"
    );
    let env = Env {
        api: (1, 49),
        ..Default::default()
    };
    let spec = convert_env(&f, "s", &env).0;
    let ep = spec
        .body
        .networking_config
        .unwrap()
        .endpoints_config
        .unwrap();
    assert_eq!(
        ep.values().next().unwrap().driver_opts.clone().unwrap()
            ["com.docker.network.endpoint.ifname"],
        "eth5"
    );
}

#[test]
fn dns_hosts_and_namespaces() {
    let b = body("services:\n  s:\n    image: busybox\n    dns: [1.1.1.1]\n    dns_opt: [ndots:2]\n    dns_search: [example.com]\n    extra_hosts: ['a=1.2.3.4', 'b:::1']\n    ipc: private\n    pid: host\n    uts: host\n    userns_mode: host\n    cgroup: private\n    cgroup_parent: /custom\n    group_add: [audio]\n    cap_add: [net_admin, SYS_TIME, CAP_NET_ADMIN]\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges, 'label:disable']\n    sysctls: {net.core.somaxconn: '1024'}\n    storage_opt: {size: 1G}\n    runtime: runc\n    isolation: default\n    shm_size: 64m\n    oom_score_adj: 100\n    annotations: {a: b}\n");
    let h = host(&b);
    assert_eq!(h.dns, strings(&["1.1.1.1"]));
    assert_eq!(h.dns_options, strings(&["ndots:2"]));
    assert_eq!(h.dns_search, strings(&["example.com"]));
    assert_eq!(h.extra_hosts, strings(&["a:1.2.3.4", "b:::1"]));
    assert_eq!(h.ipc_mode.as_deref(), Some("private"));
    assert_eq!(h.pid_mode.as_deref(), Some("host"));
    assert_eq!(h.uts_mode.as_deref(), Some("host"));
    assert_eq!(h.userns_mode.as_deref(), Some("host"));
    assert_eq!(
        h.cgroupns_mode,
        Some(bollard_stubs::models::HostConfigCgroupnsModeEnum::PRIVATE)
    );
    assert_eq!(h.cgroup_parent.as_deref(), Some("/custom"));
    assert_eq!(h.group_add, strings(&["audio"]));
    assert_eq!(h.cap_add, strings(&["CAP_NET_ADMIN", "CAP_SYS_TIME"]));
    assert_eq!(h.cap_drop, strings(&["ALL"]));
    assert_eq!(
        h.security_opt,
        strings(&["no-new-privileges", "label:disable"])
    );
    assert_eq!(h.sysctls.clone().unwrap()["net.core.somaxconn"], "1024");
    assert_eq!(h.storage_opt.clone().unwrap()["size"], "1G");
    assert_eq!(h.runtime.as_deref(), Some("runc"));
    assert_eq!(
        h.isolation,
        Some(bollard_stubs::models::HostConfigIsolationEnum::DEFAULT)
    );
    assert_eq!(h.shm_size, Some(64 << 20));
    assert_eq!(h.oom_score_adj, Some(100));
    assert_eq!(h.annotations.clone().unwrap()["a"], "b");
    assert_eq!(
        (h.masked_paths.clone(), h.readonly_paths.clone()),
        (None, None)
    );
}

#[test]
fn security_opt_unconfined_paths_and_seccomp_files() {
    let f = load_with(
        "services:\n  s:\n    image: busybox\n    security_opt: ['systempaths=unconfined', 'seccomp=profile.json', 'seccomp:unconfined']\n",
        &[("profile.json", "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": []\n}\n")],
    );
    let b = convert(&f, "s").0.body;
    let h = host(&b);
    assert_eq!(
        h.security_opt,
        strings(&[
            "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}",
            "seccomp:unconfined"
        ])
    );
    assert_eq!(h.masked_paths, Some(vec![]));
    assert_eq!(h.readonly_paths, Some(vec![]));
    let f = load("services:\n  s:\n    image: busybox\n    security_opt: [bogus]\n");
    let e = try_convert(&f, "s", &Env::default()).unwrap_err();
    assert_eq!(e.to_string(), "invalid security-opt: \"bogus\"");
}

#[test]
fn healthcheck_durations_disable_and_start_interval() {
    let b = body("services:\n  s:\n    image: busybox\n    healthcheck:\n      test: [CMD, 'true']\n      interval: 10s\n      timeout: 2s\n      retries: 4\n      start_period: 1m\n");
    let h = b.healthcheck.unwrap();
    assert_eq!(h.test, strings(&["CMD", "true"]));
    assert_eq!(h.interval, Some(10_000_000_000));
    assert_eq!(h.timeout, Some(2_000_000_000));
    assert_eq!(h.retries, Some(4));
    assert_eq!(h.start_period, Some(60_000_000_000));
    assert_eq!(h.start_interval, None);
    let b = body("services:\n  s:\n    image: busybox\n    healthcheck:\n      disable: true\n");
    assert_eq!(b.healthcheck.unwrap().test, strings(&["NONE"]));
    let b = body(
        "services:\n  s:\n    image: busybox\n    healthcheck:\n      test: curl -f localhost\n",
    );
    assert_eq!(
        b.healthcheck.unwrap().test,
        strings(&["CMD-SHELL", "curl -f localhost"])
    );
    let f = load("services:\n  s:\n    image: busybox\n    healthcheck:\n      test: [CMD, 'true']\n      start_period: 5s\n      start_interval: 1s\n");
    let e = try_convert(&f, "s", &Env::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "can't set healthcheck.start_interval as feature require Docker Engine v25 or later"
    );
    let env = Env {
        api: (1, 44),
        ..Default::default()
    };
    let b = convert_env(&f, "s", &env).0.body;
    assert_eq!(b.healthcheck.unwrap().start_interval, Some(1_000_000_000));
}

#[test]
fn restart_policies() {
    let policy = |yaml: &str| host(&body(yaml)).restart_policy.clone().unwrap();
    let p = policy("services:\n  s:\n    image: busybox\n    restart: on-failure:3\n");
    assert_eq!(p.name, Some(RestartPolicyNameEnum::ON_FAILURE));
    assert_eq!(p.maximum_retry_count, Some(3));
    let p = policy("services:\n  s:\n    image: busybox\n    restart: unless-stopped\n");
    assert_eq!(p.name, Some(RestartPolicyNameEnum::UNLESS_STOPPED));
    let p = policy("services:\n  s:\n    image: busybox\n    restart: always\n    deploy:\n      restart_policy: {condition: any, max_attempts: 2}\n");
    assert_eq!(p.name, Some(RestartPolicyNameEnum::ALWAYS));
    assert_eq!(p.maximum_retry_count, Some(2));
    let p = policy("services:\n  s:\n    image: busybox\n    deploy:\n      restart_policy: {condition: none}\n");
    assert_eq!(p.name, Some(RestartPolicyNameEnum::NO));
    let p = policy("services:\n  s:\n    image: busybox\n");
    assert_eq!(p, Default::default());
}

#[test]
fn resources_limits_and_devices() {
    let b = body("services:\n  s:\n    image: busybox\n    cpus: 0.3\n    cpu_shares: 512\n    cpu_period: 100000\n    cpu_quota: 50000\n    cpuset: '0'\n    cpu_rt_runtime: 400000000\n    cpu_rt_period: 1400000\n    mem_limit: 64m\n    mem_reservation: 32m\n    memswap_limit: 128m\n    mem_swappiness: 10\n    pids_limit: 50\n    oom_kill_disable: true\n    ulimits:\n      nofile: {soft: 1024, hard: 2048}\n      nproc: 65535\n    devices: ['/dev/null:/dev/mynull:r', 'vendor.com/class=name']\n    device_cgroup_rules: ['c 1:3 mr']\n    blkio_config:\n      weight: 300\n      weight_device: [{path: /dev/sda, weight: 400}]\n      device_read_bps: [{path: /dev/sda, rate: 1mb}]\n      device_write_iops: [{path: /dev/sda, rate: 30}]\n    gpus: [{driver: nvidia, count: 1}]\n");
    let h = host(&b);
    assert_eq!(h.nano_cpus, Some(300_000_000));
    assert_eq!(h.cpu_shares, Some(512));
    assert_eq!((h.cpu_period, h.cpu_quota), (Some(100_000), Some(50_000)));
    assert_eq!(h.cpuset_cpus.as_deref(), Some("0"));
    assert_eq!(h.cpu_realtime_runtime, Some(400_000_000));
    assert_eq!(h.cpu_realtime_period, Some(1_400_000));
    assert_eq!(h.memory, Some(64 << 20));
    assert_eq!(h.memory_reservation, Some(32 << 20));
    assert_eq!(h.memory_swap, Some(128 << 20));
    assert_eq!(h.memory_swappiness, Some(10));
    assert_eq!(h.pids_limit, Some(50));
    assert_eq!(h.oom_kill_disable, Some(true));
    let ulimits: Vec<_> = h
        .ulimits
        .clone()
        .unwrap()
        .into_iter()
        .map(|u| (u.name.unwrap(), u.soft.unwrap(), u.hard.unwrap()))
        .collect();
    assert_eq!(
        ulimits,
        [
            ("nofile".to_string(), 1024, 2048),
            ("nproc".to_string(), 65535, 65535)
        ]
    );
    let devices = h.devices.clone().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].path_on_host.as_deref(), Some("/dev/null"));
    assert_eq!(devices[0].path_in_container.as_deref(), Some("/dev/mynull"));
    assert_eq!(devices[0].cgroup_permissions.as_deref(), Some("r"));
    assert_eq!(h.device_cgroup_rules, strings(&["c 1:3 mr"]));
    let requests = h.device_requests.clone().unwrap();
    assert_eq!(requests[0].driver.as_deref(), Some("cdi"));
    assert_eq!(requests[0].device_ids, strings(&["vendor.com/class=name"]));
    assert_eq!(requests[1].driver.as_deref(), Some("nvidia"));
    assert_eq!(requests[1].count, Some(1));
    assert_eq!(
        requests[1].capabilities,
        Some(vec![vec!["gpu".to_string()]])
    );
    assert_eq!(h.blkio_weight, Some(300));
    assert_eq!(h.blkio_weight_device.clone().unwrap()[0].weight, Some(400));
    assert_eq!(
        h.blkio_device_read_bps.clone().unwrap()[0].rate,
        Some(1 << 20)
    );
    assert_eq!(h.blkio_device_write_iops.clone().unwrap()[0].rate, Some(30));
}

#[test]
fn deploy_resources_map_to_limits_and_reservations() {
    let b = body("services:\n  s:\n    image: busybox\n    deploy:\n      resources:\n        limits: {cpus: '0.5', memory: 128m, pids: 10}\n        reservations:\n          memory: 16m\n          cpus: '0.1'\n          devices: [{capabilities: [gpu, utility], count: all, driver: nvidia}]\n");
    let h = host(&b);
    assert_eq!(h.nano_cpus, Some(500_000_000));
    assert_eq!(h.memory, Some(128 << 20));
    assert_eq!(h.pids_limit, Some(10));
    assert_eq!(h.memory_reservation, Some(16 << 20));
    let r = &h.device_requests.clone().unwrap()[0];
    assert_eq!(r.count, Some(-1));
    assert_eq!(
        r.capabilities,
        Some(vec![vec!["gpu".to_string(), "utility".to_string()]])
    );
}

#[test]
fn logging() {
    let b = body("services:\n  s:\n    image: busybox\n    logging:\n      driver: json-file\n      options: {max-size: 1m}\n");
    let l = host(&b).log_config.clone().unwrap();
    assert_eq!(l.typ.as_deref(), Some("json-file"));
    assert_eq!(l.config.unwrap()["max-size"], "1m");
}

#[test]
fn platform_from_the_service_or_the_environment() {
    let f = load("services:\n  s:\n    image: busybox\n    platform: linux/arm64\n");
    assert_eq!(convert(&f, "s").0.platform.as_deref(), Some("linux/arm64"));
    let mut f = load("services:\n  s:\n    image: busybox\n");
    assert_eq!(convert(&f, "s").0.platform, None);
    f.spec
        .environment
        .insert("DOCKER_DEFAULT_PLATFORM".into(), "linux/amd64".into());
    assert_eq!(convert(&f, "s").0.platform.as_deref(), Some("linux/amd64"));
}

#[test]
fn use_api_socket_mounts_the_socket_and_writes_the_config() {
    let f = load("services:\n  s:\n    image: busybox\n    use_api_socket: true\n");
    let (spec, warnings) = convert(&f, "s");
    assert_eq!(
        warnings,
        ["service \"s\": use_api_socket: no registry credentials are passed to the container"]
    );
    let h = host(&spec.body);
    assert_eq!(
        h.binds,
        strings(&["/var/run/docker.sock:/var/run/docker.sock:rw"])
    );
    assert!(spec
        .body
        .env
        .unwrap()
        .contains(&"DOCKER_CONFIG=/run/secrets/docker".to_string()));
    assert_eq!(spec.files.len(), 1);
    assert_eq!(spec.files[0].target, "/run/secrets/docker/config.json");
    assert_eq!(spec.files[0].content, b"{\n\t\"auths\": {}\n}");
}

#[test]
fn attributes_berth_does_not_honour_are_named_in_warnings() {
    // Hooks are run (hooks.rs), so they are not warned about.
    let f = load("services:\n  s:\n    image: busybox\n    develop:\n      watch: [{path: ., action: rebuild}]\n    credential_spec: {file: x.json}\n    post_start: [{command: ['true']}]\n    pre_stop: [{command: ['true']}]\n  b:\n    build: .\n");
    let (_, warnings) = convert(&f, "s");
    assert_eq!(
        warnings,
        [
            "service \"s\": develop is not supported yet, ignored",
            "service \"s\": credential_spec is not supported yet, ignored (Windows engines only)",
        ]
    );
    let f2 = load("services:\n  b:\n    image: busybox\n    build: .\n    pull_policy: build\n");
    assert_eq!(
        convert(&f2, "b").1,
        ["service \"b\": pull_policy: build is not supported yet, the image is not rebuilt, the local one is used"]
    );
    let (_, warnings) = convert(&f, "b");
    assert_eq!(
        warnings,
        [format!(
            "service \"b\": build is not supported yet, the image {}-b must exist already",
            f.spec.name
        )]
    );
}

#[test]
fn a_recreate_keeps_the_final_name_as_alias_and_sets_replace() {
    let f = load("services:\n  s:\n    image: busybox\n");
    let env = Env::default();
    let svc = &f.spec.services["s"];
    let inputs = SpecInputs {
        project: &f.spec,
        service: svc,
        number: 1,
        name: "0123456789ab_x-s-1".into(),
        config_hash: "hash",
        image_id: "sha256:img",
        replace: Some("s-1".into()),
        service_containers: &env.containers,
        service_container_names: &env.names,
        inherited_volumes: &env.inherited,
        api_version: env.api,
        proxy_env: &env.proxy,
        api_socket_config: None,
        files: &Disk,
    };
    let (spec, _) = container_spec(&inputs).unwrap();
    assert_eq!(spec.name, "0123456789ab_x-s-1");
    assert_eq!(
        spec.body.labels.unwrap()["com.docker.compose.replace"],
        "s-1"
    );
    let ep = spec
        .body
        .networking_config
        .unwrap()
        .endpoints_config
        .unwrap();
    let alias = format!("{}-s-1", f.spec.name);
    assert_eq!(ep.values().next().unwrap().aliases, strings(&[&alias, "s"]));
}
