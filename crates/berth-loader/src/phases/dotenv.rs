//! The .env dialect. OWNER: interpolation helper (replaces this stub).
