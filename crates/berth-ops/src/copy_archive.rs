//! The docker CLI's copy rules (moby's `pkg/archive/copy.go`), which `cp` follows in both
//! directions: how a source path names the entries of its archive (`dir` copies the folder,
//! `dir/.` its content), where the archive is extracted and how its entries are renamed when
//! the destination exists, does not, or must be a directory (`dst/`).
//!
//! Written here because no crate carries docker's rules; the tar crate reads and writes the
//! archives. Paths are unix paths as text, as Go's `filepath` handles them.

use std::io::{Read, Write};
use std::path::Path;

use berth_model::golang::{clean, join};

/// What is known of one side of a copy (moby's `archive.CopyInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyInfo {
    pub path: String,
    pub exists: bool,
    pub is_dir: bool,
    /// The name the archive's top entry takes instead of the resolved one (a symlink
    /// followed, `dir/` that named a link).
    pub rebase_name: String,
}

/// An archive entry rename: the old top name, and the new.
pub type Rename = (String, String);

/// The copy rules' refusals, worded as moby's errors.
pub const ERR_NOT_DIRECTORY: &str = "not a directory";
pub const ERR_DIR_NOT_EXISTS: &str = "no such directory";
pub const ERR_CANNOT_COPY_DIR: &str = "cannot copy directory";

/// Go's `filepath.Base`.
pub fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `filepath.Dir`.
pub fn dir(path: &str) -> String {
    let cut = path.rfind('/').map_or(0, |i| i + 1);
    clean(&path[..cut])
}

/// Go's `filepath.Abs` against `cwd`.
pub fn abs(path: &str, cwd: &str) -> String {
    if path.starts_with('/') {
        clean(path)
    } else {
        join(cwd, path)
    }
}

fn specifies_current_dir(path: &str) -> bool {
    base(path) == "."
}

fn has_trailing_separator(path: &str) -> bool {
    path.ends_with('/')
}

/// Whether `path` says it must be a directory (`dst/`, `dst/.`).
pub fn asserts_directory(path: &str) -> bool {
    has_trailing_separator(path) || specifies_current_dir(path)
}

/// moby's `PreserveTrailingDotOrSeparator`: `cleaned` keeps the `/.` or `/` that `original`
/// ended with.
pub fn preserve_trailing_dot_or_separator(cleaned: &str, original: &str) -> String {
    let mut out = cleaned.to_string();
    if !specifies_current_dir(&out) && specifies_current_dir(original) {
        if !has_trailing_separator(&out) {
            out.push('/');
        }
        out.push('.');
    }
    if !has_trailing_separator(&out) && has_trailing_separator(original) {
        out.push('/');
    }
    out
}

/// compose's `resolveLocalPath`: absolute, with its trailing `/.` or `/` kept.
pub fn resolve_local_path(path: &str, cwd: &str) -> String {
    preserve_trailing_dot_or_separator(&abs(path, cwd), path)
}

/// moby's `SplitPathDirEntry`: the directory and the entry in it, a trailing `.` kept.
pub fn split_path_dir_entry(path: &str) -> (String, String) {
    let mut cleaned = clean(path);
    if specifies_current_dir(path) {
        cleaned.push_str("/.");
    }
    (dir(&cleaned), base(&cleaned))
}

/// moby's `GetRebaseName`: `resolved` with `path`'s trailing `/.` or `/`, and the name the
/// archive's top entry must take when the last element changed.
pub fn rebase_name(path: &str, resolved: &str) -> (String, String) {
    let mut resolved = resolved.to_string();
    if specifies_current_dir(path) && !specifies_current_dir(&resolved) {
        resolved.push_str("/.");
    }
    if has_trailing_separator(path) && !has_trailing_separator(&resolved) {
        resolved.push('/');
    }
    let rebase = if base(path) != base(&resolved) {
        base(path)
    } else {
        String::new()
    };
    (resolved, rebase)
}

/// Go's `strings.Replace(s, old, new, 1)`.
fn replace_first(s: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        return format!("{new}{s}");
    }
    s.replacen(old, new, 1)
}

/// The entry name moby's `RebaseArchiveEntries` gives `name`.
pub fn rebase_entry(name: &str, old_base: &str, new_base: &str) -> String {
    // The root as the old base is no prefix: every name starts with it.
    let old_base = if old_base == "/" { "" } else { old_base };
    replace_first(name, old_base, new_base)
}

