//! Bind phase: the normalised dict → the typed tree, as compose-go's `loader.Transform`
//! (mapstructure with the `DecodeMapstructure` hooks of compose-go/types) does.
//!
//! The typed tree is still a `Value`, but every field holds its canonical representation
//! (see `Kind`); absent keys are Go zero values / nil pointers.

use super::{Field, Kind, Struct, PROJECT};
use crate::gofmt::{format_duration, parse_duration, parse_go_float, ram_in_bytes, shell_split};
use crate::golang::{sprintf_v as sprint, type_name};
use crate::value::{Map, Value};

/// A decoding failure, printed as compose prints mapstructure errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("decoding failed due to the following error(s):\n\n'{path}' {message}")]
pub struct DecodeError {
    /// mapstructure's path, e.g. `services[web].stop_grace_period`.
    pub path: String,
    pub message: String,
}

type R<T> = Result<T, DecodeError>;

fn err<T>(path: &str, message: impl Into<String>) -> R<T> {
    Err(DecodeError {
        path: path.to_string(),
        message: message.into(),
    })
}

/// Binds a normalised project dict to the model, returning the typed tree.
pub fn decode(project: &Value) -> Result<Value, DecodeError> {
    decode_struct(project, &PROJECT, "").map(Value::Map)
}

/// Binds one service dict (e.g. for hashing a service built outside a project).
pub fn decode_service(service: &Value) -> Result<Value, DecodeError> {
    decode_struct(service, &super::SERVICE, "").map(Value::Map)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn decode_struct(v: &Value, shape: &'static Struct, path: &str) -> R<Map> {
    let mut out = Map::default();
    let m = match v {
        Value::Map(m) => m,
        Value::Null => return Ok(out),
        other => {
            return err(
                path,
                format!("expected a map or struct, got \"{}\"", go_kind_name(other)),
            )
        }
    };
    for field in shape.fields {
        // The json key only differs for untagged Go fields (accepted so that the reference's
        // own JSON output can be bound again).
        let Some(raw) = m.get(field.key).or_else(|| m.get(field.json_key)) else {
            continue;
        };
        let fpath = join(path, field.key);
        if raw.is_null() {
            // mapstructure leaves nil inputs at the zero value; a nil pointer stays nil.
            continue;
        }
        if let Some(typed) = decode_field(raw, field, &fpath)? {
            out.insert(field.key.to_string(), typed);
        }
    }
    if shape.extensions {
        for (k, val) in m {
            if k.starts_with("x-") && shape.field(k).is_none() {
                if shape.custom == super::Custom::Secret && k == "x-#value" {
                    continue;
                }
                out.insert(k.clone(), val.clone());
            } else if k == "#extensions" {
                if let Value::Map(ext) = val {
                    for (ek, ev) in ext {
                        out.insert(ek.clone(), ev.clone());
                    }
                }
            }
        }
    }
    Ok(out)
}

fn go_kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Timestamp(_) => "struct",
        Value::Seq(_) => "slice",
        Value::Map(_) => "map",
    }
}

fn decode_field(raw: &Value, field: &Field, path: &str) -> R<Option<Value>> {
    decode_kind(raw, field.kind, path)
}

fn unconvertible(path: &str, expected: &str, v: &Value) -> DecodeError {
    DecodeError {
        path: path.to_string(),
        message: format!(
            "expected type '{}', got unconvertible type '{}', value: '{}'",
            expected,
            type_name(v),
            sprint(v)
        ),
    }
}

fn to_string_scalar(v: &Value, path: &str) -> R<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Int(i) => Ok(i.to_string()),
        Value::Uint(u) => Ok(u.to_string()),
        other => Err(unconvertible(path, "string", other)),
    }
}

fn strings_of(items: &[Value], path: &str) -> R<Vec<Value>> {
    items
        .iter()
        .enumerate()
        .map(|(i, e)| to_string_scalar(e, &format!("{path}[{i}]")).map(Value::String))
        .collect()
}

