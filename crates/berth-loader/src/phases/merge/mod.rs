//! Phase "merge": folds the files given with `-f` (and an `extends` base into its service) into
//! one raw model, after interpolation and before validation and the canonical transform.
//!
//! This follows compose-go v2.9.1's `override` package: mappings merge recursively, scalars
//! are replaced, sequences are appended, except where [`MERGE_RULES`] names a special strategy
//! for the path. [`enforce_unicity`] then drops earlier duplicates from the sequences listed in
//! `unicity::UNIQUE_RULES`. compose-go runs, for every file: merge, unicity, validation,
//! canonical transform, unicity again; so the base this phase sees is usually already canonical
//! while the override is raw, and both syntaxes must be accepted on either side.

mod error;
mod path;
mod unicity;

use berth_model::golang;
use berth_model::value::{Map, Value};

pub use error::MergeError;
pub use path::YamlPath;
pub use unicity::{enforce_unicity, UNIQUE_RULES};

/// How the value found at a path in both files is combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// The override replaces the base whole (even with null).
    Replace,
    /// Both sides become `k=v` sequences (maps sorted by key) and are concatenated; unicity
    /// later keeps the last value per key.
    ToSequence,
    /// Like `ToSequence`, but override entries already present verbatim in the base are dropped.
    ExtraHosts,
    /// `build: ctx` is read as `{context: ctx}`, then the two mappings merge.
    Build,
    /// The short (list) form becomes `{svc: {condition: service_started, required: true}}`.
    DependsOn,
    /// The list form becomes `{name: null}`, then the mappings merge.
    ListToMap,
    /// Options merge when both sides name the same driver (or one names none); else replace.
    Logging,
    /// Each ulimit entry is replaced by the override's.
    Ulimit,
    /// IPAM pools are matched by `subnet` (with compose-go's exact, quirky algorithm).
    IpamConfig,
}

/// Per-path merge rules, in compose-go's order; the first matching pattern applies (no path
/// matches two of them, which a test checks). Paths not listed merge generically.
pub const MERGE_RULES: &[(&str, Strategy)] = &[
    ("networks.*.ipam.config", Strategy::IpamConfig),
    ("networks.*.labels", Strategy::ToSequence),
    ("volumes.*.labels", Strategy::ToSequence),
    ("services.*.annotations", Strategy::ToSequence),
    ("services.*.build", Strategy::Build),
    ("services.*.build.args", Strategy::ToSequence),
    ("services.*.build.additional_contexts", Strategy::ToSequence),
    ("services.*.build.extra_hosts", Strategy::ExtraHosts),
    ("services.*.build.labels", Strategy::ToSequence),
    ("services.*.command", Strategy::Replace),
    ("services.*.depends_on", Strategy::DependsOn),
    ("services.*.deploy.labels", Strategy::ToSequence),
    ("services.*.dns", Strategy::ToSequence),
    ("services.*.dns_opt", Strategy::ToSequence),
    ("services.*.dns_search", Strategy::ToSequence),
    ("services.*.entrypoint", Strategy::Replace),
    ("services.*.env_file", Strategy::ToSequence),
    ("services.*.label_file", Strategy::ToSequence),
    ("services.*.environment", Strategy::ToSequence),
    ("services.*.extra_hosts", Strategy::ExtraHosts),
    ("services.*.healthcheck.test", Strategy::Replace),
    ("services.*.labels", Strategy::ToSequence),
    // Dead in practice (service volumes are a sequence and sequences are appended, never
    // entered), kept because compose-go lists it.
    ("services.*.volumes.*.volume.labels", Strategy::ToSequence),
    ("services.*.logging", Strategy::Logging),
    ("services.*.models", Strategy::ListToMap),
    ("services.*.networks", Strategy::ListToMap),
    ("services.*.sysctls", Strategy::ToSequence),
    ("services.*.tmpfs", Strategy::ToSequence),
    ("services.*.ulimits.*", Strategy::Ulimit),
];

/// Merges an override model into a base model (`-f base -f over`), both top-level mappings.
pub fn merge(base: Value, over: Value) -> Result<Value, MergeError> {
    match (base, over) {
        (Value::Map(base), Value::Map(over)) => {
            Ok(Value::Map(merge_maps(base, over, &YamlPath::root())?))
        }
        _ => Err(MergeError::NotAMapping),
    }
}

