//! Reconciliation: what the compose file wants and what the engine has become a plan of
//! single engine calls. Pure and deterministic; `Display` of a plan is what `--dry-run`
//! prints and what plan tests compare.