/// moby's `PrepareArchiveCopy`: where the source's archive is extracted, and how its entries
/// are renamed (`Some((old, new))`), given what is known of the source and destination.
pub fn prepare_archive_copy(
    src: &CopyInfo,
    dst: &CopyInfo,
) -> Result<(String, Option<Rename>), &'static str> {
    let (dst_dir, dst_base) = split_path_dir_entry(&dst.path);
    let (_, mut src_base) = split_path_dir_entry(&src.path);
    if !src.rebase_name.is_empty() {
        src_base = src.rebase_name.clone();
    }
    match () {
        // Extracted into the existing directory as it is.
        _ if dst.exists && dst.is_dir => Ok((dst.path.clone(), None)),
        _ if dst.exists && src.is_dir => Err(ERR_CANNOT_COPY_DIR),
        // An existing file replaced, a new directory or file created: the top entry takes
        // the destination's name.
        _ if dst.exists || src.is_dir => Ok((dst_dir, Some((src_base, dst_base)))),
        _ if asserts_directory(&dst.path) => Err(ERR_DIR_NOT_EXISTS),
        _ => Ok((dst_dir, Some((src_base, dst_base)))),
    }
}

/// The rename of the archive's entries a copy ends up with: the one from the source's own
/// rebase name (`-L`, a renamed link) and then the one [`prepare_archive_copy`] asks for.
/// Entry by entry from `tar` to `out`, so that only one entry's header is held at a time.
pub fn rename_entries(
    tar: impl Read,
    renames: &[(String, String)],
    out: impl Write,
) -> std::io::Result<()> {
    let mut archive = tar::Archive::new(tar);
    let mut builder = tar::Builder::new(out);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let mut name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let link = entry
            .link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned());
        let is_hard_link = entry.header().entry_type() == tar::EntryType::Link;
        let mut link = link;
        for (old, new) in renames {
            name = rebase_entry(&name, old, new);
            if is_hard_link {
                link = link.map(|l| rebase_entry(&l, old, new));
            }
        }
        let mut header = entry.header().clone();
        match (&link, header.entry_type()) {
            (Some(target), tar::EntryType::Link | tar::EntryType::Symlink) => {
                builder.append_link(&mut header, &name, target)?
            }
            _ => builder.append_data(&mut header, &name, &mut entry)?,
        }
    }
    builder.into_inner()?.flush()
}

/// moby's `ResolveHostSourcePath` and `CopyInfoSourcePath`: what a local source is, with
/// symbolic links resolved in its parent (and in itself with `follow_link`).
pub fn copy_info_source_path(path: &str, follow_link: bool) -> Result<CopyInfo, String> {
    let (resolved, rebase) = if follow_link {
        let target = eval_symlinks(path)?;
        rebase_name(path, &target)
    } else {
        let cut = path.rfind('/').map_or(0, |i| i + 1);
        let (parent, name) = path.split_at(cut);
        let parent = eval_symlinks(if parent.is_empty() { "." } else { parent })?;
        let resolved = format!("{}/{name}", parent.trim_end_matches('/'));
        let rebase = if has_trailing_separator(path) && base(path) != base(&resolved) {
            base(path)
        } else {
            String::new()
        };
        (resolved, rebase)
    };
    let meta =
        std::fs::symlink_metadata(&resolved).map_err(|e| go_error("lstat", &resolved, &e))?;
    Ok(CopyInfo {
        path: resolved,
        exists: true,
        is_dir: meta.is_dir(),
        rebase_name: rebase,
    })
}

