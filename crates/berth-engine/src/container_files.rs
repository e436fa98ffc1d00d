//! The engine calls on a container's files: stat and copy paths (`cp`), export the whole
//! file system (`export`), commit it to an image (`commit`).

use bollard::query_parameters as q;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};

use crate::{Engine, EngineError};

/// Go's `os.FileMode` bits the engine reports in a path's stat.
pub mod file_mode {
    pub const DIR: u32 = 1 << 31;
    pub const SYMLINK: u32 = 1 << 27;
    pub const DEVICE: u32 = 1 << 26;
    pub const NAMED_PIPE: u32 = 1 << 25;
    pub const SOCKET: u32 = 1 << 24;
    pub const CHAR_DEVICE: u32 = 1 << 21;
    pub const IRREGULAR: u32 = 1 << 19;
}

/// What the engine says of a path in a container (`container.PathStat`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathStat {
    pub name: String,
    pub size: i64,
    /// Go's `os.FileMode` bits (see [`file_mode`]).
    pub mode: u32,
    pub link_target: String,
}

impl PathStat {
    pub fn is_dir(&self) -> bool {
        self.mode & file_mode::DIR != 0
    }

    pub fn is_symlink(&self) -> bool {
        self.mode & file_mode::SYMLINK != 0
    }
}

/// What `commit` asks of the engine (`container.CommitOptions`).
#[derive(Debug, Clone, Default)]
pub struct CommitOptions {
    /// The normalised repository (`docker.io/library/app`), empty for none.
    pub repo: String,
    pub tag: String,
    pub comment: String,
    pub author: String,
    /// Dockerfile instructions (`ENV A=1`).
    pub changes: Vec<String>,
    pub pause: bool,
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl Engine {
    /// `HEAD /containers/{id}/archive`: the stat of `path` in the container.
    pub async fn stat_path(&self, id: &str, path: &str) -> Result<PathStat, EngineError> {
        let options = q::ContainerArchiveInfoOptions {
            path: path.to_string(),
        };
        let stat = self
            .docker
            .get_container_archive_info(id, Some(options))
            .await
            .map_err(|e| self.fail(e))?;
        Ok(PathStat {
            name: stat.name,
            size: stat.size,
            mode: stat.file_mode,
            link_target: stat.link_target,
        })
    }

    /// `GET /containers/{id}/archive`: `path` in the container as a tar stream.
    pub fn download_archive(
        &self,
        id: &str,
        path: &str,
    ) -> BoxStream<'static, Result<Vec<u8>, EngineError>> {
        let options = q::DownloadFromContainerOptions {
            path: path.to_string(),
        };
        let host = self.host.clone();
        self.docker
            .download_from_container(id, Some(options))
            .map(move |chunk| {
                chunk
                    .map(|b| b.to_vec())
                    .map_err(|e| EngineError::from_bollard(&host, e))
            })
            .boxed()
    }

    /// `PUT /containers/{id}/archive`: extracts `tar` at `path` in the container, never
    /// replacing a directory with a file (the docker CLI's `AllowOverwriteDirWithFile:
    /// false`), with the archive's owners when `copy_uid_gid`. The archive is sent as its
    /// chunks come; an error in it aborts the upload.
    pub async fn extract_archive(
        &self,
        id: &str,
        path: &str,
        tar: BoxStream<'static, std::io::Result<Vec<u8>>>,
        copy_uid_gid: bool,
    ) -> Result<(), EngineError> {
        let options = q::UploadToContainerOptions {
            path: path.to_string(),
            no_overwrite_dir_non_dir: Some("true".into()),
            copy_uidgid: copy_uid_gid.then(|| "true".into()),
        };
        self.docker
            .upload_to_container(
                id,
                Some(options),
                bollard::body_try_stream(tar.map_ok(Into::into)),
            )
            .await
            .map_err(|e| self.fail(e))
    }

    /// `GET /containers/{id}/export`: the container's file system as a tar stream.
    pub fn export_container(&self, id: &str) -> BoxStream<'static, Result<Vec<u8>, EngineError>> {
        let host = self.host.clone();
        self.docker
            .export_container(id)
            .map(move |chunk| {
                chunk
                    .map(|b| b.to_vec())
                    .map_err(|e| EngineError::from_bollard(&host, e))
            })
            .boxed()
    }

    /// `POST /commit`: a new image from the container; returns its ID.
    pub async fn commit_container(
        &self,
        id: &str,
        options: &CommitOptions,
    ) -> Result<String, EngineError> {
        let query = q::CommitContainerOptions {
            container: Some(id.to_string()),
            repo: non_empty(&options.repo),
            tag: non_empty(&options.tag),
            comment: non_empty(&options.comment),
            author: non_empty(&options.author),
            pause: options.pause,
            // The engine joins the repeated `changes` parameters with line breaks before it
            // parses them as a Dockerfile; bollard sends one, so they are joined here.
            changes: (!options.changes.is_empty()).then(|| options.changes.join("\n")),
        };
        // An empty config (`{}`) is no config to the engine, as the docker CLI's `null` is.
        self.docker
            .commit_container(query, bollard::models::ContainerConfig::default())
            .await
            .map(|r| r.id)
            .map_err(|e| self.fail(e))
    }
}