/// Merges a local service definition over the service it `extends`.
///
/// compose-go's `ExtendService` applies exactly the `-f` rules, at the fixed path
/// `services.x` whatever the service is called; that path shows in its errors
/// (`cannot override services.x.cap_add`), so it is kept here.
pub fn merge_services(base: Value, over: Value) -> Result<Value, MergeError> {
    merge_at(base, over, &YamlPath::from_segments(&["services", "x"]))
}

/// The rule for a path, if any.
pub fn merge_rule(path: &YamlPath) -> Option<Strategy> {
    static TREE: std::sync::LazyLock<crate::phases::tree::RuleTree<Strategy>> =
        std::sync::LazyLock::new(|| crate::phases::tree::RuleTree::new(MERGE_RULES));
    TREE.find(path.segments()).copied()
}

fn merge_at(base: Value, over: Value, path: &YamlPath) -> Result<Value, MergeError> {
    // Rules apply before the null check: `command: null` in an override does replace.
    if let Some(strategy) = merge_rule(path) {
        return apply(strategy, base, over, path);
    }
    if over.is_null() {
        return Ok(base);
    }
    match (base, over) {
        (Value::Map(base), Value::Map(over)) => Ok(Value::Map(merge_maps(base, over, path)?)),
        (Value::Seq(mut base), Value::Seq(over)) => {
            base.extend(over);
            Ok(Value::Seq(base))
        }
        (Value::Map(_), _) | (Value::Seq(_), _) => Err(cannot_override(path)),
        (_, over) => Ok(over),
    }
}

/// Keys of the base keep their place; keys only in the override are appended in its order.
fn merge_maps(mut base: Map, over: Map, path: &YamlPath) -> Result<Map, MergeError> {
    for (key, value) in over {
        match base.get_mut(&key) {
            Some(slot) => {
                let existing = std::mem::replace(slot, Value::Null);
                *slot = merge_at(existing, value, &path.child(&key))?;
            }
            None => {
                base.insert(key, value);
            }
        }
    }
    Ok(base)
}

fn cannot_override(path: &YamlPath) -> MergeError {
    MergeError::CannotOverride {
        path: path.to_string(),
    }
}

fn apply(
    strategy: Strategy,
    base: Value,
    over: Value,
    path: &YamlPath,
) -> Result<Value, MergeError> {
    match strategy {
        Strategy::Replace => Ok(over),
        Strategy::ToSequence => {
            let mut seq = into_sequence(base);
            seq.extend(into_sequence(over));
            Ok(Value::Seq(seq))
        }
        Strategy::ExtraHosts => {
            let mut seq = into_sequence(base);
            let extra: Vec<Value> = into_sequence(over)
                .into_iter()
                .filter(|v| !seq.contains(v))
                .collect();
            seq.extend(extra);
            Ok(Value::Seq(seq))
        }
        Strategy::Build => {
            let merged = merge_maps(build_to_map(base), build_to_map(over), path)?;
            Ok(Value::Map(merged))
        }
        Strategy::DependsOn => {
            let mut short_form = Map::default();
            short_form.insert("condition".into(), Value::from("service_started"));
            short_form.insert("required".into(), Value::Bool(true));
            let base = into_mapping(base, &Value::Map(short_form.clone()), path)?;
            let over = into_mapping(over, &Value::Map(short_form), path)?;
            Ok(Value::Map(merge_maps(base, over, path)?))
        }
        Strategy::ListToMap => {
            let base = into_mapping(base, &Value::Null, path)?;
            let over = into_mapping(over, &Value::Null, path)?;
            Ok(Value::Map(merge_maps(base, over, path)?))
        }
        Strategy::Logging => merge_logging(base, over, path),
        // compose-go's mergeUlimit ends up returning the override untouched.
        Strategy::Ulimit => Ok(over),
        Strategy::IpamConfig => merge_ipam_config(base, over, path),
    }
}

/// compose-go's `convertIntoSequence`: a mapping becomes sorted `k=v` strings (`k` alone for a
/// null value, one `k=v` per item for a sequence value), a string a one-item sequence, and
/// anything else nothing.
fn into_sequence(value: Value) -> Vec<Value> {
    match value {
        Value::Seq(seq) => seq,
        Value::String(s) => vec![Value::String(s)],
        Value::Map(map) => {
            let mut seq: Vec<String> = Vec::with_capacity(map.len());
            for (key, value) in map {
                match value {
                    Value::Null => seq.push(key),
                    Value::Seq(items) => {
                        seq.extend(
                            items
                                .iter()
                                .map(|v| format!("{key}={}", golang::sprintf_v(v))),
                        );
                    }
                    other => seq.push(format!("{key}={}", golang::sprintf_v(&other))),
                }
            }
            // Byte-wise, as Go's cmp.Compare on strings.
            seq.sort();
            seq.into_iter().map(Value::String).collect()
        }
        _ => Vec::new(),
    }
}

