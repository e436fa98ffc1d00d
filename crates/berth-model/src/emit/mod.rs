//! Writers for the model as `docker compose config` prints it (YAML and JSON), the last step of
//! `config`: the typed tree from `shape::decode` is marshalled the way Go does it — struct
//! fields in struct order with per-format omitempty and custom marshallers — into a small
//! output tree, which the go-yaml v3 and encoding/json writers then print.

mod json;
mod yaml;

use crate::gotime::Timestamp;
use crate::shape::{Custom, Field, Kind, Struct, Tag, PROJECT};
use crate::value::{Map, Value};
use std::borrow::Cow;

pub use json::{write_json, write_json_compact, write_json_indent, JsonStyle, UnsupportedValue};
pub use yaml::write_yaml;

/// A value ready to print: what Go's marshallers see after custom `MarshalYAML`/`MarshalJSON`.
#[derive(Debug, Clone, PartialEq)]
pub enum Out<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    /// A float and the bit size of its Go type (32 or 64).
    Float(f64, u32),
    Str(Cow<'a, str>),
    /// A Go `time.Time`: RFC 3339 with nanoseconds, a plain scalar in YAML and a string in JSON.
    Time(Timestamp),
    Seq(Vec<Out<'a>>),
    /// Entries in print order.
    Map(Vec<(Cow<'a, str>, Out<'a>)>),
}

/// The output format a marshalling is for (omitempty and custom marshallers differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// Prints the typed project as `docker compose config` does (YAML, ends with a newline).
pub fn to_yaml(project: &Value) -> String {
    let out = marshal_struct(project.as_map(), &PROJECT, Format::Yaml);
    write_yaml(&out)
}

/// Prints the typed project as `docker compose config --format json` does (no trailing
/// newline; top-level keys sorted; models omitted like the reference). Fails like
/// encoding/json on a non-finite float (only top-level `x-` values can hold one in print).
pub fn to_json(project: &Value) -> Result<String, UnsupportedValue> {
    let out = project_json(project);
    write_json_indent(&out)
}

/// Prints an untyped model (`--no-interpolate`) as YAML: every map sorted, no struct order.
pub fn to_yaml_generic(model: &Value) -> String {
    write_yaml(&generic(model, Format::Yaml))
}

/// Prints an untyped model (`--no-interpolate`) as indented JSON, maps sorted bytewise.
pub fn to_json_generic(model: &Value) -> Result<String, UnsupportedValue> {
    write_json_indent(&generic(model, Format::Json))
}

/// compose's `$` → `$$` escaping of the printed config (applied unless `--no-interpolate`).
pub fn escape_dollars(text: &str) -> String {
    text.replace('$', "$$")
}

/// The JSON top level is a Go map, not the struct (see compose-go `Project.MarshalJSON`).
pub fn project_json(project: &Value) -> Out<'_> {
    let m = project.as_map();
    let get = |k: &str| m.and_then(|m| m.get(k));
    let mut entries: Vec<(Cow<str>, Out)> = Vec::new();
    let name = get("name").and_then(Value::as_str).unwrap_or("");
    entries.push(("name".into(), Out::Str(name.into())));
    let services = get("services");
    entries.push((
        "services".into(),
        marshal_kind(
            services.unwrap_or(&EMPTY_MAP),
            PROJECT.field("services").map_or(Kind::Any, |f| f.kind),
            Format::Json,
        ),
    ));
    for key in ["networks", "volumes", "secrets", "configs"] {
        if let (Some(v), Some(field)) = (get(key), PROJECT.field(key)) {
            if v.as_map().is_some_and(|m| !m.is_empty()) {
                entries.push((key.into(), marshal_kind(v, field.kind, Format::Json)));
            }
        }
    }
    if let Some(m) = m {
        for (k, v) in m {
            if k.starts_with("x-") {
                entries.push((k.as_str().into(), generic(v, Format::Json)));
            }
        }
    }
    sort_entries(&mut entries, Format::Json);
    Out::Map(entries)
}

static EMPTY_MAP: Value = Value::Null;

/// Go map key order: go-yaml v3's natural order for YAML, bytewise for encoding/json.
pub fn sort_entries(entries: &mut [(Cow<str>, Out)], format: Format) {
    match format {
        Format::Yaml => entries.sort_by(|a, b| yaml::natural_cmp(&a.0, &b.0)),
        Format::Json => entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes())),
    }
}

