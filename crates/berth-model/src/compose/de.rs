//! Binding the typed `Value` tree to the structs: a serde `Deserializer` over `&Value` that
//! knows where it is, so that a failure names the field (`services[web].ports[0].target`).
//!
//! Two conventions the structs rely on:
//! - a struct field renamed to [`EXTENSIONS`] receives every `x-*` key of the mapping as one
//!   map (compose-go's inline `Extensions`), so extensions need no `#[serde(flatten)]` (which
//!   would buffer the fields and lose the path);
//! - the deserializer never lends borrowed strings, so every struct is `DeserializeOwned`.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::value::{Map, Value};

/// The pseudo field name that collects a mapping's `x-*` keys.
pub(crate) const EXTENSIONS: &str = "$extensions";

/// The model does not have the shape a typed struct expects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct ModelError {
    /// Where in the model, as compose-go's decoder spells it: `services[web].ports[0].target`
    /// (empty for the root).
    pub path: String,
    pub message: String,
    /// Set once the innermost deserializer has given the path (outer ones keep it).
    located: bool,
}

impl ModelError {
    fn locate(mut self, path: &str) -> Self {
        if !self.located {
            self.path = path.to_string();
            self.located = true;
        }
        self
    }
}

impl de::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ModelError {
            path: String::new(),
            message: msg.to_string(),
            located: false,
        }
    }
}

/// Binds any typed struct of this module (or a plain Rust type) to a `Value`.
pub fn from_value<T: de::DeserializeOwned>(value: &Value) -> Result<T, ModelError> {
    T::deserialize(ValueDeserializer::new(value, String::new()))
}

pub(crate) struct ValueDeserializer<'a> {
    value: &'a Value,
    path: String,
}

impl<'a> ValueDeserializer<'a> {
    pub(crate) fn new(value: &'a Value, path: String) -> Self {
        ValueDeserializer { value, path }
    }
}

