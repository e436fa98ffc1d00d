//! Compose files to a normalised project, following compose-go's loading pipeline.
//!
//! `load()` reads top to bottom as the list of phases; each phase is a module of `phases`.
//! Everything here is synchronous and does no engine I/O; the process environment is passed
//! in as a value, never read here.

pub mod diagnostics;
pub mod phases;

pub use diagnostics::Diagnostics;

/// Looks a variable up in the project environment (the interpolation environment).
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;
