//! Merge phase, unicity: after a merge (and again after the canonical transform), sequences
//! whose entries have an identity keep one entry per identity, as compose-go's
//! `EnforceUnicity` does. The later entry wins and takes the place of the first one.

use berth_model::value::Value;
use indexmap::IndexMap;

use super::error::MergeError;
use super::path::{go_d, go_s, go_type_name, YamlPath};
use crate::phases::tree::RuleTree;

/// How the identity of a sequence entry is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexer {
    /// `KEY=value` and `KEY` strings are identified by `KEY`.
    KeyValue,
    /// Service volumes by mount target (`target`, or parsed from the short syntax).
    Volume,
    /// Devices by container path (`target`, or the second `:` field of the short syntax).
    DeviceMapping,
    /// `expose` entries by their text.
    Expose,
    /// Secrets and configs by target, defaulting to `<dir>/<source>`.
    Mount(&'static str),
    /// Ports by `host_ip:published:target/protocol` (long form) or their text (short form).
    Port,
    /// `env_file` entries by path.
    EnvFile,
}

/// Sequences made unique, by path pattern. compose-go registers `services.*.devices` twice
/// (first with the volume indexer); the device indexer is the one that stays, so only it is
/// listed here.
pub const UNIQUE_RULES: &[(&str, Indexer)] = &[
    ("networks.*.labels", Indexer::KeyValue),
    ("networks.*.ipam.options", Indexer::KeyValue),
    ("services.*.annotations", Indexer::KeyValue),
    ("services.*.build.args", Indexer::KeyValue),
    ("services.*.build.additional_contexts", Indexer::KeyValue),
    ("services.*.build.platform", Indexer::KeyValue),
    ("services.*.build.tags", Indexer::KeyValue),
    ("services.*.build.labels", Indexer::KeyValue),
    ("services.*.cap_add", Indexer::KeyValue),
    ("services.*.cap_drop", Indexer::KeyValue),
    ("services.*.configs", Indexer::Mount("")),
    ("services.*.deploy.labels", Indexer::KeyValue),
    ("services.*.dns", Indexer::KeyValue),
    ("services.*.dns_opt", Indexer::KeyValue),
    ("services.*.dns_search", Indexer::KeyValue),
    ("services.*.environment", Indexer::KeyValue),
    ("services.*.env_file", Indexer::EnvFile),
    ("services.*.expose", Indexer::Expose),
    ("services.*.labels", Indexer::KeyValue),
    ("services.*.links", Indexer::KeyValue),
    ("services.*.networks.*.aliases", Indexer::KeyValue),
    ("services.*.networks.*.link_local_ips", Indexer::KeyValue),
    ("services.*.ports", Indexer::Port),
    ("services.*.profiles", Indexer::KeyValue),
    ("services.*.secrets", Indexer::Mount("/run/secrets")),
    ("services.*.sysctls", Indexer::KeyValue),
    ("services.*.tmpfs", Indexer::KeyValue),
    ("services.*.volumes", Indexer::Volume),
    ("services.*.devices", Indexer::DeviceMapping),
];

/// Removes redefinitions from the sequences listed in [`UNIQUE_RULES`], anywhere in the model.
pub fn enforce_unicity(dict: Value) -> Result<Value, MergeError> {
    unique_at(dict, &YamlPath::root())
}

/// The unicity rule for a path, if any.
pub fn unique_rule(path: &YamlPath) -> Option<Indexer> {
    TREE.find(path.segments()).copied()
}

static TREE: std::sync::LazyLock<RuleTree<Indexer>> =
    std::sync::LazyLock::new(|| RuleTree::new(UNIQUE_RULES));

fn unique_at(value: Value, path: &YamlPath) -> Result<Value, MergeError> {
    match value {
        Value::Map(mut map) => {
            // Only subtrees some rule reaches are walked.
            if !TREE.leads_below(path.segments()) {
                return Ok(Value::Map(map));
            }
            for (key, entry) in map.iter_mut() {
                let taken = std::mem::replace(entry, Value::Null);
                *entry = unique_at(taken, &path.child(key))?;
            }
            Ok(Value::Map(map))
        }
        // Like compose-go, sequences are not entered: only the listed ones are rewritten.
        Value::Seq(items) => match unique_rule(path) {
            Some(indexer) => Ok(Value::Seq(dedup(items, indexer, path)?)),
            None => Ok(Value::Seq(items)),
        },
        other => Ok(other),
    }
}

