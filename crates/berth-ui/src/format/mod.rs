//! `--format` output: docker CLI's formatter contexts (`table`, `json`, `raw`, Go templates)
//! over the rows the verbs return.

pub mod container;
pub mod images;
pub mod template;
pub mod value;
pub mod volume;

use std::io::Write;

pub use template::{Funcs, Template};
pub use value::{Object, Value};

/// docker's `formatter.Context.Write`: `table …` formats get a header row and tabwriter
/// alignment (`minwidth 10, padding 3`), `json` is `{{json .}}`, anything else is a template
/// printed once per row. Errors are worded as docker prints them.
pub fn write_list(format: &str, rows: &[Value], header: &Value) -> Result<String, String> {
    let is_table = format.starts_with("table");
    let mut text = if is_table {
        format["table".len()..].to_string()
    } else if format == "json" {
        "{{json .}}".to_string()
    } else {
        format.to_string()
    };
    text = text
        .trim_matches(' ')
        .replace("\\t", "\t")
        .replace("\\n", "\n");
    let template = Template::parse(&text).map_err(|e| format!("template parsing error: {e}"))?;
    let mut body = String::new();
    for row in rows {
        let out = template
            .execute(row, Funcs::Basic)
            .map_err(|e| format!("template parsing error: {e}"))?;
        body.push_str(&out);
        body.push('\n');
    }
    if !is_table {
        return Ok(body);
    }
    let head = template.execute_partial(header, Funcs::Header);
    Ok(crate::tables::align(
        &format!("{head}\n{body}"),
        crate::tables::DOCKER_TABLE,
    ))
}

/// Writes `text` to `out`, ignoring a closed pipe.
pub fn emit(out: &mut dyn Write, text: &str) {
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
