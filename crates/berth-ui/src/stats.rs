//! `stats` output: the docker CLI's stats formatter (cli/command/container/formatter_stats.go)
//! over `--format` (`table`, `table TEMPLATE`, `json`, a template), and its redraws.

use berth_model::gofmt::{bytes_size, human_size};
use berth_ops::stats::StatsEntry;

use std::rc::Rc;

use crate::format::{write_list, Object, Value};

/// The docker CLI's default stats table (Linux).
pub const DEFAULT_TABLE: &str = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

const NO_VALUE: &str = "--";

/// The entries as `format` asks (`""` and `table` mean the default table); `trunc` shortens
/// IDs to 12 characters.
pub fn write_stats(format: &str, entries: &[StatsEntry], trunc: bool) -> Result<String, String> {
    let format = match format {
        "" | "table" => DEFAULT_TABLE,
        other => other,
    };
    let rows: Vec<Value> = entries.iter().map(|e| row(e, trunc)).collect();
    write_list(format, &rows, &header())
}

/// A frame of the streaming display, byte for byte as the docker CLI writes it: cursor
/// home and the table, then (its loop appends to the buffer it reads) the same lines again,
/// each ending in an erase to the end of the line, then an erase of what is below.
pub fn redraw(text: &str) -> String {
    let first = format!("\x1b[H{text}");
    let mut out = first.clone();
    for line in first.split('\n') {
        out.push_str(line);
        out.push_str(" \x1b[K\n");
    }
    out.push_str("\x1b[J");
    out
}

/// `json.Marshal` of the context's methods: a map with sorted keys.
fn row(e: &StatsEntry, trunc: bool) -> Value {
    let percent = |v: f64| format!("{v:.2}%");
    let invalid = e.is_invalid;
    let or_none = |s: String| if invalid { NO_VALUE.to_string() } else { s };
    let fields: Vec<(&str, String)> = vec![
        (
            "BlockIO",
            or_none(format!(
                "{} / {}",
                human_size(e.block_read, 3),
                human_size(e.block_write, 3)
            )),
        ),
        ("CPUPerc", or_none(percent(e.cpu_percentage))),
        ("Container", e.container.clone()),
        (
            "ID",
            if trunc {
                e.id.chars().take(12).collect()
            } else {
                e.id.clone()
            },
        ),
        ("MemPerc", or_none(percent(e.memory_percentage))),
        (
            "MemUsage",
            if invalid {
                "-- / --".to_string()
            } else {
                format!("{} / {}", bytes_size(e.memory), bytes_size(e.memory_limit))
            },
        ),
        (
            "Name",
            if e.name.len() > 1 {
                e.name[1..].to_string()
            } else {
                NO_VALUE.to_string()
            },
        ),
        (
            "NetIO",
            or_none(format!(
                "{} / {}",
                human_size(e.network_rx, 3),
                human_size(e.network_tx, 3)
            )),
        ),
        ("PIDs", or_none(e.pids_current.to_string())),
    ];
    Value::Object(Rc::new(StatsContext(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::Str(v)))
            .collect(),
    )))
}

/// The docker CLI's `statsContext`: its methods' values, in `json.Marshal`'s key order.
struct StatsContext(Vec<(String, Value)>);

impl Object for StatsContext {
    fn type_name(&self) -> &str {
        "*container.statsContext"
    }

    fn field(&self, name: &str) -> Option<Value> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn to_json(&self) -> String {
        Value::Map(self.0.clone()).to_json()
    }
}

/// The header row (`SubHeaderContext`).
fn header() -> Value {
    Value::Map(
        [
            ("BlockIO", "BLOCK I/O"),
            ("CPUPerc", "CPU %"),
            ("Container", "CONTAINER"),
            ("ID", "CONTAINER ID"),
            ("MemPerc", "MEM %"),
            ("MemUsage", "MEM USAGE / LIMIT"),
            ("Name", "NAME"),
            ("NetIO", "NET I/O"),
            ("PIDs", "PIDS"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::str(v)))
        .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_table_has_the_docker_cli_s_columns() {
        let entry = StatsEntry {
            container: "99ec27c0f04dac18".into(),
            name: "/p-bb-1".into(),
            id: "99ec27c0f04dac187955".into(),
            memory: 324.0 * 1024.0,
            memory_limit: 23.54 * 1024.0 * 1024.0 * 1024.0,
            network_rx: 876.0,
            pids_current: 1,
            ..StatsEntry::default()
        };
        assert_eq!(
            write_stats("", &[entry], true).unwrap(),
            "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O     BLOCK I/O   PIDS\n\
             99ec27c0f04d   p-bb-1    0.00%     324KiB / 23.54GiB   0.00%     876B / 0B   0B / 0B     1\n"
        );
    }
}
