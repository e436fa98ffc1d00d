//! Phase canonical: after merge and schema validation of each file, rewrites every short
//! syntax into the long one (compose-go `transform.Canonical`), then `omit_empty`.
//!
//! Input: the merged, interpolated dict of one file (after `validate`); output: the same
//! dict in canonical form, ready for the whole-model phases (`defaults`, `paths`, ...).
//! The rules are a table keyed by model path; the first (and only) matching rule owns the
//! value, and values no rule matches are walked recursively.

pub mod ports;

pub mod volume;

use super::tree::{Path, RuleTree, LIST_ITEM};
use crate::Diagnostics;
use berth_model::golang::type_name;
use berth_model::{Map, Value};

/// Why the canonical transform refused the model (compose-go's wording).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CanonicalError {
    #[error("{path}: invalid type {go_type} for {what}")]
    InvalidTypeFor {
        path: String,
        go_type: &'static str,
        what: &'static str,
    },
    #[error("{path}: invalid type {go_type}")]
    InvalidType { path: String, go_type: &'static str },
    #[error("{path}: unsupported type {go_type}")]
    UnsupportedType { path: String, go_type: &'static str },
    #[error("{path}.{key}: unsupported value {value}")]
    DependsOnValue {
        path: String,
        key: String,
        value: String,
    },
    #[error("{path}: invalid value {value}, expected key=value")]
    KeyValue { path: String, value: String },
    #[error(transparent)]
    Port(#[from] ports::PortError),
    #[error(transparent)]
    Volume(#[from] volume::VolumeError),
    #[error("confusing device mapping, please use long syntax: {0}")]
    Device(String),
    #[error("invalid ssh key type {0}")]
    SshKeyType(&'static str),
    #[error("invalid ssh key {0:?}")]
    SshKey(String),
    #[error("{path}: name and external.name conflict; only use name")]
    ExternalNameConflict { path: String },
}

type Result<T> = std::result::Result<T, CanonicalError>;

/// Context a transformer gets: where it is, whether short-syntax parse errors are tolerated
/// (compose-go passes `SkipInterpolation`, since `${VAR}` may not parse), and where to warn.
struct Ctx<'a> {
    ignore_parse_error: bool,
    diagnostics: &'a mut Diagnostics,
}

type Transformer = fn(Value, &Path, &mut Ctx) -> Result<Value>;

/// Which transformer owns which path (compose-go `transform/canonical.go`). No path may
/// match two patterns: compose-go keeps these in a Go map, so an overlap would be random.
const TRANSFORMERS: &[(&str, Transformer)] = &[
    ("services.*", transform_service),
    ("services.*.build.secrets.*", transform_file_mount),
    ("services.*.build.provenance", transform_string_or_x),
    ("services.*.build.sbom", transform_string_or_x),
    ("services.*.build.additional_contexts", transform_key_value),
    ("services.*.depends_on", transform_depends_on),
    ("services.*.env_file", transform_env_file),
    ("services.*.label_file", transform_string_or_list),
    ("services.*.extends", transform_extends),
    ("services.*.gpus", transform_gpus),
    ("services.*.networks", transform_string_slice_to_map),
    ("services.*.models", transform_string_slice_to_map),
    ("services.*.volumes.*", transform_volume_mount),
    ("services.*.dns", transform_string_or_list),
    ("services.*.devices.*", transform_device_mapping),
    ("services.*.secrets.*", transform_file_mount),
    ("services.*.configs.*", transform_file_mount),
    ("services.*.ports", transform_ports),
    ("services.*.build", transform_build),
    ("services.*.build.ssh", transform_ssh),
    ("services.*.ulimits.*", transform_ulimits),
    ("services.*.build.ulimits.*", transform_ulimits),
    (
        "services.*.develop.watch.*.ignore",
        transform_string_or_list,
    ),
    (
        "services.*.develop.watch.*.include",
        transform_string_or_list,
    ),
    ("volumes.*", transform_maybe_external),
    ("networks.*", transform_maybe_external),
    ("secrets.*", transform_maybe_external),
    ("configs.*", transform_maybe_external),
    ("include.*", transform_include),
];

/// Rewrites a model dict into canonical (long) syntax; warnings are dropped.
pub fn canonical(dict: Value, ignore_parse_error: bool) -> Result<Value> {
    canonical_with(dict, ignore_parse_error, &mut Diagnostics::default())
}

/// [`canonical`], collecting warnings (deprecated `external.name`) into `diagnostics`.
pub fn canonical_with(
    dict: Value,
    ignore_parse_error: bool,
    diagnostics: &mut Diagnostics,
) -> Result<Value> {
    let mut ctx = Ctx {
        ignore_parse_error,
        diagnostics,
    };
    transform(dict, &Path::root(), &mut ctx)
}

fn transform(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    static TREE: std::sync::LazyLock<RuleTree<Transformer>> =
        std::sync::LazyLock::new(|| RuleTree::new(TRANSFORMERS));
    if let Some(transformer) = TREE.at(p) {
        return transformer(data, p, ctx);
    }
    if !TREE.below(p) {
        return Ok(data);
    }
    match data {
        Value::Map(m) => transform_mapping(m, p, ctx).map(Value::Map),
        Value::Seq(s) => transform_sequence(s, p, ctx).map(Value::Seq),
        other => Ok(other),
    }
}

fn transform_sequence(items: Vec<Value>, p: &Path, ctx: &mut Ctx) -> Result<Vec<Value>> {
    let item_path = p.next(LIST_ITEM);
    items
        .into_iter()
        .map(|item| transform(item, &item_path, ctx))
        .collect()
}

fn transform_mapping(m: Map, p: &Path, ctx: &mut Ctx) -> Result<Map> {
    m.into_iter()
        .map(|(k, v)| {
            let child = p.next(&k);
            transform(v, &child, ctx).map(|v| (k, v))
        })
        .collect()
}

fn invalid_type_for(p: &Path, v: &Value, what: &'static str) -> CanonicalError {
    CanonicalError::InvalidTypeFor {
        path: p.to_string(),
        go_type: type_name(v),
        what,
    }
}

fn single(key: &str, value: Value) -> Value {
    let mut m = Map::default();
    m.insert(key.to_string(), value);
    Value::Map(m)
}

fn transform_service(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => transform_mapping(m, p, ctx).map(Value::Map),
        other => Ok(other),
    }
}

fn transform_string_or_list(data: Value, _: &Path, _: &mut Ctx) -> Result<Value> {
    Ok(match data {
        Value::String(s) => Value::Seq(vec![Value::String(s)]),
        other => other,
    })
}

/// provenance/sbom accept a bool or a string; compose keeps the text (`fmt.Sprint`).
fn transform_string_or_x(data: Value, _: &Path, _: &mut Ctx) -> Result<Value> {
    Ok(match data {
        Value::String(s) => Value::String(s),
        other => Value::String(go_sprint(&other)),
    })
}

/// `fmt.Sprint` of a scalar; collections fall back to compact JSON-ish text.
fn go_sprint(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        other => other
            .scalar_to_string()
            .unwrap_or_else(|| format!("{other:?}")),
    }
}

fn transform_file_mount(data: Value, p: &Path, _: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => Ok(Value::Map(m)),
        Value::String(s) => Ok(single("source", s.into())),
        other => Err(CanonicalError::UnsupportedType {
            path: p.to_string(),
            go_type: type_name(&other),
        }),
    }
}

