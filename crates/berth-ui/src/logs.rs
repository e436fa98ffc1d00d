//! Container output as compose prints it when attached: `name | line` with a padded,
//! coloured prefix per container (cmd/formatter/logs.go), plus its status lines.

use std::io::Write;
use std::sync::Mutex;

use berth_ops::attach::{LogConsumer, LogStream};

/// compose's rainbow: cyan, yellow, green, magenta, blue, then their intense forms.
const RAINBOW: [&str; 10] = [
    "36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1",
];

/// `\r\033[K`: compose's status lines clear the terminal line first.
const RESET_LINE: &str = "\r\x1b[K";

fn paint(code: Option<&str>, s: &str) -> String {
    match code {
        Some(code) => format!("\x1b[{code}m{s}\x1b[0m"),
        None => s.to_string(),
    }
}

/// How the output looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogStyle {
    pub color: bool,
    pub prefix: bool,
    pub timestamps: bool,
}

/// Prints attached containers' output, registering each container on its first line.
pub struct LogPrinter {
    style: LogStyle,
    /// Containers in registration order with their colour.
    presenters: Mutex<Vec<(String, Option<&'static str>)>>,
    /// Whether `Aborting…` is coloured (the progress colours, off only under NO_COLOR).
    error_color: bool,
}

impl LogPrinter {
    pub fn new(style: LogStyle, error_color: bool) -> LogPrinter {
        LogPrinter {
            style,
            presenters: Mutex::new(Vec::new()),
            error_color,
        }
    }

    /// The prefix and colour of `source`, registering it (which may widen every prefix).
    fn presenter(&self, source: &str) -> (String, Option<&'static str>) {
        let mut presenters = self.presenters.lock().expect("presenters lock");
        if !presenters.iter().any(|(n, _)| n == source) {
            // compose's presenter of "" (its progress lines) is monochrome and takes no
            // colour from the rainbow.
            let taken = presenters.iter().filter(|(n, _)| !n.is_empty()).count();
            let color =
                (self.style.color && !source.is_empty()).then(|| RAINBOW[taken % RAINBOW.len()]);
            presenters.push((source.to_string(), color));
        }
        let width = presenters.iter().map(|(n, _)| n.len()).max().unwrap_or(0) + 1;
        let color = presenters
            .iter()
            .find(|(n, _)| n == source)
            .and_then(|(_, c)| *c);
        let prefix = if self.style.prefix {
            paint(color, &format!("{source:<width$} | "))
        } else {
            String::new()
        };
        (prefix, color)
    }
}

/// Go's `RFC3339NanoFixed` in UTC: nine fractional digits, `Z`.
fn timestamp() -> String {
    let (t, nanos) = berth_model::gotime::UtcTime::now();
    format!("{}T{}.{nanos:09}Z", t.date(), t.clock())
}

fn write(stream: LogStream, text: &str) {
    let bytes = text.as_bytes();
    let _ = match stream {
        LogStream::Stdout => std::io::stdout().lock().write_all(bytes),
        LogStream::Stderr => std::io::stderr().lock().write_all(bytes),
    };
}

impl LogConsumer for LogPrinter {
    fn attaching(&self, names: &[String]) {
        write(
            LogStream::Stdout,
            &format!("Attaching to {}\n", names.join(", ")),
        );
    }

    fn log(&self, source: &str, stream: LogStream, line: &str) {
        let (prefix, _) = self.presenter(source);
        let text = if self.style.timestamps {
            format!("{prefix}{} {line}\n", timestamp())
        } else {
            format!("{prefix}{line}\n")
        };
        write(stream, &text);
    }

    fn status(&self, source: &str, message: &str) {
        let (_, color) = self.presenter(source);
        write(
            LogStream::Stdout,
            &paint(color, &format!("{RESET_LINE}{source} {message}\n")),
        );
    }

    fn stopping(&self) {
        write(
            LogStream::Stdout,
            "Gracefully Stopping... press Ctrl+C again to force\n",
        );
    }

    fn notice(&self, message: &str) {
        write(LogStream::Stdout, &format!("{message}\n"));
    }

    fn aborting(&self) {
        let text = if self.error_color {
            "\x1b[31m\x1b[1mAborting on container exit...\x1b[0m\n"
        } else {
            "Aborting on container exit...\n"
        };
        write(LogStream::Stderr, text);
    }
}

/// compose's mixed writer: under a terminal (and `--progress` left to auto), the stops
/// that follow a Ctrl-C in attached `up` are status lines among the containers' output
/// (` Container p-web-1  Stopping`, the status in green), not a progress display.
pub struct StatusLines<'a> {
    consumer: &'a dyn LogConsumer,
    color: bool,
    warn: Box<dyn Fn(&str) + Send + Sync>,
}

impl<'a> StatusLines<'a> {
    pub fn new(
        consumer: &'a dyn LogConsumer,
        color: bool,
        warn: Box<dyn Fn(&str) + Send + Sync>,
    ) -> StatusLines<'a> {
        StatusLines {
            consumer,
            color,
            warn,
        }
    }
}

impl berth_ops::events::Progress for StatusLines<'_> {
    fn event(&self, e: berth_ops::Event) {
        let status = if self.color {
            format!("\x1b[32m{}\x1b[0m", e.status_text)
        } else {
            e.status_text
        };
        self.consumer
            .status("", &format!("{} {} {status}", e.id, e.text));
    }

    fn warning(&self, message: &str) {
        (self.warn)(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_widen_as_containers_register() {
        let printer = LogPrinter::new(
            LogStyle {
                color: false,
                prefix: true,
                timestamps: false,
            },
            false,
        );
        assert_eq!(printer.presenter("short-1").0, "short-1  | ");
        assert_eq!(printer.presenter("longername-1").0, "longername-1  | ");
        assert_eq!(printer.presenter("short-1").0, "short-1       | ");
    }

    #[test]
    fn colours_follow_the_rainbow_in_registration_order() {
        let printer = LogPrinter::new(
            LogStyle {
                color: true,
                prefix: true,
                timestamps: false,
            },
            true,
        );
        assert_eq!(printer.presenter("a-1").0, "\x1b[36ma-1  | \x1b[0m");
        assert_eq!(printer.presenter("b-1").1, Some("33"));
    }

    #[test]
    fn timestamps_have_nine_fraction_digits() {
        let t = timestamp();
        assert_eq!(t.len(), "2006-01-02T15:04:05.000000000Z".len(), "{t}");
        assert!(t.ends_with('Z'));
    }
}
