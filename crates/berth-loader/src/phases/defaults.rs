//! Phase defaults. OWNER: transform helper (replaces this stub).