fn decode_kind(raw: &Value, kind: Kind, path: &str) -> R<Option<Value>> {
    use Kind::*;
    let v = match kind {
        Str => Value::String(to_string_scalar(raw, path)?),
        Bool | External => match raw {
            Value::Bool(b) => Value::Bool(*b),
            Value::String(s) => match s.to_lowercase().as_str() {
                "true" | "y" | "yes" | "on" => Value::Bool(true),
                "false" | "n" | "no" | "off" => Value::Bool(false),
                _ => return err(path, format!("invalid boolean: {s}")),
            },
            other => return Err(unconvertible(path, "bool", other)),
        },
        Int | Uint | DeviceCount => match raw {
            Value::Int(i) => Value::Int(*i),
            // mapstructure converts with Go's int64(u): signed fields wrap around (compose
            // then reports `scale: 9223372036854775808` as negative). Unsigned fields keep it
            // (exact for the uint64 ones, retries and parallelism).
            Value::Uint(u) if matches!(kind, Uint) => Value::Uint(*u),
            Value::Uint(u) => Value::Int(*u as i64),
            Value::Float(f) => Value::Int(*f as i64),
            Value::String(s) => {
                if matches!(kind, DeviceCount) && s.eq_ignore_ascii_case("all") {
                    Value::Int(-1)
                } else {
                    match s.parse::<i64>() {
                        Ok(i) => Value::Int(i),
                        Err(_) if matches!(kind, DeviceCount) => {
                            return err(
                                path,
                                format!(
                                    "invalid value \"{s}\", the only value allowed is 'all' or a number"
                                ),
                            )
                        }
                        Err(_) => {
                            return err(
                                path,
                                format!("strconv.ParseInt: parsing \"{s}\": invalid syntax"),
                            )
                        }
                    }
                }
            }
            other => return Err(unconvertible(path, "int", other)),
        },
        Float32 | Float64 | NanoCpus => {
            let f = match raw {
                Value::Int(i) => *i as f64,
                Value::Uint(u) => *u as f64,
                Value::Float(f) => *f,
                Value::String(s) => parse_go_float(s).ok_or_else(|| DecodeError {
                    path: path.to_string(),
                    message: format!("strconv.ParseFloat: parsing \"{s}\": invalid syntax"),
                })?,
                other => {
                    if matches!(kind, NanoCpus) {
                        return err(
                            path,
                            format!("unexpected value type {} for cpus", type_name(other)),
                        );
                    }
                    return Err(unconvertible(path, "float32", other));
                }
            };
            if matches!(kind, Float64) {
                Value::Float(f)
            } else {
                Value::Float(f as f32 as f64)
            }
        }
        Duration => {
            let d = parse_duration(&sprint(raw)).map_err(|m| DecodeError {
                path: path.to_string(),
                message: m,
            })?;
            Value::String(format_duration(d))
        }
        UnitBytes => match raw {
            Value::Int(i) => Value::Int(*i),
            Value::String(s) => Value::Int(ram_in_bytes(s).map_err(|m| DecodeError {
                path: path.to_string(),
                message: m,
            })?),
            // The hook ignores other types: the value stays 0.
            _ => Value::Int(0),
        },
        FileMode => match raw {
            Value::Int(i) => Value::Int(*i),
            Value::String(s) => match i64::from_str_radix(s.strip_prefix("0o").unwrap_or(s), 8) {
                Ok(i) if !s.is_empty() => Value::Int(i),
                _ => {
                    return err(
                        path,
                        format!("strconv.ParseInt: parsing \"{s}\": invalid syntax"),
                    )
                }
            },
            other => {
                return err(
                    path,
                    format!("unexpected value type {} for mode", type_name(other)),
                )
            }
        },
        ShellCommand => match raw {
            Value::String(s) => Value::Seq(
                shell_split(s)
                    .map_err(|m| DecodeError {
                        path: path.to_string(),
                        message: m,
                    })?
                    .into_iter()
                    .map(Value::String)
                    .collect(),
            ),
            Value::Seq(items) => {
                Value::Seq(items.iter().map(|e| Value::String(sprint(e))).collect())
            }
            _ => return Ok(None),
        },
        HealthCheckTest => match raw {
            Value::String(s) => Value::Seq(vec!["CMD-SHELL".into(), Value::String(s.clone())]),
            Value::Seq(items) => {
                Value::Seq(items.iter().map(|e| Value::String(sprint(e))).collect())
            }
            other => {
                return err(
                    path,
                    format!(
                        "unexpected value type {} for healthcheck.test",
                        type_name(other)
                    ),
                )
            }
        },
        Strings => match raw {
            Value::Seq(items) => Value::Seq(strings_of(items, path)?),
            other => {
                return err(
                    path,
                    format!(
                        "source data must be an array or slice, got {}",
                        go_kind_name(other)
                    ),
                )
            }
        },
        StringList => match raw {
            Value::String(s) => Value::Seq(vec![Value::String(s.clone())]),
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for e in items {
                    match e {
                        Value::String(s) => out.push(Value::String(s.clone())),
                        _ => return err(path, "invalid type []interface {} for string list"),
                    }
                }
                Value::Seq(out)
            }
            other => {
                return err(
                    path,
                    format!("invalid type {} for string list", type_name(other)),
                )
            }
        },
        StringOrNumberList => match raw {
            Value::String(s) => Value::Seq(vec![Value::String(s.clone())]),
            Value::Seq(items) => {
                Value::Seq(items.iter().map(|e| Value::String(sprint(e))).collect())
            }
            other => {
                return err(
                    path,
                    format!("invalid type {} for string list", type_name(other)),
                )
            }
        },
        // `Mapping` gives a key without value "", `MappingWithEquals` keeps it unset (null)
        // and rejects list keys ending in a space.
        Mapping => decode_mapping(raw, path, Value::String(String::new()), false)?,
        MappingWithEquals => decode_mapping(raw, path, Value::Null, true)?,
        MultiOptions => match raw {
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, e)| {
                        let list = match e {
                            Value::Seq(items) => {
                                items.iter().map(|x| Value::String(sprint(x))).collect()
                            }
                            other => vec![Value::String(sprint(other))],
                        };
                        (k.clone(), Value::Seq(list))
                    })
                    .collect(),
            ),
            other => {
                return err(
                    path,
                    format!("invalid type {} for options", type_name(other)),
                )
            }
        },
        HostsList => Value::Seq(decode_hosts(raw, path)?),
        SshConfig => match raw {
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, e)| {
                        let v = if e.is_null() {
                            Value::Null
                        } else {
                            Value::String(sprint(e))
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            other => {
                return err(
                    path,
                    format!("invalid ssh config type {}", type_name(other)),
                )
            }
        },
        EnvFiles => {
            let items: Vec<Value> = match raw {
                Value::Seq(items) => items.clone(),
                other => vec![other.clone()],
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, e) in items.iter().enumerate() {
                let ipath = format!("{path}[{i}]");
                let mut m = Map::default();
                match e {
                    Value::String(s) => {
                        m.insert("path".into(), Value::String(s.clone()));
                        m.insert("required".into(), Value::Bool(true));
                    }
                    Value::Map(src) => {
                        let p = src
                            .get("path")
                            .map(|p| to_string_scalar(p, &ipath))
                            .transpose()?;
                        m.insert("path".into(), Value::String(p.unwrap_or_default()));
                        let req = match src.get("required") {
                            Some(r) => decode_kind(r, Bool, &format!("{ipath}.required"))?
                                .unwrap_or(Value::Bool(false)),
                            None => Value::Bool(false),
                        };
                        m.insert("required".into(), req);
                        if let Some(fmt) = src.get("format") {
                            if !fmt.is_null() {
                                m.insert(
                                    "format".into(),
                                    Value::String(to_string_scalar(fmt, &ipath)?),
                                );
                            }
                        }
                    }
                    _ => continue,
                }
                out.push(Value::Map(m));
            }
            Value::Seq(out)
        }
        Ulimits => match raw {
            Value::Map(m) => {
                let mut out = Map::default();
                for (k, e) in m {
                    let upath = format!("{path}[{k}]");
                    let v = match e {
                        Value::Int(i) if *i != 0 => Value::Int(*i),
                        Value::Int(_) | Value::Null => zero_ulimit(),
                        Value::Map(lim) => {
                            let get = |key: &str| -> R<i64> {
                                match lim.get(key) {
                                    Some(Value::Int(i)) => Ok(*i),
                                    Some(Value::Null) | None => Ok(0),
                                    Some(other) => Err(unconvertible(&upath, "int", other)),
                                }
                            };
                            let mut u = Map::default();
                            u.insert("soft".into(), Value::Int(get("soft")?));
                            u.insert("hard".into(), Value::Int(get("hard")?));
                            Value::Map(u)
                        }
                        other => {
                            return err(
                                &upath,
                                format!("unexpected value type {} for ulimit", type_name(other)),
                            )
                        }
                    };
                    out.insert(k.clone(), v);
                }
                Value::Map(out)
            }
            other => {
                return err(
                    path,
                    format!("expected a map, got '{}'", go_kind_name(other)),
                )
            }
        },
        Any => raw.clone(),
        Struct(s) => Value::Map(decode_struct(&struct_short_form(raw, s), s, path)?),
        SeqOf(s) | SeqOfPtr(s) => match raw {
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, e) in items.iter().enumerate() {
                    let ipath = format!("{path}[{i}]");
                    if e.is_null() && matches!(kind, SeqOfPtr(_)) {
                        out.push(Value::Null);
                        continue;
                    }
                    out.push(Value::Map(decode_struct(
                        &struct_short_form(e, s),
                        s,
                        &ipath,
                    )?));
                }
                Value::Seq(out)
            }
            other => {
                return err(
                    path,
                    format!(
                        "source data must be an array or slice, got {}",
                        go_kind_name(other)
                    ),
                )
            }
        },
        MapOf(s) | MapOfPtr(s) => {
            let owned;
            let m = match raw {
                Value::Map(m) => m,
                // Short list syntax (service networks, models, depends_on): keys only.
                Value::Seq(items) => {
                    owned = items
                        .iter()
                        .map(|e| (sprint(e), Value::Null))
                        .collect::<Map>();
                    &owned
                }
                other => {
                    return err(
                        path,
                        format!("expected a map, got '{}'", go_kind_name(other)),
                    )
                }
            };
            let mut out = Map::with_capacity_and_hasher(m.len(), Default::default());
            for (k, e) in m {
                let kpath = format!("{path}[{k}]");
                if e.is_null() && matches!(kind, MapOfPtr(_)) {
                    out.insert(k.clone(), Value::Null);
                    continue;
                }
                out.insert(k.clone(), Value::Map(decode_struct(e, s, &kpath)?));
            }
            Value::Map(out)
        }
    };
    Ok(Some(v))
}