/// `KEY=VALUE` list to a map (build.additional_contexts).
fn transform_key_value(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => Ok(Value::Map(m)),
        Value::Seq(items) => {
            let mut m = Map::default();
            for item in &items {
                let text = go_sprint(item);
                match text.split_once('=') {
                    Some((k, v)) => {
                        m.insert(k.to_string(), v.into());
                    }
                    None if ctx.ignore_parse_error => return Ok(Value::Seq(items)),
                    None => {
                        return Err(CanonicalError::KeyValue {
                            path: p.to_string(),
                            value: text,
                        })
                    }
                }
            }
            Ok(Value::Map(m))
        }
        other => Err(CanonicalError::InvalidType {
            path: p.to_string(),
            go_type: type_name(&other),
        }),
    }
}

fn depends_on_entry() -> Map {
    let mut m = Map::default();
    m.insert("condition".into(), "service_started".into());
    m.insert("required".into(), true.into());
    m
}

fn transform_depends_on(data: Value, p: &Path, _: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(mut m) => {
            for (key, entry) in m.iter_mut() {
                let Value::Map(d) = entry else {
                    return Err(CanonicalError::DependsOnValue {
                        path: p.to_string(),
                        key: key.clone(),
                        value: go_sprint(entry),
                    });
                };
                d.entry("condition".to_string())
                    .or_insert_with(|| "service_started".into());
                d.entry("required".to_string()).or_insert(true.into());
            }
            Ok(Value::Map(m))
        }
        Value::Seq(items) => Ok(Value::Map(
            items
                .iter()
                .map(|item| (go_sprint(item), Value::Map(depends_on_entry())))
                .collect(),
        )),
        other => Err(invalid_type_for(p, &other, "depend_on")),
    }
}

