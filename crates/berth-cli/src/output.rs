//! How diagnostics reach the terminal: compose's logrus lines for warnings, plain errors.

use std::io::Write;

use berth_model::golang;

use crate::settings::Settings;

/// Prints a warning as compose (logrus) does: `WARN[0000] msg` on a terminal, a
/// `time="…" level=warning msg="…"` line otherwise.
pub fn warn(settings: &Settings, message: &str) {
    let line = if settings.stderr_is_tty {
        format!("WARN[0000] {message}\n")
    } else {
        format!(
            "time=\"{}\" level=warning msg={}\n",
            rfc3339_now(),
            golang::quote(message)
        )
    };
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Prints an error message on stderr.
pub fn error(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// Writes data to stdout.
pub fn data(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// The current UTC time as RFC 3339, seconds precision (logrus' default timestamp).
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Writes a status message to stderr as is (compose's `stdinfo`, some without a line break).
pub fn info(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}