/// moby's `CopyInfoDestinationPath`: what a local destination is, with symbolic links in
/// its last element followed; it need not exist, but its parent must.
pub fn copy_info_destination_path(path: &str) -> Result<CopyInfo, String> {
    let mut path = path.to_string();
    let original = path.clone();
    let mut stat = std::fs::symlink_metadata(&path);
    let mut hops = 0;
    while let Ok(meta) = &stat {
        if !meta.file_type().is_symlink() {
            break;
        }
        if hops > 10 {
            return Err(format!("too many symlinks in {original}"));
        }
        hops += 1;
        let target = std::fs::read_link(&path).map_err(|e| go_error("readlink", &path, &e))?;
        let target = target.to_string_lossy().into_owned();
        path = if target.starts_with('/') {
            target
        } else {
            join(&split_path_dir_entry(&path).0, &target)
        };
        stat = std::fs::symlink_metadata(&path);
    }
    match stat {
        Ok(meta) => Ok(CopyInfo {
            path,
            exists: true,
            is_dir: meta.is_dir(),
            rebase_name: String::new(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = split_path_dir_entry(&path).0;
            let meta = std::fs::metadata(&parent).map_err(|e| go_error("stat", &parent, &e))?;
            if !meta.is_dir() {
                return Err(ERR_NOT_DIRECTORY.into());
            }
            Ok(CopyInfo {
                path,
                ..CopyInfo::default()
            })
        }
        Err(e) => Err(go_error("lstat", &path, &e)),
    }
}

/// Go's `filepath.EvalSymlinks`.
fn eval_symlinks(path: &str) -> Result<String, String> {
    std::fs::canonicalize(path)
        .map(|p| p.to_string_lossy().into_owned())
        .map_err(|e| go_error("lstat", &clean(path), &e))
}

/// An I/O error as Go's `os.PathError` prints it: `lstat /x: no such file or directory`.
pub fn go_error(op: &str, path: &str, e: &std::io::Error) -> String {
    let text = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            // Rust's "Not a directory (os error 20)" is Go's "not a directory".
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            let mut chars = s.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().collect::<String>() + chars.as_str(),
                None => s,
            }
        }
    };
    format!("{op} {path}: {text}")
}

/// The files of a local archive: each local path and its entry name.
pub type ArchiveEntries = Vec<(String, String)>;

/// The first half of moby's `TarResourceRebase`: what goes in the archive of the local
/// `src`, its top entry named as the source's last element (`.` keeps `./` before the names
/// inside), renamed by `renames` (the copy's rules). Walked before anything is sent, so a
/// missing source fails before the upload starts.
pub fn archive_entries(
    src: &CopyInfo,
    renames: &[(String, String)],
) -> Result<ArchiveEntries, String> {
    let (source_dir, source_base) = split_path_dir_entry(&src.path);
    let mut entries = Vec::new();
    let root = join(&source_dir, &source_base);
    walk(Path::new(&root), &source_base, &mut entries).map_err(|e| go_error("lstat", &root, &e))?;
    let mut renames_all: Vec<(String, String)> = Vec::new();
    if !src.rebase_name.is_empty() {
        renames_all.push((source_base.clone(), src.rebase_name.clone()));
    }
    renames_all.extend(renames.iter().cloned());
    for (_, name) in &mut entries {
        for (old, new) in &renames_all {
            *name = rebase_entry(name, old, new);
        }
    }
    Ok(entries)
}

/// The second half of moby's `TarResourceRebase`: the archive of `entries`, written to
/// `out` file by file.
pub fn write_archive(entries: &ArchiveEntries, out: impl Write) -> Result<(), String> {
    // (The tar crate writes directory names without docker's trailing `/`; their entry
    // type says what they are.)
    let mut builder = tar::Builder::new(out);
    builder.follow_symlinks(false);
    for (file, name) in entries {
        append(&mut builder, file, name).map_err(|e| go_error("open", file, &e))?;
    }
    builder
        .into_inner()
        .and_then(|mut out| out.flush())
        .map_err(|e| e.to_string())
}

/// The files under `path` in Go's `filepath.Walk` order (lexical), named from `name`.
fn walk(path: &Path, name: &str, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    out.push((path.to_string_lossy().into_owned(), name.to_string()));
    if !meta.is_dir() {
        return Ok(());
    }
    let mut children: Vec<_> = std::fs::read_dir(path)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    children.sort();
    for child in children {
        // moby names what is inside `dir/.` as `./child`, so `.` can be renamed.
        walk(&path.join(&child), &format!("{name}/{child}"), out)?;
    }
    Ok(())
}

/// Adds one local file, directory or link to the archive as `name`.
fn append<W: Write>(builder: &mut tar::Builder<W>, file: &str, name: &str) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(file)?;
    let mut header = tar::Header::new_gnu();
    header.set_metadata_in_mode(&meta, tar::HeaderMode::Complete);
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(file)?;
        builder.append_link(&mut header, name, target)
    } else if meta.is_dir() {
        header.set_size(0);
        builder.append_data(&mut header, name, std::io::empty())
    } else if meta.is_file() {
        builder.append_data(&mut header, name, std::fs::File::open(file)?)
    } else {
        // Devices, sockets and pipes: their header alone.
        header.set_size(0);
        builder.append_data(&mut header, name, std::io::empty())
    }
}

