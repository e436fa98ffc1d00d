//! The loading phases and the path rule trees they share. In the order they run:
//!
//! 1. per file and YAML document: [`parse`] → [`interpolate`] (grammar in [`template`]) →
//!    [`extends`] → [`include`](mod@include) → [`merge`] (and uniqueness) → [`validate`] (the schema) →
//!    [`canonical`] (short syntax to long, omit empty);
//! 2. on the merged model: [`defaults`] → [`checks`] → [`paths`] → [`environment`] →
//!    [`normalise`];
//! 3. bind to the typed model (`berth_model::shape::decode`), then on the project:
//!    [`profiles`] → [`consistency`] → [`env_files`];
//! 4. for the commands that run the project: [`typed`](mod@typed) (one typed project, with
//!    its config hashes).
//!
//! [`dotenv`] reads `.env` and `env_file`s for the steps that need them.

pub mod tree;

pub mod canonical;
pub mod checks;
pub mod consistency;
pub mod defaults;
pub mod dotenv;
pub mod env_files;
pub mod environment;
pub mod extends;
pub mod include;
pub mod interpolate;
pub mod merge;
pub mod normalise;
pub mod parse;
pub mod paths;
pub mod profiles;
pub mod template;
pub mod typed;
pub mod validate;
