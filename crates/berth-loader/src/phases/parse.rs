//! Phase 1, parse: YAML text to `Value` documents, as go-yaml v3 decodes into `any`.
//!
//! Events come from libyaml-safer, a port of libyaml, the C library go-yaml itself was ported
//! from: it accepts and rejects what compose does (saphyr, stricter about indentation inside
//! flow collections, rejected real files compose reads) and reports the same problems.
//! Why the tree is built by hand on top of the events: compose resolves plain scalars by YAML 1.2
//! core rules plus go-yaml's extras (`0755` octal, `1_000`, yes/no stay strings), honours `<<`
//! merge keys and the `!reset` / `!override` tags, and rejects duplicate keys; no maintained
//! YAML crate does all of that (see shared/reference/dependencies.md). Every mapping key and
//! value keeps its line and column so that later phases can point at the source.

use std::collections::HashMap;

use berth_model::golang;
use berth_model::gotime::Timestamp;
use berth_model::{Map, Value};

/// A position in a source file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Where each path of a document was written. Paths are dotted, list items by index
/// (`services.web.ports.0`).
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    positions: HashMap<String, Pos>,
}

impl SourceMap {
    /// The position of `path`, or of its nearest ancestor that has one.
    pub fn locate(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            p = &p[..p.rfind('.')?];
        }
    }
}

/// One YAML document of a compose file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's content; `None` for an empty document.
    pub value: Option<Value>,
    /// Paths tagged `!reset` or `!override`: what earlier files set there is dropped before
    /// this document is merged on top of them.
    pub reset_paths: Vec<String>,
    pub source_map: SourceMap,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ParseError {
    /// A syntax error, worded as the YAML scanner reports it.
    #[error("yaml: {message}")]
    Syntax { message: String, pos: Pos },
    #[error("line {}: mapping key \"{key}\" already defined at line {first_line}", pos.line)]
    DuplicateKey {
        key: String,
        pos: Pos,
        first_line: usize,
    },
    #[error("yaml: unknown anchor '{name}' referenced")]
    UnknownAnchor { name: String, pos: Pos },
    #[error("non-string key {location}: {key}")]
    NonStringKey {
        location: String,
        key: String,
        pos: Pos,
    },
    #[error("yaml: map merge requires map or sequence of maps as the value")]
    BadMerge { pos: Pos },
    #[error("yaml: !!binary value contains invalid base64 data")]
    InvalidBinary { pos: Pos },
    /// A scalar tagged `!!null`, `!!bool`, `!!int`, `!!float` or `!!timestamp` whose text
    /// resolves to another kind (go-yaml: "cannot decode !!str `foo` as a !!int").
    #[error("yaml: cannot decode !!{found} `{text}` as a !!{want}")]
    TagMismatch {
        found: &'static str,
        text: String,
        want: &'static str,
        pos: Pos,
    },
}

impl ParseError {
    /// Where the error is, when it is known.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            ParseError::Syntax { pos, .. }
            | ParseError::DuplicateKey { pos, .. }
            | ParseError::UnknownAnchor { pos, .. }
            | ParseError::NonStringKey { pos, .. }
            | ParseError::BadMerge { pos }
            | ParseError::InvalidBinary { pos }
            | ParseError::TagMismatch { pos, .. } => Some(*pos),
        }
    }
}

/// Parses every document of a compose file.
pub fn parse(content: &str) -> Result<Vec<Document>, ParseError> {
    let last_line = content.rsplit(['\n', '\r']).next().unwrap_or_default();
    let nodes = if last_line.trim_matches([' ', '\t']).is_empty() {
        read_nodes(content)?.0
    } else {
        // libyaml-safer 0.3 panics on a block scalar whose text runs to the end of the input
        // without a line break (`read_line_break` on an empty buffer), where libyaml reads
        // nothing more.
        // So such input is read with a break added, and the break the added line gave the
        // last scalar is taken off again; any other input is read as it is.
        match read_nodes(&format!("{content}\n")) {
            Ok((mut nodes, true)) => {
                drop_added_break(&mut nodes);
                nodes
            }
            _ => read_nodes(content)?.0,
        }
    };
    nodes
        .into_iter()
        .map(|node| {
            let mut doc = Document {
                value: None,
                reset_paths: Vec::new(),
                source_map: SourceMap::default(),
            };
            if let Some(node) = node {
                let mut path = String::new();
                doc.value = resolve(&node, &mut path, &mut doc)?;
            }
            Ok(doc)
        })
        .collect()
}