/// moby's `Untar` as `cp` calls it: extracted under `dir`, owners not restored.
pub fn untar(tar: impl Read, dir: &str) -> Result<(), String> {
    let mut archive = tar::Archive::new(tar);
    archive.set_preserve_permissions(true);
    archive.set_preserve_mtime(true);
    archive.set_overwrite(true);
    archive.unpack(dir).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(path: &str, exists: bool, is_dir: bool) -> CopyInfo {
        CopyInfo {
            path: path.into(),
            exists,
            is_dir,
            rebase_name: String::new(),
        }
    }

    #[test]
    fn paths_split_as_moby_splits_them() {
        assert_eq!(split_path_dir_entry("/a/b/"), ("/a".into(), "b".into()));
        assert_eq!(split_path_dir_entry("/a/b/."), ("/a/b".into(), ".".into()));
        assert_eq!(split_path_dir_entry("b"), (".".into(), "b".into()));
        assert_eq!(resolve_local_path("out/", "/w"), "/w/out/");
        assert_eq!(resolve_local_path("out/.", "/w"), "/w/out/.");
        assert_eq!(resolve_local_path("/x/../y", "/w"), "/y");
    }

    #[test]
    fn the_copy_rules() {
        let dir_src = info("/s/src", true, true);
        let file_src = info("/s/a.txt", true, false);
        // Into an existing directory: as it is.
        assert_eq!(
            prepare_archive_copy(&dir_src, &info("/d", true, true)),
            Ok(("/d".into(), None))
        );
        // A directory onto a file.
        assert_eq!(
            prepare_archive_copy(&dir_src, &info("/d/f", true, false)),
            Err(ERR_CANNOT_COPY_DIR)
        );
        // A new directory takes the destination's name.
        assert_eq!(
            prepare_archive_copy(&dir_src, &info("/d/new", false, false)),
            Ok(("/d".into(), Some(("src".into(), "new".into()))))
        );
        // A file to `missing/`.
        assert_eq!(
            prepare_archive_copy(&file_src, &info("/d/missing/", false, false)),
            Err(ERR_DIR_NOT_EXISTS)
        );
        // The content of a directory (`src/.`) into a new one.
        assert_eq!(
            prepare_archive_copy(&info("/s/src/.", true, true), &info("/d/new", false, false)),
            Ok(("/d".into(), Some((".".into(), "new".into()))))
        );
        assert_eq!(rebase_entry("./a.txt", ".", "new"), "new/a.txt");
        assert_eq!(rebase_entry("src/sub/b", "src", "new"), "new/sub/b");
    }

    #[test]
    fn a_followed_link_keeps_the_name_asked_for() {
        assert_eq!(
            rebase_name("/c/link", "/c/target"),
            ("/c/target".into(), "link".into())
        );
        assert_eq!(
            rebase_name("/c/link/.", "/c/target"),
            ("/c/target/.".into(), String::new())
        );
    }

    #[test]
    fn local_archives_name_entries_from_the_source() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        std::fs::create_dir_all(src.join("sub")).unwrap();
        std::fs::write(src.join("a.txt"), "a").unwrap();
        std::fs::write(src.join("sub/b.txt"), "b").unwrap();
        let names = |path: &str, renames: &[(String, String)]| {
            let info = copy_info_source_path(path, false).unwrap();
            let mut tar = Vec::new();
            write_archive(&archive_entries(&info, renames).unwrap(), &mut tar).unwrap();
            let mut archive = tar::Archive::new(tar.as_slice());
            archive
                .entries()
                .unwrap()
                .map(|e| String::from_utf8_lossy(&e.unwrap().path_bytes()).into_owned())
                .collect::<Vec<_>>()
        };
        let src = src.to_string_lossy().into_owned();
        assert_eq!(
            names(&src, &[]),
            ["src", "src/a.txt", "src/sub", "src/sub/b.txt"]
        );
        assert_eq!(
            names(&src, &[("src".into(), "new".into())]),
            ["new", "new/a.txt", "new/sub", "new/sub/b.txt"]
        );
        assert_eq!(
            names(&format!("{src}/."), &[(".".into(), "new".into())]),
            ["new", "new/a.txt", "new/sub", "new/sub/b.txt"]
        );
    }
}