/// Marshals a generic value (extensions, `--no-interpolate` models): maps sorted.
pub fn generic(v: &Value, format: Format) -> Out<'_> {
    match v {
        Value::Null => Out::Null,
        Value::Bool(b) => Out::Bool(*b),
        Value::Int(i) => Out::Int(*i),
        Value::Uint(u) => Out::Uint(*u),
        Value::Float(f) => Out::Float(*f, 64),
        Value::String(s) => Out::Str(s.as_str().into()),
        Value::Timestamp(t) => Out::Time(*t),
        Value::Seq(items) => Out::Seq(items.iter().map(|e| generic(e, format)).collect()),
        Value::Map(m) => {
            let mut entries: Vec<_> = m
                .iter()
                .map(|(k, e)| (Cow::Borrowed(k.as_str()), generic(e, format)))
                .collect();
            sort_entries(&mut entries, format);
            Out::Map(entries)
        }
    }
}

fn tag(field: &Field, format: Format) -> Tag {
    match format {
        Format::Yaml => field.yaml,
        Format::Json => field.json,
    }
}

/// Marshals a struct from its typed map (None = zero struct).
pub fn marshal_struct<'a>(m: Option<&'a Map>, shape: &'static Struct, format: Format) -> Out<'a> {
    let mut entries: Vec<(Cow<'a, str>, Out<'a>)> = Vec::with_capacity(8);
    let hide_content = match shape.custom {
        Custom::Secret => true,
        Custom::Config => m
            .and_then(|m| m.get("environment"))
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty()),
        Custom::None => false,
    };
    for field in shape.fields {
        let t = tag(field, format);
        if t == Tag::Skip || (hide_content && field.key == "content") {
            continue;
        }
        let key: Cow<str> = match format {
            Format::Yaml => field.key.into(),
            Format::Json => field.json_key.into(),
        };
        match m.and_then(|m| m.get(field.key)) {
            None => {
                // Absent is Go's zero value; encoding/json never omits a (non-pointer) struct.
                let json_struct =
                    format == Format::Json && !field.ptr && matches!(field.kind, Kind::Struct(_));
                if t == Tag::Always || json_struct {
                    entries.push((key, zero_out(field.kind, format)));
                }
            }
            Some(v) => {
                if t == Tag::OmitEmpty && !field.ptr && is_zero(v, field.kind, format) {
                    continue;
                }
                entries.push((key, marshal_kind(v, field.kind, format)));
            }
        }
    }
    if shape.extensions && format == Format::Yaml {
        if let Some(m) = m {
            let mut ext: Vec<_> = m
                .iter()
                .filter(|(k, _)| k.starts_with("x-") && shape.field(k).is_none())
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), generic(v, format)))
                .collect();
            sort_entries(&mut ext, format);
            entries.extend(ext);
        }
    }
    Out::Map(entries)
}

/// What an absent (zero) field prints as when it has no omitempty.
fn zero_out(kind: Kind, format: Format) -> Out<'static> {
    match kind {
        Kind::Str | Kind::Duration => Out::Str("".into()),
        Kind::Bool | Kind::External => Out::Bool(false),
        Kind::Int | Kind::Uint | Kind::DeviceCount => Out::Int(0),
        Kind::Float32 | Kind::NanoCpus => Out::Float(0.0, 32),
        Kind::Float64 => Out::Float(0.0, 64),
        Kind::UnitBytes => Out::Str("0".into()),
        Kind::Struct(s) => marshal_struct(None, s, format),
        // nil slices and maps: JSON null; go-yaml prints nil slices/maps as empty ones.
        Kind::ShellCommand => Out::Null,
        Kind::Mapping
        | Kind::MappingWithEquals
        | Kind::MultiOptions
        | Kind::Ulimits
        | Kind::MapOf(_)
        | Kind::MapOfPtr(_)
            if format == Format::Yaml =>
        {
            Out::Map(Vec::new())
        }
        _ => match format {
            Format::Json => Out::Null,
            Format::Yaml => Out::Seq(Vec::new()),
        },
    }
}

/// Go's omitempty test on a present typed value.
fn is_zero(v: &Value, kind: Kind, format: Format) -> bool {
    match kind {
        // ShellCommand implements IsZero (nil only) for YAML; JSON never omits it.
        Kind::ShellCommand => false,
        Kind::Struct(s) => match format {
            // encoding/json never treats a struct as empty.
            Format::Json => false,
            Format::Yaml => struct_is_zero(v, s),
        },
        Kind::Duration => matches!(v, Value::String(s) if s == "0s" || s.is_empty()),
        _ => match v {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::Int(i) => *i == 0,
            Value::Uint(u) => *u == 0,
            Value::Float(f) => *f == 0.0,
            Value::String(s) => s.is_empty(),
            Value::Timestamp(t) => t.is_go_zero(),
            Value::Seq(s) => s.is_empty(),
            Value::Map(m) => m.is_empty(),
        },
    }
}

