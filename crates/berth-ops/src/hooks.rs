//! Service hooks: the `post_start` commands compose runs in a container once it started,
//! and the `pre_stop` ones before it stops (compose's `runHook`), through the engine's exec.

use berth_engine::models::ExecConfig;
use berth_engine::Output;
use berth_model::compose::ServiceHook;
use berth_plan::Container;
use futures_util::StreamExt;

use crate::attach::LogStream;
use crate::error::{OpsError, OpsResult};
use crate::runner::Runner;
use berth_model::compose::Project;

/// How often a detached hook is looked at until it ends (compose's ticker).
const POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// The hooks to run in one container, with what running them needs to know.
#[derive(Debug, Clone, Default)]
pub struct Hooks<'a> {
    pub commands: &'a [ServiceHook],
    /// The service's name: a failure reads `<service> hook exited with status N`.
    pub service: &'a str,
    /// Whether the service has a terminal (the hook's output is then not multiplexed).
    pub tty: bool,
    /// The prefix of the hook's output lines when they are shown: `<container> ->`.
    pub source: String,
}

impl<'a> Hooks<'a> {
    /// The `post_start` hooks of `container`'s service, if the project declares any.
    pub fn post_start(project: Option<&'a Project>, container: &Container) -> Hooks<'a> {
        Hooks::of(project, container, |s| &s.post_start)
    }

    /// The `pre_stop` hooks of `container`'s service, if the project declares any. Without
    /// the project (`-p` alone) compose knows no hooks either.
    pub fn pre_stop(project: Option<&'a Project>, container: &Container) -> Hooks<'a> {
        Hooks::of(project, container, |s| &s.pre_stop)
    }

    fn of(
        project: Option<&'a Project>,
        container: &Container,
        which: fn(&berth_model::compose::Service) -> &Vec<ServiceHook>,
    ) -> Hooks<'a> {
        let Some((project, service)) =
            project.and_then(|p| Some((p, p.services.get(&container.service)?)))
        else {
            return Hooks::default();
        };
        Hooks {
            commands: which(service),
            service: &service.name,
            tty: service.tty,
            source: format!("{} ->", crate::attach::log_source(project, container)),
        }
    }
}

/// A hook's exec, as compose creates it (`ToMobyEnv` keeps a bare key for an unset value).
fn exec_config(hook: &ServiceHook, attached: bool) -> ExecConfig {
    let env = hook
        .environment
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        })
        .collect();
    ExecConfig {
        user: hook.user.clone(),
        privileged: Some(hook.privileged),
        env: Some(env),
        working_dir: hook.working_dir.clone(),
        cmd: Some(hook.command.clone()),
        attach_stdout: Some(attached),
        attach_stderr: Some(attached),
        ..Default::default()
    }
}

impl Runner<'_> {
    /// Runs `hooks` in container `id`, one after the other; the first failure ends them.
    pub(crate) async fn run_hooks(&self, id: &str, hooks: &Hooks<'_>) -> OpsResult<()> {
        for hook in hooks.commands {
            self.run_hook(id, hooks, hook).await?;
        }
        Ok(())
    }

    async fn run_hook(&self, id: &str, hooks: &Hooks<'_>, hook: &ServiceHook) -> OpsResult<()> {
        let failed = |code: i64| {
            OpsError::message(format!("{} hook exited with status {code}", hooks.service))
        };
        if self.dry_run {
            // compose's dry-run client creates the exec and only says what it would run.
            if self.hook_output.is_some() {
                return Err(OpsError::message(
                    "interactive exec is not supported in dry-run mode",
                ));
            }
            let command: Vec<String> = hook
                .command
                .iter()
                .map(|c| berth_model::golang::quote(c))
                .collect();
            self.progress.notice(&format!(
                " DRY-RUN MODE - Executing command [{}] in {id} (detached mode)",
                command.join(" ")
            ));
            return Ok(());
        }
        let Some(consumer) = self.hook_output else {
            // Detached: compose ignores a failed start and polls until the exec ends.
            let exec = self
                .engine
                .create_exec(id, exec_config(hook, false))
                .await?;
            if self
                .engine
                .start_exec(&exec, true, hooks.tty)
                .await
                .is_err()
            {
                return Ok(());
            }
            loop {
                tokio::time::sleep(POLL).await;
                match self.engine.inspect_exec(&exec).await {
                    Ok((true, _)) => continue,
                    Ok((false, 0)) | Err(_) => return Ok(()),
                    Ok((false, code)) => return Err(failed(code)),
                }
            }
        };
        let exec = self.engine.create_exec(id, exec_config(hook, true)).await?;
        if let Some(mut output) = self.engine.start_exec(&exec, false, hooks.tty).await? {
            // Both streams are written to the same place, as compose's hook writer does.
            while let Some(chunk) = output.next().await {
                let (Output::Stdout(bytes) | Output::Stderr(bytes)) = chunk?;
                crate::attach::each_line(&bytes, |line| {
                    consumer.log(&hooks.source, LogStream::Stdout, line)
                });
            }
        }
        match self.engine.inspect_exec(&exec).await? {
            (_, 0) => Ok(()),
            (_, code) => Err(failed(code)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_keeps_bare_environment_keys_and_attaches_only_when_shown() {
        let hook = ServiceHook {
            command: vec!["sh".into(), "-c".into(), "true".into()],
            user: Some("nobody".into()),
            environment: [("A".to_string(), Some("1".to_string())), ("B".into(), None)]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let detached = exec_config(&hook, false);
        assert_eq!(detached.env, Some(vec!["A=1".to_string(), "B".to_string()]));
        assert_eq!(detached.user.as_deref(), Some("nobody"));
        assert_eq!(detached.attach_stdout, Some(false));
        assert_eq!(exec_config(&hook, true).attach_stderr, Some(true));
    }
}
