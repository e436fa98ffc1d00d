//! The executor's hands: each method is one container operation with the events compose
//! reports for it. Under `--dry-run` the events are the same and the engine is not touched.

use berth_engine::Engine;
use berth_plan::Container;
use tokio::sync::Semaphore;

use crate::attach::LogConsumer;
use crate::convert::{ContainerSpec, InjectedFile};
use crate::error::{OpsError, OpsResult};
use crate::events::{status, Progress};
use crate::hooks::Hooks;

/// Runs container operations against the engine (or pretends to, in dry-run mode).
pub struct Runner<'a> {
    pub engine: &'a Engine,
    pub progress: &'a dyn Progress,
    pub dry_run: bool,
    /// `--parallel` / `COMPOSE_PARALLEL_LIMIT`: how many engine operations run at once.
    limit: Option<Semaphore>,
    /// Where the output of hooks goes when it is shown (attached `up`); without it hooks
    /// run detached.
    pub(crate) hook_output: Option<&'a dyn LogConsumer>,
}

/// The event id compose uses for a container.
pub fn container_event(name: &str) -> String {
    format!("Container {name}")
}

impl<'a> Runner<'a> {
    pub fn new(
        engine: &'a Engine,
        progress: &'a dyn Progress,
        dry_run: bool,
        parallel: Option<usize>,
    ) -> Runner<'a> {
        Runner {
            engine,
            progress,
            dry_run,
            limit: parallel.filter(|n| *n > 0).map(Semaphore::new),
            hook_output: None,
        }
    }

    /// Shows the output of the hooks it runs on `consumer`.
    pub fn with_hook_output(mut self, consumer: &'a dyn LogConsumer) -> Runner<'a> {
        self.hook_output = Some(consumer);
        self
    }

    pub(crate) async fn permit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        match &self.limit {
            Some(s) => s.acquire().await.ok(),
            None => None,
        }
    }

    /// Creates the container and connects its extra networks; returns its ID.
    pub async fn create(&self, spec: &ContainerSpec, event_name: &str) -> OpsResult<String> {
        let _permit = self.permit().await;
        let id = container_event(event_name);
        self.progress.event(status::creating(&id));
        let created = self.create_quietly(spec).await;
        match created {
            Ok(cid) => {
                self.progress.event(status::created(&id));
                Ok(cid)
            }
            Err(e) => {
                self.progress.event(status::failed(&id, &e.to_string()));
                Err(e)
            }
        }
    }

    /// The engine calls of a create, without events (a recreate reports its own).
    async fn create_quietly(&self, spec: &ContainerSpec) -> OpsResult<String> {
        if self.dry_run {
            return Ok(format!("dryRun{}", spec.name));
        }
        let cid = self
            .engine
            .create_container_with_mac(
                &spec.name,
                spec.platform.as_deref(),
                spec.body.clone(),
                spec.mac_address.as_deref(),
            )
            .await?;
        for (network, endpoint) in &spec.connect {
            self.engine
                .connect_network(network, &cid, endpoint.clone())
                .await?;
        }
        Ok(cid)
    }

    /// Replaces `old` by a container made from `spec` (compose's recreate: create under a
    /// temporary name, stop and remove the old one, rename the new one).
    pub async fn recreate(
        &self,
        old: &Container,
        spec: &ContainerSpec,
        final_name: &str,
        timeout: Option<i32>,
    ) -> OpsResult<String> {
        let _permit = self.permit().await;
        let id = container_event(&old.name);
        self.progress.event(status::recreate(&id));
        let result: OpsResult<String> = async {
            let cid = self.create_quietly(spec).await?;
            if !self.dry_run {
                self.engine.stop_container(&old.id, timeout).await?;
                self.engine.remove_container(&old.id, false, false).await?;
                self.engine.rename_container(&cid, final_name).await?;
            }
            Ok(cid)
        }
        .await;
        match result {
            Ok(cid) => {
                self.progress.event(status::recreated(&id));
                Ok(cid)
            }
            Err(e) => {
                self.progress.event(status::failed(&id, &e.to_string()));
                Err(e)
            }
        }
    }

    /// Copies the injected files in, starts the container and runs its `post_start` hooks.
    pub async fn start(
        &self,
        cid: &str,
        name: &str,
        files: &[InjectedFile],
        post_start: &Hooks<'_>,
    ) -> OpsResult<()> {
        let _permit = self.permit().await;
        let id = container_event(name);
        if !self.dry_run {
            for file in files {
                self.engine
                    .upload_archive(cid, "/", crate::archive::single_file(file))
                    .await?;
            }
        }
        self.progress.event(status::starting(&id));
        if !self.dry_run {
            // compose's startService returns the error without an event.
            self.engine.start_container(cid).await?;
        }
        self.run_hooks(cid, post_start).await?;
        self.progress.event(status::started(&id));
        Ok(())
    }

    /// Starts a container in a state `start` skips (paused…), as convergence does.
    pub async fn restart(&self, container: &Container) -> OpsResult<()> {
        let _permit = self.permit().await;
        let id = container_event(&container.name);
        self.progress
            .event(crate::Event::new(&id, crate::Status::Working, "Restart"));
        if !self.dry_run {
            self.engine.start_container(&container.id).await?;
        }
        self.progress
            .event(crate::Event::new(&id, crate::Status::Done, "Restarted"));
        Ok(())
    }

    /// Runs the container's `pre_stop` hooks, then stops it. A container a hook finds
    /// stopped or gone is left as it is, as compose leaves it.
    pub async fn stop(
        &self,
        container: &Container,
        timeout: Option<i32>,
        pre_stop: &Hooks<'_>,
    ) -> OpsResult<()> {
        let _permit = self.permit().await;
        let id = container_event(&container.name);
        self.progress.event(status::stopping(&id));
        match self.run_hooks(&container.id, pre_stop).await {
            Err(OpsError::Engine(e)) if e.is_not_found() || e.is_conflict() => return Ok(()),
            other => other?,
        }
        if !self.dry_run {
            if let Err(e) = self.engine.stop_container(&container.id, timeout).await {
                if e.is_not_found() {
                    return Err(e.into());
                }
                self.progress
                    .event(status::failed(&id, "Error while Stopping"));
                return Err(e.into());
            }
        }
        self.progress.event(status::stopped(&id));
        Ok(())
    }

    pub async fn remove(&self, container: &Container, volumes: bool) -> OpsResult<()> {
        let _permit = self.permit().await;
        let id = container_event(&container.name);
        self.progress.event(status::removing(&id));
        if !self.dry_run {
            if let Err(e) = self
                .engine
                .remove_container(&container.id, true, volumes)
                .await
            {
                if !e.is_not_found() && !e.is_conflict() {
                    self.progress
                        .event(status::failed(&id, "Error while Removing"));
                    return Err(e.into());
                }
            }
        }
        self.progress.event(status::removed(&id));
        Ok(())
    }

    /// Stops then removes (scale down, down, orphans).
    pub async fn stop_and_remove(
        &self,
        container: &Container,
        timeout: Option<i32>,
        volumes: bool,
        pre_stop: &Hooks<'_>,
    ) -> OpsResult<()> {
        match self.stop(container, timeout, pre_stop).await {
            Err(crate::OpsError::Engine(e)) if e.is_not_found() => {
                self.progress
                    .event(status::removed(&container_event(&container.name)));
                return Ok(());
            }
            other => other?,
        }
        self.remove(container, volumes).await
    }
}
