//! `cp`: files between a service's containers and the local file system (compose's `Copy`),
//! with the docker CLI's path rules (`copy_archive`). Standard input and output, for `-`,
//! are handed in by the command line.

use std::io::{Read, Write};

use berth_engine::{file_mode, Engine};
use futures_util::StreamExt;

use crate::copy_archive::{self as archive, CopyInfo};
use crate::copy_stream::{self, archive_body, finish_upload};
use crate::events::{Event, Progress, Status};
use crate::targets::{service_containers, specified_container, OneOff, Target, TargetError};

/// What `cp` asks for (compose's `api.CopyOptions`).
#[derive(Debug, Clone, Default)]
pub struct CopyRequest {
    pub source: String,
    pub destination: String,
    /// Run containers too.
    pub all: bool,
    pub index: i64,
    pub follow_link: bool,
    pub copy_uid_gid: bool,
    /// Where relative local paths start.
    pub cwd: String,
}

/// compose's `splitCpArg`: `SERVICE:PATH`, or a local path (absolute, `./x:y`, no colon).
pub fn split_cp_arg(arg: &str) -> (String, String) {
    if arg.starts_with('/') {
        return (String::new(), arg.to_string());
    }
    match arg.split_once(':') {
        Some((service, path)) if !service.starts_with('.') => {
            (service.to_string(), path.to_string())
        }
        _ => (String::new(), arg.to_string()),
    }
}

/// Standard input's tar archive, for `-` as the source.
enum StdinArchive {
    /// One container: read as it is uploaded.
    Streamed(std::sync::Mutex<Option<Box<dyn Read + Send>>>),
    /// Several containers get the same archive, so it is first spooled to a temporary file
    /// that each upload reads anew (memory stays bounded whatever its size).
    Spooled(tempfile::NamedTempFile),
}

impl StdinArchive {
    /// Keeps `stdin` for `targets` containers.
    async fn new(stdin: Box<dyn Read + Send>, targets: usize) -> Result<Self, TargetError> {
        if targets <= 1 {
            return Ok(StdinArchive::Streamed(std::sync::Mutex::new(Some(stdin))));
        }
        let mut stdin = stdin;
        tokio::task::spawn_blocking(move || {
            let mut spool = tempfile::NamedTempFile::new()?;
            std::io::copy(&mut stdin, &mut spool)?;
            Ok(StdinArchive::Spooled(spool))
        })
        .await
        .map_err(|e| TargetError::Message(e.to_string()))?
        .map_err(|e: std::io::Error| TargetError::Message(e.to_string()))
    }

    /// The archive, for one upload.
    fn upload(&self) -> Result<Upload, TargetError> {
        let mut reader: Box<dyn Read + Send> = match self {
            StdinArchive::Streamed(stdin) => {
                stdin
                    .lock()
                    .ok()
                    .and_then(|mut stdin| stdin.take())
                    .ok_or_else(|| TargetError::Message("standard input was read already".into()))?
            }
            StdinArchive::Spooled(spool) => Box::new(
                spool
                    .reopen()
                    .map_err(|e| TargetError::Message(e.to_string()))?,
            ),
        };
        Ok(archive_body(move |out| {
            std::io::copy(&mut reader, out)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }))
    }
}

/// What an upload sends: its body, and the writer behind it.
type Upload = (
    copy_stream::Body,
    tokio::task::JoinHandle<Result<(), copy_stream::WriteFailure>>,
);