/// compose-go's `convertIntoMapping`: a list of names becomes a mapping from each name to
/// `default`; anything but a mapping or a list counts as empty.
fn into_mapping(value: Value, default: &Value, path: &YamlPath) -> Result<Map, MergeError> {
    match value {
        Value::Map(map) => Ok(map),
        Value::Seq(items) => {
            let mut map = Map::default();
            for item in items {
                // compose-go panics on a non-string item; report it as a kind mismatch instead.
                let Value::String(name) = item else {
                    return Err(cannot_override(path));
                };
                map.insert(name, default.clone());
            }
            Ok(map)
        }
        _ => Ok(Map::default()),
    }
}

fn build_to_map(value: Value) -> Map {
    match value {
        Value::String(context) => {
            let mut map = Map::default();
            map.insert("context".into(), Value::String(context));
            map
        }
        Value::Map(map) => map,
        _ => Map::default(),
    }
}

fn merge_logging(base: Value, over: Value, path: &YamlPath) -> Result<Value, MergeError> {
    match (base, over) {
        (Value::Map(base), Value::Map(over)) => {
            let same_driver = match (over.get("driver"), base.get("driver")) {
                (Some(o), Some(b)) => o == b,
                _ => true,
            };
            if same_driver {
                Ok(Value::Map(merge_maps(base, over, path)?))
            } else {
                Ok(Value::Map(over))
            }
        }
        // compose-go would panic here; keep the base for a null override like other mappings.
        (base, Value::Null) => Ok(base),
        _ => Err(cannot_override(path)),
    }
}

/// Where an entry of the IPAM result comes from: compose-go keeps references to the base's
/// pools and mutates them while it merges, so later merges show through earlier entries.
#[derive(Clone, Copy)]
enum Pool {
    Base(usize),
    Over(usize),
}

