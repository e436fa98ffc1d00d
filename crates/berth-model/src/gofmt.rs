//! Go's number formatting (strconv.FormatFloat), reproduced for byte-identical output.
//! OWNER: model helper (replaces this stub).

/// Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, bits)` does.
pub fn format_float(f: f64, _bits: u32) -> String {
    f.to_string()
}
