//! Phase normalise. OWNER: transform helper (replaces this stub).
