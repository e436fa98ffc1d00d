//! The compose application model: what every other berth crate agrees a project is.
//!
//! Pure data and pure functions: the ordered value tree the loader works on, the canonical
//! shape of the model (struct field order and Go types of docker compose's types), the
//! writers that print it exactly as `docker compose config` does, and the config hash.

pub mod compose;
pub mod docker_time;
pub mod emit;
pub mod gofmt;
pub mod golang;
pub mod gotime;
pub mod hash;
pub mod image_ref;
pub mod labels;
pub mod shape;
pub mod value;

pub use value::{Map, Value};
