//! Reconciliation: what the compose file wants and what the engine has become a plan of
//! single engine calls. Pure and deterministic; `Display` of a plan is what `--dry-run`
//! prints and what plan tests compare.

pub mod graph;
pub mod observed;
pub mod reconcile;

pub use observed::{AnonymousVolume, Container, Network, Observed, State, Volume};
pub use reconcile::{
    converge_service, must_recreate, plan_network, plan_volume, ContainerAction, DesiredService,
    Divergence, NetworkAction, PlanError, Recreate, VolumeAction,
};