fn dedup(items: Vec<Value>, indexer: Indexer, path: &YamlPath) -> Result<Vec<Value>, MergeError> {
    let mut seq: Vec<Value> = Vec::with_capacity(items.len());
    let mut seen: IndexMap<String, usize> = IndexMap::new();
    for (i, entry) in items.into_iter().enumerate() {
        let key = index(indexer, &entry, &path.child(&format!("[{i}]")))?;
        match seen.get(&key) {
            Some(&j) => seq[j] = entry,
            None => {
                seen.insert(key, seq.len());
                seq.push(entry);
            }
        }
    }
    Ok(seq)
}

fn index(indexer: Indexer, entry: &Value, path: &YamlPath) -> Result<String, MergeError> {
    let p = || path.to_string();
    match indexer {
        Indexer::KeyValue => match entry {
            Value::String(s) => Ok(s.split_once('=').map_or(s.as_str(), |(k, _)| k).to_string()),
            other => Err(MergeError::UnexpectedType {
                path: p(),
                go_type: go_type_name(other),
            }),
        },
        Indexer::Volume => match entry {
            Value::Map(m) => match m.get("target") {
                Some(Value::String(t)) => Ok(t.clone()),
                _ => Err(MergeError::VolumeMissingTarget { path: p() }),
            },
            Value::String(spec) => volume_target(spec),
            _ => Ok(String::new()),
        },
        Indexer::DeviceMapping => match entry {
            Value::Map(m) => match m.get("target") {
                Some(Value::String(t)) => Ok(t.clone()),
                _ => Err(MergeError::DeviceMissingTarget { path: p() }),
            },
            Value::String(s) => {
                let mut parts = s.split(':');
                let first = parts.next().unwrap_or_default();
                Ok(parts.next().unwrap_or(first).to_string())
            }
            _ => Ok(String::new()),
        },
        Indexer::Expose => match entry {
            Value::String(s) => Ok(s.clone()),
            Value::Int(i) => Ok(i.to_string()),
            other => Err(MergeError::UnsupportedValue {
                path: p(),
                value: go_s(other),
            }),
        },
        Indexer::Mount(dir) => match entry {
            Value::String(s) => Ok(format!("{dir}/{s}")),
            Value::Map(m) => match m.get("target") {
                Some(t) => Ok(go_s(t)),
                None => Ok(format!(
                    "{dir}/{}",
                    go_s(m.get("source").unwrap_or(&Value::Null))
                )),
            },
            other => Err(MergeError::UnsupportedValue {
                path: p(),
                value: go_s(other),
            }),
        },
        Indexer::Port => match entry {
            Value::Int(i) => Ok(i.to_string()),
            Value::String(s) => Ok(s.clone()),
            Value::Map(m) => {
                let Some(target) = m.get("target") else {
                    return Err(MergeError::PortMissingTarget { path: p() });
                };
                // Formatted with Go's %s/%d verbs, so a raw `published: 8080` (an int) keys
                // differently from the canonical "8080" until the canonical pass runs.
                let host = m.get("host_ip").map_or_else(|| "0.0.0.0".to_string(), go_s);
                let published = go_s(m.get("published").unwrap_or(&Value::Null));
                let protocol = m.get("protocol").map_or_else(|| "tcp".to_string(), go_s);
                Ok(format!("{host}:{published}:{}/{protocol}", go_d(target)))
            }
            _ => Ok(String::new()),
        },
        Indexer::EnvFile => match entry {
            Value::String(s) => Ok(s.clone()),
            Value::Map(m) => match m.get("path") {
                Some(path_value) => Ok(go_s(path_value)),
                None => Err(MergeError::EnvFileMissingPath { path: p() }),
            },
            _ => Ok(String::new()),
        },
    }
}

