//! Phase paths. OWNER: transform helper (replaces this stub).
