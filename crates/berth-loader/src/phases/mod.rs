//! The loading phases, in the order compose-go applies them.

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
pub mod validate;
