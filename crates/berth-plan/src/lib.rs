//! Reconciliation: what the compose file wants and what the engine has become a plan of
//! single engine calls, each with its reason. Pure and deterministic: this crate has the
//! engine API's data types but no client, so it cannot call the engine.

pub mod convert;
pub mod graph;
pub mod observed;
pub mod plan;
pub mod reconcile;

pub use observed::{AnonymousVolume, Container, Network, Observed, State, Volume};
pub use plan::{ContainerRef, Operation, Phase, Plan, Report, Step, StepId, Target, Word};
pub use reconcile::{
    converge_service, must_recreate, plan_network, plan_volume, ContainerAction, DesiredService,
    Divergence, NetworkAction, PlanError, Recreate, VolumeAction,
};