/// go-yaml's isZero on a struct: every public field (pointers nil) and the extensions empty.
fn struct_is_zero(v: &Value, s: &'static Struct) -> bool {
    let Some(m) = v.as_map() else { return true };
    m.iter().all(|(k, e)| match s.field(k) {
        Some(field) => !field.ptr && is_zero(e, field.kind, Format::Yaml),
        None => !(s.extensions && k.starts_with("x-")),
    })
}

fn strs(v: &Value) -> Out<'_> {
    match v {
        Value::Seq(items) => Out::Seq(items.iter().map(scalar_str).collect()),
        other => Out::Seq(vec![scalar_str(other)]),
    }
}

fn scalar_str(v: &Value) -> Out<'_> {
    match v {
        Value::String(s) => Out::Str(s.as_str().into()),
        Value::Null => Out::Null,
        other => Out::Str(other.scalar_to_string().unwrap_or_default().into()),
    }
}

fn sorted_map<'a>(m: &'a Map, format: Format, mut f: impl FnMut(&'a Value) -> Out<'a>) -> Out<'a> {
    let mut entries: Vec<_> = m
        .iter()
        .map(|(k, e)| (Cow::Borrowed(k.as_str()), f(e)))
        .collect();
    sort_entries(&mut entries, format);
    Out::Map(entries)
}

/// Marshals one typed value of a kind.
pub fn marshal_kind(v: &Value, kind: Kind, format: Format) -> Out<'_> {
    match kind {
        Kind::Str | Kind::Duration => scalar_str(v),
        Kind::Bool | Kind::External => Out::Bool(v.as_bool().unwrap_or(false)),
        Kind::Int | Kind::Uint | Kind::DeviceCount => match v {
            Value::Float(f) => Out::Int(*f as i64),
            Value::Uint(u) => Out::Uint(*u),
            _ => Out::Int(v.as_i64().unwrap_or(0)),
        },
        Kind::Float32 | Kind::NanoCpus => Out::Float(as_f64(v), 32),
        Kind::Float64 => Out::Float(as_f64(v), 64),
        Kind::UnitBytes => Out::Str(v.as_i64().unwrap_or(0).to_string().into()),
        Kind::FileMode => Out::Str(format!("0{:o}", v.as_i64().unwrap_or(0)).into()),
        Kind::ShellCommand => match v {
            Value::Null => Out::Null,
            other => strs(other),
        },
        Kind::HealthCheckTest
        | Kind::Strings
        | Kind::StringList
        | Kind::StringOrNumberList
        | Kind::HostsList => strs(v),
        Kind::Mapping | Kind::MappingWithEquals => match v {
            Value::Map(m) => sorted_map(m, format, scalar_str),
            _ => Out::Null,
        },
        Kind::MultiOptions => match v {
            Value::Map(m) => sorted_map(m, format, strs),
            _ => Out::Null,
        },
        Kind::SshConfig => match v {
            // Go builds the list from a map: we print it sorted by id.
            Value::Map(m) => {
                let mut ids: Vec<&String> = m.keys().collect();
                ids.sort();
                Out::Seq(
                    ids.into_iter()
                        .map(|id| match m.get(id).and_then(Value::as_str) {
                            Some(path) if !path.is_empty() => {
                                Out::Str(format!("{id}: {path}").into())
                            }
                            _ => Out::Str(id.as_str().into()),
                        })
                        .collect(),
                )
            }
            _ => Out::Null,
        },
        Kind::EnvFiles => match v {
            Value::Seq(items) => Out::Seq(items.iter().map(|e| env_file(e, format)).collect()),
            _ => Out::Null,
        },
        Kind::Ulimits => match v {
            Value::Map(m) => sorted_map(m, format, |u| ulimit(u, format)),
            _ => Out::Null,
        },
        Kind::Any => generic(v, format),
        Kind::Struct(s) => marshal_struct(v.as_map(), s, format),
        Kind::SeqOf(s) | Kind::SeqOfPtr(s) => match v {
            Value::Seq(items) => Out::Seq(
                items
                    .iter()
                    .map(|e| match e {
                        Value::Null => Out::Null,
                        other => marshal_struct(other.as_map(), s, format),
                    })
                    .collect(),
            ),
            _ => Out::Null,
        },
        Kind::MapOf(s) | Kind::MapOfPtr(s) => match v {
            Value::Map(m) => sorted_map(m, format, |e| match (e, kind) {
                (Value::Null, Kind::MapOfPtr(_)) => Out::Null,
                (other, _) => marshal_struct(other.as_map(), s, format),
            }),
            _ => Out::Map(Vec::new()),
        },
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        _ => 0.0,
    }
}