/// Takes the trailing line break off the input's last scalar (see [`parse`]).
fn drop_added_break(nodes: &mut [Option<Node>]) {
    let mut node = match nodes.iter_mut().rev().flatten().next() {
        Some(n) => n,
        None => return,
    };
    loop {
        node = match &mut node.kind {
            Kind::Map(entries) => match entries.last_mut() {
                Some((_, value)) => value,
                None => return,
            },
            Kind::Seq(items) => match items.last_mut() {
                Some(item) => item,
                None => return,
            },
            Kind::Scalar { text, .. } => {
                if text.ends_with('\n') {
                    text.pop();
                }
                return;
            }
        };
    }
}

/// A raw YAML node with aliases already replaced by the anchored node.
#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    tag: Option<String>,
    pos: Pos,
}

#[derive(Debug, Clone)]
enum Kind {
    Scalar { text: String, plain: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

fn pos_of(mark: &libyaml_safer::Mark) -> Pos {
    Pos {
        line: mark.line as usize + 1,
        column: mark.column as usize + 1,
    }
}

/// Tags as written: `!!str` arrives resolved as `tag:yaml.org,2002:str`.
fn tag_name(tag: Option<String>) -> Option<String> {
    tag.map(|t| match t.strip_prefix("tag:yaml.org,2002:") {
        Some(suffix) => format!("!!{suffix}"),
        None => t,
    })
}

/// A scanner or parser error as go-yaml words it: `yaml: line N: problem`, where N is
/// go-yaml's line (the context's or the problem's 0-based line, plus one for scanner errors;
/// compose users know these numbers, wrong as they sometimes are), and `pos` the true place.
fn syntax_error(e: &libyaml_safer::Error) -> ParseError {
    let scanner = e.kind() == libyaml_safer::ErrorKind::Scanner;
    let go_line = [e.context_mark(), e.problem_mark()]
        .into_iter()
        .flatten()
        .map(|m| m.line)
        .find(|line| *line != 0)
        .map(|line| line + u64::from(scanner));
    let pos = e
        .problem_mark()
        .map(|m| pos_of(&m))
        .unwrap_or(Pos { line: 1, column: 1 });
    ParseError::Syntax {
        message: match go_line {
            Some(line) => format!("line {line}: {}", e.problem()),
            None => e.problem().to_string(),
        },
        pos,
    }
}

/// Reads the event stream into one node tree per document.
/// Also says whether the last node read was a block scalar (`|` or `>`).
fn read_nodes(content: &str) -> Result<(Vec<Option<Node>>, bool), ParseError> {
    use libyaml_safer::EventData;
    enum Open {
        Seq(Node, Option<String>),
        Map(Node, Option<String>, Option<Node>),
    }
    let mut input = content.as_bytes();
    let mut parser = libyaml_safer::Parser::new();
    parser.set_input_string(&mut input);
    let mut docs = Vec::new();
    let mut anchors: HashMap<String, Node> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut current: Option<Node> = None;

    // Attaches a finished node to its parent, or makes it the document root.
    fn attach(
        stack: &mut [Open],
        current: &mut Option<Node>,
        anchors: &mut HashMap<String, Node>,
        node: Node,
        anchor: Option<String>,
    ) {
        if let Some(anchor) = anchor {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => *current = Some(node),
            Some(Open::Seq(seq, _)) => {
                if let Kind::Seq(items) = &mut seq.kind {
                    items.push(node);
                }
            }
            Some(Open::Map(map, _, key)) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let Kind::Map(entries) = &mut map.kind {
                        entries.push((k, node));
                    }
                }
            },
        }
    }

