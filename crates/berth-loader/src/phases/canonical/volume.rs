//! Short volume syntax (`[source:]target[:options]`) to a long-form mount map, as compose-go's
//! `format.ParseVolume`, which knows nothing of the target platform.

use berth_model::golang::clean;
use berth_model::{Map, Value};

/// Why a short volume spec was refused (compose-go's wording).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VolumeError {
    #[error("invalid empty volume spec")]
    Empty,
    #[error("invalid spec: {spec}: empty section between colons")]
    EmptySection { spec: String },
    #[error("invalid spec: {spec}: too many colons")]
    TooManyColons { spec: String },
}

/// The parsed fields, mirroring `types.ServiceVolumeConfig` so it encodes in field order.
#[derive(Default)]
struct Mount {
    kind: &'static str,
    source: String,
    target: String,
    read_only: bool,
    /// `Some` once any bind option or a file-path source made compose-go allocate the struct.
    bind: Option<BindOptions>,
    /// `Some(nocopy)` once the volume struct is allocated (nocopy, or a named volume).
    volume: Option<bool>,
}

#[derive(Default)]
struct BindOptions {
    selinux: String,
    propagation: String,
    create_host_path: bool,
}

/// Bind options recognised in the options section; anything else is silently ignored.
const PROPAGATIONS: &[&str] = &[
    "rprivate", "private", "rshared", "shared", "rslave", "slave",
];
const SELINUX: &[&str] = &["z", "Z"];

/// A drive letter like `c:` at the start of a section is part of the path, not a separator.
fn is_windows_drive(buffer: &[char], c: char) -> bool {
    c == ':' && buffer.len() == 1 && buffer[0].is_alphabetic()
}

/// Whether a source names a host path (so the mount is a bind) rather than a volume.
fn is_file_path(source: &str) -> bool {
    let mut chars = source.chars();
    match chars.next() {
        None => false,
        Some('.' | '/' | '~') => true,
        Some(_) if source.starts_with("\\\\") => true,
        Some(first) => chars.next() == Some(':') && first.is_alphabetic(),
    }
}

fn populate_field(
    mount: &mut Mount,
    buffer: &[char],
    at_end: bool,
    spec: &str,
) -> Result<(), VolumeError> {
    let text: String = buffer.iter().collect();
    if buffer.is_empty() {
        return Err(VolumeError::EmptySection { spec: spec.into() });
    }
    if mount.source.is_empty() && at_end {
        mount.target = text;
        return Ok(());
    }
    if mount.source.is_empty() {
        mount.source = text;
        return Ok(());
    }
    if mount.target.is_empty() {
        mount.target = text;
        return Ok(());
    }
    if !at_end {
        return Err(VolumeError::TooManyColons { spec: spec.into() });
    }
    for option in text.split(',') {
        match option {
            "ro" => mount.read_only = true,
            "rw" => mount.read_only = false,
            "nocopy" => mount.volume = Some(true),
            o if PROPAGATIONS.contains(&o) => {
                mount.bind.get_or_insert_with(Default::default).propagation = o.into()
            }
            o if SELINUX.contains(&o) => {
                mount.bind.get_or_insert_with(Default::default).selinux = o.into()
            }
            // compose-go ignores unknown options.
            _ => {}
        }
    }
    Ok(())
}

fn populate_type(mount: &mut Mount) {
    if is_file_path(&mount.source) {
        mount.kind = "bind";
        // docker-compose v1 compatibility: the short syntax creates a missing host path.
        mount
            .bind
            .get_or_insert_with(Default::default)
            .create_host_path = true;
    } else {
        mount.kind = "volume";
        mount.volume.get_or_insert(false);
    }
}

fn parse(spec: &str) -> Result<Mount, VolumeError> {
    let mut mount = Mount::default();
    match spec.len() {
        0 => return Err(VolumeError::Empty),
        // Too short to hold a separator: an anonymous volume, and no `volume: {}` either.
        1 | 2 => {
            mount.target = spec.into();
            mount.kind = "volume";
            return Ok(mount);
        }
        _ => {}
    }
    let bytes = spec.as_bytes();
    let mut buffer: Vec<char> = Vec::new();
    // `${...}` may hold `:` (defaults), so colons inside it do not separate sections.
    let mut in_var = 0usize;
    let chars = spec.char_indices().map(Some).chain(std::iter::once(None));
    for item in chars {
        let (i, c) = match item {
            Some((i, c)) => (i, Some(c)),
            None => (spec.len(), None),
        };
        if c == Some('$') && i + 1 < spec.len() && bytes[i + 1] == b'{' {
            in_var += 1;
            buffer.push('$');
            continue;
        }
        if c == Some('}') && in_var > 0 {
            in_var -= 1;
            buffer.push('}');
            continue;
        }
        match c {
            Some(ch) if is_windows_drive(&buffer, ch) => buffer.push(ch),
            None | Some(':') if in_var == 0 => {
                populate_field(&mut mount, &buffer, c.is_none(), spec)?;
                buffer.clear();
            }
            Some(ch) => buffer.push(ch),
            None => {}
        }
    }
    populate_type(&mut mount);
    Ok(mount)
}