fn env_file_entry(v: Value) -> Value {
    match v {
        Value::String(s) => {
            let mut m = Map::default();
            m.insert("path".into(), s.into());
            m.insert("required".into(), true.into());
            Value::Map(m)
        }
        Value::Map(mut m) => {
            m.entry("required".to_string()).or_insert(true.into());
            Value::Map(m)
        }
        // compose-go turns anything else into nil.
        _ => Value::Null,
    }
}

fn transform_env_file(data: Value, p: &Path, _: &mut Ctx) -> Result<Value> {
    match data {
        Value::String(s) => Ok(Value::Seq(vec![env_file_entry(s.into())])),
        Value::Seq(items) => Ok(Value::Seq(items.into_iter().map(env_file_entry).collect())),
        other => Err(invalid_type_for(p, &other, "env_file")),
    }
}

fn transform_extends(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => transform_mapping(m, p, ctx).map(Value::Map),
        Value::String(s) => Ok(single("service", s.into())),
        other => Err(invalid_type_for(p, &other, "extends")),
    }
}

fn transform_gpus(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    match data {
        Value::Seq(items) => transform_sequence(items, p, ctx).map(Value::Seq),
        // `gpus: all` is the only string the schema allows.
        Value::String(_) => Ok(Value::Seq(vec![single("count", "all".into())])),
        other => Err(invalid_type_for(p, &other, "gpus")),
    }
}

/// A list of names to a map of name → null (networks, models).
fn transform_string_slice_to_map(data: Value, _: &Path, _: &mut Ctx) -> Result<Value> {
    Ok(match data {
        Value::Seq(items) => Value::Map(
            items
                .iter()
                .map(|item| (go_sprint(item), Value::Null))
                .collect(),
        ),
        other => other,
    })
}

fn transform_volume_mount(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => Ok(Value::Map(m)),
        Value::String(spec) => match volume::parse_volume(&spec) {
            Ok(v) => Ok(v),
            Err(_) if ctx.ignore_parse_error => Ok(Value::String(spec)),
            Err(e) => Err(e.into()),
        },
        other => Err(invalid_type_for(p, &other, "service volume mount")),
    }
}

fn transform_device_mapping(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => Ok(Value::Map(m)),
        Value::String(spec) => {
            let parts: Vec<&str> = spec.split(':').collect();
            let (src, mut dst, permissions) = match parts.as_slice() {
                [src] => (*src, "", "rwm"),
                [src, dst] => (*src, *dst, "rwm"),
                [src, dst, perms] => (*src, *dst, *perms),
                _ if ctx.ignore_parse_error => ("", "", "rwm"),
                _ => return Err(CanonicalError::Device(spec)),
            };
            if dst.is_empty() {
                dst = src;
            }
            let mut m = Map::default();
            m.insert("source".into(), src.into());
            m.insert("target".into(), dst.into());
            m.insert("permissions".into(), permissions.into());
            Ok(Value::Map(m))
        }
        other => Err(invalid_type_for(p, &other, "service volume mount")),
    }
}

fn transform_ports(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    let Value::Seq(entries) = data else {
        return Err(invalid_type_for(p, &data, "port"));
    };
    let mut out = Vec::new();
    for entry in &entries {
        match entry {
            Value::Int(i) => out.extend(ports::parse_port_config(&i.to_string())?),
            Value::String(s) => match ports::parse_port_config(s) {
                Ok(parsed) => out.extend(parsed),
                Err(_) if ctx.ignore_parse_error => return Ok(Value::Seq(entries)),
                Err(e) => return Err(e.into()),
            },
            Value::Map(m) => out.push(Value::Map(m.clone())),
            other => return Err(invalid_type_for(p, other, "port")),
        }
    }
    Ok(Value::Seq(out))
}

