//! `export SERVICE`: a service container's file system as a tar archive, on standard output
//! or in a file (compose's cmd/compose/export.go).

use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::Args;

use berth_ops::targets::{specified_container, OneOff};

use crate::cli::{parse_go_int, GlobalFlags};
use crate::commands::common::{self, block_on, CmdResult};
use crate::commands::one_container::{at_least, failed, project_name};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// index of the container if service has multiple replicas.
    #[arg(long = "index", value_name = "int", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_go_int)]
    pub index: i64,
    /// Write to a file, instead of STDOUT
    #[arg(
        short = 'o',
        long = "output",
        value_name = "string",
        default_value = ""
    )]
    pub output: String,
    #[arg(value_name = "SERVICE")]
    pub args: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &ExportArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &ExportArgs, settings: &Settings) -> CmdResult {
    at_least(1, args.args.len())?;
    let name = project_name(global, settings)?;
    let engine = common::connect(global, settings).await?;
    let target = specified_container(
        &engine,
        &name,
        OneOff::Include,
        false,
        &args.args[0],
        args.index,
    )
    .await
    .map_err(failed)?;
    if args.output.is_empty() {
        if std::io::stdout().is_terminal() {
            return Err(common::error(
                "output option is required when exporting to terminal",
            ));
        }
    } else if let Err(e) = berth_ops::cp::validate_output_path(&args.output) {
        return Err(common::error(&format!("failed to export container: {e}")));
    }
    let renderer = common::renderer(global, settings).title("Exporting");
    let mut file: Option<tempfile::NamedTempFile> = None;
    let output = args.output.as_str();
    let open = || -> Result<Box<dyn Write>, String> {
        if output.is_empty() {
            return Ok(Box::new(std::io::stdout()));
        }
        let temp = atomic_file(output)?;
        let handle = temp.as_file().try_clone().map_err(|e| e.to_string())?;
        file = Some(temp);
        Ok(Box::new(handle))
    };
    let result = berth_ops::export::export(
        &engine,
        &target,
        output,
        &renderer,
        common::dry_run(global),
        open,
    )
    .await;
    renderer.finish();
    result.map_err(failed)?;
    if let Some(temp) = file {
        let path = std::path::absolute(output).map_err(|e| common::error(&e.to_string()))?;
        temp.persist(path)
            .map_err(|e| common::error(&e.error.to_string()))?;
    }
    Ok(0)
}

/// moby's `atomicwriter.New`: a temporary file beside `path` that replaces it once whole
/// (mode 0600), after the checks it makes of the destination.
fn atomic_file(path: &str) -> Result<tempfile::NamedTempFile, String> {
    use std::os::unix::fs::FileTypeExt;
    let target = Path::new(path);
    match std::fs::symlink_metadata(target) {
        Ok(meta) => {
            let kind = meta.file_type();
            let refusal = if kind.is_file() {
                None
            } else if kind.is_dir() {
                Some("cannot write to a directory")
            } else if kind.is_symlink() {
                Some("cannot write to a symbolic link directly")
            } else if kind.is_fifo() {
                Some("cannot write to a named pipe (FIFO)")
            } else if kind.is_socket() {
                Some("cannot write to a socket")
            } else if kind.is_char_device() {
                Some("cannot write to a character device file")
            } else if kind.is_block_device() {
                Some("cannot write to a block device file")
            } else {
                Some("unknown file mode")
            };
            if let Some(refusal) = refusal {
                return Err(refusal.into());
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("failed to stat output path: {e}")),
    }
    let absolute = std::path::absolute(target).map_err(|e| e.to_string())?;
    let dir = absolute.parent().unwrap_or(Path::new("/"));
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".tmp-{base}"))
        .tempfile_in(dir)
        .map_err(|e| e.to_string())
}