/// `EnvFile` marshallers: a required file is just its path.
fn env_file(e: &Value, format: Format) -> Out<'_> {
    let path = e.get("path").and_then(Value::as_str).unwrap_or("");
    let required = e.get("required").and_then(Value::as_bool).unwrap_or(false);
    if required {
        return Out::Str(path.into());
    }
    let mut entries: Vec<(Cow<str>, Out)> = Vec::new();
    match format {
        // MarshalYAML returns map[string]any{path, required}: sorted, no format.
        Format::Yaml => {
            entries.push(("path".into(), Out::Str(path.into())));
            entries.push(("required".into(), Out::Bool(false)));
        }
        Format::Json => {
            if !path.is_empty() {
                entries.push(("path".into(), Out::Str(path.into())));
            }
            entries.push(("required".into(), Out::Bool(false)));
            if let Some(fmt) = e.get("format").and_then(Value::as_str) {
                if !fmt.is_empty() {
                    entries.push(("format".into(), Out::Str(fmt.into())));
                }
            }
        }
    }
    Out::Map(entries)
}

/// `UlimitsConfig` marshallers: a single value is a bare int.
fn ulimit(u: &Value, format: Format) -> Out<'_> {
    match u {
        Value::Int(i) if *i != 0 => Out::Int(*i),
        _ => {
            let soft = u.get("soft").and_then(Value::as_i64).unwrap_or(0);
            let hard = u.get("hard").and_then(Value::as_i64).unwrap_or(0);
            let mut entries: Vec<(Cow<str>, Out)> = Vec::new();
            match format {
                Format::Yaml => {
                    entries.push(("soft".into(), Out::Int(soft)));
                    entries.push(("hard".into(), Out::Int(hard)));
                }
                Format::Json => {
                    if soft != 0 {
                        entries.push(("soft".into(), Out::Int(soft)));
                    }
                    if hard != 0 {
                        entries.push(("hard".into(), Out::Int(hard)));
                    }
                }
            }
            Out::Map(entries)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(i: usize) -> Value {
        let mut env = Map::default();
        for j in 0..20 {
            env.insert(format!("VAR_{j}"), Value::from(format!("value {i} {j}")));
        }
        let mut s = Map::default();
        s.insert("image".into(), Value::from("busybox"));
        s.insert("environment".into(), Value::Map(env));
        s.insert(
            "command".into(),
            Value::Seq(vec!["sh".into(), "-c".into(), "sleep 1".into()]),
        );
        Value::Map(s)
    }

    /// A project named `big` with the services `s<i>` for each `i` of `indexes`.
    fn project(indexes: &[usize]) -> Value {
        let mut services = Map::default();
        for &i in indexes {
            services.insert(format!("s{i}"), service(i));
        }
        let mut p = Map::default();
        p.insert("name".into(), Value::from("big"));
        p.insert("services".into(), Value::Map(services));
        Value::Map(p)
    }

    /// 500 services print exactly as each one prints alone, one after the other in Go's map
    /// order: nothing is printed twice or depends on the other services, and the output
    /// grows linearly with them. How long printing takes is the benchmark's business
    /// (`cargo bench -p berth-model --bench emit`, the same project at 500, 1000 and 2000
    /// services); a test asserts no time.
    #[test]
    fn five_hundred_services_print_as_their_parts_in_order() {
        let all: Vec<usize> = (0..500).collect();
        let p = project(&all);
        let yaml = to_yaml(&p);
        let json = to_json(&p).unwrap();
        // go-yaml's natural order puts s9 before s10; JSON is bytewise.
        assert!(yaml.find("  s9:\n").unwrap() < yaml.find("  s10:\n").unwrap());
        assert!(json.find("\"s10\"").unwrap() < json.find("\"s9\"").unwrap());

        let name = |i: &usize| format!("s{i}");
        let mut yaml_order = all.clone();
        yaml_order.sort_by(|a, b| yaml::natural_cmp(&name(a), &name(b)));
        let mut json_order = all.clone();
        json_order.sort_by_key(name);
        assert_ne!(yaml_order, json_order);

        let yaml_head = "name: big\nservices:\n";
        let yaml_part = |i: &usize| {
            let alone = to_yaml(&project(&[*i]));
            alone.strip_prefix(yaml_head).unwrap().to_string()
        };
        let parts: String = yaml_order.iter().map(yaml_part).collect();
        assert_eq!(yaml, format!("{yaml_head}{parts}"));

        let (json_head, json_tail) = ("{\n  \"name\": \"big\",\n  \"services\": {\n", "\n  }\n}");
        let json_part = |i: &usize| {
            let alone = to_json(&project(&[*i])).unwrap();
            let part = alone.strip_prefix(json_head).unwrap();
            part.strip_suffix(json_tail).unwrap().to_string()
        };
        let parts: Vec<String> = json_order.iter().map(json_part).collect();
        assert_eq!(json, format!("{json_head}{}{json_tail}", parts.join(",\n")));
    }
}