/// Copies as `request` says. `stdin` gives the tar archive of `-` as a source (read only
/// then); `stdout` receives the archive of `-` as a destination. In a dry run nothing is
/// copied. Archives stream both ways: memory stays bounded whatever their size.
pub async fn copy(
    engine: &Engine,
    project: &str,
    request: &CopyRequest,
    progress: &dyn Progress,
    dry_run: bool,
    stdin: Box<dyn Read + Send>,
    stdout: &mut dyn Write,
) -> Result<(), TargetError> {
    let (src_service, src_path) = split_cp_arg(&request.source);
    let (dst_service, dst_path) = split_cp_arg(&request.destination);
    let from_service = match (src_service.is_empty(), dst_service.is_empty()) {
        (false, false) => {
            return Err(TargetError::Message(
                "copying between services is not supported".into(),
            ))
        }
        (true, true) => return Err(TargetError::Message("unknown copy direction".into())),
        (false, true) => true,
        (true, false) => false,
    };
    let service = if from_service {
        &src_service
    } else {
        &dst_service
    };
    let targets = targets(engine, project, request, from_service, service).await?;
    let message = |t: &Target| {
        if from_service {
            format!("copy {}:{src_path} to {dst_path}", t.name)
        } else {
            format!("copy {src_path} to {}:{dst_path}", t.name)
        }
    };
    let event = |t: &Target, status, word: &str| {
        let mut e = Event::new(&t.name, status, word);
        e.text = message(t);
        e
    };
    if from_service {
        let target = &targets[0];
        progress.event(event(target, Status::Working, "Copying"));
        copy_from(
            engine, target, &src_path, &dst_path, request, dry_run, stdout,
        )
        .await?;
        progress.event(event(target, Status::Done, "Copied"));
        return Ok(());
    }
    // The archive of standard input goes to every container alike; a dry run reads none.
    let stdin_tar = if src_path == "-" && !dry_run {
        Some(StdinArchive::new(stdin, targets.len()).await?)
    } else {
        None
    };
    let copies = targets.iter().map(|target| {
        let stdin_tar = stdin_tar.as_ref();
        let (src_path, dst_path) = (&src_path, &dst_path);
        async move {
            progress.event(event(target, Status::Working, "Copying"));
            copy_to(
                engine, target, src_path, dst_path, request, stdin_tar, dry_run,
            )
            .await?;
            progress.event(event(target, Status::Done, "Copied"));
            Ok::<(), TargetError>(())
        }
    });
    for result in futures_util::future::join_all(copies).await {
        result?;
    }
    Ok(())
}

/// compose's `listContainersTargetedForCopy`: the numbered container with `--index`, else
/// the service's containers (only the first when copying from the service).
async fn targets(
    engine: &Engine,
    project: &str,
    request: &CopyRequest,
    from_service: bool,
    service: &str,
) -> Result<Vec<Target>, TargetError> {
    if request.index > 0 {
        let target = specified_container(
            engine,
            project,
            OneOff::Exclude,
            true,
            service,
            request.index,
        )
        .await?;
        return Ok(vec![target]);
    }
    let one_off = if request.all {
        OneOff::Include
    } else {
        OneOff::Exclude
    };
    let mut list = service_containers(engine, project, one_off, true, service).await?;
    if list.is_empty() {
        return Err(TargetError::NoContainer(service.to_string()));
    }
    if from_service {
        list.truncate(1);
    }
    Ok(list)
}

