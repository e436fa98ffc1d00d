//! Walking the dependency graph with independent services in parallel: a service starts
//! once all its prerequisites are done (forward: its dependencies; reverse: its dependents).
//! Futures run concurrently on the caller's task, so nothing needs to be `'static`.

use std::future::Future;

use berth_plan::graph::Graph;
use futures_util::stream::{FuturesUnordered, StreamExt};
use indexmap::IndexSet;

use crate::error::OpsResult;

/// Runs `visit` for every service of `graph` in dependency order, concurrently where the
/// graph allows; stops scheduling at the first error and returns it.
pub async fn walk<'g, F, Fut>(graph: &'g Graph, reverse: bool, visit: F) -> OpsResult<()>
where
    F: Fn(&'g str) -> Fut,
    Fut: Future<Output = OpsResult<()>>,
{
    let mut done: IndexSet<&str> = IndexSet::new();
    let mut started: IndexSet<&str> = IndexSet::new();
    let mut running = FuturesUnordered::new();
    loop {
        for service in graph.services() {
            if !started.contains(service)
                && graph
                    .prerequisites(service, reverse)
                    .iter()
                    .all(|p| done.contains(p))
            {
                started.insert(service);
                let fut = visit(service);
                running.push(async move { (service, fut.await) });
            }
        }
        match running.next().await {
            Some((service, Ok(()))) => {
                done.insert(service);
            }
            Some((_, Err(e))) => return Err(e),
            None => break,
        }
    }
    if started.len() < graph.len() {
        // A dependency cycle left services unvisited; the loader reports cycles first.
        for service in graph.services().filter(|s| !started.contains(s)) {
            visit(service).await?;
        }
    }
    Ok(())
}
