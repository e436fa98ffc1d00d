//! Phase canonical. OWNER: transform helper (replaces this stub).