/// compose's `copyToContainer`.
async fn copy_to(
    engine: &Engine,
    target: &Target,
    src_path: &str,
    dst_path: &str,
    request: &CopyRequest,
    stdin_tar: Option<&StdinArchive>,
    dry_run: bool,
) -> Result<(), TargetError> {
    let mut dst_info = CopyInfo {
        path: dst_path.to_string(),
        ..CopyInfo::default()
    };
    let mut dst_stat = engine.stat_path(&target.id, dst_path).await;
    if let Ok(stat) = &dst_stat {
        if stat.is_symlink() {
            let mut link = stat.link_target.clone();
            if !link.starts_with('/') {
                link = berth_model::golang::join(&archive::split_path_dir_entry(dst_path).0, &link);
            }
            dst_info.path = link.clone();
            dst_stat = engine.stat_path(&target.id, &link).await;
        }
    }
    let mode = dst_stat.as_ref().map_or(0, |s| s.mode);
    if let Some(what) = irregular(mode) {
        return Err(TargetError::Message(format!(
            "destination \"{}:{dst_path}\" must be a directory or a regular file: {what}",
            target.id
        )));
    }
    if let Ok(stat) = &dst_stat {
        dst_info.exists = true;
        dst_info.is_dir = stat.is_dir();
    }
    let (dst_dir, entries) = if src_path == "-" {
        if !dst_info.is_dir {
            return Err(TargetError::Message(format!(
                "destination \"{}:{dst_path}\" must be a directory",
                target.id
            )));
        }
        (dst_info.path.clone(), None)
    } else {
        let local = archive::resolve_local_path(src_path, &request.cwd);
        let src_info = archive::copy_info_source_path(&local, request.follow_link)
            .map_err(TargetError::Message)?;
        if dry_run {
            // compose's dry run prepares no archive, so the folder it checks in the
            // container is an empty path, which is never found.
            return Err(dry_run_not_found("", &target.id));
        }
        let (dst_dir, rename) = archive::prepare_archive_copy(&src_info, &dst_info)
            .map_err(|e| TargetError::Message(e.to_string()))?;
        let renames: Vec<_> = rename.into_iter().collect();
        let entries =
            archive::archive_entries(&src_info, &renames).map_err(TargetError::Message)?;
        (dst_dir, Some(entries))
    };
    if dry_run {
        return match engine.stat_path(&target.id, &dst_dir).await {
            Ok(_) => Ok(()),
            Err(_) => Err(dry_run_not_found(&dst_dir, &target.id)),
        };
    }
    let (body, writer) = match (entries, stdin_tar) {
        (Some(entries), _) => archive_body(move |out| archive::write_archive(&entries, out)),
        (None, Some(stdin)) => stdin.upload()?,
        (None, None) => return Err(TargetError::Message("no archive to copy".into())),
    };
    let uploaded = engine
        .extract_archive(&target.id, &dst_dir, body, request.copy_uid_gid)
        .await;
    finish_upload(uploaded, writer).await
}

/// compose's dry-run client's answer when a path to copy is not in the container.
fn dry_run_not_found(path: &str, id: &str) -> TargetError {
    TargetError::Message(format!(
        "  DRY-RUN MODE -  Could not find the file {path} in container {id}"
    ))
}

/// The docker CLI's `ValidateOutputPathFileMode`: what a destination must not be.
fn irregular(mode: u32) -> Option<&'static str> {
    if mode & file_mode::DEVICE != 0 {
        Some("got a device")
    } else if mode & file_mode::IRREGULAR != 0 {
        Some("got an irregular file")
    } else {
        None
    }
}

