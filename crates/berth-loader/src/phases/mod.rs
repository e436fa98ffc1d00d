//! The loading phases, in the order compose-go applies them.

pub mod parse;
pub mod interpolate;
pub mod template;
pub mod dotenv;
pub mod extends;
pub mod include;
pub mod merge;
pub mod validate;
pub mod canonical;
pub mod defaults;
pub mod paths;
pub mod environment;
pub mod normalise;
pub mod profiles;
pub mod consistency;
pub mod checks;
pub mod env_files;
