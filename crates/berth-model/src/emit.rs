//! Writers for the model as `docker compose config` prints it (YAML and JSON).
//! OWNER: model helper (replaces this stub).