/// compose's `copyFromContainer`.
async fn copy_from(
    engine: &Engine,
    target: &Target,
    src_path: &str,
    dst_path: &str,
    request: &CopyRequest,
    dry_run: bool,
    stdout: &mut dyn Write,
) -> Result<(), TargetError> {
    let dst_path = if dst_path == "-" {
        dst_path.to_string()
    } else {
        archive::resolve_local_path(dst_path, &request.cwd)
    };
    validate_output_path(&dst_path).map_err(TargetError::Message)?;
    let mut src_path = src_path.to_string();
    let mut rebase = String::new();
    if request.follow_link {
        if let Ok(stat) = engine.stat_path(&target.id, &src_path).await {
            if stat.is_symlink() {
                let mut link = stat.link_target.clone();
                if !link.starts_with('/') {
                    link = berth_model::golang::join(
                        &archive::split_path_dir_entry(&src_path).0,
                        &link,
                    );
                }
                let (resolved, name) = archive::rebase_name(&src_path, &link);
                src_path = resolved;
                rebase = name;
            }
        }
    }
    if dry_run {
        return dry_copy_from(engine, target, &src_path, &dst_path, rebase).await;
    }
    // The engine holds the container while its archive is read, so the source's stat
    // comes first (docker's CLI reads it from the download's headers, which bollard does
    // not hand back). The download's own answer carries the engine's wording when the path
    // is missing, so its first chunk is awaited before the stat's failure is reported.
    let stat = if dst_path == "-" {
        None
    } else {
        Some(engine.stat_path(&target.id, &src_path).await)
    };
    let mut download = engine.download_archive(&target.id, &src_path);
    let first = download.next().await.transpose()?;
    let Some(stat) = stat else {
        let written = |r: std::io::Result<()>| r.map_err(|e| TargetError::Message(e.to_string()));
        if let Some(chunk) = first {
            written(stdout.write_all(&chunk))?;
        }
        while let Some(chunk) = download.next().await {
            written(stdout.write_all(&chunk?))?;
        }
        return written(stdout.flush());
    };
    let stat = stat?;
    let src_info = CopyInfo {
        path: src_path.clone(),
        exists: true,
        is_dir: stat.is_dir(),
        rebase_name: rebase.clone(),
    };
    let mut renames = Vec::new();
    if !rebase.is_empty() {
        renames.push((archive::split_path_dir_entry(&src_path).1, rebase));
    }
    let dst_info = archive::copy_info_destination_path(&dst_path).map_err(TargetError::Message)?;
    let (dst_dir, rename) = archive::prepare_archive_copy(&src_info, &dst_info)
        .map_err(|e| TargetError::Message(e.to_string()))?;
    renames.extend(rename);
    let tar = futures_util::stream::iter(first.map(Ok))
        .chain(download)
        .boxed();
    copy_stream::untar_stream(tar, dst_dir, renames).await
}

/// compose's dry run of a copy from a container: its dry-run client checks that the
/// source exists and hands back an empty archive of an unknown kind, which the copy rules
/// then place (and may refuse) without writing anything.
async fn dry_copy_from(
    engine: &Engine,
    target: &Target,
    src_path: &str,
    dst_path: &str,
    rebase: String,
) -> Result<(), TargetError> {
    if engine.stat_path(&target.id, src_path).await.is_err() {
        return Err(dry_run_not_found(src_path, &target.id));
    }
    if dst_path == "-" {
        return Ok(());
    }
    let src_info = CopyInfo {
        path: src_path.to_string(),
        exists: true,
        is_dir: false,
        rebase_name: rebase,
    };
    let dst_info = archive::copy_info_destination_path(dst_path).map_err(TargetError::Message)?;
    archive::prepare_archive_copy(&src_info, &dst_info)
        .map(|_| ())
        .map_err(|e| TargetError::Message(e.to_string()))
}

/// The docker CLI's `ValidateOutputPath`: the parent folder exists, and the path, if it
/// exists, is a directory or a regular file.
pub fn validate_output_path(path: &str) -> Result<(), String> {
    let parent = archive::dir(&berth_model::golang::clean(path));
    if !parent.is_empty() && parent != "." && !std::path::Path::new(&parent).exists() {
        return Err(format!(
            "invalid output path: directory {} does not exist",
            berth_model::golang::quote(&parent)
        ));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() || meta.is_file() {
            return Ok(());
        }
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_block_device() || kind.is_char_device() {
            return Err(format!(
                "invalid output path: {} must be a directory or a regular file: got a device",
                berth_model::golang::quote(path)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_split_as_compose_splits_them() {
        let split = |a: &str| split_cp_arg(a);
        assert_eq!(split("web:/etc"), ("web".into(), "/etc".into()));
        assert_eq!(split("/abs:x"), ("".into(), "/abs:x".into()));
        assert_eq!(split("./file:name"), ("".into(), "./file:name".into()));
        assert_eq!(split("plain"), ("".into(), "plain".into()));
        assert_eq!(split("-"), ("".into(), "-".into()));
    }
}
