//! `config --variables`: the variables the model uses, with their defaults — as a table
//! (docker's tabwriter layout), JSON (4-space indent, no HTML escaping) or YAML.

use std::borrow::Cow;

use berth_loader::phases::template::{extract_variables, Variable};
use berth_loader::{Diagnostics, LoadSwitches, ProjectOptions};
use berth_model::emit::{self, JsonStyle, Out};

use super::config::ConfigArgs;
use crate::output;
use crate::settings::Settings;

pub fn run(
    options: &ProjectOptions,
    switches: &LoadSwitches,
    args: &ConfigArgs,
    settings: &Settings,
) -> u8 {
    let mut diags = Diagnostics::default();
    let model = match berth_loader::load_model(options, switches, &mut diags) {
        Ok((model, _)) => model,
        Err(f) => return super::config::fail(settings, &diags, f),
    };
    crate::errors::report(settings, &diags);
    let mut variables: Vec<Variable> = extract_variables(&model).into_values().collect();
    // compose iterates a Go map (random order); berth prints them sorted.
    variables.sort_by(|a, b| a.name.cmp(&b.name));
    let format = args.format.as_deref().unwrap_or("");
    let text = match format.to_ascii_lowercase().as_str() {
        "" | "table" | "pretty" => table(&variables),
        "json" => format!("{}\n\n", json(&variables)),
        "yaml" => yaml(&variables),
        _ => {
            output::error(&format!(
                "format value {format:?} could not be parsed: parsing failed"
            ));
            return 1;
        }
    };
    output::data(&text);
    0
}

/// docker's `PrintPrettySection`: a tabwriter with min width 20 and padding 3.
fn table(variables: &[Variable]) -> String {
    let mut rows: Vec<[String; 4]> = vec![[
        "NAME".into(),
        "REQUIRED".into(),
        "DEFAULT VALUE".into(),
        "ALTERNATE VALUE".into(),
    ]];
    rows.extend(variables.iter().map(|v| {
        [
            v.name.clone(),
            v.required.to_string(),
            v.default_value.clone(),
            v.presence_value.clone(),
        ]
    }));
    let mut widths = [0usize; 3];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max((cell.chars().count() + 3).max(20));
        }
    }
    let mut out = String::new();
    for row in &rows {
        for (w, cell) in widths.iter().zip(row.iter()) {
            out.push_str(cell);
            out.extend(std::iter::repeat_n(' ', w - cell.chars().count()));
        }
        out.push_str(&row[3]);
        out.push('\n');
    }
    out
}

/// The variables as Go marshals `map[string]Variable` (keys sorted; fields in struct order).
fn marshalled<'a>(variables: &'a [Variable], keys: [&'static str; 4]) -> Out<'a> {
    Out::Map(
        variables
            .iter()
            .map(|v| {
                (
                    Cow::Borrowed(v.name.as_str()),
                    Out::Map(vec![
                        (keys[0].into(), Out::Str(v.name.as_str().into())),
                        (keys[1].into(), Out::Str(v.default_value.as_str().into())),
                        (keys[2].into(), Out::Str(v.presence_value.as_str().into())),
                        (keys[3].into(), Out::Bool(v.required)),
                    ]),
                )
            })
            .collect(),
    )
}

fn json(variables: &[Variable]) -> String {
    // Only strings and booleans: encoding/json cannot refuse any of them.
    emit::write_json(
        &marshalled(
            variables,
            ["Name", "DefaultValue", "PresenceValue", "Required"],
        ),
        JsonStyle {
            indent: Some("    "),
            escape_html: false,
        },
    )
    .unwrap_or_default()
}

/// `yaml.Marshal`: go-yaml's default 4-space indent, lowercased field names. The writer
/// indents by 2, and these documents are maps of plain scalars, so doubling each line's
/// leading spaces gives the 4-space layout.
fn yaml(variables: &[Variable]) -> String {
    let text = emit::write_yaml(&marshalled(
        variables,
        ["name", "defaultvalue", "presencevalue", "required"],
    ));
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        out.extend(std::iter::repeat_n(' ', spaces));
        out.push_str(line);
        out.push('\n');
    }
    out
}
