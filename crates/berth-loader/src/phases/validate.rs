//! Schema validation. OWNER: schema helper (replaces this stub).