    let mut ends_with_block_scalar = false;
    for event in &mut parser {
        let event = event.map_err(|e| syntax_error(&e))?;
        let pos = pos_of(&event.start_mark);
        match &event.data {
            EventData::Scalar { style, .. } => {
                ends_with_block_scalar = matches!(
                    style,
                    libyaml_safer::ScalarStyle::Literal | libyaml_safer::ScalarStyle::Folded
                );
            }
            EventData::Alias { .. }
            | EventData::SequenceStart { .. }
            | EventData::MappingStart { .. } => ends_with_block_scalar = false,
            _ => {}
        }
        match event.data {
            EventData::StreamStart { .. } | EventData::StreamEnd => {}
            EventData::DocumentStart { .. } => current = None,
            EventData::DocumentEnd { .. } => docs.push(current.take()),
            EventData::Alias { anchor } => {
                let node = anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or(ParseError::UnknownAnchor { name: anchor, pos })?;
                attach(&mut stack, &mut current, &mut anchors, node, None);
            }
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                let node = Node {
                    kind: Kind::Scalar {
                        text: value,
                        plain: style == libyaml_safer::ScalarStyle::Plain,
                    },
                    tag: tag_name(tag),
                    pos,
                };
                attach(&mut stack, &mut current, &mut anchors, node, anchor);
            }
            EventData::SequenceStart { anchor, tag, .. } => stack.push(Open::Seq(
                Node {
                    kind: Kind::Seq(Vec::new()),
                    tag: tag_name(tag),
                    pos,
                },
                anchor,
            )),
            EventData::MappingStart { anchor, tag, .. } => stack.push(Open::Map(
                Node {
                    kind: Kind::Map(Vec::new()),
                    tag: tag_name(tag),
                    pos,
                },
                anchor,
                None,
            )),
            EventData::SequenceEnd | EventData::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Open::Seq(n, a)) | Some(Open::Map(n, a, _)) => (n, a),
                    None => continue,
                };
                attach(&mut stack, &mut current, &mut anchors, node, anchor);
            }
        }
    }
    Ok((docs, ends_with_block_scalar))
}

fn push_path(path: &mut String, segment: &str) -> usize {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(segment);
    len
}

/// Resolves tags, merge keys and scalars of a node; `None` when the node is `!reset`.
fn resolve(
    node: &Node,
    path: &mut String,
    doc: &mut Document,
) -> Result<Option<Value>, ParseError> {
    match node.tag.as_deref() {
        Some("!reset") => {
            doc.reset_paths.push(path.clone());
            return Ok(None);
        }
        Some("!override") => doc.reset_paths.push(path.clone()),
        _ => {}
    }
    doc.source_map
        .positions
        .entry(path.clone())
        .or_insert(node.pos);
    Ok(Some(match &node.kind {
        // go-yaml decodes `!!binary` into the bytes as a Go string. Bytes that are not UTF-8
        // are kept lossily: the reference would re-encode them as `!!binary` in YAML output.
        Kind::Scalar { text, .. } if node.tag.as_deref() == Some("!!binary") => {
            let bytes = golang::decode_base64_std(text)
                .ok_or(ParseError::InvalidBinary { pos: node.pos })?;
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        }
        Kind::Scalar { text, plain } => scalar_at(text, *plain, node)?,
        Kind::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = push_path(path, &i.to_string());
                if let Some(v) = resolve(item, path, doc)? {
                    out.push(v);
                }
                path.truncate(len);
            }
            Value::Seq(out)
        }
        Kind::Map(entries) => Value::Map(resolve_map(entries, path, doc)?),
    }))
}

fn resolve_map(
    entries: &[(Node, Node)],
    path: &mut String,
    doc: &mut Document,
) -> Result<Map, ParseError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Map::with_capacity_and_hasher(entries.len(), Default::default());
    let mut merges: Vec<&Node> = Vec::new();
    for (key, value) in entries {
        let key_text = match &key.kind {
            Kind::Scalar { text, .. } => text.as_str(),
            _ => "",
        };
        if let Some(first_line) = seen.insert(key_text, key.pos.line) {
            return Err(ParseError::DuplicateKey {
                key: key_text.to_string(),
                pos: key.pos,
                first_line,
            });
        }
        let key_value = match &key.kind {
            Kind::Scalar { text, plain } => scalar_at(text, *plain, key)?,
            _ => Value::Null,
        };
        if matches!(&key.kind, Kind::Scalar { text, plain: true } if text == "<<") {
            merges.push(value);
            continue;
        }
        let key_string = match key_value {
            Value::String(s) => s,
            other => {
                let location = if path.is_empty() {
                    "at top level".to_string()
                } else {
                    format!("in {path}")
                };
                return Err(ParseError::NonStringKey {
                    location,
                    key: go_sharp_v(&other),
                    pos: key.pos,
                });
            }
        };
        let len = push_path(path, &key_string);
        doc.source_map.positions.insert(path.clone(), key.pos);
        let resolved = resolve(value, path, doc)?;
        path.truncate(len);
        if let Some(v) = resolved {
            out.insert(key_string, v);
        }
    }
    // Explicit keys win over merged ones, and earlier merge sources over later ones.
    for merge in merges {
        let sources: Vec<&Node> = match &merge.kind {
            Kind::Map(_) => vec![merge],
            Kind::Seq(items) => items.iter().collect(),
            Kind::Scalar { .. } => return Err(ParseError::BadMerge { pos: merge.pos }),
        };
        for source in sources {
            let Kind::Map(entries) = &source.kind else {
                return Err(ParseError::BadMerge { pos: source.pos });
            };
            for (k, v) in resolve_map(entries, path, doc)? {
                out.entry(k).or_insert(v);
            }
        }
    }
    Ok(out)
}

