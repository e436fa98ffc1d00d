//! Yes/no questions on stdin and stdout, as compose's prompt component asks them.
//! Written by hand: compose's two forms (a survey-style question on a terminal, the bare
//! message and one line read on a pipe) are a few lines each, and no prompt crate prints
//! either form.

use std::io::{BufRead, IsTerminal, Write};

/// Asks `question`; on a terminal an empty answer is `default`, as survey's Confirm takes
/// it, while on a pipe the answer is read as compose's `StringToBool` reads it.
pub fn confirm(question: &str, default: bool) -> bool {
    let terminal = std::io::stdin().is_terminal();
    let mut out = std::io::stdout().lock();
    let _ = if terminal {
        let choices = if default { "(Y/n)" } else { "(y/N)" };
        write!(out, "? {question} {choices} ")
    } else {
        write!(out, "{question}")
    };
    let _ = out.flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if terminal && answer.trim().is_empty() {
        return default;
    }
    string_to_bool(&answer)
}

/// compose's `utils.StringToBool`: `y`, or what Go's `strconv.ParseBool` reads as true.
fn string_to_bool(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "1" | "t" | "true"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_as_compose_reads_them() {
        for yes in ["y", "Y\n", " true ", "1", "T"] {
            assert!(string_to_bool(yes), "{yes:?}");
        }
        for no in ["", "n", "yes", "no", "0", "false", "maybe"] {
            assert!(!string_to_bool(no), "{no:?}");
        }
    }
}
