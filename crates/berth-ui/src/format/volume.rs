//! The docker CLI's `formatter.volumeContext`: what `volumes --format` templates see, and
//! the `volumes` table.

use std::rc::Rc;

use berth_ops::volumes::VolumeSummary;

use super::value::{Object, Value};

/// The docker CLI's default volume table.
pub const DEFAULT_TABLE: &str = "table {{.Driver}}\t{{.Name}}";

/// The docker CLI's `raw` volume format.
pub const RAW: &str = "name: {{.Name}}\ndriver: {{.Driver}}\n";

/// Renders `volumes` output for `--format` (`table`, `json`, `raw`, a template).
pub fn write_volumes(format: &str, volumes: &[VolumeSummary]) -> Result<String, String> {
    let format = match format {
        "table" => DEFAULT_TABLE,
        "raw" => RAW,
        other => other,
    };
    let rows: Vec<Value> = volumes
        .iter()
        .map(|v| Value::Object(Rc::new(VolumeContext { v: v.clone() })))
        .collect();
    super::write_list(format, &rows, &header())
}

fn header() -> Value {
    let mut entries: Vec<(String, Value)> = [
        ("Name", "VOLUME NAME"),
        ("Driver", "DRIVER"),
        ("Scope", "SCOPE"),
        ("Mountpoint", "MOUNTPOINT"),
        ("Labels", "LABELS"),
        ("Links", "LINKS"),
        ("Size", "SIZE"),
        ("Group", "GROUP"),
        ("Availability", "AVAILABILITY"),
        ("Status", "STATUS"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Value::str(v)))
    .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Map(entries)
}

/// One volume as the templates see it.
pub struct VolumeContext {
    pub v: VolumeSummary,
}

/// The fields, in `json.Marshal`'s (sorted) key order.
const FIELDS: &[&str] = &[
    "Availability",
    "Driver",
    "Group",
    "Labels",
    "Links",
    "Mountpoint",
    "Name",
    "Scope",
    "Size",
    "Status",
];

impl Object for VolumeContext {
    fn type_name(&self) -> &str {
        "*formatter.volumeContext"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let v = &self.v;
        Some(Value::Str(match name {
            "Name" => v.name.clone(),
            "Driver" => v.driver.clone(),
            "Scope" => v.scope.clone(),
            "Mountpoint" => v.mountpoint.clone(),
            "Labels" => v
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
            "Links" => match v.usage {
                Some((_, refs)) => refs.to_string(),
                None => "N/A".into(),
            },
            "Size" => match v.usage {
                Some((size, _)) => berth_model::gofmt::human_size(size as f64, 4),
                None => "N/A".into(),
            },
            // Cluster (swarm CSI) volumes only; berth's engines have none.
            "Group" | "Availability" | "Status" => "N/A".into(),
            _ => return None,
        }))
    }

    fn method_arity(&self, name: &str) -> Option<usize> {
        (name == "Label").then_some(1)
    }

    fn method(&self, name: &str, args: &[Value]) -> Option<Result<Value, usize>> {
        if name != "Label" {
            return None;
        }
        match args {
            [key] => Some(Ok(Value::Str(
                self.v.labels.get(&key.print()).cloned().unwrap_or_default(),
            ))),
            _ => Some(Err(1)),
        }
    }

    fn to_json(&self) -> String {
        let fields: Vec<(String, Value)> = FIELDS
            .iter()
            .map(|f| (f.to_string(), self.field(f).unwrap_or(Value::Nil)))
            .collect();
        Value::Map(fields).to_json_html()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volume() -> VolumeSummary {
        VolumeSummary {
            name: "p_data".into(),
            driver: "local".into(),
            scope: "local".into(),
            mountpoint: "/var/lib/docker/volumes/p_data/_data".into(),
            labels: [("b".to_string(), "2".to_string()), ("a".into(), "1".into())]
                .into_iter()
                .collect(),
            usage: None,
        }
    }

    #[test]
    fn the_default_table_and_json() {
        assert_eq!(
            write_volumes("table", &[volume()]).unwrap(),
            "DRIVER    VOLUME NAME\nlocal     p_data\n"
        );
        assert_eq!(
            write_volumes("json", &[volume()]).unwrap(),
            "{\"Availability\":\"N/A\",\"Driver\":\"local\",\"Group\":\"N/A\",\
             \"Labels\":\"b=2,a=1\",\"Links\":\"N/A\",\
             \"Mountpoint\":\"/var/lib/docker/volumes/p_data/_data\",\"Name\":\"p_data\",\
             \"Scope\":\"local\",\"Size\":\"N/A\",\"Status\":\"N/A\"}\n"
        );
        assert_eq!(
            write_volumes("{{.Name}} {{.Label \"a\"}}", &[volume()]).unwrap(),
            "p_data 1\n"
        );
    }
}