/// The long-form mount map for a short volume spec, with the target path-cleaned; keys in
/// compose's struct order and empty fields omitted, as compose-go's struct encoding does.
pub fn parse_volume(spec: &str) -> Result<Value, VolumeError> {
    let mount = parse(spec)?;
    let mut m = Map::default();
    m.insert("type".into(), mount.kind.into());
    if !mount.source.is_empty() {
        m.insert("source".into(), mount.source.into());
    }
    if !mount.target.is_empty() {
        m.insert("target".into(), clean(&mount.target).into());
    }
    if mount.read_only {
        m.insert("read_only".into(), true.into());
    }
    if let Some(bind) = mount.bind {
        let mut b = Map::default();
        if !bind.selinux.is_empty() {
            b.insert("selinux".into(), bind.selinux.into());
        }
        if !bind.propagation.is_empty() {
            b.insert("propagation".into(), bind.propagation.into());
        }
        if bind.create_host_path {
            b.insert("create_host_path".into(), true.into());
        }
        m.insert("bind".into(), Value::Map(b));
    }
    if let Some(nocopy) = mount.volume {
        let mut v = Map::default();
        if nocopy {
            v.insert("nocopy".into(), true.into());
        }
        m.insert("volume".into(), Value::Map(v));
    }
    Ok(Value::Map(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shapes printed by the reference before path resolution (/tmp/transform-a and -b).
    #[test]
    fn short_syntax() {
        let p = |s| parse_volume(s).unwrap();
        assert_eq!(
            p("data:/data:nocopy"),
            Value::from_pairs([
                ("type", "volume".into()),
                ("source", "data".into()),
                ("target", "/data".into()),
                ("volume", Value::from_pairs([("nocopy", true.into())])),
            ])
        );
        assert_eq!(
            p("./src:/src:ro,z"),
            Value::from_pairs([
                ("type", "bind".into()),
                ("source", "./src".into()),
                ("target", "/src".into()),
                ("read_only", true.into()),
                (
                    "bind",
                    Value::from_pairs([("selinux", "z".into()), ("create_host_path", true.into())])
                ),
            ])
        );
        assert_eq!(
            p("/anon/../anon2/"),
            Value::from_pairs([
                ("type", "volume".into()),
                ("target", "/anon2".into()),
                ("volume", Value::Map(Default::default())),
            ])
        );
        assert_eq!(
            p("a:"),
            Value::from_pairs([("type", "volume".into()), ("target", "a:".into())])
        );
        // Drive letters glue to their section: source `a:b`, target `c:d`.
        assert_eq!(
            p("a:b:c:d"),
            Value::from_pairs([
                ("type", "bind".into()),
                ("source", "a:b".into()),
                ("target", "c:d".into()),
                (
                    "bind",
                    Value::from_pairs([("create_host_path", true.into())])
                ),
            ])
        );
        assert_eq!(p("a::b").get("source"), Some(&"a:".into()));
        let all = p("./a:/b:ro,rw,Z,slave,nocopy");
        assert_eq!(all.get("read_only"), None);
        assert_eq!(
            all.get("bind"),
            Some(&Value::from_pairs([
                ("selinux", "Z".into()),
                ("propagation", "slave".into()),
                ("create_host_path", true.into())
            ]))
        );
        assert_eq!(
            all.get("volume"),
            Some(&Value::from_pairs([("nocopy", true.into())]))
        );
        assert_eq!(p("${X:-a}:/b").get("source"), Some(&"${X:-a}".into()));
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse_volume("").unwrap_err().to_string(),
            "invalid empty volume spec"
        );
        assert_eq!(
            parse_volume("/a::b").unwrap_err().to_string(),
            "invalid spec: /a::b: empty section between colons"
        );
        assert_eq!(
            parse_volume("/a:/b:ro:x").unwrap_err().to_string(),
            "invalid spec: /a:/b:ro:x: too many colons"
        );
    }
}
