//! `config`: parse, resolve and render the compose files in canonical form, or list parts of
//! the model (`--services`, `--volumes`, `--hash`, `--variables`, …).

use std::collections::BTreeSet;

use berth_loader::{Diagnostics, LoadFailure, LoadRequest, LoadSwitches, Project, ProjectOptions};
use berth_model::{emit, hash, Value};
use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::env_names;
use crate::errors::{self, report};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct ConfigArgs {
    /// Format the output. Values: [yaml | json]
    #[arg(long = "format", value_name = "string")]
    pub format: Option<String>,
    /// Pin image tags to digests
    #[arg(long = "resolve-image-digests", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub resolve_image_digests: Option<bool>,
    /// Produces an override file with image digests
    #[arg(long = "lock-image-digests", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub lock_image_digests: Option<bool>,
    /// Only validate the configuration, don't print anything
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet: Option<bool>,
    /// Don't interpolate environment variables
    #[arg(long = "no-interpolate", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_interpolate: Option<bool>,
    /// Don't normalize compose model
    #[arg(long = "no-normalize", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_normalize: Option<bool>,
    /// Don't resolve file paths
    #[arg(long = "no-path-resolution", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_path_resolution: Option<bool>,
    /// Don't check model consistency - warning: may produce invalid Compose output
    #[arg(long = "no-consistency", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_consistency: Option<bool>,
    /// Don't resolve service env files
    #[arg(long = "no-env-resolution", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_env_resolution: Option<bool>,
    /// Print the service names, one per line.
    #[arg(long = "services", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub services: Option<bool>,
    /// Print the volume names, one per line.
    #[arg(long = "volumes", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub volumes: Option<bool>,
    /// Print the network names, one per line.
    #[arg(long = "networks", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub networks: Option<bool>,
    /// Print the model names, one per line.
    #[arg(long = "models", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub models: Option<bool>,
    /// Print the profile names, one per line.
    #[arg(long = "profiles", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub profiles: Option<bool>,
    /// Print the image names, one per line.
    #[arg(long = "images", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub images: Option<bool>,
    /// Print the service config hash, one per line.
    #[arg(long = "hash", value_name = "string")]
    pub hash: Option<String>,
    /// Print model variables and default values.
    #[arg(long = "variables", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub variables: Option<bool>,
    /// Print environment used for interpolation.
    #[arg(long = "environment", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub environment: Option<bool>,
    /// Save to file (default to stdout)
    #[arg(short = 'o', long = "output", value_name = "string")]
    pub output: Option<String>,
    /// Services to render (and their dependencies)
    #[arg(value_name = "SERVICE")]
    pub service_names: Vec<String>,
}

fn on(flag: Option<bool>) -> bool {
    flag.unwrap_or(false)
}