/// The Map a Ulimit with `single` = 0 prints as (its YAML marshaller then prints soft/hard).
fn zero_ulimit() -> Value {
    let mut u = Map::default();
    u.insert("soft".into(), Value::Int(0));
    u.insert("hard".into(), Value::Int(0));
    Value::Map(u)
}

/// Short string forms the canonical phase normally expands already, accepted for safety.
fn struct_short_form(raw: &Value, s: &'static Struct) -> Value {
    if let Value::String(text) = raw {
        let key = match s.name {
            "BuildConfig" => "context",
            "ExtendsConfig" => "service",
            "FileReferenceConfig" => "source",
            _ => return raw.clone(),
        };
        let mut m = Map::default();
        m.insert(key.into(), raw.clone());
        let _ = text;
        return Value::Map(m);
    }
    raw.clone()
}

fn decode_hosts(raw: &Value, path: &str) -> R<Vec<Value>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    match raw {
        Value::Map(m) => {
            for (host, e) in m {
                match e {
                    Value::Null => pairs.push((host.clone(), String::new())),
                    Value::String(s) => pairs.push((host.clone(), s.clone())),
                    Value::Seq(items) => {
                        for ip in items {
                            pairs.push((host.clone(), sprint(ip)));
                        }
                    }
                    _ => {
                        return err(
                            path,
                            format!(
                                "unexpected value type {} for extra_hosts entry",
                                type_name(raw)
                            ),
                        )
                    }
                }
            }
        }
        Value::Seq(items) => {
            for e in items {
                let s = sprint(e);
                let cut = s.split_once('=').or_else(|| s.split_once(':'));
                match cut {
                    Some((host, ips)) => {
                        for ip in ips.split(',') {
                            pairs.push((host.to_string(), ip.to_string()));
                        }
                    }
                    None => return err(path, format!("invalid additional host, missing IP: {s}")),
                }
            }
        }
        other => {
            return err(
                path,
                format!("unexpected value type {} for extra_hosts", type_name(other)),
            )
        }
    }
    let mut list = Vec::with_capacity(pairs.len());
    for (host, ip) in pairs {
        if host.is_empty() || host.contains([':', '=']) {
            return err(path, format!("bad host name '{host}'"));
        }
        let ip = if ip.len() > 2 && ip.starts_with('[') && ip.ends_with(']') {
            &ip[1..ip.len() - 1]
        } else {
            ip.as_str()
        };
        list.push(format!("{host}={ip}"));
    }
    list.sort();
    Ok(list.into_iter().map(Value::String).collect())
}