/// Formats a non-string key as Go's `%#v` does in compose's "non-string key" error.
fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Timestamp(t) => t.go_string(),
        other => other.scalar_to_string().unwrap_or_default(),
    }
}

/// A tagged scalar whose text resolves to another kind: go-yaml's short names of both tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagMismatch {
    pub found: &'static str,
    pub want: &'static str,
}

/// [`resolve_scalar`] for a node, with a tag mismatch located at the node.
fn scalar_at(text: &str, plain: bool, node: &Node) -> Result<Value, ParseError> {
    resolve_scalar(text, plain, node.tag.as_deref()).map_err(|m| ParseError::TagMismatch {
        found: m.found,
        text: text.to_string(),
        want: m.want,
        pos: node.pos,
    })
}

/// Resolves a scalar the way go-yaml v3 does when decoding into `any`.
///
/// Quoted and block scalars are strings unless a tag says otherwise; a resolvable tag
/// (`!!null`, `!!bool`, `!!int`, `!!float`, `!!timestamp`) resolves the text as if it were
/// plain and insists on getting that kind (an integer may be read as a float).
pub fn resolve_scalar(text: &str, plain: bool, tag: Option<&str>) -> Result<Value, TagMismatch> {
    let want = match tag {
        Some("!!str") | Some("!!binary") => return Ok(Value::String(text.into())),
        Some("!!null") => "null",
        Some("!!bool") => "bool",
        Some("!!int") => "int",
        Some("!!float") => "float",
        Some("!!timestamp") => "timestamp",
        _ if !plain => return Ok(Value::String(text.into())),
        _ => return Ok(resolve_plain(text)),
    };
    let value = resolve_plain(text);
    let found = match &value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Uint(_) => "int",
        Value::Float(_) => "float",
        Value::Timestamp(_) => "timestamp",
        _ => "str",
    };
    match (want, value) {
        ("float", Value::Int(i)) => Ok(Value::Float(i as f64)),
        ("float", Value::Uint(u)) => Ok(Value::Float(u as f64)),
        (want, value) if want == found => Ok(value),
        (want, _) => Err(TagMismatch { found, want }),
    }
}

/// go-yaml's resolution of an untagged plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
        return Value::String(text.into());
    }
    if !(first.is_ascii_digit() || first == b'-' || first == b'+') {
        return Value::String(text.into());
    }
    // Timestamps are tried first (before the underscores are dropped): `2001-12-14` is a
    // Go time.Time, not a string.
    if let Some(t) = Timestamp::parse(text) {
        return Value::Timestamp(t);
    }
    let plain_text: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(i) = golang::parse_int(&plain_text) {
        return Value::Int(i);
    }
    // go-yaml tries ParseUint next: literals up to u64::MAX stay exact integers.
    if let Some(u) = golang::parse_uint(&plain_text) {
        return Value::Uint(u);
    }
    if golang::is_yaml_float(&plain_text) {
        if let Ok(f) = plain_text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::String(text.into())
}

#[cfg(test)]
mod tests {
    /// Regression: libyaml-safer panicked on a block scalar ending the input without a
    /// line break (found by the no-panic property test).
    #[test]
    fn block_scalars_at_the_end_of_the_input() {
        let value = |content: &str| {
            let docs = parse(content).unwrap();
            docs[0].value.clone().unwrap()
        };
        assert_eq!(value("a: |\n  x").get("a").unwrap().as_str(), Some("x"));
        assert_eq!(value("a: |+\n  x").get("a").unwrap().as_str(), Some("x"));
        assert_eq!(
            value("a: >\n  x\n  y").get("a").unwrap().as_str(),
            Some("x y")
        );
        assert_eq!(
            value("a: |\n  x\n  ").get("a").unwrap().as_str(),
            Some("x\n")
        );
    }