fn transform_build(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => transform_mapping(m, p, ctx).map(Value::Map),
        Value::String(s) => Ok(single("context", s.into())),
        other => Err(invalid_type_for(p, &other, "build")),
    }
}

/// `[default, id=path]` to `{default: null, id: path}`.
fn transform_ssh(data: Value, p: &Path, _: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => Ok(Value::Map(m)),
        Value::Seq(items) => {
            let mut m = Map::default();
            for item in items {
                let Value::String(s) = item else {
                    return Err(CanonicalError::SshKeyType(type_name(&item)));
                };
                match s.split_once('=') {
                    Some((id, path)) => {
                        m.insert(id.to_string(), path.into());
                    }
                    None if s == "default" => {
                        m.insert(s, Value::Null);
                    }
                    None => return Err(CanonicalError::SshKey(s)),
                }
            }
            Ok(Value::Map(m))
        }
        other => Err(invalid_type_for(p, &other, "ssh")),
    }
}

fn transform_ulimits(data: Value, p: &Path, _: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(_) | Value::Int(_) => Ok(data),
        // compose-go's message says "external" here (a copy-paste it never fixed).
        other => Err(invalid_type_for(p, &other, "external")),
    }
}

/// Top-level resources: `external: {name: x}` (deprecated) becomes `external: true` + `name`.
fn transform_maybe_external(data: Value, p: &Path, ctx: &mut Ctx) -> Result<Value> {
    let Value::Map(m) = data else {
        return Ok(data);
    };
    let mut resource = transform_mapping(m, p, ctx)?;
    let Some(Value::Map(external)) = resource.get("external").cloned() else {
        return Ok(Value::Map(resource));
    };
    resource.insert("external".into(), true.into());
    if let Some(ext_name) = external.get("name") {
        ctx.diagnostics.warn(format!(
            "{p}: external.name is deprecated. Please set name and external: true"
        ));
        match resource.get("name") {
            Some(name) if name != ext_name => {
                return Err(CanonicalError::ExternalNameConflict {
                    path: p.to_string(),
                })
            }
            Some(_) => {}
            None => {
                resource.insert("name".into(), ext_name.clone());
            }
        }
    }
    Ok(Value::Map(resource))
}

fn transform_include(data: Value, p: &Path, _: &mut Ctx) -> Result<Value> {
    match data {
        Value::Map(m) => Ok(Value::Map(m)),
        Value::String(s) => Ok(single("path", s.into())),
        other => Err(invalid_type_for(p, &other, "external")),
    }
}

/// Paths whose empty entries (null or "") are dropped (compose-go `loader/omitEmpty.go`).
const OMIT_EMPTY: &[&str] = &["services.*.dns"];

/// Drops empty entries (null or "") where they mean nothing, e.g. `dns: [""]`; runs right
/// after [`canonical`].
pub fn omit_empty(dict: Value) -> Value {
    omit_empty_at(dict, &Path::root())
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Null) || matches!(v, Value::String(s) if s.is_empty())
}

fn omit_empty_at(data: Value, p: &Path) -> Value {
    let must_omit = OMIT_EMPTY.iter().any(|pattern| p.matches(pattern));
    if !must_omit && !OMIT_EMPTY.iter().any(|pattern| p.leads_to(pattern)) {
        return data;
    }
    match data {
        Value::Map(m) => Value::Map(
            m.into_iter()
                .filter(|(_, v)| !(must_omit && is_empty(v)))
                .map(|(k, v)| {
                    let child = p.next(&k);
                    (k, omit_empty_at(v, &child))
                })
                .collect(),
        ),
        Value::Seq(items) => {
            let child = p.next(LIST_ITEM);
            Value::Seq(
                items
                    .into_iter()
                    .filter(|v| !(must_omit && is_empty(v)))
                    .map(|v| omit_empty_at(v, &child))
                    .collect(),
            )
        }
        other => other,
    }
}

#[cfg(test)]
pub(crate) mod tests;
