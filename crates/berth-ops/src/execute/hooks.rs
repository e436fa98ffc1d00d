//! Service hooks: the `post_start` commands compose runs in a container once it started,
//! and the `pre_stop` ones before it stops (compose's `runHook`), through the engine's exec.

use berth_engine::models::ExecConfig;
use berth_engine::Output;
use berth_model::compose::ServiceHook;
use futures_util::StreamExt;

use super::Executor;
use crate::attach::LogStream;
use crate::error::{OpsError, OpsResult};

/// How often a detached hook is looked at until it ends (compose's ticker).
const POLL: std::time::Duration = std::time::Duration::from_millis(100);

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

impl Executor<'_> {
    /// Runs `hook` of `service` in container `id`: detached and polled, or, when hook
    /// output is shown (attached `up`), with its lines under `source`.
    pub(super) async fn run_hook(
        &self,
        id: &str,
        hook: &ServiceHook,
        service: &str,
        tty: bool,
        source: &str,
    ) -> OpsResult<()> {
        let failed = |code: i64| OpsError::HookFailed {
            service: service.to_string(),
            code,
        };
        let Some(engine) = self.hands.live() else {
            // compose's dry-run client creates the exec and only says what it would run.
            if self.hook_output.is_some() {
                return Err(OpsError::InteractiveDryRun);
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
        };
        let Some(consumer) = self.hook_output else {
            // Detached: compose ignores a failed start and polls until the exec ends.
            let exec = engine.create_exec(id, exec_config(hook, false)).await?;
            if engine.start_exec(&exec, true, tty).await.is_err() {
                return Ok(());
            }
            loop {
                tokio::time::sleep(POLL).await;
                match engine.inspect_exec(&exec).await {
                    Ok((true, _)) => continue,
                    Ok((false, 0)) | Err(_) => return Ok(()),
                    Ok((false, code)) => return Err(failed(code)),
                }
            }
        };
        let exec = engine.create_exec(id, exec_config(hook, true)).await?;
        if let Some(mut output) = engine.start_exec(&exec, false, tty).await? {
            // Both streams are written to the same place, as compose's hook writer does.
            while let Some(chunk) = output.next().await {
                let (Output::Stdout(bytes) | Output::Stderr(bytes)) = chunk?;
                crate::attach::each_line(&bytes, |line| {
                    consumer.log(source, LogStream::Stdout, line)
                });
            }
        }
        match engine.inspect_exec(&exec).await? {
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