/// A key/value map given as a map or as a `KEY=value` list (compose-go's `Mapping` and
/// `MappingWithEquals` decode hooks); `missing` stands for a key given without a value.
fn decode_mapping(
    raw: &Value,
    path: &str,
    missing: Value,
    reject_trailing_space: bool,
) -> Result<Value, DecodeError> {
    match raw {
        Value::Map(m) => Ok(Value::Map(
            m.iter()
                .map(|(k, e)| {
                    let v = if e.is_null() {
                        missing.clone()
                    } else {
                        Value::String(sprint(e))
                    };
                    (k.clone(), v)
                })
                .collect(),
        )),
        Value::Seq(items) => {
            let mut out = Map::default();
            for e in items {
                let s = sprint(e);
                let (k, v) = match s.split_once('=') {
                    Some((k, v)) => (k.to_string(), Value::String(v.to_string())),
                    None => (s.clone(), missing.clone()),
                };
                if reject_trailing_space && k.chars().last().is_some_and(char::is_whitespace) {
                    return err(
                        path,
                        format!("environment variable {k} is declared with a trailing space"),
                    );
                }
                out.insert(k, v);
            }
            Ok(Value::Map(out))
        }
        other => err(
            path,
            format!("unexpected value type {} for mapping", type_name(other)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(items: &[&str]) -> Value {
        Value::Seq(items.iter().map(|s| Value::from(*s)).collect())
    }

    fn svc(pairs: &[(&str, Value)]) -> Value {
        Value::from_pairs([(
            "services",
            Value::from_pairs([("s", Value::from_pairs(pairs.iter().cloned()))]),
        )])
    }

    fn decoded_service(pairs: &[(&str, Value)]) -> Value {
        let p = decode(&svc(pairs)).unwrap();
        p.get("services").unwrap().get("s").unwrap().clone()
    }

    #[test]
    fn short_forms_become_canonical() {
        let s = decoded_service(&[
            ("command", "sh -c 'sleep 3600'".into()),
            ("environment", seq(&["A=b", "C", "E="])),
            ("labels", seq(&["foo=bar", "baz"])),
            ("stop_grace_period", "90s".into()),
            ("mem_limit", "50M".into()),
            ("cpus", "1.5".into()),
            ("extra_hosts", seq(&["b=[::1]", "a:1.2.3.4,5.6.7.8"])),
            ("dns", "8.8.8.8".into()),
        ]);
        assert_eq!(s.get("command").unwrap(), &seq(&["sh", "-c", "sleep 3600"]));
        let env = s.get("environment").unwrap();
        assert_eq!(env.get("A"), Some(&Value::from("b")));
        assert_eq!(env.get("C"), Some(&Value::Null));
        assert_eq!(env.get("E"), Some(&Value::from("")));
        assert_eq!(s.get("labels").unwrap().get("baz"), Some(&Value::from("")));
        assert_eq!(s.get("stop_grace_period"), Some(&Value::from("1m30s")));
        assert_eq!(s.get("mem_limit"), Some(&Value::Int(52428800)));
        assert_eq!(s.get("cpus"), Some(&Value::Float(1.5)));
        assert_eq!(
            s.get("extra_hosts").unwrap(),
            &seq(&["a=1.2.3.4", "a=5.6.7.8", "b=::1"])
        );
        assert_eq!(s.get("dns").unwrap(), &seq(&["8.8.8.8"]));
    }

    #[test]
    fn errors_read_like_compose() {
        let e = decode(&svc(&[("stop_grace_period", "10x".into())])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "decoding failed due to the following error(s):\n\n'services[s].stop_grace_period' time: unknown unit \"x\" in duration \"10x\""
        );
        let e = decode(&svc(&[("mem_limit", "10Q".into())])).unwrap_err();
        assert_eq!(e.message, "invalid suffix: 'q'");
        assert_eq!(e.path, "services[s].mem_limit");
        let e = decode(&svc(&[("command", "echo \"abc".into())])).unwrap_err();
        assert_eq!(e.message, "invalid command line string");
        let e = decode(&svc(&[("extra_hosts", seq(&["abc"]))])).unwrap_err();
        assert_eq!(e.message, "invalid additional host, missing IP: abc");
    }
}