/// compose-go's `mergeIPAMConfig`, step for step. For each base pool it walks the override
/// pools: an override with a new subnet is appended; an override with the base's subnet is
/// merged into the base pool, which then replaces the entry of that subnet. An override whose
/// subnet differs but is already in the result is ALSO merged into the base pool (taking its
/// subnet), so `[A, B] + [C]` gives `[B∪C]`, as the reference prints.
fn merge_ipam_config(base: Value, over: Value, path: &YamlPath) -> Result<Value, MergeError> {
    let unexpected = |v: &Value| MergeError::UnexpectedType {
        path: path.to_string(),
        go_type: golang::type_name(v),
    };
    let Value::Seq(base_items) = base else {
        return Err(unexpected(&base));
    };
    let Value::Seq(over_items) = over else {
        // compose-go reports the base's type in both cases.
        return Err(unexpected(&Value::Seq(base_items)));
    };
    let mut bases: Vec<Map> = base_items
        .into_iter()
        .map(|v| into_mapping(v, &Value::Null, path))
        .collect::<Result<_, _>>()?;
    let overs: Vec<Map> = over_items
        .into_iter()
        .map(|v| into_mapping(v, &Value::Null, path))
        .collect::<Result<_, _>>()?;

    let mut result: Vec<Pool> = Vec::new();
    for b in 0..bases.len() {
        for (o, over_pool) in overs.iter().enumerate() {
            let subnet_of = |pool: &Pool, bases: &[Map]| -> Option<Value> {
                match *pool {
                    Pool::Base(i) => bases[i].get("subnet").cloned(),
                    Pool::Over(i) => overs[i].get("subnet").cloned(),
                }
            };
            let over_subnet = over_pool.get("subnet").cloned();
            if over_subnet.as_ref() != bases[b].get("subnet")
                && !result.iter().any(|p| subnet_of(p, &bases) == over_subnet)
            {
                result.push(Pool::Over(o));
                continue;
            }
            let current = std::mem::take(&mut bases[b]);
            bases[b] = merge_maps(current, over_pool.clone(), path)?;
            let merged_subnet = bases[b].get("subnet").cloned();
            match result
                .iter()
                .position(|p| subnet_of(p, &bases) == merged_subnet)
            {
                Some(i) => result[i] = Pool::Base(b),
                None => result.push(Pool::Base(b)),
            }
        }
    }
    Ok(Value::Seq(
        result
            .into_iter()
            .map(|p| match p {
                Pool::Base(i) => Value::Map(bases[i].clone()),
                Pool::Over(i) => Value::Map(overs[i].clone()),
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    //! Each case is one the reference was run on (`-f a.yaml -f b.yaml config`); the expected
    //! value is the merged raw model that its output is the canonical form of.

    use super::*;
    use pretty_assertions::assert_eq;

    /// A value from JSON text (test inputs read better that way).
    fn j(text: &str) -> Value {
        crate::phases::canonical::tests::v(serde_json::from_str(text).expect("test JSON"))
    }

    /// Merges two service definitions of service `s` as `-f` files, then enforces unicity.
    fn merge_service(base: &str, over: &str) -> Value {
        let wrap = |s: &str| j(&format!(r#"{{"services": {{"s": {s}}}}}"#));
        let merged = merge(wrap(base), wrap(over)).expect("merge");
        let merged = enforce_unicity(merged).expect("unicity");
        merged
            .get("services")
            .and_then(|s| s.get("s"))
            .cloned()
            .expect("service kept")
    }

    fn merge_err(base: &str, over: &str) -> String {
        match merge(j(base), j(over)) {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn rule_patterns_never_overlap() {
        for (i, (a, _)) in MERGE_RULES.iter().enumerate() {
            for (b, _) in &MERGE_RULES[i + 1..] {
                assert!(!path::patterns_overlap(a, b), "{a} and {b}");
            }
        }
    }

    #[test]
    fn command_entrypoint_and_healthcheck_test_are_replaced() {
        let got = merge_service(
            r#"{"image": "x", "command": ["a", "b"], "entrypoint": "/bin/sh",
                "healthcheck": {"test": ["CMD", "a"], "interval": "10s"}}"#,
            r#"{"command": "echo over", "entrypoint": ["/bin/bash", "-c"],
                "healthcheck": {"test": ["CMD", "b"], "retries": 3}}"#,
        );
        let want = j(
            r#"{"image": "x", "command": "echo over", "entrypoint": ["/bin/bash", "-c"],
                "healthcheck": {"test": ["CMD", "b"], "interval": "10s", "retries": 3}}"#,
        );
        assert_eq!(got, want);
    }

    #[test]
    fn null_override_replaces_only_where_a_rule_says_so() {
        // Reference: `command:` (null) drops the command; environment, cap_add and x-m stay.
        let got = merge_service(
            r#"{"image": "x", "command": ["a"], "environment": {"A": "1"}, "cap_add": ["A"],
                "x-m": {"a": 1}}"#,
            r#"{"command": null, "environment": null, "cap_add": null, "x-m": null}"#,
        );
        let want = j(
            r#"{"image": "x", "command": null, "environment": ["A=1"], "cap_add": ["A"],
                "x-m": {"a": 1}}"#,
        );
        assert_eq!(got, want);
    }

    #[test]
    fn key_value_attributes_merge_by_key_across_list_and_map_forms() {
        let got = merge_service(
            r#"{"image": "x", "environment": {"A": "base", "B": "base", "N": null},
                "labels": ["l1=a", "l2=b"], "annotations": {"a1": "x"}, "sysctls": ["net.a=1"],
                "build": {"context": ".", "args": ["X=1", "Y=2"]}}"#,
            r#"{"environment": ["B=over", "C=over", "D"], "labels": {"l2": "c", "l3": "d"},
                "annotations": ["a1=y", "a2=z"], "sysctls": {"net.a": 2, "net.b": 3},
                "build": {"args": {"Y": 3, "Z": 4}}}"#,
        );
        // Reference: environment A=base B=over C=over D N; labels l1=a l2=c l3=d;
        // annotations a1=y a2=z; sysctls net.a=2 net.b=3; args X=1 Y=3 Z=4.
        let want = j(r#"{"image": "x",
                "environment": ["A=base", "B=over", "N", "C=over", "D"],
                "labels": ["l1=a", "l2=c", "l3=d"],
                "annotations": ["a1=y", "a2=z"],
                "sysctls": ["net.a=2", "net.b=3"],
                "build": {"context": ".", "args": ["X=1", "Y=3", "Z=4"]}}"#);
        assert_eq!(got, want);
    }

    #[test]
    fn map_values_are_formatted_like_go() {
        let got = merge_service(
            r#"{"labels": {"f": 1.5, "b": true, "l": [1, "x"], "n": null}}"#,
            r#"{"labels": {}}"#,
        );
        assert_eq!(
            got,
            // Unicity keeps the last `l`, in the first one's place.
            j(r#"{"labels": ["b=true", "f=1.5", "l=x", "n"]}"#)
        );
    }

    #[test]
    fn extra_hosts_drop_only_verbatim_repeats() {
        // Reference: s → a=1.1.1.1, b=2.2.2.2 (twice: once from `b:2.2.2.2`), c=5.5.5.5;
        // t → a, b=9.9.9.9, m=3.3.3.3, m=4.4.4.4. extra_hosts is not in the unicity table.
        let got = merge_service(
            r#"{"extra_hosts": ["a=1.1.1.1", "b:2.2.2.2"]}"#,
            r#"{"extra_hosts": {"a": "1.1.1.1", "b": "2.2.2.2", "c": "5.5.5.5"}}"#,
        );
        assert_eq!(
            got,
            j(r#"{"extra_hosts": ["a=1.1.1.1", "b:2.2.2.2", "b=2.2.2.2", "c=5.5.5.5"]}"#)
        );
        let got = merge_service(
            r#"{"extra_hosts": {"a": "1.1.1.1", "m": ["3.3.3.3", "4.4.4.4"]}}"#,
            r#"{"extra_hosts": ["a=1.1.1.1", "b=9.9.9.9"]}"#,
        );
        assert_eq!(
            got,
            j(r#"{"extra_hosts": ["a=1.1.1.1", "m=3.3.3.3", "m=4.4.4.4", "b=9.9.9.9"]}"#)
        );
    }

    #[test]
    fn build_string_is_a_context_and_nested_rules_apply() {
        let got = merge_service(
            r#"{"build": "."}"#,
            r#"{"build": {"dockerfile": "D", "extra_hosts": ["h=1.2.3.4"], "args": ["A"]}}"#,
        );
        assert_eq!(
            got,
            j(
                r#"{"build": {"context": ".", "dockerfile": "D", "extra_hosts": ["h=1.2.3.4"],
                  "args": ["A"]}}"#
            )
        );
        let got = merge_service(
            r#"{"build": {"context": ".", "args": {"A": "1"}}}"#,
            r#"{"build": "other"}"#,
        );
        assert_eq!(
            got,
            j(r#"{"build": {"context": "other", "args": {"A": "1"}}}"#)
        );
    }

    #[test]
    fn sequences_append_then_unicity_dedups() {
        // The `lists` reference case: ports 80, 90, 70; volumes /a, /b (from ./c), /d; expose
        // 80 81 82; dns 1.1.1.1 8.8.8.8; dns_search a.com; dns_opt o1 o2; cap_add NET_ADMIN
        // SYS_TIME CHOWN; profiles p1 p2; links db cache:c db:d2; tmpfs /t1 /t2; env_file
        // a.env b.env; devices /dev/a, /dev/c:/dev/b.
        let got = merge_service(
            r#"{"ports": ["8080:80", "9090:90"], "volumes": ["./a:/a", "./b:/b"],
                "expose": [80, "81"], "dns": "1.1.1.1", "dns_search": ["a.com"],
                "dns_opt": ["o1"], "cap_add": ["NET_ADMIN", "SYS_TIME"], "cap_drop": ["ALL"],
                "profiles": ["p1"], "links": ["db", "cache:c"], "tmpfs": "/t1",
                "env_file": ["a.env"], "devices": ["/dev/a:/dev/a", "/dev/b:/dev/b"]}"#,
            r#"{"ports": ["8080:80", {"target": 70, "published": "7070"}],
                "volumes": [{"type": "bind", "source": "./c", "target": "/b"}, "./d:/d"],
                "expose": ["80", 82], "dns": ["8.8.8.8", "1.1.1.1"], "dns_search": "a.com",
                "dns_opt": ["o1", "o2"], "cap_add": ["NET_ADMIN", "CHOWN"], "cap_drop": ["ALL"],
                "profiles": ["p1", "p2"], "links": ["cache:c", "db:d2"], "tmpfs": ["/t1", "/t2"],
                "env_file": ["a.env", "b.env"], "devices": ["/dev/c:/dev/b"]}"#,
        );
        let want = j(
            r#"{"ports": ["8080:80", "9090:90", {"target": 70, "published": "7070"}],
                "volumes": ["./a:/a", {"type": "bind", "source": "./c", "target": "/b"}, "./d:/d"],
                "expose": ["80", "81", 82], "dns": ["1.1.1.1", "8.8.8.8"],
                "dns_search": ["a.com"], "dns_opt": ["o1", "o2"],
                "cap_add": ["NET_ADMIN", "SYS_TIME", "CHOWN"], "cap_drop": ["ALL"],
                "profiles": ["p1", "p2"], "links": ["db", "cache:c", "db:d2"],
                "tmpfs": ["/t1", "/t2"], "env_file": ["a.env", "b.env"],
                "devices": ["/dev/a:/dev/a", "/dev/c:/dev/b"]}"#,
        );
        assert_eq!(got, want);
    }

    #[test]
    fn env_file_mapping_override_is_flattened_to_strings() {
        // Reference: `env_file: {path: a.env, format: raw}` in an override is read as the
        // two files "format=raw" and "path=a.env" (compose-go's convertIntoSequence).
        let got = merge_service(
            r#"{"env_file": ["a.env"]}"#,
            r#"{"env_file": {"path": "a.env", "format": "raw"}}"#,
        );
        assert_eq!(
            got,
            j(r#"{"env_file": ["a.env", "format=raw", "path=a.env"]}"#)
        );
    }

    #[test]
    fn logging_merges_options_only_for_the_same_driver() {
        let case = |base: &str, over: &str| {
            merge_service(
                &format!(r#"{{"logging": {base}}}"#),
                &format!(r#"{{"logging": {over}}}"#),
            )
            .get("logging")
            .cloned()
            .expect("logging")
        };
        assert_eq!(
            case(
                r#"{"driver": "json-file", "options": {"max-size": "1m", "max-file": "3"}}"#,
                r#"{"driver": "json-file", "options": {"max-size": "2m"}}"#
            ),
            j(r#"{"driver": "json-file", "options": {"max-size": "2m", "max-file": "3"}}"#)
        );
        assert_eq!(
            case(
                r#"{"driver": "json-file", "options": {"max-size": "1m"}}"#,
                r#"{"driver": "syslog", "options": {"syslog-address": "udp://1.2.3.4"}}"#
            ),
            j(r#"{"driver": "syslog", "options": {"syslog-address": "udp://1.2.3.4"}}"#)
        );
        // A side without a driver merges.
        assert_eq!(
            case(
                r#"{"options": {"max-size": "1m"}}"#,
                r#"{"driver": "syslog", "options": {"x": "y"}}"#
            ),
            j(r#"{"driver": "syslog", "options": {"max-size": "1m", "x": "y"}}"#)
        );
        assert_eq!(
            case(
                r#"{"driver": "syslog", "options": {"a": "b"}}"#,
                r#"{"options": {"c": "d"}}"#
            ),
            j(r#"{"driver": "syslog", "options": {"a": "b", "c": "d"}}"#)
        );
    }

    #[test]
    fn ulimits_entries_are_replaced() {
        let got = merge_service(
            r#"{"ulimits": {"nofile": {"soft": 1, "hard": 2}, "nproc": 10, "core": 5}}"#,
            r#"{"ulimits": {"nofile": {"soft": 3}, "nproc": {"soft": 5, "hard": 6}, "memlock": 7}}"#,
        );
        assert_eq!(
            got,
            j(
                r#"{"ulimits": {"nofile": {"soft": 3}, "nproc": {"soft": 5, "hard": 6},
                  "core": 5, "memlock": 7}}"#
            )
        );
    }

    #[test]
    fn depends_on_and_networks_merge_as_mappings() {
        let got = merge_service(
            r#"{"depends_on": ["a", "b"], "networks": ["n1", "n2"]}"#,
            r#"{"depends_on": {"b": {"condition": "service_healthy", "restart": true},
                               "c": {"condition": "service_started"}},
                "networks": {"n1": {"aliases": ["y1"], "priority": 3}, "n3": null}}"#,
        );
        let want = j(r#"{"depends_on": {
                    "a": {"condition": "service_started", "required": true},
                    "b": {"condition": "service_healthy", "required": true, "restart": true},
                    "c": {"condition": "service_started"}},
                "networks": {"n1": {"aliases": ["y1"], "priority": 3}, "n2": null, "n3": null}}"#);
        assert_eq!(got, want);
        // The short form in the override resets the condition (reference: a → service_started).
        let got = merge_service(
            r#"{"depends_on": {"a": {"condition": "service_healthy"}},
                "networks": {"n1": {"aliases": ["x1"]}, "n2": null}}"#,
            r#"{"depends_on": ["a", "c"], "networks": ["n1", "n3"]}"#,
        );
        let want = j(r#"{"depends_on": {
                    "a": {"condition": "service_started", "required": true},
                    "c": {"condition": "service_started", "required": true}},
                "networks": {"n1": {"aliases": ["x1"]}, "n2": null, "n3": null}}"#);
        assert_eq!(got, want);
    }

    fn ipam(base: &str, over: &str) -> Value {
        let wrap = |c: &str| {
            j(&format!(
                r#"{{"networks": {{"n": {{"ipam": {{"config": {c}}}}}}}}}"#
            ))
        };
        merge(wrap(base), wrap(over))
            .expect("merge")
            .get("networks")
            .and_then(|n| n.get("n"))
            .and_then(|n| n.get("ipam"))
            .and_then(|n| n.get("config"))
            .cloned()
            .expect("config")
    }

    #[test]
    fn ipam_config_merges_by_subnet_with_compose_go_quirks() {
        // Reference (ipam3): the matching pool merges, the new one is kept, in override order.
        assert_eq!(
            ipam(
                r#"[{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}]"#,
                r#"[{"subnet": "10.2.0.0/24"}, {"subnet": "10.0.0.0/24", "ip_range": "10.0.0.0/26"}]"#
            ),
            j(r#"[{"subnet": "10.2.0.0/24"},
                  {"subnet": "10.0.0.0/24", "gateway": "10.0.0.1", "ip_range": "10.0.0.0/26"}]"#)
        );
        // Reference (ipam1): [A, B] + [C] prints one pool, subnet C with B's gateway.
        assert_eq!(
            ipam(
                r#"[{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"},
                    {"subnet": "10.1.0.0/24", "gateway": "10.1.0.1"}]"#,
                r#"[{"subnet": "10.2.0.0/24"}]"#
            ),
            j(r#"[{"subnet": "10.2.0.0/24", "gateway": "10.1.0.1"}]"#)
        );
        // Reference (ipam2): [A, B] + [A'] prints subnet A, B's gateway, A's new ip_range.
        assert_eq!(
            ipam(
                r#"[{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"},
                    {"subnet": "10.1.0.0/24", "gateway": "10.1.0.1", "ip_range": "10.1.0.0/25"}]"#,
                r#"[{"subnet": "10.0.0.0/24", "ip_range": "10.0.0.0/26"}]"#
            ),
            j(r#"[{"subnet": "10.0.0.0/24", "gateway": "10.1.0.1", "ip_range": "10.0.0.0/26"}]"#)
        );
        let err = merge(
            j(r#"{"networks": {"n": {"ipam": {"config": {"a": 1}}}}}"#),
            j(r#"{"networks": {"n": {"ipam": {"config": []}}}}"#),
        )
        .map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("networks.n.ipam.config: unexpected type map[string]interface {}".into())
        );
    }

    #[test]
    fn top_level_resources_and_extensions_merge_generically() {
        // Reference `top` case: driver_opts merged, labels merged by key, file replaced,
        // x-* maps merged with their lists appended, scalars replaced.
        let base = j(r#"{"name": "p1",
            "services": {"s": {"image": "x", "restart": "always", "mem_limit": "1g",
                               "x-foo": {"a": 1, "l": [1]}}},
            "networks": {"n": {"driver": "bridge", "labels": ["a=1"], "driver_opts": {"o1": "a"}}},
            "volumes": {"v": {"labels": {"a": "1"}, "driver_opts": {"o1": "a"}}},
            "secrets": {"sec": {"file": "./s1"}},
            "configs": {"cfg": {"file": "./c1"}},
            "x-top": {"a": 1, "l": ["a"]}}"#);
        let over = j(r#"{"name": "p2",
            "services": {"s": {"image": "y", "restart": "no", "mem_limit": "2g",
                               "x-foo": {"b": 2, "l": [2]}}},
            "networks": {"n": {"labels": {"b": "2"}, "driver_opts": {"o2": "b"}}},
            "volumes": {"v": {"labels": ["b=2"], "driver": "local"}},
            "secrets": {"sec": {"file": "./s2"}},
            "configs": {"cfg": {"file": "./c2", "x-y": 1}},
            "x-top": {"b": 2, "l": ["b"]}}"#);
        let want = j(r#"{"name": "p2",
            "services": {"s": {"image": "y", "restart": "no", "mem_limit": "2g",
                               "x-foo": {"a": 1, "b": 2, "l": [1, 2]}}},
            "networks": {"n": {"driver": "bridge", "labels": ["a=1", "b=2"],
                               "driver_opts": {"o1": "a", "o2": "b"}}},
            "volumes": {"v": {"labels": ["a=1", "b=2"], "driver_opts": {"o1": "a"}, "driver": "local"}},
            "secrets": {"sec": {"file": "./s2"}},
            "configs": {"cfg": {"file": "./c2", "x-y": 1}},
            "x-top": {"a": 1, "b": 2, "l": ["a", "b"]}}"#);
        assert_eq!(merge(base, over), Ok(want));
    }

    #[test]
    fn base_keys_keep_their_place_and_new_keys_follow() {
        let got = merge(
            j(r#"{"b": 1, "a": {"y": 1, "x": 2}}"#),
            j(r#"{"c": 3, "a": {"z": 1, "x": 5}}"#),
        )
        .expect("merge");
        let keys = |v: &Value| v.as_map().map(|m| m.keys().cloned().collect::<Vec<_>>());
        assert_eq!(
            keys(&got),
            Some(vec!["b".to_string(), "a".to_string(), "c".to_string()])
        );
        assert_eq!(
            got.get("a").and_then(keys),
            Some(vec!["y".to_string(), "x".to_string(), "z".to_string()])
        );
    }

    #[test]
    fn kind_mismatches_are_errors_with_the_path() {
        // All four wordings were printed by the reference.
        assert_eq!(
            merge_err(
                r#"{"services": {"s": {"cap_add": ["A"]}}}"#,
                r#"{"services": {"s": {"cap_add": "B"}}}"#
            ),
            "cannot override services.s.cap_add"
        );
        assert_eq!(
            merge_err(
                r#"{"services": {"s": {"deploy": {"resources": {}}}}}"#,
                r#"{"services": {"s": {"deploy": ["a"]}}}"#
            ),
            "cannot override services.s.deploy"
        );
        assert_eq!(
            merge_err(
                r#"{"services": {"s": {"x-a": {"a": 1}}}}"#,
                r#"{"services": {"s": {"x-a": [1]}}}"#
            ),
            "cannot override services.s.x-a"
        );
        assert_eq!(
            merge_err(r#"{"x-a": [1]}"#, r#"{"x-a": {"a": 1}}"#),
            "cannot override x-a"
        );
        // A scalar base is simply replaced, whatever the override (reference: x-a: [1]).
        assert_eq!(
            merge(j(r#"{"x-a": 1}"#), j(r#"{"x-a": [1]}"#)),
            Ok(j(r#"{"x-a": [1]}"#))
        );
        assert_eq!(merge(j("[]"), j("{}")), Err(MergeError::NotAMapping));
    }

    #[test]
    fn extends_uses_the_same_rules_at_services_x() {
        // Reference: `extends: base` with environment [B=3, C=4], ports + 90:90, command x.
        let base = j(
            r#"{"image": "x", "cap_add": ["A"], "environment": {"A": "1", "B": "2"},
                         "ports": ["80:80"], "command": ["a", "b"]}"#,
        );
        let local = j(r#"{"extends": "base", "environment": ["B=3", "C=4"],
                          "ports": ["80:80", "90:90"], "command": "x"}"#);
        let got = merge_services(base.clone(), local).expect("extends merge");
        let want = j(
            r#"{"image": "x", "cap_add": ["A"], "environment": ["A=1", "B=2", "B=3", "C=4"],
                         "ports": ["80:80", "80:80", "90:90"], "command": "x", "extends": "base"}"#,
        );
        assert_eq!(got, want);
        // The error names `services.x`, not the service (reference wording).
        let err = merge_services(base, j(r#"{"cap_add": "B"}"#)).map_err(|e| e.to_string());
        assert_eq!(err, Err("cannot override services.x.cap_add".into()));
    }
}
