//! Interpolation phase. OWNER: interpolation helper (replaces this stub).
