//! The engine's floor for the run benchmark (`scripts/bench-up.sh`): the least a client must
//! ask of the engine to bring `n` services of `berth-example/busybox:local` up and down,
//! with the same create body compose sends. No project file, no events, no checks.
//!
//!     floor up <project> <n> [chain]   network, create all in parallel, start all in
//!                                       parallel (chain: one after another)
//!     floor down <project>             stop+remove all in parallel, then the network
//!     floor ps <project>               one filtered list (what `ps` needs)
//!     floor ls                         one list of every compose container (what `ls` needs)
//!     floor noop <project>             one list of the project's containers (a no-op `up`)
//!     floor purge <project>            force-remove all, then the network (clean-up, untimed)
//!
//! Containers carry compose's project, service, number and oneoff labels, so `down` (and the
//! benchmark's clean-up) finds them by label like compose does.

#![allow(clippy::print_stderr)]

use std::collections::HashMap;

use berth_engine::models::{
    ContainerCreateBody, EndpointSettings, HostConfig, NetworkCreateRequest, NetworkingConfig,
};
use berth_engine::{ContainerFilter, Engine, EngineError};
use futures_util::future::try_join_all;
use indexmap::IndexMap;

const IMAGE: &str = "berth-example/busybox:local";
const PROJECT: &str = "com.docker.compose.project";

fn network_name(project: &str) -> String {
    format!("{project}_default")
}

fn body(project: &str, service: &str, name: &str) -> ContainerCreateBody {
    let network = network_name(project);
    let labels: HashMap<String, String> = [
        (PROJECT, project),
        ("com.docker.compose.service", service),
        ("com.docker.compose.container-number", "1"),
        ("com.docker.compose.oneoff", "False"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let endpoint = EndpointSettings {
        aliases: Some(vec![name.to_string(), service.to_string()]),
        ..Default::default()
    };
    ContainerCreateBody {
        image: Some(IMAGE.to_string()),
        cmd: Some(vec!["sleep".into(), "3600".into()]),
        env: Some(Vec::new()),
        labels: Some(labels),
        tty: Some(false),
        open_stdin: Some(false),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        host_config: Some(HostConfig {
            network_mode: Some(network.clone()),
            init: Some(true),
            ..Default::default()
        }),
        networking_config: Some(NetworkingConfig {
            endpoints_config: Some(HashMap::from([(network, endpoint)])),
        }),
        ..Default::default()
    }
}

async fn up(engine: &Engine, project: &str, n: usize, chain: bool) -> Result<(), EngineError> {
    let labels = HashMap::from([
        (PROJECT.to_string(), project.to_string()),
        (
            "com.docker.compose.network".to_string(),
            "default".to_string(),
        ),
    ]);
    engine
        .create_network(NetworkCreateRequest {
            name: network_name(project),
            labels: Some(labels),
            ..Default::default()
        })
        .await?;
    let ids = try_join_all((0..n).map(|i| async move {
        let service = format!("svc{i}");
        let name = format!("{project}-{service}-1");
        engine
            .create_container(&name, None, body(project, &service, &name))
            .await
    }))
    .await?;
    if chain {
        for id in &ids {
            engine.start_container(id).await?;
        }
    } else {
        try_join_all(ids.iter().map(|id| engine.start_container(id))).await?;
    }
    Ok(())
}

async fn list(engine: &Engine, label: String, all: bool) -> Result<Vec<String>, EngineError> {
    let filter = ContainerFilter {
        labels: vec![label],
        all,
    };
    Ok(engine
        .list_containers(&filter)
        .await?
        .into_iter()
        .filter_map(|c| c.id)
        .collect())
}

async fn down(engine: &Engine, project: &str) -> Result<(), EngineError> {
    let ids = list(engine, format!("{PROJECT}={project}"), true).await?;
    try_join_all(ids.iter().map(|id| async move {
        engine.stop_container(id, None).await?;
        engine.remove_container(id, true, false).await
    }))
    .await?;
    match engine.remove_network(&network_name(project)).await {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

/// Clean-up between rounds: force-removes whatever the project has, whoever made it.
async fn purge(engine: &Engine, project: &str) -> Result<(), EngineError> {
    let ids = list(engine, format!("{PROJECT}={project}"), true).await?;
    try_join_all(ids.iter().map(|id| engine.remove_container(id, true, true))).await?;
    // A loaded engine may still be releasing the endpoints of the removed containers.
    let mut tries = 0;
    loop {
        match engine.remove_network(&network_name(project)).await {
            Err(e) if e.is_not_found() => return Ok(()),
            Err(_) if tries < 10 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            }
            other => return other,
        }
    }
}

async fn run(args: &[String], env: &IndexMap<String, String>) -> Result<(), EngineError> {
    // Negotiates the API version with one ping, as the docker CLI does.
    let engine = Engine::connect(env).await?;
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    match arg(0) {
        "up" => {
            let n = arg(2).parse().unwrap_or(1);
            up(&engine, arg(1), n, arg(3) == "chain").await
        }
        "down" => down(&engine, arg(1)).await,
        "ps" => list(&engine, format!("{PROJECT}={}", arg(1)), false)
            .await
            .map(drop),
        "noop" => list(&engine, format!("{PROJECT}={}", arg(1)), true)
            .await
            .map(drop),
        "purge" => purge(&engine, arg(1)).await,
        "ls" => list(&engine, PROJECT.to_string(), true).await.map(drop),
        other => Err(EngineError::Other(format!(
            "unknown floor command {other:?}"
        ))),
    }
}

// The floor is its own program: like berth's settings, it reads the environment once, here.
#[allow(clippy::disallowed_methods)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let env: IndexMap<String, String> = std::env::vars()
        .filter(|(k, _)| k == "DOCKER_HOST")
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Err(e) = runtime.block_on(run(&args, &env)) {
        eprintln!("floor: {e}");
        std::process::exit(1);
    }
}
