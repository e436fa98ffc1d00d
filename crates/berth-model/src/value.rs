//! The ordered value tree every loading phase works on, from parsed YAML to the canonical model.
//!
//! compose-go keeps the model as a generic `map[string]any` through all of its phases and binds
//! it to structs only at the end; berth does the same, with maps that keep insertion order so
//! that output order is decided explicitly (by `shape`) and never by hashing.

use indexmap::IndexMap;

use crate::gotime::Timestamp;

/// An ordered mapping with string keys (compose keys are always strings after parsing).
/// Hashed with foldhash rather than SipHash: the loader and the config hash look keys up
/// millions of times a second, and no key comes from an adversary who could flood a map.
pub type Map = IndexMap<String, Value, foldhash::fast::RandomState>;

/// A YAML/JSON value as compose-go sees it after decoding a document into `any`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer literal above `i64::MAX` that fits `u64`: go-yaml decodes it as `uint64`
    /// (and prints it back in full), where anything larger becomes a float.
    Uint(u64),
    Float(f64),
    String(String),
    /// A plain scalar in one of go-yaml's timestamp layouts: a Go `time.Time`, which is neither
    /// a string nor a number (the schema rejects it as `time.Time` wherever a type is set).
    Timestamp(Timestamp),
    Seq(Vec<Value>),
    Map(Map),
}

impl Value {
    /// A mapping of the given entries, in order (a later duplicate key replaces the value in
    /// place, as `IndexMap` does).
    pub fn from_pairs<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    /// Looks up a key when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_map_mut().and_then(|m| m.get_mut(key))
    }
    /// The name of the value's kind as compose's error messages spell it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Uint(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            // The schema validator's own word for a Go type it cannot map to JSON.
            Value::Timestamp(_) => "time.Time",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }
    /// The scalar as Go's `fmt.Sprint` would print it (used where compose stringifies values).
    pub fn scalar_to_string(&self) -> Option<String> {
        match self {
            Value::Null => Some(String::new()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Uint(u) => Some(u.to_string()),
            Value::Float(f) => Some(crate::gofmt::format_float(*f, 64)),
            Value::String(s) => Some(s.clone()),
            Value::Timestamp(t) => Some(t.to_string()),
            _ => None,
        }
    }
}

/// JSON as YAML decodes it into `any`: integers that fit `i64` stay integers, other numbers are
/// floats, objects keep their key order.
impl From<serde_json::Value> for Value {
    fn from(j: serde_json::Value) -> Self {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Value::Int(i),
                (None, Some(u)) => Value::Uint(u),
                _ => Value::Float(n.as_f64().unwrap_or_default()),
            },
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => {
                Value::Seq(items.into_iter().map(Value::from).collect())
            }
            serde_json::Value::Object(o) => {
                Value::Map(o.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}
impl From<Vec<Value>> for Value {
    fn from(s: Vec<Value>) -> Self {
        Value::Seq(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_json_and_pairs_keep_order_and_integers() {
        let j = serde_json::json!({"b": 1, "a": [1.5, null, true, "x"]});
        let want = Value::from_pairs([
            ("b", Value::Int(1)),
            (
                "a",
                Value::Seq(vec![
                    Value::Float(1.5),
                    Value::Null,
                    true.into(),
                    "x".into(),
                ]),
            ),
        ]);
        assert_eq!(Value::from(j), want);
    }
}
