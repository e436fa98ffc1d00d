//! Warnings the loader reports while it works; the CLI decides how to print them.

/// Collects warnings in the order the phases raise them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Diagnostics {
    pub warnings: Vec<String>,
}

impl Diagnostics {
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }
}