    use super::*;
    use pretty_assertions::assert_eq;

    fn one(src: &str) -> Value {
        parse(src).unwrap().remove(0).value.unwrap()
    }

    #[test]
    fn scalars_resolve_as_go_yaml_v3() {
        let v = one("a: 0755\nb: '0755'\nc: yes\nd: 1_000\ne: 1.5\nf: 0x1F\ng: ~\nh: True\ni: 08\nj: .5\nk: 1e3\nl: 2001-12-14\nm: -12\n");
        let m = v.as_map().unwrap();
        assert_eq!(m["a"], Value::Int(493));
        assert_eq!(m["b"], Value::String("0755".into()));
        assert_eq!(m["c"], Value::String("yes".into()));
        assert_eq!(m["d"], Value::Int(1000));
        assert_eq!(m["e"], Value::Float(1.5));
        assert_eq!(m["f"], Value::Int(31));
        assert_eq!(m["g"], Value::Null);
        assert_eq!(m["h"], Value::Bool(true));
        assert_eq!(m["i"], Value::Float(8.0));
        assert_eq!(m["j"], Value::Float(0.5));
        assert_eq!(m["k"], Value::Float(1000.0));
        assert_eq!(
            m["l"],
            Value::Timestamp(Timestamp::parse("2001-12-14").unwrap())
        );
        assert_eq!(m["m"], Value::Int(-12));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let v = one("x-base: &base\n  image: busybox\n  env: {A: 1}\nservices:\n  web:\n    <<: *base\n    image: nginx\n  db: *base\n");
        let web = v.get("services").unwrap().get("web").unwrap();
        assert_eq!(web.get("image"), Some(&Value::String("nginx".into())));
        assert_eq!(web.get("env").unwrap().get("A"), Some(&Value::Int(1)));
        let db = v.get("services").unwrap().get("db").unwrap();
        assert_eq!(db.get("image"), Some(&Value::String("busybox".into())));
    }

    #[test]
    fn merge_sequence_earlier_sources_win() {
        let v = one("a: &a {k: 1, x: 1}\nb: &b {k: 2, y: 2}\nc:\n  <<: [*a, *b]\n");
        let c = v.get("c").unwrap();
        assert_eq!(c.get("k"), Some(&Value::Int(1)));
        assert_eq!(c.get("y"), Some(&Value::Int(2)));
    }

    #[test]
    fn reset_and_override_tags_are_recorded() {
        let docs =
            parse("services:\n  web:\n    cap_add: !reset []\n    environment: !override {A: b}\n")
                .unwrap();
        let doc = &docs[0];
        assert_eq!(
            doc.reset_paths,
            vec!["services.web.cap_add", "services.web.environment"]
        );
        let web = doc
            .value
            .as_ref()
            .unwrap()
            .get("services")
            .unwrap()
            .get("web")
            .unwrap();
        assert!(web.get("cap_add").is_none());
        assert!(web.get("environment").is_some());
    }

    #[test]
    fn duplicate_keys_are_rejected_with_both_lines() {
        let err = parse("services:\n  web:\n    image: a\n    image: b\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 4: mapping key \"image\" already defined at line 3"
        );
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse("services:\n  web:\n    image: a\n   bad: [\n").unwrap_err();
        assert!(err.pos().is_some(), "{err:?}");
    }

    #[test]
    fn scanner_errors_use_go_yaml_words() {
        let err = parse("services:\n  a:\n    image: [a, b\n").unwrap_err();
        assert!(
            err.to_string().contains("did not find expected ',' or ']'"),
            "{err}"
        );
        let err = parse("services:\n  a: *nope\n").unwrap_err();
        assert_eq!(err.to_string(), "yaml: unknown anchor 'nope' referenced");
    }

    #[test]
    fn non_string_keys_are_rejected() {
        let err = parse("services:\n  1: {}\n").unwrap_err();
        assert_eq!(err.to_string(), "non-string key in services: 1");
    }

