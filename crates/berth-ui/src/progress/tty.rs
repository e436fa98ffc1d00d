//! compose's tty progress view (pkg/progress/tty.go): a `[+] Running 2/3` header and a line
//! per object with a spinner or ✔/✘, its status and the time it took, redrawn in place with
//! cursor-up codes. [`View::frame`] is pure: state and clock in, bytes out.

use std::time::Instant;

use berth_ops::{Event, Status};
use indexmap::IndexMap;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const SPINNER_DONE: &str = "⠿";
const PERCENT_CHARS: [&str; 9] = ["⠀", "⡀", "⣀", "⣄", "⣤", "⣦", "⣶", "⣷", "⣿"];

/// compose's colours (morikuni/aec); all off with `NO_COLOR`.
#[derive(Debug, Clone, Copy)]
pub struct Colors {
    pub on: bool,
}

impl Colors {
    fn apply(self, code: &str, s: &str) -> String {
        if self.on {
            format!("{code}{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn done(self, s: &str) -> String {
        self.apply("\x1b[34m", s)
    }
    fn timer(self, s: &str) -> String {
        self.apply("\x1b[34m", s)
    }
    fn count(self, s: &str) -> String {
        self.apply("\x1b[33m", s)
    }
    fn warning(self, s: &str) -> String {
        self.apply("\x1b[33m\x1b[1m", s)
    }
    fn success(self, s: &str) -> String {
        self.apply("\x1b[32m", s)
    }
    fn error(self, s: &str) -> String {
        self.apply("\x1b[31m\x1b[1m", s)
    }
    fn prefix(self, s: &str) -> String {
        self.apply("\x1b[36m", s)
    }
    fn status(self, status: Status, s: &str) -> String {
        match status {
            Status::Done => self.success(s),
            Status::Warning => self.warning(s),
            Status::Error => self.error(s),
            Status::Working => s.to_string(),
        }
    }
}

/// One object's line.
#[derive(Debug, Clone)]
struct Task {
    event: Event,
    start: Instant,
    end: Option<Instant>,
    spinner_start: Instant,
    spinner_index: usize,
    spinner_stopped: bool,
}

impl Task {
    fn stop(&mut self, now: Instant) {
        self.end = Some(now);
        self.spinner_stopped = true;
    }

    /// compose's `Spinner.String`: it moves on at every draw once 100 ms have passed.
    fn spinner(&mut self, now: Instant) -> &'static str {
        if self.spinner_stopped {
            return SPINNER_DONE;
        }
        if now.duration_since(self.spinner_start).as_millis() > 100 {
            self.spinner_index = (self.spinner_index + 1) % SPINNER.len();
        }
        SPINNER[self.spinner_index]
    }
}

/// The view's state: the tasks in the order they first appeared, and what was drawn.
#[derive(Debug)]
pub struct View {
    tasks: IndexMap<String, Task>,
    num_lines: usize,
    repeated: bool,
    skip_child_events: bool,
    /// Messages printed under the last frame.
    pub tail: Vec<String>,
    pub title: String,
    pub dry_run: bool,
    pub colors: Colors,
}

impl View {
    pub fn new(title: &str, dry_run: bool, colors: Colors) -> View {
        View {
            tasks: IndexMap::new(),
            num_lines: 0,
            repeated: false,
            skip_child_events: false,
            tail: Vec::new(),
            title: title.to_string(),
            dry_run,
            colors,
        }
    }

    /// Forgets what was drawn: the next frame starts a new view below the last one.
    pub fn clear(&mut self) {
        self.tasks.clear();
        self.num_lines = 0;
        self.repeated = false;
        self.skip_child_events = false;
    }