fn field_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_> {
    type Error = ModelError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        let path = self.path;
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Uint(u) => visitor.visit_u64(*u),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_str(s),
            Value::Timestamp(t) => visitor.visit_string(t.to_string()),
            Value::Seq(items) => visitor.visit_seq(Items {
                iter: items.iter().enumerate(),
                path: &path,
            }),
            Value::Map(map) => visitor.visit_map(Entries {
                iter: map.iter(),
                pending: None,
                path: &path,
                style: KeyStyle::Index,
                extensions: None,
            }),
        };
        result.map_err(|e| e.locate(&path))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        let path = self.path.clone();
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.locate(&path))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        let path = self.path.clone();
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| e.locate(&path))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        static EMPTY: std::sync::OnceLock<Map> = std::sync::OnceLock::new();
        let path = self.path;
        let map = match self.value {
            Value::Map(m) => m,
            // A nil struct decodes to its zero value, as mapstructure does.
            Value::Null => EMPTY.get_or_init(Map::default),
            other => {
                return Err(de::Error::invalid_type(unexpected(other), &visitor))
                    .map_err(|e: ModelError| e.locate(&path))
            }
        };
        let extensions = fields.contains(&EXTENSIONS).then(|| {
            Value::Map(
                map.iter()
                    .filter(|(k, _)| k.starts_with("x-"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        });
        let result = visitor.visit_map(Entries {
            iter: map.iter(),
            pending: None,
            path: &path,
            style: KeyStyle::Field,
            extensions,
        });
        result.map_err(|e| e.locate(&path))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        let path = self.path;
        match self.value {
            Value::String(s) => {
                let d: de::value::StrDeserializer<'_, ModelError> = s.as_str().into_deserializer();
                visitor.visit_enum(d)
            }
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
        .map_err(|e| e.locate(&path))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Int(i) => de::Unexpected::Signed(*i),
        Value::Uint(u) => de::Unexpected::Unsigned(*u),
        Value::Float(f) => de::Unexpected::Float(*f),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Timestamp(_) => de::Unexpected::Other("timestamp"),
        Value::Seq(_) => de::Unexpected::Seq,
        Value::Map(_) => de::Unexpected::Map,
    }
}

struct Items<'a, I> {
    iter: I,
    path: &'a str,
}

impl<'de, 'a, I: Iterator<Item = (usize, &'a Value)>> SeqAccess<'de> for Items<'_, I> {
    type Error = ModelError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ModelError> {
        match self.iter.next() {
            None => Ok(None),
            Some((i, v)) => seed
                .deserialize(ValueDeserializer::new(v, format!("{}[{i}]", self.path)))
                .map(Some),
        }
    }
}

/// How a mapping's keys extend the path: struct fields with `.`, map entries with `[key]`.
#[derive(Clone, Copy)]
enum KeyStyle {
    Field,
    Index,
}

struct Entries<'a, I> {
    iter: I,
    pending: Option<(String, &'a Value)>,
    path: &'a str,
    style: KeyStyle,
    /// The struct's `x-*` keys, handed over as the [`EXTENSIONS`] field after the others.
    extensions: Option<Value>,
}

impl<'de, 'a, I: Iterator<Item = (&'a String, &'a Value)>> MapAccess<'de> for Entries<'a, I> {
    type Error = ModelError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ModelError> {
        for (k, v) in self.iter.by_ref() {
            if self.extensions.is_some() && k.starts_with("x-") {
                continue;
            }
            let path = match self.style {
                KeyStyle::Field => field_path(self.path, k),
                KeyStyle::Index => format!("{}[{k}]", self.path),
            };
            self.pending = Some((path, v));
            let key: de::value::StrDeserializer<'_, ModelError> = k.as_str().into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        if self.extensions.is_some() {
            let key: de::value::StrDeserializer<'_, ModelError> = EXTENSIONS.into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ModelError> {
        if let Some((path, v)) = self.pending.take() {
            return seed.deserialize(ValueDeserializer::new(v, path));
        }
        match self.extensions.take() {
            Some(ext) => seed.deserialize(ValueDeserializer::new(&ext, self.path.to_string())),
            None => Err(de::Error::custom("value requested before its key")),
        }
    }
}

/// Extension values come back as the `Value`s they were; timestamps, which serde cannot carry,
/// come back as their RFC 3339 text.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
                Ok(Value::Int(i))
            }
            fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
                Ok(i64::try_from(u).map_or(Value::Uint(u), Value::Int))
            }
            fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
                Ok(Value::Float(f))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Value::Seq(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut out = Map::default();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.insert(k, v);
                }
                Ok(Value::Map(out))
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        n: u32,
        #[serde(default, rename = "$extensions")]
        ext: IndexMap<String, Value>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        items: IndexMap<String, Vec<Inner>>,
    }

    #[test]
    fn values_bind_and_extensions_are_collected() {
        let v = Value::from_pairs([(
            "items",
            Value::from_pairs([(
                "a",
                Value::Seq(vec![Value::from_pairs([
                    ("x-z", Value::from("zz")),
                    ("n", Value::Int(3)),
                ])]),
            )]),
        )]);
        let o: Outer = from_value(&v).unwrap();
        let inner = &o.items["a"][0];
        assert_eq!(inner.n, 3);
        assert_eq!(inner.ext["x-z"], Value::from("zz"));
    }

    #[test]
    fn errors_name_the_field() {
        let bad = |inner: Value| {
            let v = Value::from_pairs([(
                "items",
                Value::from_pairs([(
                    "a",
                    Value::Seq(vec![Value::from_pairs([("n", Value::Int(1))]), inner]),
                )]),
            )]);
            from_value::<Outer>(&v).unwrap_err()
        };
        let e = bad(Value::from_pairs([("n", Value::from("x"))]));
        assert_eq!(e.path, "items[a][1].n");
        assert_eq!(
            e.to_string(),
            "items[a][1].n: invalid type: string \"x\", expected u32"
        );
        let e = bad(Value::from_pairs([("n", Value::Int(-1))]));
        assert_eq!(e.path, "items[a][1].n");
        let e = bad(Value::from_pairs([("m", Value::Int(1))]));
        assert_eq!(e.path, "items[a][1]");
        assert!(e.message.starts_with("unknown field `m`"), "{}", e.message);
        let e = bad(Value::Map(Map::default()));
        assert_eq!(e.message, "missing field `n`");
    }
}