    #[test]
    fn integers_beyond_i64_are_uint64_then_float() {
        // go-yaml: ParseInt, then ParseUint, then the float pattern.
        let v = |t| resolve_scalar(t, true, None).unwrap();
        assert_eq!(v("9223372036854775808"), Value::Uint(1 << 63));
        assert_eq!(v("0xFFFFFFFFFFFFFFFF"), Value::Uint(u64::MAX));
        assert_eq!(
            v("18446744073709551616"),
            Value::Float(18446744073709551616.0)
        );
        assert_eq!(
            v("+9223372036854775808"),
            Value::Float(9223372036854775808.0)
        );
        assert_eq!(
            v("-9223372036854775809"),
            Value::Float(-9223372036854775809.0)
        );
    }

    #[test]
    fn timestamps_resolve_only_when_plain_or_tagged() {
        let ts = |s| Value::Timestamp(Timestamp::parse(s).unwrap());
        let v = one("a: 2001-12-14\nb: \"2001-12-14\"\nc: !!str 2001-12-14\nd: !!timestamp \"2001-12-14\"\ne: 2001-12-14 1:2:3\nf: 2001-13-14\ng: |\n  2001-12-14\n");
        let m = v.as_map().unwrap();
        assert_eq!(m["a"], ts("2001-12-14"));
        assert_eq!(m["b"], Value::from("2001-12-14"));
        assert_eq!(m["c"], Value::from("2001-12-14"));
        assert_eq!(m["d"], ts("2001-12-14"));
        assert_eq!(m["e"], ts("2001-12-14 1:2:3"));
        assert_eq!(m["f"], Value::from("2001-13-14"));
        assert_eq!(m["g"], Value::from("2001-12-14\n"));
    }

    #[test]
    fn tagged_scalars_must_resolve_to_their_tag() {
        // Messages as docker compose v2.40.3 prints them.
        for (src, want) in [
            (
                "a: !!timestamp foo",
                "yaml: cannot decode !!str `foo` as a !!timestamp",
            ),
            (
                "a: !!timestamp 123",
                "yaml: cannot decode !!int `123` as a !!timestamp",
            ),
            (
                "a: !!timestamp ~",
                "yaml: cannot decode !!null `~` as a !!timestamp",
            ),
            ("a: !!int foo", "yaml: cannot decode !!str `foo` as a !!int"),
            (
                "a: !!null foo",
                "yaml: cannot decode !!str `foo` as a !!null",
            ),
            (
                "a: !!bool yes",
                "yaml: cannot decode !!str `yes` as a !!bool",
            ),
            ("a: !!int ~", "yaml: cannot decode !!null `~` as a !!int"),
        ] {
            assert_eq!(parse(src).unwrap_err().to_string(), want, "{src}");
        }
        let v = one("a: !!float 1\nb: !!float \"1.5\"\nc: !!int '12'\n");
        assert_eq!(v.get("a"), Some(&Value::Float(1.0)));
        assert_eq!(v.get("b"), Some(&Value::Float(1.5)));
        assert_eq!(v.get("c"), Some(&Value::Int(12)));
    }

    #[test]
    fn timestamp_keys_are_non_string_keys() {
        let err = parse("x-a:\n  2001-12-14: a\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "non-string key in x-a: time.Date(2001, time.December, 14, 0, 0, 0, 0, time.UTC)"
        );
    }

    #[test]
    fn binary_scalars_are_base64_decoded() {
        let docs = parse("a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8h\n").unwrap();
        let v = docs[0].value.as_ref().unwrap();
        assert_eq!(v.get("a"), Some(&Value::from("hello")));
        assert_eq!(v.get("b"), Some(&Value::from("hello!")));
        let err = parse("a: !!binary aGVsbG8\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "yaml: !!binary value contains invalid base64 data"
        );
    }

    #[test]
    fn source_map_points_at_keys() {
        let doc = parse("services:\n  web:\n    image: a\n    ports:\n      - 80\n")
            .unwrap()
            .remove(0);
        assert_eq!(
            doc.source_map.locate("services.web.image"),
            Some(Pos { line: 3, column: 5 })
        );
        assert_eq!(
            doc.source_map.locate("services.web.ports.0"),
            Some(Pos { line: 5, column: 9 })
        );
        assert_eq!(
            doc.source_map.locate("services.web.ports.0.target"),
            Some(Pos { line: 5, column: 9 })
        );
    }

    #[test]
    fn several_documents_and_empty_ones() {
        let docs = parse("a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert!(parse("").unwrap().iter().all(|d| d.value.is_none()));
    }
}
