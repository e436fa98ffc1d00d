//! Container output as compose prints it when attached: `name | line` with a padded,
//! coloured prefix per container (cmd/formatter/logs.go), plus its status lines.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

use berth_ops::attach::{LogConsumer, LogStream};
use berth_ops::logs::LogSink;

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

/// Prints containers' output, registering each container on its first line.
pub struct LogPrinter {
    style: LogStyle,
    state: Mutex<Presenters>,
    /// Whether `Aborting…` is coloured (the progress colours, off only under NO_COLOR).
    error_color: bool,
}

/// The registered containers, their prefixes, and the output not yet written.
#[derive(Default)]
struct Presenters {
    /// Name, colour and prefix, in registration order.
    list: Vec<(String, Option<&'static str>, Vec<u8>)>,
    index: HashMap<String, usize>,
    /// `logs`' lines, written to stdout at each flush (compose writes each line on its own,
    /// a system call per line; buffering is most of berth's speed here).
    buffer: Vec<u8>,
}

/// The buffer is written out when it grows past this, so a fast producer does not hold
/// its output back.
const FLUSH_AT: usize = 64 * 1024;

impl Presenters {
    /// The index of `source`, registering it (which may widen every prefix, as compose's
    /// width is the longest name registered so far).
    fn register(&mut self, style: &LogStyle, source: &str) -> usize {
        if let Some(i) = self.index.get(source) {
            return *i;
        }
        // compose's presenter of "" (its progress lines) is monochrome and takes no colour
        // from the rainbow.
        let taken = self.list.iter().filter(|(n, _, _)| !n.is_empty()).count();
        let color = (style.color && !source.is_empty()).then(|| RAINBOW[taken % RAINBOW.len()]);
        self.list.push((source.to_string(), color, Vec::new()));
        let i = self.list.len() - 1;
        self.index.insert(source.to_string(), i);
        let width = self.list.iter().map(|(n, _, _)| n.len()).max().unwrap_or(0) + 1;
        for (name, color, prefix) in &mut self.list {
            *prefix = if style.prefix {
                paint(*color, &format!("{name:<width$} | ")).into_bytes()
            } else {
                Vec::new()
            };
        }
        i
    }

    fn write_out(&mut self) {
        if !self.buffer.is_empty() {
            let _ = std::io::stdout().lock().write_all(&self.buffer);
            self.buffer.clear();
        }
    }
}

impl LogPrinter {
    pub fn new(style: LogStyle, error_color: bool) -> LogPrinter {
        LogPrinter {
            style,
            state: Mutex::new(Presenters::default()),
            error_color,
        }
    }

    /// The prefix and colour of `source`, registering it (which may widen every prefix).
    fn presenter(&self, source: &str) -> (String, Option<&'static str>) {
        let mut state = self.state.lock().expect("presenters lock");
        let i = state.register(&self.style, source);
        let (_, color, prefix) = &state.list[i];
        (String::from_utf8_lossy(prefix).into_owned(), *color)
    }
}

impl LogSink for LogPrinter {
    fn line(&self, source: &str, line: &[u8]) {
        let mut state = self.state.lock().expect("presenters lock");
        let i = state.register(&self.style, source);
        let Presenters { list, buffer, .. } = &mut *state;
        buffer.extend_from_slice(&list[i].2);
        buffer.extend_from_slice(line);
        buffer.push(b'\n');
        if buffer.len() >= FLUSH_AT {
            state.write_out();
        }
    }

    fn status(&self, source: &str, message: &str) {
        self.flush();
        LogConsumer::status(self, source, message);
    }

    fn flush(&self) {
        self.state.lock().expect("presenters lock").write_out();
    }

    /// Nothing: the command line words the warning (it knows how warnings look).
    fn unreadable(&self, _container: &str, _message: &str) {}
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