/// The loader's options from the global flags and the environment.
pub fn project_options(global: &GlobalFlags, settings: &Settings) -> ProjectOptions {
    let env_files = if global.env_file.is_empty() {
        settings
            .var(env_names::ENV_FILES)
            .map(|v| {
                v.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        global.env_file.clone()
    };
    let stdin = if global.file.iter().any(|f| f == "-") {
        let mut buf = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf);
        Some(buf)
    } else {
        None
    };
    ProjectOptions {
        files: global.file.clone(),
        project_name: global.project_name.clone(),
        project_directory: global
            .project_directory
            .clone()
            .or_else(|| global.workdir.clone()),
        env_files,
        profiles: global.profile.clone(),
        os_env: settings.env.clone(),
        cwd: settings.cwd.clone(),
        stdin,
    }
}

/// The project loaded but encoding/json refused a value (a non-finite float): compose prints
/// the marshalling error after the load warnings, even with `-q`.
fn json_failure(settings: &Settings, diags: &Diagnostics, error: &emit::UnsupportedValue) -> u8 {
    report(settings, diags);
    errors::error(&error.to_string()).0
}

/// Prints the warnings so far and the failure; the exit status.
pub(crate) fn fail(settings: &Settings, diags: &Diagnostics, failure: LoadFailure) -> u8 {
    errors::load_failure(settings, diags, failure).0
}

pub fn run(global: &GlobalFlags, args: &ConfigArgs, settings: &Settings) -> u8 {
    // The flag also turns normalisation off; the variable only changes the name separator.
    let compatibility_flag = on(global.compatibility);
    let compatibility = settings.resolved.compatibility;
    let switches = LoadSwitches {
        interpolate: !on(args.no_interpolate) && !on(args.variables),
        normalize: !on(args.no_normalize) && !compatibility_flag,
        resolve_paths: !on(args.no_path_resolution),
        consistency: !on(args.no_consistency),
        all_resources: on(global.all_resources),
    };
    let options = project_options(global, settings);
    let mut diags = Diagnostics::default();
    let separator = if compatibility { "_" } else { "-" };

    // Listing modes load without reading env files, as compose's do.
    let names_only = LoadRequest {
        switches: switches.clone(),
        services: Vec::new(),
        resolve_environment: false,
        check_container_names: false,
    };
    let load = |request: &LoadRequest, diags: &mut Diagnostics| {
        berth_loader::load_project(&options, request, diags)
    };
    macro_rules! project_or_fail {
        ($request:expr) => {
            match load(&$request, &mut diags) {
                Ok(p) => p,
                Err(f) => return fail(settings, &diags, f),
            }
        };
    }

    if on(args.services) {
        if on(args.no_interpolate) {
            let (model, _) = match berth_loader::load_model(&options, &switches, &mut diags) {
                Ok(m) => m,
                Err(f) => return fail(settings, &diags, f),
            };
            report(settings, &diags);
            let names: Vec<String> = model
                .get("services")
                .and_then(Value::as_map)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            output::data(&lines(names));
            return 0;
        }
        let project = project_or_fail!(names_only);
        report(settings, &diags);
        output::data(&lines(berth_loader::phases::profiles::dependency_order(
            &project,
        )));
        return 0;
    }
    if on(args.volumes) || on(args.networks) {
        let project = project_or_fail!(names_only);
        report(settings, &diags);
        let kind = if on(args.volumes) {
            "volumes"
        } else {
            "networks"
        };
        output::data(&lines(project.resource_names(kind)));
        return 0;
    }
    if on(args.models) {
        let project = project_or_fail!(names_only);
        report(settings, &diags);
        let models: Vec<String> = project
            .model
            .get("models")
            .and_then(Value::as_map)
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|m| m.get("model").and_then(Value::as_str))
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect();
        output::data(&lines(models));
        return 0;
    }
    if let Some(selection) = &args.hash {
        let project = project_or_fail!(names_only);
        report(settings, &diags);
        return print_hashes(settings, &project, selection);
    }
    let with_services = LoadRequest {
        switches: switches.clone(),
        services: args.service_names.clone(),
        resolve_environment: false,
        check_container_names: false,
    };
    if on(args.profiles) {
        let project = project_or_fail!(with_services);
        report(settings, &diags);
        let set: BTreeSet<String> = project
            .all_services()
            .flat_map(|(_, s)| {
                s.get("profiles")
                    .and_then(Value::as_seq)
                    .into_iter()
                    .flatten()
            })
            .filter_map(|p| p.as_str().map(str::to_string))
            .collect();
        output::data(&lines(set.into_iter().collect()));
        return 0;
    }
    if on(args.images) {
        let project = project_or_fail!(with_services);
        report(settings, &diags);
        let mut images: Vec<String> = project
            .services()
            .iter()
            .map(|(name, s)| match s.get("image").and_then(Value::as_str) {
                Some(image) if !image.is_empty() => image.to_string(),
                _ => format!("{}{separator}{name}", project.name),
            })
            .collect();
        images.sort();
        output::data(&lines(images));
        return 0;
    }
    if on(args.variables) {
        return crate::commands::config_variables::run(&options, &switches, args, settings);
    }
    if on(args.environment) {
        let project = project_or_fail!(LoadRequest {
            switches: switches.clone(),
            services: args.service_names.clone(),
            resolve_environment: true,
            check_container_names: false,
        });
        report(settings, &diags);
        let mut values: Vec<String> = project
            .environment
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        values.sort();
        output::data(&lines(values));
        return 0;
    }

    let format = args.format.clone().unwrap_or_else(|| "yaml".into());
    if format != "yaml" && format != "json" {
        // compose loads (and may fail) before it looks at the format.
        let _ = load(&with_services, &mut diags);
        report(settings, &diags);
        output::error(&format!("unsupported format {format:?}"));
        return 1;
    }
    // `--lock-image-digests` implies resolving them (compose's PreRunE).
    let pin_digests = on(args.resolve_image_digests) || on(args.lock_image_digests);
    let pin = |model: &mut Value, diags: &Diagnostics| -> Result<(), u8> {
        if pin_digests {
            if let Err(message) = super::config_digests::resolve(model, &settings.env) {
                report(settings, diags);
                output::error(&message);
                return Err(1);
            }
        }
        if on(args.lock_image_digests) {
            *model = super::config_digests::images_only(model);
        }
        Ok(())
    };
    let content = if on(args.no_interpolate) {
        let (mut model, _) = match berth_loader::load_model(&options, &switches, &mut diags) {
            Ok(m) => m,
            Err(f) => return fail(settings, &diags, f),
        };
        if let Err(code) = pin(&mut model, &diags) {
            return code;
        }
        if format == "json" {
            match emit::to_json_generic(&model) {
                Ok(text) => text,
                Err(e) => return json_failure(settings, &diags, &e),
            }
        } else {
            emit::to_yaml_generic(&model)
        }
    } else {
        let mut project = project_or_fail!(LoadRequest {
            switches: switches.clone(),
            services: args.service_names.clone(),
            resolve_environment: true,
            check_container_names: true,
        });
        if let Err(code) = pin(&mut project.model, &diags) {
            return code;
        }
        let rendered = if format == "json" {
            match emit::to_json(&project.model) {
                Ok(text) => text,
                Err(e) => return json_failure(settings, &diags, &e),
            }
        } else {
            emit::to_yaml(&project.model)
        };
        emit::escape_dollars(&rendered)
    };
    report(settings, &diags);
    if on(args.quiet) {
        return 0;
    }
    if let Some(path) = &args.output {
        if !content.is_empty() {
            if let Err(e) = std::fs::write(path, content) {
                output::error(&format!(
                    "open {path}: {}",
                    berth_loader::setup::io_message(&e)
                ));
                return 1;
            }
        }
        return 0;
    }
    output::data(&content);
    0
}

fn print_hashes(settings: &Settings, project: &Project, selection: &str) -> u8 {
    let mut names: Vec<String> = if selection == "*" {
        project.services().keys().cloned().collect()
    } else {
        selection.split(',').map(str::to_string).collect()
    };
    names.sort();
    let mut out = String::new();
    for name in names {
        let Some(service) = project.services().get(&name) else {
            output::data(&out);
            let reason = if project.disabled_services.contains_key(&name) {
                "disabled"
            } else {
                "not found"
            };
            output::error(&format!("no such service: {name}: {reason}"));
            let _ = settings;
            return 1;
        };
        match hash::service_hash(service) {
            Ok(digest) => out.push_str(&format!("{name} {digest}\n")),
            Err(e) => {
                // compose prints the hashes of the services before the failing one.
                output::data(&out);
                output::error(&e.to_string());
                return 1;
            }
        }
    }
    output::data(&out);
    0
}

fn lines(items: Vec<String>) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str(&item);
        out.push('\n');
    }
    out
}
