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
    let (t, _) = berth_model::gotime::UtcTime::now();
    format!("{}T{}Z", t.date(), t.clock())
}

/// Writes a status message to stderr as is (compose's `stdinfo`, some without a line break).
pub fn info(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}