    /// Whether anything was reported (compose draws nothing otherwise).
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Takes in an event (compose's `ttyWriter.event`).
    pub fn event(&mut self, e: Event, now: Instant) {
        if let Some(last) = self.tasks.get_mut(&e.id) {
            match e.status {
                Status::Done | Status::Error | Status::Warning => {
                    if last.event.status != e.status {
                        last.stop(now);
                    }
                }
                Status::Working => last.spinner_stopped = false,
            }
            last.event.status = e.status;
            last.event.text = e.text;
            last.event.status_text = e.status_text;
            // Progress only goes up.
            last.event.total = last.event.total.max(e.total);
            last.event.current = last.event.current.max(e.current);
            last.event.percent = last.event.percent.max(e.percent);
            // Parents may be set or unset, not swapped (the view would flicker).
            if last.event.parent_id.is_empty() || e.parent_id.is_empty() {
                last.event.parent_id = e.parent_id;
            }
        } else {
            let mut task = Task {
                start: now,
                end: None,
                spinner_start: now,
                spinner_index: 0,
                spinner_stopped: false,
                event: e.clone(),
            };
            if matches!(e.status, Status::Done | Status::Error) {
                task.stop(now);
            }
            self.tasks.insert(e.id, task);
        }
    }

    /// A message for under the view (compose's `TailMsgf`).
    pub fn add_tail(&mut self, message: &str) {
        if self.dry_run {
            self.tail.push(
                format!("{}{message}", super::DRY_RUN_PREFIX)
                    .trim()
                    .to_string(),
            );
        } else {
            self.tail.push(message.to_string());
        }
    }

    fn num_done(&self) -> usize {
        self.tasks
            .values()
            .filter(|t| t.event.status != Status::Working)
            .count()
    }

    /// Draws the view over the previous frame (compose's `ttyWriter.print`). `width` and
    /// `height` are the terminal's, -1 when unknown (as goterm reports).
    pub fn frame(&mut self, now: Instant, width: i64, height: i64) -> String {
        if self.tasks.is_empty() {
            return String::new();
        }
        let mut out = String::new();
        for _ in 0..=self.num_lines {
            out.push_str("\x1b[1A");
        }
        if !self.repeated {
            out.push_str("\x1b[1B");
        }
        self.repeated = true;
        out.push_str("\x1b[0G");
        out.push_str("\x1b[?25l");

        let done = self.num_done();
        let mut first = format!("[+] {} {}/{}", self.title, done, self.tasks.len());
        if self.num_lines != 0 && done == self.num_lines {
            first = self.colors.done(&first);
        }
        out.push_str(&first);
        out.push('\n');

        let mut status_padding: i64 = 0;
        for t in self.tasks.values() {
            let l = (t.event.id.len() + 1 + t.event.text.len()) as i64;
            if status_padding < l {
                status_padding = l;
            }
            if !t.event.parent_id.is_empty() {
                status_padding -= 2;
            }
        }
        if self.tasks.len() as i64 > height - 2 {
            self.skip_child_events = true;
        }
        let ids: Vec<String> = self.tasks.keys().cloned().collect();
        let mut num_lines = 0;
        for id in &ids {
            if !self.tasks[id].event.parent_id.is_empty() {
                continue;
            }
            out.push_str(&self.line(id, "", now, width, status_padding));
            num_lines += 1;
            for child in &ids {
                if &self.tasks[child].event.parent_id == id {
                    if self.skip_child_events {
                        continue;
                    }
                    out.push_str(&self.line(child, "  ", now, width, status_padding));
                    num_lines += 1;
                }
            }
        }
        // Blank out lines the previous frame had (compose pads with a terminal-wide line).
        let drawn = num_lines;
        for _ in drawn..self.num_lines {
            if (num_lines as i64) < height - 2 {
                out.push_str(&" ".repeat(width.max(0) as usize));
                out.push('\n');
                num_lines += 1;
            }
        }
        self.num_lines = num_lines;
        out.push_str("\x1b[?25h");
        out
    }

    /// The last frame and the tail messages.
    pub fn final_frame(&mut self, now: Instant, width: i64, height: i64) -> String {
        let mut out = self.frame(now, width, height);
        for message in &self.tail {
            out.push_str(message);
            out.push('\n');
        }
        out
    }

    fn line(
        &mut self,
        id: &str,
        pad: &str,
        now: Instant,
        width: i64,
        status_padding: i64,
    ) -> String {
        let colors = self.colors;
        // Children's progress, shown while the parent works: a character per child, and
        // the bytes once every working child knows its total.
        let mut completion = Vec::new();
        let (mut current, mut total, mut hide_details) = (0, 0, false);
        if self.tasks[id].event.status == Status::Working {
            for t in self.tasks.values() {
                let child = &t.event;
                if child.parent_id == id {
                    if child.status == Status::Working && child.total == 0 {
                        hide_details = true;
                    }
                    total += child.total;
                    current += child.current;
                    let step = ((PERCENT_CHARS.len() - 1) as i64 * child.percent / 100)
                        .clamp(0, PERCENT_CHARS.len() as i64 - 1);
                    completion.push(PERCENT_CHARS[step as usize]);
                }
            }
        }
        let details = if hide_details || total == 0 {
            String::new()
        } else {
            let size = |n: i64| berth_model::gofmt::human_size(n as f64, 4);
            format!(" {:>7} / {:<7}", size(current), size(total))
        };
        let task = self.tasks.get_mut(id).expect("known task");
        let end = if task.event.status == Status::Working {
            now
        } else {
            task.end.unwrap_or(task.start)
        };
        let elapsed = end.saturating_duration_since(task.start).as_secs_f64();
        let prefix = if self.dry_run {
            colors.prefix(super::DRY_RUN_PREFIX)
        } else {
            String::new()
        };
        let txt = if completion.is_empty() {
            format!("{} {}", task.event.id, task.event.text)
        } else {
            format!(
                "{} [{}]{details} {}",
                task.event.id,
                colors.success(&completion.concat()),
                task.event.text
            )
        };
        // Go's len: bytes, colour codes included.
        let text_len = txt.len() as i64;
        let padding = (status_padding - text_len).max(0) as usize;
        let max_status_len = width - text_len - status_padding - 15;
        let mut status = task.event.status_text.clone();
        if max_status_len > 0 && status.len() as i64 > max_status_len {
            let mut cut = max_status_len as usize;
            while !status.is_char_boundary(cut) {
                cut -= 1;
            }
            status = format!("{}...", &status[..cut]);
        }
        let spinner = match task.event.status {
            Status::Done => colors.success("✔"),
            Status::Warning => colors.warning("!"),
            Status::Error => colors.error("✘"),
            Status::Working => colors.count(task.spinner(now)),
        };
        let text = format!(
            "{pad} {spinner}{prefix} {txt}{} {}",
            " ".repeat(padding),
            colors.status(task.event.status, &status)
        );
        let timer = colors.timer(&format!("{elapsed:.1}s "));
        align(&text, &timer, width)
    }
}

fn align(l: &str, r: &str, width: i64) -> String {
    let count = width - len_ansi(l) as i64 - len_ansi(r) as i64;
    let pad = if count > 0 {
        " ".repeat(count as usize)
    } else {
        String::new()
    };
    format!("{l}{pad}{r}\n")
}

/// Characters a user sees: escape sequences (up to their `m`) do not count.
fn len_ansi(s: &str) -> usize {
    let mut n = 0;
    let mut in_code = false;
    for c in s.chars() {
        if c == '\x1b' {
            in_code = true;
            continue;
        }
        if in_code && c == 'm' {
            in_code = false;
            continue;
        }
        if !in_code {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_ops::events::status;
    use pretty_assertions::assert_eq;
    use std::time::Duration;

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    #[test]
    fn first_and_later_frames_without_colours() {
        let base = Instant::now();
        let mut view = View::new("Running", false, Colors { on: false });
        view.event(status::creating("Container p-web-1"), base);
        view.event(status::creating("Container p-longer-1"), base);
        let frame = view.frame(at(base, 50), 80, 40);
        let pad = " ".repeat(42);
        assert_eq!(
            frame,
            format!(
                "\x1b[1A\x1b[1B\x1b[0G\x1b[?25l[+] Running 0/2\n \
                 ⠋ Container p-web-1     Creating{pad}0.1s \n \
                 ⠋ Container p-longer-1  Creating{pad}0.1s \n\x1b[?25h"
            )
        );
        view.event(status::created("Container p-web-1"), at(base, 400));
        let frame = view.frame(at(base, 1250), 80, 40);
        assert_eq!(
            frame,
            format!(
                "\x1b[1A\x1b[1A\x1b[1A\x1b[0G\x1b[?25l[+] Running 1/2\n \
                 ✔ Container p-web-1     Created {pad}0.4s \n \
                 ⠙ Container p-longer-1  Creating{pad}1.2s \n\x1b[?25h"
            )
        );
    }

    #[test]
    fn colours_errors_and_tail() {
        let base = Instant::now();
        let mut view = View::new("Running", false, Colors { on: true });
        view.event(status::started("Container p-a-1"), base);
        view.event(status::failed("Container p-b-1", "boom"), base);
        view.add_tail("done");
        let frame = view.final_frame(base, -1, -1);
        assert_eq!(
            frame,
            "\x1b[1A\x1b[1B\x1b[0G\x1b[?25l[+] Running 2/2\n \
             \x1b[32m✔\x1b[0m Container p-a-1  \x1b[32mStarted\x1b[0m\x1b[34m0.0s \x1b[0m\n \
             \x1b[31m\x1b[1m✘\x1b[0m Container p-b-1  \x1b[31m\x1b[1mboom\x1b[0m\x1b[34m0.0s \x1b[0m\n\
             \x1b[?25hdone\n"
        );
        // The next frame goes back over the header and both lines; the header turns blue.
        let again = view.frame(base, -1, -1);
        assert!(again
            .starts_with("\x1b[1A\x1b[1A\x1b[1A\x1b[0G\x1b[?25l\x1b[34m[+] Running 2/2\x1b[0m\n"));
    }

    #[test]
    fn children_under_parents() {
        let base = Instant::now();
        let mut view = View::new("Pulling", false, Colors { on: false });
        view.event(Event::new("web", Status::Working, "Pulling"), base);
        let mut layer = Event::new("abc", Status::Working, "Downloading");
        layer.parent_id = "web".into();
        view.event(layer, base);
        let frame = view.frame(base, 50, 40);
        assert_eq!(
            frame,
            format!(
                "\x1b[1A\x1b[1B\x1b[0G\x1b[?25l[+] Pulling 0/2\n \
                 ⠋ web [⠀]  Pulling{}0.0s \n   \
                 ⠋ abc  Downloading{}0.0s \n\x1b[?25h",
                " ".repeat(26),
                " ".repeat(24)
            )
        );
    }
}
