//! The `${VAR}` substitution grammar. OWNER: interpolation helper (replaces this stub).
