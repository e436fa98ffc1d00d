//! Phase environment. OWNER: transform helper (replaces this stub).
