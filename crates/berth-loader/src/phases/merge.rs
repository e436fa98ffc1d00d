//! Merge of several compose files. OWNER: merge helper (replaces this stub).
