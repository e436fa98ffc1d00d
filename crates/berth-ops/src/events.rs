//! What the verbs report while they work: compose's progress events. The verbs only emit
//! them; berth-ui renders them (tty, plain, json, quiet).

/// How far a task has got (`progress.EventStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Working,
    Done,
    Warning,
    Error,
}

/// One progress event (`progress.Event`): `id` names the object (`Container p-web-1`),
/// `status_text` is the word compose prints (`Creating`, `Started`, …); `text` is mostly
/// empty (compose prints it between the two, hence the double space in plain output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub parent_id: String,
    pub status: Status,
    pub text: String,
    pub status_text: String,
    /// Bytes done and in all, and the percentage, of a task that reports them (a layer of
    /// an image pull); 0 otherwise.
    pub current: i64,
    pub total: i64,
    pub percent: i64,
}

impl Event {
    pub fn new(id: impl Into<String>, status: Status, status_text: impl Into<String>) -> Event {
        Event {
            id: id.into(),
            parent_id: String::new(),
            status,
            text: String::new(),
            status_text: status_text.into(),
            current: 0,
            total: 0,
            percent: 0,
        }
    }
}

/// The event constructors compose uses, by their status word.
pub mod status {
    use super::{Event, Status};

    macro_rules! events {
        ($($fn_name:ident => $status:ident $text:literal),* $(,)?) => {
            $(pub fn $fn_name(id: &str) -> Event { Event::new(id, Status::$status, $text) })*
        };
    }

    events! {
        creating => Working "Creating",
        created => Done "Created",
        starting => Working "Starting",
        started => Done "Started",
        running => Done "Running",
        waiting => Working "Waiting",
        healthy => Done "Healthy",
        exited => Done "Exited",
        restarting => Working "Restarting",
        restarted => Done "Restarted",
        recreate => Working "Recreate",
        recreated => Done "Recreated",
        stopping => Working "Stopping",
        stopped => Done "Stopped",
        killing => Working "Killing",
        killed => Done "Killed",
        removing => Working "Removing",
        removed => Done "Removed",
        pausing => Working "Pausing",
        paused => Done "Paused",
        unpausing => Working "Unpausing",
        unpaused => Done "Unpaused",
        error => Error "Error",
    }

    /// A skipped task, with its reason.
    pub fn skipped(id: &str, reason: &str) -> Event {
        Event::new(id, Status::Warning, format!("Skipped: {reason}"))
    }

    /// An error with a message (`ErrorMessageEvent`).
    pub fn failed(id: &str, message: &str) -> Event {
        Event::new(id, Status::Error, message)
    }
}

/// Where verbs send what they report. Implemented by the renderers in berth-ui; tests
/// collect the events.
pub trait Progress: Send + Sync {
    /// A progress event for one object.
    fn event(&self, event: Event);
    /// A warning compose prints through logrus (`WARN[0000] …`).
    fn warning(&self, message: &str);
    /// A message printed below the progress block (compose's `TailMsgf`).
    fn tail(&self, message: &str) {
        self.warning(message)
    }
    /// Ends one display and starts the next below it (compose runs a display of its own
    /// for a step such as the pulls of `up`).
    fn end_section(&self) {}
    /// A line compose prints on standard output beside the progress (what its dry-run
    /// client would have executed).
    fn notice(&self, _message: &str) {}
    /// Asks the user a yes/no question (compose's `prompt`); without anyone to ask, the
    /// answer is `default`.
    fn confirm(&self, _question: &str, default: bool) -> bool {
        default
    }
}

/// Drops the events and passes warnings on: compose starts attached containers without a
/// progress display.
pub struct Silent<'a>(pub &'a dyn Progress);

impl Progress for Silent<'_> {
    fn event(&self, _event: Event) {}
    fn warning(&self, message: &str) {
        self.0.warning(message)
    }
    fn notice(&self, message: &str) {
        self.0.notice(message)
    }
    fn end_section(&self) {
        self.0.end_section()
    }
    fn confirm(&self, question: &str, default: bool) -> bool {
        self.0.confirm(question, default)
    }
}

/// Collects events in memory (tests, and verbs that summarise at the end).
#[derive(Debug, Default)]
pub struct Recorder {
    pub events: std::sync::Mutex<Vec<Event>>,
    pub warnings: std::sync::Mutex<Vec<String>>,
}

impl Progress for Recorder {
    fn event(&self, event: Event) {
        self.events.lock().expect("recorder lock").push(event);
    }
    fn warning(&self, message: &str) {
        self.warnings
            .lock()
            .expect("recorder lock")
            .push(message.to_string());
    }
}