/// The mount target of a short-syntax volume (`src:dst:opts`), following compose-go's
/// `format.ParseVolume`: Windows drive letters and `${…}` are not split on, and its errors
/// are reported the same way.
fn volume_target(spec: &str) -> Result<String, MergeError> {
    match spec.len() {
        0 => return Err(MergeError::EmptyVolumeSpec),
        1 | 2 => return Ok(spec.to_string()),
        _ => {}
    }
    let bytes = spec.as_bytes();
    let mut buffer = String::new();
    let mut in_var = 0usize;
    let mut source = String::new();
    let mut target = String::new();
    // `None` stands for compose-go's end-of-spec marker.
    let chars = spec
        .char_indices()
        .map(|(i, c)| (i, Some(c)))
        .chain(std::iter::once((spec.len(), None)));
    for (i, ch) in chars {
        if ch == Some('$') && i + 1 < bytes.len() && bytes[i + 1] == b'{' {
            in_var += 1;
            buffer.push('$');
            continue;
        }
        if ch == Some('}') && in_var > 0 {
            in_var -= 1;
            buffer.push('}');
            continue;
        }
        let drive = ch == Some(':')
            && buffer.chars().count() == 1
            && buffer.chars().next().is_some_and(char::is_alphabetic);
        if drive {
            buffer.push(':');
        } else if (ch == Some(':') || ch.is_none()) && in_var == 0 {
            let invalid = |reason| MergeError::InvalidVolumeSpec {
                spec: spec.to_string(),
                reason,
            };
            if buffer.is_empty() {
                return Err(invalid("empty section between colons"));
            } else if source.is_empty() && ch.is_none() {
                target = std::mem::take(&mut buffer);
            } else if source.is_empty() {
                source = std::mem::take(&mut buffer);
            } else if target.is_empty() {
                target = std::mem::take(&mut buffer);
            } else if ch == Some(':') {
                return Err(invalid("too many colons"));
            }
            // Anything after the target is options, which do not change the identity.
            buffer.clear();
        } else {
            // compose-go appends its NUL end marker too when a `${` is left open.
            buffer.push(ch.unwrap_or('\0'));
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_model::value::Value as V;

    fn s(x: &str) -> V {
        V::from(x)
    }
    fn seq(items: Vec<V>) -> V {
        V::Seq(items)
    }
    fn map(entries: Vec<(&str, V)>) -> V {
        V::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }
    fn service(key: &str, value: V) -> V {
        map(vec![(
            "services",
            map(vec![("s", map(vec![(key, value)]))]),
        )])
    }
    fn uniq(key: &str, value: V) -> V {
        let out = enforce_unicity(service(key, value)).expect("unicity");
        out.get("services")
            .and_then(|s| s.get("s"))
            .and_then(|s| s.get(key))
            .cloned()
            .expect("key kept")
    }

    #[test]
    fn rule_patterns_never_overlap() {
        for (i, (a, _)) in UNIQUE_RULES.iter().enumerate() {
            for (b, _) in &UNIQUE_RULES[i + 1..] {
                assert!(!super::super::path::patterns_overlap(a, b), "{a} and {b}");
            }
        }
    }

    #[test]
    fn key_value_keeps_first_place_and_last_value() {
        // env `[B=over]` appended after the base's sorted `A=base, B=base` (reference: B=over).
        let v = uniq(
            "environment",
            seq(vec![
                s("A=base"),
                s("B=base"),
                s("B=over"),
                s("C=over"),
                s("B"),
            ]),
        );
        assert_eq!(v, seq(vec![s("A=base"), s("B"), s("C=over")]));
    }

    #[test]
    fn cap_add_profiles_links_dns_tmpfs_dedup_by_text() {
        let v = uniq(
            "cap_add",
            seq(vec![
                s("NET_ADMIN"),
                s("SYS_TIME"),
                s("NET_ADMIN"),
                s("CHOWN"),
            ]),
        );
        assert_eq!(v, seq(vec![s("NET_ADMIN"), s("SYS_TIME"), s("CHOWN")]));
        // links are cut at `=`, not `:`, so `cache:c` and `db:d2` both stay (reference).
        let v = uniq(
            "links",
            seq(vec![s("db"), s("cache:c"), s("cache:c"), s("db:d2")]),
        );
        assert_eq!(v, seq(vec![s("db"), s("cache:c"), s("db:d2")]));
        let v = uniq("dns", seq(vec![s("1.1.1.1"), s("8.8.8.8"), s("1.1.1.1")]));
        assert_eq!(v, seq(vec![s("1.1.1.1"), s("8.8.8.8")]));
        let v = uniq("tmpfs", seq(vec![s("/t1"), s("/t1"), s("/t2")]));
        assert_eq!(v, seq(vec![s("/t1"), s("/t2")]));
        let v = uniq("profiles", seq(vec![s("p1"), s("p1"), s("p2")]));
        assert_eq!(v, seq(vec![s("p1"), s("p2")]));
    }

    #[test]
    fn ports_by_text_or_long_form_key() {
        let long = |published: V, target: i64| {
            map(vec![
                ("mode", s("ingress")),
                ("target", V::Int(target)),
                ("published", published),
                ("protocol", s("tcp")),
            ])
        };
        // Reference: ["8080:80","9090:90"] + ["8080:80", {target: 70, published: "7070"}]
        // gives 80, 90, 70; the short entries meet again as equal long forms after canonical.
        let v = uniq(
            "ports",
            seq(vec![
                long(s("8080"), 80),
                long(s("9090"), 90),
                s("8080:80"),
                map(vec![("target", V::Int(70)), ("published", s("7070"))]),
            ]),
        );
        assert_eq!(v.as_seq().map(Vec::len), Some(4));
        let v = uniq(
            "ports",
            seq(vec![
                long(s("8080"), 80),
                long(s("9090"), 90),
                long(s("8080"), 80),
                map(vec![("target", V::Int(70)), ("published", s("7070"))]),
            ]),
        );
        assert_eq!(v.as_seq().map(Vec::len), Some(3));
        assert_eq!(
            index(
                Indexer::Port,
                &map(vec![("target", V::Int(80)), ("published", V::Int(8080))]),
                &YamlPath::root()
            ),
            Ok("0.0.0.0:%!s(int=8080):80/tcp".to_string())
        );
        assert_eq!(
            index(
                Indexer::Port,
                &map(vec![("published", s("1"))]),
                &YamlPath::from_segments(&["services", "s", "ports", "[0]"])
            ),
            Err(MergeError::PortMissingTarget {
                path: "services.s.ports.[0]".into()
            })
        );
    }

    #[test]
    fn raw_int_published_port_stays_apart_from_the_canonical_one() {
        // Reference (`portint`): ["8080:80"] + [{target: 80, published: 8080}] prints the port
        // twice, because the canonical base says published "8080" and the raw override 8080.
        let canonical = map(vec![
            ("mode", s("ingress")),
            ("target", V::Int(80)),
            ("published", s("8080")),
            ("protocol", s("tcp")),
        ]);
        let raw = map(vec![("target", V::Int(80)), ("published", V::Int(8080))]);
        let v = uniq("ports", seq(vec![canonical.clone(), raw.clone()]));
        assert_eq!(v, seq(vec![canonical, raw]));
    }

    #[test]
    fn volumes_by_target_whatever_the_syntax() {
        // Reference: [./a:/a, ./b:/b] + [{type: bind, source: ./c, target: /b}, ./d:/d]
        // gives /a, /b (from ./c, in the place of ./b) and /d.
        let c = map(vec![
            ("type", s("bind")),
            ("source", s("./c")),
            ("target", s("/b")),
        ]);
        let v = uniq(
            "volumes",
            seq(vec![s("./a:/a"), s("./b:/b:ro"), c.clone(), s("./d:/d")]),
        );
        assert_eq!(v, seq(vec![s("./a:/a"), c, s("./d:/d")]));
    }

    #[test]
    fn volume_short_syntax_targets() {
        assert_eq!(volume_target("/data"), Ok("/data".into()));
        assert_eq!(volume_target("vol:/v:ro"), Ok("/v".into()));
        // A one-letter source reads as a Windows drive: the reference printed `v:/v` as an
        // anonymous volume with target "v:/v".
        assert_eq!(volume_target("v:/v"), Ok("v:/v".into()));
        assert_eq!(volume_target("v:/v:ro"), Ok("ro".into()));
        assert_eq!(volume_target("C:\\x:/y"), Ok("/y".into()));
        assert_eq!(volume_target("${A:-x}:/y"), Ok("/y".into()));
        assert_eq!(volume_target("ab"), Ok("ab".into()));
        assert_eq!(volume_target(""), Err(MergeError::EmptyVolumeSpec));
        assert_eq!(
            volume_target("ab::c").map_err(|e| e.to_string()),
            Err("invalid spec: ab::c: empty section between colons".into())
        );
        assert_eq!(
            volume_target("ab:bc:cd:de").map_err(|e| e.to_string()),
            Err("invalid spec: ab:bc:cd:de: too many colons".into())
        );
    }

    #[test]
    fn devices_by_container_path() {
        // Reference: ["/dev/a:/dev/a", "/dev/b:/dev/b"] + ["/dev/c:/dev/b"] → /dev/a, /dev/c:/dev/b.
        let v = uniq(
            "devices",
            seq(vec![
                s("/dev/a:/dev/a"),
                s("/dev/b:/dev/b"),
                s("/dev/c:/dev/b"),
            ]),
        );
        assert_eq!(v, seq(vec![s("/dev/a:/dev/a"), s("/dev/c:/dev/b")]));
        let long = map(vec![("source", s("/dev/x")), ("target", s("/dev/a"))]);
        let v = uniq("devices", seq(vec![s("/dev/a"), long.clone()]));
        assert_eq!(v, seq(vec![long]));
    }

    #[test]
    fn secrets_and_configs_by_target() {
        // Reference: secrets [s1, {source: s2, target: /x}] + [{source: s1, target:
        // /run/secrets/s1, mode: 0400}, {source: s2}] → s1 (with mode), s2:/x, s2 default.
        let s1 = map(vec![
            ("source", s("s1")),
            ("target", s("/run/secrets/s1")),
            ("mode", V::Int(256)),
        ]);
        let s2x = map(vec![("source", s("s2")), ("target", s("/x"))]);
        let s2 = map(vec![("source", s("s2"))]);
        let v = uniq(
            "secrets",
            seq(vec![s("s1"), s2x.clone(), s1.clone(), s2.clone()]),
        );
        assert_eq!(v, seq(vec![s1, s2x, s2]));
        // configs default to `/<source>`.
        let c1 = map(vec![
            ("source", s("c1")),
            ("target", s("/c1")),
            ("uid", s("1")),
        ]);
        let v = uniq(
            "configs",
            seq(vec![map(vec![("source", s("c1"))]), c1.clone()]),
        );
        assert_eq!(v, seq(vec![c1]));
    }

    #[test]
    fn expose_ints_and_strings_are_the_same_port() {
        // Reference: [80, "81"] + ["80", 82] → "80", "81", "82".
        let v = uniq(
            "expose",
            seq(vec![V::Int(80), s("81"), s("80"), V::Int(82)]),
        );
        assert_eq!(v, seq(vec![s("80"), s("81"), V::Int(82)]));
        let err =
            enforce_unicity(service("expose", seq(vec![V::Bool(true)]))).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("services.s.expose.[0]: unsupported expose value %!s(bool=true)".into())
        );
    }

    #[test]
    fn env_file_by_path() {
        let raw = map(vec![("path", s("a.env")), ("format", s("raw"))]);
        let v = uniq("env_file", seq(vec![s("a.env"), s("b.env"), raw.clone()]));
        assert_eq!(v, seq(vec![raw, s("b.env")]));
        let err = enforce_unicity(service(
            "env_file",
            seq(vec![map(vec![("required", V::Bool(false))])]),
        ))
        .map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("environment path attribute services.s.env_file.[0] is missing".into())
        );
    }

    #[test]
    fn nested_aliases_and_top_level_labels() {
        let model = map(vec![
            (
                "services",
                map(vec![(
                    "s",
                    map(vec![(
                        "networks",
                        map(vec![(
                            "n",
                            map(vec![("aliases", seq(vec![s("a"), s("b"), s("a")]))]),
                        )]),
                    )]),
                )]),
            ),
            (
                "networks",
                map(vec![(
                    "n",
                    map(vec![("labels", seq(vec![s("x=1"), s("x=2")]))]),
                )]),
            ),
        ]);
        let out = enforce_unicity(model).expect("unique");
        let aliases = out
            .get("services")
            .and_then(|v| v.get("s"))
            .and_then(|v| v.get("networks"))
            .and_then(|v| v.get("n"))
            .and_then(|v| v.get("aliases"))
            .cloned();
        assert_eq!(aliases, Some(seq(vec![s("a"), s("b")])));
        let labels = out
            .get("networks")
            .and_then(|v| v.get("n"))
            .and_then(|v| v.get("labels"))
            .cloned();
        assert_eq!(labels, Some(seq(vec![s("x=2")])));
    }

    #[test]
    fn unlisted_sequences_and_maps_are_untouched() {
        let v = uniq("command", seq(vec![s("a"), s("a")]));
        assert_eq!(v, seq(vec![s("a"), s("a")]));
        let env = map(vec![("A", s("1"))]);
        assert_eq!(uniq("environment", env.clone()), env);
    }

    #[test]
    fn key_value_rejects_non_strings() {
        let err = enforce_unicity(service("cap_add", seq(vec![s("A"), V::Int(1)])))
            .map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("services.s.cap_add.[1]: unexpected type int".into())
        );
    }
}
