//! Tests of schema validation. Every expected message below was printed by the reference
//! (`docker compose config` v2.40.3) for the same document, as
//! `validating /abs/compose.yaml: <message>`.

use super::schema::{Node, Pattern, ROOT};
use super::*;

/// Our own list of every schema path with its types (the lead's reference file).
const SCHEMA_PATHS: &str = include_str!("schema-paths.txt");

/// Builds a model value from JSON, keeping key order (integers stay integers).
fn v(json: &str) -> Value {
    crate::phases::canonical::tests::v(serde_json::from_str(json).expect("test JSON parses"))
}

/// A file with one service `s` with the given attributes (JSON object body).
fn service(body: &str) -> Value {
    v(&format!(
        r#"{{"services": {{"s": {{"image": "x", {body}}}}}}}"#
    ))
}

fn error(dict: &Value) -> String {
    match validate_schema(dict) {
        Ok(()) => panic!("expected a schema error"),
        Err(e) => e.to_string(),
    }
}

fn assert_valid(dict: &Value) {
    if let Err(e) = validate_schema(dict) {
        panic!("expected valid, got: {e}");
    }
}

// ---- valid documents -------------------------------------------------------------------------

#[test]
fn accepts_short_and_long_syntaxes() {
    assert_valid(&v(r#"{
        "name": "demo",
        "version": "3.8",
        "x-anchors": {"anything": [1, 2]},
        "include": ["other.yaml", {"path": ["a.yaml", "b.yaml"], "env_file": ".env"}],
        "services": {
            "web": {
                "build": ".",
                "image": "nginx",
                "command": "echo hi",
                "entrypoint": ["sh", "-c"],
                "environment": ["A=1", "B"],
                "labels": {"a": "b", "n": 1, "t": true, "z": null},
                "ports": [80, "8080:80", {"target": 80, "published": "8080", "x-note": 1}],
                "expose": ["80", 81],
                "volumes": ["./a:/a:ro", {"type": "bind", "source": ".", "target": "/b",
                            "bind": {"create_host_path": true, "selinux": "z"}}],
                "depends_on": ["db"],
                "networks": ["front"],
                "dns": "8.8.8.8",
                "tmpfs": ["/tmp"],
                "env_file": [".env", {"path": "x.env", "required": false}],
                "healthcheck": {"test": ["CMD", "true"], "interval": "10s", "retries": 3},
                "ulimits": {"nproc": 65535, "nofile": {"soft": 1, "hard": "2"}},
                "extra_hosts": {"host": "1.2.3.4", "multi": ["1.2.3.4", "::1"]},
                "deploy": {"replicas": "2", "resources": {"limits": {"cpus": 0.5, "memory": "1g"},
                            "reservations": {"devices": [{"capabilities": ["gpu"], "count": "all"}]}}},
                "cpu_count": 2, "cpu_percent": "50", "oom_score_adj": -500, "cpus": "1.5",
                "scale": 2.0, "mem_swappiness": "60", "pid": null,
                "container_name": "web-1", "pull_policy": "every_12h",
                "gpus": "all", "models": {"m": null}, "x-custom": {"k": "v"},
                "secrets": ["s1", {"source": "s2", "mode": 288}],
                "post_start": [{"command": "true"}],
                "develop": {"watch": [{"path": ".", "action": "sync+restart"}]},
                "provider": {"type": "p", "options": {"a": 1, "b": ["x", true]}},
                "logging": {"options": {"max-size": "1m", "n": 3, "none": null}}
            },
            "db": {
                "build": {"context": ".", "args": {"A": 1}, "ulimits": {"NOFILE": "any"}},
                "depends_on": {"web": {"condition": "service_started", "required": false,
                                "x-extra": 1}},
                "networks": {"front": null, "back": {"aliases": ["d"], "priority": 1}},
                "deploy": null,
                "develop": null,
                "gpus": [{"driver": "nvidia", "anything": 1}]
            }
        },
        "networks": {"front": null, "back": {"external": true}, "not a name": {}},
        "volumes": {"data": null, "ext": {"external": {"name": "x"}}},
        "secrets": {"s1": {"file": "./s"}, "s2": {"external": {"name": "n", "other": 1}}},
        "configs": {"c": {"content": "hello"}},
        "models": {"m": {"model": "ai/smollm2", "context_size": 1024}}
    }"#));
}

#[test]
fn accepts_an_empty_document() {
    assert_valid(&v("{}"));
}

// ---- messages verified against the reference -------------------------------------------------

#[test]
fn additional_property_in_service() {
    assert_eq!(
        error(&service(r#""foo": 1"#)),
        "services.s additional properties 'foo' not allowed"
    );
}

#[test]
fn additional_property_at_top_level_has_an_empty_path() {
    assert_eq!(
        error(&v(r#"{"services": {"s": {"image": "x"}}, "bar": 2}"#)),
        " additional properties 'bar' not allowed"
    );
}

#[test]
fn additional_properties_are_listed_together() {
    // The reference lists them in Go map order (random); berth uses document order.
    assert_eq!(
        error(&v(r#"{"zzz": 1, "aaa": 2}"#)),
        " additional properties 'zzz', 'aaa' not allowed"
    );
    assert_eq!(
        error(&service(r#""zzz": 1, "aaa": 2"#)),
        "services.s additional properties 'zzz', 'aaa' not allowed"
    );
}

#[test]
fn the_deepest_error_wins() {
    // Top-level `bar` (depth 0, +1) loses to `services.s.foo` (depth 2, +1).
    assert_eq!(
        error(&v(
            r#"{"bar": 2, "services": {"s": {"image": "x", "foo": 1}}}"#
        )),
        "services.s additional properties 'foo' not allowed"
    );
    // `services.s.foo` (2+1) loses to `services.s.healthcheck.bar` (3+1), whatever the order.
    let expected = "services.s.healthcheck additional properties 'bar' not allowed";
    assert_eq!(
        error(&service(r#""foo": 1, "healthcheck": {"bar": 1}"#)),
        expected
    );
    assert_eq!(
        error(&service(r#""healthcheck": {"bar": 1}, "foo": 1"#)),
        expected
    );
}

#[test]
fn additional_property_beats_missing_property_at_the_same_place() {
    assert_eq!(
        error(&v(
            r#"{"services": {"s": {"image": "x", "depends_on": {"t": {"foo": 1}}},
                             "t": {"image": "x"}}}"#
        )),
        "services.s.depends_on.t additional properties 'foo' not allowed"
    );
}

#[test]
fn equal_errors_are_reported_in_document_order() {
    // The reference picks any of the three at random; berth picks the first.
    assert_eq!(
        error(&v(
            r#"{"services": {"a": {"image": 1}, "b": {"image": 2}, "c": {"image": 3}}}"#
        )),
        "services.a.image must be a string"
    );
}

#[test]
fn type_errors() {
    let cases = [
        (r#""ports": "80""#, "services.s.ports must be a array"),
        (
            r#""use_api_socket": "true""#,
            "services.s.use_api_socket must be a boolean",
        ),
        (
            r#""storage_opt": 5"#,
            "services.s.storage_opt must be a mapping",
        ),
        (
            r#""scale": 1.5"#,
            "services.s.scale must be a integer or string",
        ),
        (r#""image": null"#, "services.s.image must be a string"),
        (
            r#""environment": 5"#,
            "services.s.environment must be a mapping",
        ),
        (
            r#""environment": {"A": [1]}"#,
            "services.s.environment.A must be a boolean, null, number or string",
        ),
        (
            r#""logging": {"options": {"a": [1]}}"#,
            "services.s.logging.options.a must be a null, number or string",
        ),
        (
            r#""blkio_config": {"device_read_bps": [{"path": "a", "rate": 1.5}]}"#,
            "services.s.blkio_config.device_read_bps.0.rate must be a integer or string",
        ),
        (
            r#""ports": [{"target": 1.5}]"#,
            "services.s.ports.0.target must be a integer or string",
        ),
        (
            r#""gpus": [{"count": 1.5}]"#,
            "services.s.gpus.0.count must be a integer or string",
        ),
        (
            r#""label_file": [5]"#,
            "services.s.label_file.0 must be a string",
        ),
        (
            r#""networks": {"n": {"aliases": 5}}"#,
            "services.s.networks.n.aliases must be a array",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(error(&service(body)), expected, "for {body}");
    }
}

#[test]
fn top_level_type_errors() {
    let cases = [
        (r#"{"name": 5}"#, "name must be a string"),
        (r#"{"version": 3}"#, "version must be a string"),
        (r#"{"networks": ["a"]}"#, "networks must be a mapping"),
        (
            r#"{"services": {"s": null}}"#,
            "services.s must be a mapping",
        ),
        (r#"{"secrets": {"v": null}}"#, "secrets.v must be a mapping"),
        (
            r#"{"configs": {"c": {"content": 5}}}"#,
            "configs.c.content must be a string",
        ),
        (
            r#"{"networks": {"n": {"external": 5}}}"#,
            "networks.n.external must be a boolean, mapping or string",
        ),
        (
            r#"{"networks": {"n": {"ipam": {"config": [{"aux_addresses": {"a": 1}}]}}}}"#,
            "networks.n.ipam.config.0.aux_addresses.a must be a string",
        ),
        (
            r#"{"networks": {"n": {"ipam": {"options": {"a": 1}}}}}"#,
            "networks.n.ipam.options.a must be a string",
        ),
    ];
    for (json, expected) in cases {
        assert_eq!(error(&v(json)), expected, "for {json}");
    }
}

#[test]
fn one_of_reports_the_first_alternative_when_all_fail_at_the_same_depth() {
    let cases = [
        (r#""build": 5"#, "services.s.build must be a string"),
        (r#""command": 5"#, "services.s.command must be a null"),
        (
            r#""command": {"a": 1}"#,
            "services.s.command must be a null",
        ),
        (
            r#""command": ["a", 1]"#,
            "services.s.command.1 must be a string",
        ),
        (r#""dns": 5"#, "services.s.dns must be a string"),
        (r#""env_file": 5"#, "services.s.env_file must be a string"),
        (
            r#""healthcheck": {"test": 5}"#,
            "services.s.healthcheck.test must be a string",
        ),
        (r#""ports": [true]"#, "services.s.ports.0 must be a number"),
        (
            r#""depends_on": [1]"#,
            "services.s.depends_on.0 must be a string",
        ),
        (
            r#""networks": [1]"#,
            "services.s.networks.0 must be a string",
        ),
        (
            r#""extra_hosts": {"a": 5}"#,
            "services.s.extra_hosts.a must be a string",
        ),
        (
            r#""extra_hosts": [1]"#,
            "services.s.extra_hosts.0 must be a string",
        ),
        // The integer alternative's bound is never shown: the string alternative comes first.
        (
            r#""cpu_count": -1"#,
            "services.s.cpu_count must be a string",
        ),
        (
            r#""cpu_count": 1.5"#,
            "services.s.cpu_count must be a string",
        ),
        (
            r#""cpu_percent": 101"#,
            "services.s.cpu_percent must be a string",
        ),
        (
            r#""oom_score_adj": 2000"#,
            "services.s.oom_score_adj must be a string",
        ),
        // A mapping that misses `soft`/`hard` still reports the first alternative's type.
        (
            r#""ulimits": {"nofile": {"soft": 1}}"#,
            "services.s.ulimits.nofile must be a integer or string",
        ),
        (
            r#""ulimits": {"nofile": [1]}"#,
            "services.s.ulimits.nofile must be a integer or string",
        ),
        (
            r#""devices": [{"target": "/a"}]"#,
            "services.s.devices.0 must be a string",
        ),
        (
            r#""volumes": [{"source": "a", "target": "/b"}]"#,
            "services.s.volumes.0 must be a string",
        ),
        (
            r#""provider": {"type": "x", "options": {"a": {"b": 1}}}"#,
            "services.s.provider.options.a must be a boolean, number or string",
        ),
        (r#""gpus": "foo""#, "services.s.gpus value must be 'all'"),
    ];
    for (body, expected) in cases {
        assert_eq!(error(&service(body)), expected, "for {body}");
    }
}

#[test]
fn one_of_reports_a_deeper_error_from_a_later_alternative() {
    let cases = [
        (r#""build": {"context": ".", "foo": 1}"#, "services.s.build additional properties 'foo' not allowed"),
        (r#""environment": {"": "a"}"#, "services.s.environment additional properties '' not allowed"),
        (r#""depends_on": {"a b": {"condition": "service_started"}}"#, "services.s.depends_on additional properties 'a b' not allowed"),
        (r#""networks": {"a b": {}}"#, "services.s.networks additional properties 'a b' not allowed"),
        (r#""networks": {"n": {"foo": 1}}"#, "services.s.networks.n additional properties 'foo' not allowed"),
        (r#""models": {"m": {"foo": 1}}"#, "services.s.models.m additional properties 'foo' not allowed"),
        (r#""secrets": [{"source": "a", "foo": 1}]"#, "services.s.secrets.0 additional properties 'foo' not allowed"),
        (r#""depends_on": {"t": {"required": true}}"#, "services.s.depends_on.t missing property 'condition'"),
        (
            r#""depends_on": {"t": {"condition": "foo"}}"#,
            "services.s.depends_on.t.condition value must be one of 'service_started', 'service_healthy', 'service_completed_successfully'",
        ),
        (
            r#""volumes": [{"type": "foo", "source": "a", "target": "/b"}]"#,
            "services.s.volumes.0.type value must be one of 'bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'",
        ),
        (
            r#""volumes": [{"type": "tmpfs", "target": "/b", "tmpfs": {"size": -1}}]"#,
            "services.s.volumes.0.tmpfs.size must be greater than or equal to 0",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(error(&service(body)), expected, "for {body}");
    }
}

#[test]
fn enum_pattern_and_required_errors() {
    let cases = [
        (r#""cgroup": "foo""#, "services.s.cgroup value must be one of 'host', 'private'"),
        (
            r#""container_name": "x""#,
            "services.s.container_name 'x' does not match pattern '[a-zA-Z0-9][a-zA-Z0-9_.-]+'",
        ),
        (
            r#""pull_policy": "foo""#,
            "services.s.pull_policy 'foo' does not match pattern 'always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+'",
        ),
        (
            r#""develop": {"watch": [{"path": "."}]}"#,
            "services.s.develop.watch.0 missing property 'action'",
        ),
        (
            r#""develop": {"watch": [{"path": ".", "action": "foo"}]}"#,
            "services.s.develop.watch.0.action value must be one of 'rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec'",
        ),
        (r#""post_start": [{"user": "root"}]"#, "services.s.post_start.0 missing property 'command'"),
        (
            r#""deploy": {"resources": {"reservations": {"devices": [{"driver": "nvidia"}]}}}"#,
            "services.s.deploy.resources.reservations.devices.0 missing property 'capabilities'",
        ),
        (r#""provider": {"options": {}}"#, "services.s.provider missing property 'type'"),
    ];
    for (body, expected) in cases {
        assert_eq!(error(&service(body)), expected, "for {body}");
    }
    assert_eq!(
        error(&v(r#"{"models": {"m": {"name": "a"}}}"#)),
        "models.m missing property 'model'"
    );
    assert_eq!(
        error(&v(r#"{"volumes": {"a": {"external": {"foo": 1}}}}"#)),
        "volumes.a.external additional properties 'foo' not allowed"
    );
    assert_eq!(
        error(&v(r#"{"services": {"a b": {"image": "x"}}}"#)),
        "services additional properties 'a b' not allowed"
    );
}

#[test]
fn patterns_are_unanchored_like_go() {
    // Both pass in the reference: the patterns have no anchors.
    assert_valid(&service(r#""container_name": "-ab""#));
    assert_valid(&service(r#""pull_policy": "xalwaysx""#));
}

#[test]
fn quoting_follows_jsonschema_including_its_backslash_quirk() {
    assert_eq!(
        error(&service(r#""container_name": "'""#)),
        r"services.s.container_name '\'' does not match pattern '[a-zA-Z0-9][a-zA-Z0-9_.-]+'"
    );
    // é, tab, double quote, backslash: the reference prints 'é\t"\'.
    assert_eq!(
        error(&service(r#""container_name": "é\t\"\\""#)),
        "services.s.container_name 'é\\t\"\\' does not match pattern '[a-zA-Z0-9][a-zA-Z0-9_.-]+'"
    );
}

#[test]
fn unique_items_and_bounds() {
    // Not reachable through the reference's CLI (it removes duplicates before validating),
    // so these pin jsonschema's wording.
    assert_eq!(
        error(&service(r#""cap_add": ["A", "B", "A"]"#)),
        "services.s.cap_add items at 0 and 2 are equal"
    );
    assert_eq!(
        error(&service(r#""expose": [80, 80.0]"#)),
        "services.s.expose items at 0 and 1 are equal"
    );
    let long: Vec<String> = (0..40).map(|i| format!("\"p{}\"", i % 30)).collect();
    assert_eq!(
        error(&service(&format!(
            r#""security_opt": [{}]"#,
            long.join(",")
        ))),
        "services.s.security_opt items at 0 and 30 are equal"
    );
    assert_eq!(
        error(&service(
            r#""volumes": [{"type": "tmpfs", "target": "/b", "tmpfs": {"size": -1}}, "a:/a", "a:/a"]"#
        )),
        // The uniqueItems error (depth 3) is found first but the size error is deeper.
        "services.s.volumes.0.tmpfs.size must be greater than or equal to 0"
    );
}

#[test]
fn open_maps_accept_any_key() {
    // ulimits and top-level networks/models have patternProperties but no
    // additionalProperties: false.
    assert_valid(&service(r#""ulimits": {"NOFILE": [1, 2]}"#));
    assert_valid(&v(r#"{"networks": {"a b": 5}, "models": {"a b": 5}}"#));
    assert_valid(&service(r#""gpus": [{"foo": 1}]"#));
    assert_valid(&v(
        r#"{"secrets": {"a": {"external": {"name": "a", "foo": 1}}}}"#,
    ));
}

#[test]
fn numbers_as_strings_and_integral_floats_pass() {
    assert_valid(&service(
        r#""scale": 2.0, "mem_swappiness": "60", "cpus": 0.5, "shm_size": "64m", "pids_limit": -1"#,
    ));
    // YAML `.inf` (the reference: "must be a integer or string").
    let mut dict = service(r#""cpus": 1"#);
    if let Some(s) = dict.get_mut("services").and_then(|s| s.get_mut("s")) {
        s.as_map_mut()
            .expect("service is a map")
            .insert("mem_swappiness".into(), Value::Float(f64::INFINITY));
    }
    assert_eq!(
        error(&dict),
        "services.s.mem_swappiness must be a integer or string"
    );
}

#[test]
fn error_fields_carry_the_path_and_kind() {
    let err = validate_schema(&service(r#""ports": "80""#)).expect_err("invalid");
    assert_eq!(err.path, "services.s.ports");
    assert_eq!(
        err.kind,
        SchemaErrorKind::Type {
            want: &[schema::Ty::Array]
        }
    );
}

/// A file of `n` services of the same shape (the benchmark `cargo bench -p berth-loader
/// --bench validate` times the same file).
fn services(n: usize) -> Value {
    let services: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#""svc{i}": {{"image": "nginx", "ports": ["{i}:80"], "environment": {{"A": "1"}},
                    "depends_on": ["svc0"], "volumes": ["./d:/d"], "labels": ["a=b"],
                    "healthcheck": {{"test": "true"}}, "deploy": {{"replicas": 1}}}}"#
            )
        })
        .collect();
    v(&format!(r#"{{"services": {{{}}}}}"#, services.join(",")))
}

/// A valid file is walked once (no second, error-collecting pass) with the same number of
/// schema checks for every service: the work grows linearly with the services. How long it
/// takes is the benchmark's business (`cargo bench -p berth-loader --bench validate`).
#[test]
fn a_large_valid_project_is_checked_once_per_service() {
    let dict = services(500);
    assert_valid(&dict);
    let checks = |n: usize| {
        let (result, checks) = walk(&services(n));
        assert_eq!(result, Ok(()), "{n} services");
        checks
    };
    let one = checks(1);
    let per_service = checks(2) - one;
    // At least the service, its attributes and their values are each checked.
    assert!(per_service >= 20, "{per_service} checks per service");
    assert_eq!(checks(500), one + 499 * per_service);
    // An invalid file costs two walks: the probe (which stops at the first error, here the
    // last service's unknown key, so after everything else) and the pass that collects the
    // errors. Twice the valid file's count: that one was walked once.
    let mut invalid = services(500);
    invalid
        .get_mut("services")
        .and_then(|s| s.get_mut("svc499"))
        .and_then(Value::as_map_mut)
        .unwrap()
        .insert("nope".into(), Value::Bool(true));
    let (result, checks) = walk(&invalid);
    assert_eq!(
        result.unwrap_err().to_string(),
        "services.svc499 additional properties 'nope' not allowed"
    );
    assert_eq!(checks, 2 * (one + 499 * per_service), "{checks} checks");
}

// ---- the rules cover every schema path -------------------------------------------------------

/// One step of a path in schema-paths.txt: `.name`, `.<pattern>` or `[]`.
enum Step<'a> {
    Property(&'a str),
    Pattern(&'a str),
    Items,
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("[]") {
            out.push(Step::Items);
            rest = r;
        } else if let Some(r) = rest.strip_prefix(".<") {
            let end = r.find('>').expect("pattern step is closed");
            out.push(Step::Pattern(&r[..end]));
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push(Step::Property(&r[..end]));
            rest = &r[end..];
        } else {
            panic!("cannot parse path {path}");
        }
    }
    out
}

/// Follows one step from `node`, looking through `oneOf` alternatives as the schema does.
fn follow(node: &'static Node, step: &Step<'_>) -> Option<&'static Node> {
    let direct = match step {
        Step::Property(name) => node.property(name),
        Step::Pattern(source) => node
            .pattern_properties
            .iter()
            .find(|(p, _)| p.source() == *source)
            .map(|(_, n)| *n),
        Step::Items => node.items,
    };
    direct.or_else(|| node.one_of.iter().find_map(|alt| follow(alt, step)))
}

/// The node's type column as schema-paths.txt writes it.
fn summary(node: &Node) -> String {
    if let Some(name) = node.name {
        return format!("#{name}");
    }
    if !node.one_of.is_empty() {
        return node
            .one_of
            .iter()
            .map(|alt| summary(alt))
            .collect::<Vec<_>>()
            .join(",");
    }
    let mut out = node
        .types
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(",");
    if !node.enumeration.is_empty() {
        let values: Vec<String> = node.enumeration.iter().map(|e| format!("'{e}'")).collect();
        out.push_str(&format!(",enum[{}]", values.join(", ")));
    }
    out
}

/// Lists every property path of the rules, depth first in schema order, like the reference
/// file does.
fn all_paths(node: &'static Node, prefix: &str, out: &mut Vec<(String, &'static Node)>) {
    for (name, child) in node.properties {
        let path = format!("{prefix}.{name}");
        out.push((path.clone(), child));
        all_paths(child, &path, out);
    }
    for (pattern, child) in node.pattern_properties {
        if *pattern != Pattern::Extension {
            all_paths(child, &format!("{prefix}.<{}>", pattern.source()), out);
        }
    }
    if let Some(items) = node.items {
        all_paths(items, &format!("{prefix}[]"), out);
    }
    for alternative in node.one_of {
        all_paths(alternative, prefix, out);
    }
}

fn reference_lines() -> Vec<(&'static str, &'static str, bool)> {
    SCHEMA_PATHS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (path, rest) = line.split_once("  :  ").expect("path  :  types");
            let rest = rest.trim();
            let (types, deprecated) = match rest.strip_suffix("DEPRECATED") {
                Some(t) => (t.trim(), true),
                None => (rest, false),
            };
            (path, types, deprecated)
        })
        .collect()
}

#[test]
fn every_reference_path_is_known() {
    let lines = reference_lines();
    assert_eq!(lines.len(), 344);
    for (path, types, deprecated) in lines {
        let mut node: &'static Node = &ROOT;
        for step in steps(path) {
            node = follow(node, &step).unwrap_or_else(|| panic!("unknown schema path {path}"));
        }
        assert_eq!(summary(node), types, "types of {path}");
        assert_eq!(node.deprecated, deprecated, "deprecation of {path}");
    }
}

#[test]
fn the_rules_have_no_path_the_reference_lacks_and_keep_its_order() {
    let mut ours = Vec::new();
    all_paths(&ROOT, "", &mut ours);
    let ours: Vec<String> = ours.into_iter().map(|(p, _)| p).collect();
    let theirs: Vec<String> = reference_lines()
        .into_iter()
        .map(|(p, _, _)| p.to_string())
        .collect();
    pretty_assertions::assert_eq!(ours, theirs);
}

#[test]
fn patterns_match_like_go_regexp() {
    assert!(Pattern::Name.is_match("a.b_c-1"));
    assert!(!Pattern::Name.is_match("a b"));
    assert!(!Pattern::Name.is_match(""));
    assert!(Pattern::Line.is_match("a"));
    assert!(!Pattern::Line.is_match("a\nb"));
    assert!(Pattern::AnyChar.is_match("\na"));
    assert!(!Pattern::AnyChar.is_match("\n"));
    assert!(!Pattern::AnyChar.is_match(""));
    assert!(Pattern::Lowercase.is_match("nofile"));
    assert!(!Pattern::Lowercase.is_match("NOFILE"));
    assert!(Pattern::ContainerName.is_match("ab"));
    assert!(!Pattern::ContainerName.is_match("a"));
    assert!(Pattern::PullPolicy.is_match("every_1h30m"));
    assert!(!Pattern::PullPolicy.is_match("sometimes"));
}

#[test]
fn more_reference_messages() {
    let cases = [
        // A property's type error comes before the additionalProperties error of its parent.
        (
            r#"{"services": {"s": {"foo": 1, "image": 5}}}"#,
            "services.s.image must be a string",
        ),
        (
            r#"{"services": {"s": {"image": "x", "networks": {"n": 5}}}}"#,
            "services.s.networks.n must be a mapping",
        ),
        (
            r#"{"services": {"s": {"image": "x", "depends_on": {"t": 5}}}}"#,
            "services.s.depends_on.t must be a mapping",
        ),
        (
            r#"{"services": {"s": {"image": "x", "deploy": {"resources": {"limits": {"cpus": [1]}}}}}}"#,
            "services.s.deploy.resources.limits.cpus must be a number or string",
        ),
        (
            r#"{"services": {"s": {"image": "x", "labels": {"x-a": [1]}}}}"#,
            "services.s.labels.x-a must be a boolean, null, number or string",
        ),
        (
            r#"{"services": {"s": {"image": "x", "develop": {"watch": [{"path": 1}]}}}}"#,
            "services.s.develop.watch.0.path must be a string",
        ),
        (
            r#"{"models": {"m": {"model": "a", "context_size": "5"}}}"#,
            "models.m.context_size must be a integer",
        ),
        (
            r#"{"services": {"a": {"image": "x", "foo": 1}, "b": {"image": "x", "healthcheck": {"bar": 1}}}}"#,
            "services.b.healthcheck additional properties 'bar' not allowed",
        ),
        (
            r#"{"services": {"s": {"image": "x", "gpus": ["all"]}}}"#,
            "services.s.gpus.0 must be a mapping",
        ),
        (
            r#"{"services": {"s": {"image": "x", "healthcheck": null}}}"#,
            "services.s.healthcheck must be a mapping",
        ),
        (
            r#"{"services": {"s": {"image": "x", "build": null}}}"#,
            "services.s.build must be a string",
        ),
        (
            r#"{"services": {"s": {"image": "x", "cap_add": "ALL"}}}"#,
            "services.s.cap_add must be a array",
        ),
        (
            r#"{"services": {"s": {"image": "x", "volumes": [5]}}}"#,
            "services.s.volumes.0 must be a string",
        ),
        (
            r#"{"x-a": 1, "services": {"s": {"image": "x", "privileged": 5}}}"#,
            "services.s.privileged must be a boolean or string",
        ),
        (
            r#"{"services": {"s": {"image": "x", "ulimits": {"nofile": {}}}}}"#,
            "services.s.ulimits.nofile must be a integer or string",
        ),
    ];
    for (json, expected) in cases {
        assert_eq!(error(&v(json)), expected, "for {json}");
    }
}
