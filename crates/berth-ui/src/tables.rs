//! Tables as compose prints them: Go's tabwriter, reproduced by the `tabwriter` crate. Go's
//! `minwidth` counts the padding, the crate's does not, hence the differences below.

use std::io::Write;

use berth_ops::ls::Stack;
use berth_ops::top::ContainerProcs;

/// A tabwriter setup, in the crate's terms.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub minwidth: usize,
    pub padding: usize,
}

/// docker CLI's formatter tables (`tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`).
pub const DOCKER_TABLE: TableSpec = TableSpec {
    minwidth: 7,
    padding: 3,
};

/// compose's `PrintPrettySection` (`ls`): `NewWriter(out, 20, 1, 3, ' ', 0)`.
pub const PRETTY_SECTION: TableSpec = TableSpec {
    minwidth: 17,
    padding: 3,
};

/// compose's `top`: `NewWriter(out, 4, 1, 2, ' ', 0)`.
pub const TOP_TABLE: TableSpec = TableSpec {
    minwidth: 2,
    padding: 2,
};

/// Aligns tab-separated cells.
pub fn align(text: &str, spec: TableSpec) -> String {
    let mut tw = tabwriter::TabWriter::new(Vec::new())
        .minwidth(spec.minwidth)
        .padding(spec.padding);
    let _ = tw.write_all(text.as_bytes());
    let _ = tw.flush();
    String::from_utf8_lossy(&tw.into_inner().unwrap_or_default()).into_owned()
}

/// `ls` output for `--format` (compose's `formatter.Print`): `table`/`pretty`/empty, `json`
/// (one array), `{{json.}}` (one object a line); anything else is an error.
pub fn write_stacks(format: &str, stacks: &[Stack]) -> Result<String, String> {
    match format.to_lowercase().as_str() {
        "table" | "pretty" | "" => {
            let mut text = String::from("NAME\tSTATUS\tCONFIG FILES\n");
            for s in stacks {
                text.push_str(&format!("{}\t{}\t{}\n", s.name, s.status, s.config_files));
            }
            Ok(align(&text, PRETTY_SECTION))
        }
        "json" => {
            let items: Vec<String> = stacks.iter().map(stack_json).collect();
            Ok(format!("[{}]\n", items.join(",")))
        }
        "{{json.}}" => Ok(stacks
            .iter()
            .map(|s| format!("{}\n", stack_json(s)))
            .collect()),
        _ => Err(format!(
            "format value {format:?} could not be parsed: parsing failed"
        )),
    }
}

fn stack_json(s: &Stack) -> String {
    use crate::format::value::json_string;
    let mut out = String::from("{\"Name\":");
    json_string(&mut out, &s.name, false);
    out.push_str(",\"Status\":");
    json_string(&mut out, &s.status, false);
    out.push_str(",\"ConfigFiles\":");
    json_string(&mut out, &s.config_files, false);
    out.push('}');
    out
}

/// `top` output (compose's `collectTop` and `topPrint`): one table for all containers,
/// sorted by name, with `SERVICE` and `#` first and `CMD` last; nothing when there is no
/// process.
pub fn write_top(containers: &[ContainerProcs]) -> String {
    let mut containers: Vec<&ContainerProcs> = containers.iter().collect();
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    let mut header: Vec<String> = vec!["SERVICE".into(), "#".into()];
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    for c in &containers {
        for proc in &c.processes {
            let mut row = vec![
                ("SERVICE".to_string(), c.service.clone()),
                ("#".to_string(), c.replica.clone()),
            ];
            for (i, title) in c.titles.iter().enumerate() {
                if !header.contains(title) {
                    header.push(title.clone());
                }
                row.push((title.clone(), proc.get(i).cloned().unwrap_or_default()));
            }
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    if let Some(pos) = header.iter().position(|h| h == "CMD") {
        let cmd = header.remove(pos);
        header.push(cmd);
    }
    let mut text = header.join("\t");
    text.push('\n');
    for row in rows {
        let cells: Vec<&str> = header
            .iter()
            .map(|h| {
                row.iter()
                    .find(|(t, _)| t == h)
                    .map_or("-", |(_, v)| v.as_str())
            })
            .collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    align(&text, TOP_TABLE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn ls_table_and_json() {
        let stacks = [Stack {
            name: "uiscr".into(),
            status: "exited(1), running(3)".into(),
            config_files: "/tmp/uiscratch/compose.yaml".into(),
        }];
        assert_eq!(
            write_stacks("table", &stacks).unwrap(),
            "NAME                STATUS                  CONFIG FILES\n\
             uiscr               exited(1), running(3)   /tmp/uiscratch/compose.yaml\n"
        );
        assert_eq!(
            write_stacks("json", &stacks).unwrap(),
            "[{\"Name\":\"uiscr\",\"Status\":\"exited(1), running(3)\",\"ConfigFiles\":\"/tmp/uiscratch/compose.yaml\"}]\n"
        );
        assert_eq!(write_stacks("json", &[]).unwrap(), "[]\n");
        assert_eq!(
            write_stacks("yaml", &[]).unwrap_err(),
            "format value \"yaml\" could not be parsed: parsing failed"
        );
    }

    #[test]
    fn top_table() {
        let titles: Vec<String> = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let proc = |pid: &str, cmd: &str| -> Vec<String> {
            ["root", pid, "9337", "1", "13:29", "?", "00:00:00", cmd]
                .iter()
                .map(|s| s.to_string())
                .collect()
        };
        let containers = [
            ContainerProcs {
                id: "b".into(),
                name: "uiscr-worker-1".into(),
                service: "worker".into(),
                replica: "1".into(),
                titles: titles.clone(),
                processes: vec![proc("9412", "sleep 3600")],
            },
            ContainerProcs {
                id: "a".into(),
                name: "uiscr-web-1".into(),
                service: "web".into(),
                replica: "1".into(),
                titles,
                processes: vec![proc("9376", "httpd -f -p 80")],
            },
        ];
        assert_eq!(
            write_top(&containers),
            "SERVICE  #   UID   PID   PPID  C   STIME  TTY  TIME      CMD\n\
             web      1   root  9376  9337  1   13:29  ?    00:00:00  httpd -f -p 80\n\
             worker   1   root  9412  9337  1   13:29  ?    00:00:00  sleep 3600\n"
        );
        assert_eq!(write_top(&[]), "");
    }
}
