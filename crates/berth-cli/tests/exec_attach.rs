//! `exec`, `attach` and Ctrl-C on the engine, against the reference.
//!
//! Pipes: every `exec` and `attach` case runs through both tools on the same running
//! project, and their exit status, stdout and stderr must be identical.
//! Terminals: each tool runs in a tmux pane of its own (typed into, resized, sent Ctrl-C,
//! its screen read), and the pane must show the same things for both, with the terminal
//! back in cooked mode (`icanon echo isig`) afterwards.
//! The seed's check: in the image-gallery example, `berth exec -T image-gallery nslookup
//! iotd` resolves one address per replica, and `down` does not wait out the stop timeout.

// The tmux pane's shell gets berth's PATH, read from the environment.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;

use common::engine::{berth, docker_ok, reference, run, TestProject, BASE_IMAGE};

/// How long a terminal step may take before the test fails.
const LIMIT: Duration = Duration::from_secs(30);

fn project_yaml() -> String {
    format!(
        "services:
  web:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    scale: 2
  stopped:
    image: {BASE_IMAGE}
    command: \"true\"
  shell:
    image: {BASE_IMAGE}
    command: sh
    init: true
    tty: true
    stdin_open: true
  ticker:
    image: {BASE_IMAGE}
    command: sh -c 'trap \"echo got INT; exit 7\" INT; while true; do echo tick; sleep 1; done'
  countdown:
    image: {BASE_IMAGE}
    command: sh -c 'sleep 2; echo bye; echo gone >&2; exit 3'
"
    )
}

/// A project the reference brought up, `stopped` exited and `countdown` stopped.
fn running_project(tag: &str) -> TestProject {
    let p = TestProject::new(tag, &project_yaml());
    p.reference_ok(&["up", "-d"]);
    p.reference_ok(&["stop", "countdown"]);
    let stopped = format!("{}-stopped-1", p.name);
    let deadline = Instant::now() + LIMIT;
    while p.inspect(&stopped, "{{.State.Running}}") == "true" {
        assert!(Instant::now() < deadline, "{stopped} does not exit");
        std::thread::sleep(Duration::from_millis(100));
    }
    p
}

/// Exit status, stdout and stderr of one run.
fn outcome(out: &Output) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Runs `args` with `input` on stdin through both tools; their outcomes must be equal.
/// Returns berth's.
fn same(p: &TestProject, args: &[&str], input: &str) -> (Option<i32>, String, String) {
    let theirs = outcome(&p.with_input(&reference(), args, input));
    let ours = outcome(&p.with_input(&berth(), args, input));
    assert_eq!(
        ours, theirs,
        "berth (left) and the reference differ on {args:?}"
    );
    ours
}

#[test]
fn exec_through_pipes_matches_the_reference() {
    let p = running_project("execpipe");
    let cases: &[(&[&str], &str, Option<i32>)] = &[
        (&["exec", "-T", "web", "sh", "-c", "exit 3"], "", Some(3)),
        // The engine's answers for a missing command and a file that is not executable.
        (&["exec", "-T", "web", "nope"], "", Some(126)),
        (&["exec", "-T", "web", "/etc/passwd"], "", Some(126)),
        (
            &[
                "exec",
                "-T",
                "web",
                "sh",
                "-c",
                "echo out; echo err >&2; exit 4",
            ],
            "",
            Some(4),
        ),
        // Standard input is piped through and closed at its end.
        (&["exec", "-T", "web", "cat"], "hi\nthere\n", Some(0)),
        (
            &["exec", "-T", "web", "sh", "-c", "wc -l; echo done"],
            "a\nb\nc\n",
            Some(0),
        ),
        // `-i=false`: no standard input at all.
        (
            &["exec", "-i=false", "-T", "web", "cat"],
            "ignored\n",
            Some(0),
        ),
        (
            &[
                "exec",
                "-T",
                "-e",
                "A=1",
                "-e",
                "B=two words",
                "-w",
                "/tmp",
                "-u",
                "123",
                "web",
                "sh",
                "-c",
                "echo $A $B; pwd; id",
            ],
            "",
            Some(0),
        ),
        (
            &["exec", "-T", "--index", "2", "web", "hostname"],
            "",
            Some(0),
        ),
        (&["exec", "-T", "--index=1", "web", "hostname"], "", Some(0)),
        // Flags after the service belong to the command.
        (
            &[
                "exec",
                "-T",
                "web",
                "sh",
                "-c",
                "echo $0 \"$@\"",
                "-x",
                "--y",
                "z",
            ],
            "",
            Some(0),
        ),
        (&["exec", "--no-TTY", "web", "true"], "", Some(0)),
        (&["exec", "-t", "-T", "web", "true"], "", Some(0)),
        // Without a terminal on stdout, no TTY is asked for.
        (
            &["exec", "web", "sh", "-c", "test -t 0 || echo no tty"],
            "",
            Some(0),
        ),
        (&["exec", "-T", "--privileged", "web", "true"], "", None),
        // Errors: the reference's words and status.
        (&["exec", "-T", "stopped", "true"], "", Some(1)),
        (&["exec", "-T", "--index", "5", "web", "true"], "", Some(1)),
        (&["exec", "-T", "nosuch", "true"], "", Some(1)),
        (&["exec", "-T", "web"], "", Some(1)),
        (&["exec", "-T", "--index", "x", "web", "true"], "", Some(1)),
        (&["exec", "--bogus", "web", "true"], "", Some(1)),
        // Dry runs: a detached exec is told, an attached one refused.
        (
            &["--dry-run", "exec", "-d", "web", "sh", "-c", "echo \"x\""],
            "",
            Some(0),
        ),
        (&["--dry-run", "exec", "-T", "web", "true"], "", Some(1)),
    ];
    for (args, input, code) in cases {
        let (got, stdout, stderr) = same(&p, args, input);
        if code.is_some() {
            assert_eq!(got, *code, "{args:?}: {stdout}{stderr}");
        }
    }
    // Spot checks that the comparison compared something.
    let (_, stdout, _) = same(&p, &["exec", "-T", "web", "cat"], "hi\n");
    assert_eq!(stdout, "hi\n");
    let (_, stdout, _) = same(&p, &["exec", "-T", "stopped", "true"], "");
    assert_eq!(stdout, "");
    let (_, _, stderr) = same(&p, &["exec", "-T", "stopped", "true"], "");
    assert_eq!(stderr, "service \"stopped\" is not running\n");
    let (_, _, stderr) = same(&p, &["exec", "-T", "--index", "5", "web", "true"], "");
    assert_eq!(stderr, "service \"web\" is not running container #5\n");
    let (_, stdout, _) = same(&p, &["exec", "-T", "--index", "2", "web", "hostname"], "");
    let replica2 = p.inspect(&format!("{}-web-2", p.name), "{{.Config.Hostname}}");
    assert_eq!(stdout.trim(), replica2);
}

#[test]
fn exec_env_without_a_value_comes_from_the_project_environment() {
    let p = running_project("execenv");
    std::fs::write(p.dir.path().join(".env"), "FROM_DOTENV=dot env\n").unwrap();
    let args = [
        "exec",
        "-T",
        "-e",
        "FROM_HOST",
        "-e",
        "UNSET_HERE",
        "-e",
        "FROM_DOTENV",
        "web",
        "sh",
        "-c",
    ];
    let script = "echo \"$FROM_HOST\" \"${UNSET_HERE-unset}\" \"$FROM_DOTENV\"";
    let with_env = |program: PathBuf| {
        let mut cmd = p.command(&program, &args);
        cmd.arg(script)
            .env("FROM_HOST", "from the host")
            .env_remove("UNSET_HERE");
        outcome(&run(&mut cmd))
    };
    let ours = with_env(berth());
    assert_eq!(ours, with_env(reference()));
    assert_eq!(ours.1, "from the host unset dot env\n");
}

#[test]
fn exec_detached_returns_at_once_and_the_command_runs() {
    let p = running_project("execdetach");
    for (tool, file) in [(reference(), "/tmp/theirs"), (berth(), "/tmp/ours")] {
        let script = format!("sleep 1; echo done > {file}");
        let out = run(&mut p.command(&tool, &["exec", "-d", "web", "sh", "-c", &script]));
        assert_eq!(outcome(&out), (Some(0), String::new(), String::new()));
    }
    let web = format!("{}-web-1", p.name);
    let deadline = Instant::now() + LIMIT;
    loop {
        let out = common::engine::docker(&["exec", &web, "cat", "/tmp/theirs", "/tmp/ours"]);
        if out.status.success() {
            assert_eq!(String::from_utf8_lossy(&out.stdout), "done\ndone\n");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the detached commands did not run"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn attach_through_pipes_matches_the_reference() {
    let p = running_project("attachpipe");
    docker_ok(&["pause", &format!("{}-web-1", p.name)]);
    let cases: &[(&[&str], Option<i32>)] = &[
        (&["attach", "stopped"], Some(1)),
        (&["attach", "--index", "3", "web"], Some(1)),
        (&["attach", "web"], Some(1)),
        // A TTY container needs a terminal on stdin, unless stdin is not attached.
        (&["attach", "shell"], Some(1)),
        (&["attach", "nosuch"], Some(1)),
        (&["attach"], Some(1)),
        (&["attach", "--index", "x", "web"], Some(1)),
        (&["--dry-run", "attach", "--no-stdin", "shell"], Some(1)),
        // The engine refuses the sequence; the docker client words it so.
        (
            &["attach", "--no-stdin", "--detach-keys", "bogus", "ticker"],
            Some(1),
        ),
    ];
    for (args, code) in cases {
        let (got, stdout, stderr) = same(&p, args, "");
        assert_eq!(got, *code, "{args:?}: {stdout}{stderr}");
    }
    let (_, _, stderr) = same(&p, &["attach", "web"], "");
    assert_eq!(
        stderr,
        "You cannot attach to a paused container, unpause it first\n"
    );
    let (_, _, stderr) = same(&p, &["attach", "shell"], "");
    assert_eq!(stderr, "the input device is not a TTY\n");

    // A container that prints and exits: its output from the attach on, and its status
    // (compose then prints the docker CLI's status error, an empty line).
    for tool in [reference(), berth()] {
        p.reference_ok(&["start", "countdown"]);
        let out = run(&mut p.command(&tool, &["attach", "--no-stdin", "countdown"]));
        assert_eq!(
            outcome(&out),
            (Some(3), "bye\n".to_string(), "gone\n\n".to_string()),
            "{}",
            tool.display()
        );
    }
}

/// A shell in a tmux pane of its own (its own tmux server), `$T` the tool under test, so
/// that the lines typed, and so the screens, are the same for both tools.
struct Pane {
    socket: String,
    /// How many times the terminal's modes were asked for.
    asked: std::cell::Cell<usize>,
}

impl Pane {
    fn start(tag: &str, dir: &Path, tool: &Path, columns: u16, rows: u16) -> Pane {
        let socket = format!("berthtest-{tag}-{}", std::process::id());
        let pane = Pane {
            socket,
            asked: std::cell::Cell::new(0),
        };
        let path = std::env::var("PATH").unwrap_or_default();
        pane.tmux(&[
            "new-session",
            "-d",
            "-x",
            &columns.to_string(),
            "-y",
            &rows.to_string(),
            "-c",
            &dir.display().to_string(),
            "env",
            "-i",
            &format!("PATH={path}"),
            "TERM=xterm",
            "PS1=$ ",
            &format!("T={}", tool.display()),
            "bash",
            "--norc",
            "--noprofile",
        ]);
        pane.wait_prompt();
        pane
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = run(Command::new("tmux").args(["-L", &self.socket]).args(args));
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Types `line` and Enter.
    fn line(&self, line: &str) {
        self.tmux(&["send-keys", "-t", "0", "-l", line]);
        self.tmux(&["send-keys", "-t", "0", "Enter"]);
    }

    /// Presses keys by tmux name (`C-c`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn resize(&self, columns: u16, rows: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "0",
            "-x",
            &columns.to_string(),
            "-y",
            &rows.to_string(),
        ]);
    }

    /// The screen, without its trailing blank lines.
    fn screen(&self) -> String {
        let screen = self.tmux(&["capture-pane", "-p", "-t", "0"]);
        let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
        let end = lines
            .iter()
            .rposition(|l| !l.is_empty())
            .map_or(0, |i| i + 1);
        lines[..end].join("\n")
    }

    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + LIMIT;
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not show on the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for the shell's prompt (`$`) on the last line.
    fn wait_prompt(&self) -> String {
        self.wait_for("the shell's prompt", |s| s == "$" || s.ends_with("\n$"))
    }

    /// Asks `stty size` until it answers `size`: both tools size the TTY just after the
    /// process starts (API 1.41 has no size at creation), so the first answer may come
    /// before the resize.
    fn wait_size(&self, what: &str, size: &str) -> String {
        let deadline = Instant::now() + LIMIT;
        loop {
            self.line("stty size");
            std::thread::sleep(Duration::from_millis(300));
            let screen = self.screen();
            if screen.contains(&format!("\n{size}")) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not show on the screen:\n{screen}"
            );
        }
    }

    /// Waits for `text` to show `times` times in all.
    fn wait_count(&self, text: &str, times: usize) -> String {
        self.wait_for(&format!("{text:?} ×{times}"), |s| {
            s.matches(text).count() >= times
        })
    }

    /// The terminal modes `stty -a` shows for icanon, echo and isig.
    fn cooked(&self) -> String {
        let asked = self.asked.get() + 1;
        self.asked.set(asked);
        // The marker is typed split in two, so that only the output shows it whole.
        self.line(&format!(
            "stty -a | grep -o -w -E -- '-?(icanon|echo|isig)' | tr '\\n' ' '; echo :modes\"\"{asked}"
        ));
        let marker = format!(":modes{asked}");
        let screen = self.wait_count(&marker, 1);
        let line = screen
            .lines()
            .find(|l| l.ends_with(&marker))
            .unwrap_or_default();
        line.trim_end_matches(&marker).trim().to_string()
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// `exec` with a TTY in a real terminal, the same for both tools: the TTY's size is the
/// window's and follows it, Ctrl-C goes to the process (the shell survives it), the exit
/// status comes back, ctrl-p,ctrl-q detaches, piped input refuses a TTY, and the terminal
/// is cooked again after each.
#[test]
fn exec_in_a_terminal_matches_the_reference() {
    let p = running_project("exectty");
    let mut screens = Vec::new();
    for (tag, tool) in [("ref", reference()), ("berth", berth())] {
        let pane = Pane::start(&format!("exec{tag}"), p.dir.path(), &tool, 100, 30);
        pane.line(&format!("$T -p {} exec web sh", p.name));
        pane.wait_count("/ #", 1);
        pane.wait_size("the window's size", "30 100");
        pane.resize(120, 40);
        pane.wait_size("the new size", "40 120");
        pane.line("sleep 100");
        std::thread::sleep(Duration::from_millis(500));
        pane.keys(&["C-c"]);
        pane.line("echo after-$((6*7))");
        pane.wait_for("the shell after Ctrl-C", |s| s.contains("\nafter-42"));
        pane.line("exit 5");
        pane.wait_prompt();
        pane.line("echo rc=$?");
        pane.wait_for("the exit status", |s| s.contains("\nrc=5"));
        assert_eq!(
            pane.cooked(),
            "isig icanon echo",
            "{tag}: {}",
            pane.screen()
        );
        // The size checks ask as often as they need to: what is compared starts here.
        pane.line("clear");
        pane.wait_for("a clear screen", |s| s == "$");

        pane.line(&format!("$T -p {} exec web sh", p.name));
        pane.wait_count("/ #", 1);
        pane.keys(&["C-p", "C-q"]);
        pane.wait_for("the detach", |s| s.contains("read escape sequence"));
        pane.line("echo rc=$?");
        pane.wait_for("the detach's status", |s| s.contains("\nrc=1"));
        assert_eq!(pane.cooked(), "isig icanon echo", "{tag}");

        // Without a TTY, Ctrl-C ends the tool (130) and is not passed on.
        pane.line(&format!(
            "$T -p {} exec -T web sleep 100; echo rc=$?",
            p.name
        ));
        std::thread::sleep(Duration::from_secs(1));
        pane.keys(&["C-c"]);
        pane.wait_for("the interrupted exec", |s| s.contains("\nrc=130"));
        assert_eq!(pane.cooked(), "isig icanon echo", "{tag}");

        pane.line(&format!(
            "echo hi | $T -p {} exec web cat; echo rc=$?",
            p.name
        ));
        let screen = pane.wait_count("\nrc=1\n", 2);
        assert!(
            screen.contains("\nthe input device is not a TTY\nrc=1"),
            "{tag}:\n{screen}"
        );
        screens.push(screen);
    }
    assert_eq!(
        screens[1], screens[0],
        "berth (left) and the reference differ"
    );
}

/// `attach` in a real terminal: to a TTY container (typing reaches its shell,
/// ctrl-p,ctrl-q detaches), and to a container without one, where Ctrl-C is passed on as
/// SIGINT (`--sig-proxy`) and the tool then exits 130.
#[test]
fn attach_in_a_terminal_matches_the_reference() {
    let p = running_project("attachtty");
    let mut screens = Vec::new();
    for (tag, tool) in [("ref", reference()), ("berth", berth())] {
        let pane = Pane::start(&format!("attach{tag}"), p.dir.path(), &tool, 100, 30);
        pane.line(&format!("$T -p {} attach shell", p.name));
        std::thread::sleep(Duration::from_secs(1));
        pane.line("echo in-$((6*7)); stty size");
        pane.wait_for("the shell's answer", |s| s.contains("\nin-42\n30 100"));
        pane.keys(&["C-p", "C-q"]);
        pane.wait_for("the detach", |s| s.contains("read escape sequence"));
        pane.line("echo rc=$?");
        pane.wait_for("the detach's status", |s| s.contains("\nrc=1"));
        assert_eq!(pane.cooked(), "isig icanon echo", "{tag}");
        let shell = format!("{}-shell-1", p.name);
        assert_eq!(p.inspect(&shell, "{{.State.Running}}"), "true", "{tag}");

        p.reference_ok(&["up", "-d", "ticker"]);
        pane.line("clear");
        pane.wait_for("a clear screen", |s| s == "$");
        pane.line(&format!("$T -p {} attach ticker; echo rc=$?", p.name));
        pane.wait_count("\ntick", 2);
        pane.keys(&["C-c"]);
        let screen = pane.wait_for("the end of attach", |s| s.contains("\nrc="));
        // The container's status error (an empty line), then 130 for the Ctrl-C.
        assert!(screen.contains("got INT\n\nrc=130"), "{tag}:\n{screen}");
        let ticker = format!("{}-ticker-1", p.name);
        assert_eq!(p.inspect(&ticker, "{{.State.ExitCode}}"), "7", "{tag}");
        assert_eq!(pane.cooked(), "isig icanon echo", "{tag}");
        screens.push(
            screen
                .lines()
                .filter(|l| *l != "tick")
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    assert_eq!(
        screens[1], screens[0],
        "berth (left) and the reference differ"
    );
}

/// Attached `up` in a real terminal: Ctrl-C is read as a key (no `^C` echoed), the first
/// stops the services with compose's words, and a second one during a slow stop kills at
/// once (berth; the reference only sometimes); the terminal is cooked again afterwards.
#[test]
fn ctrl_c_on_attached_up_in_a_terminal_matches_the_reference() {
    let compose = format!(
        "services:
  quick:
    image: {BASE_IMAGE}
    command: sh -c 'echo started; while true; do sleep 1; done'
    init: true
  slow:
    image: {BASE_IMAGE}
    command: sh -c 'echo started; while true; do sleep 1; done'
"
    );
    let p = TestProject::new("upctrlc", &compose);
    let n = &p.name;
    for (tag, tool) in [("ref", reference()), ("berth", berth())] {
        let pane = Pane::start(&format!("up{tag}"), p.dir.path(), &tool, 120, 30);
        pane.line(&format!("$T -p {n} up quick; echo rc=$?"));
        pane.wait_for("the service's output", |s| s.contains("quick-1  | started"));
        pane.keys(&["C-c"]);
        let screen = pane.wait_for("the end of up", |s| s.contains("\nrc="));
        for line in [
            "\nGracefully Stopping... press Ctrl+C again to force\n",
            &format!("\n Container {n}-quick-1  Stopping\n"),
            &format!("\n Container {n}-quick-1  Stopped\n"),
        ] {
            assert!(screen.contains(line), "{tag}: no {line:?} in\n{screen}");
        }
        assert!(!screen.contains("^C"), "{tag}: Ctrl-C is echoed:\n{screen}");
        assert!(
            screen.ends_with("\nrc=130\n$") || screen.ends_with("\nrc=0\n$"),
            "{tag}:\n{screen}"
        );
        assert_eq!(pane.cooked(), "isig icanon echo", "{tag}");

        pane.line("clear");
        pane.wait_for("a clear screen", |s| s == "$");
        pane.line(&format!("$T -p {n} up slow; echo rc=$?"));
        pane.wait_for("the service's output", |s| s.contains("slow-1  | started"));
        let start = Instant::now();
        pane.keys(&["C-c"]);
        pane.wait_for("the graceful stop", |s| s.contains("Gracefully Stopping"));
        std::thread::sleep(Duration::from_millis(500));
        pane.keys(&["C-c"]);
        let screen = pane.wait_for("the end of up", |s| s.contains("\nrc="));
        assert!(screen.contains("\nrc=130"), "{tag}:\n{screen}");
        assert!(!screen.contains("^C"), "{tag}: Ctrl-C is echoed:\n{screen}");
        // The reference's second Ctrl-C, read by its menu's keyboard, kills at once only
        // sometimes (at other times the stop waits out its 10 s); berth's always does.
        assert!(
            tag == "ref" || start.elapsed() < Duration::from_secs(8),
            "{tag}: the second Ctrl-C did not kill at once ({:?})",
            start.elapsed()
        );
        assert_eq!(pane.cooked(), "isig icanon echo", "{tag}");
    }
}

/// The seed's check: with `iotd` scaled to 3, `berth exec -T image-gallery nslookup iotd`
/// answers one address per replica (the resolver's own `Server:` address aside), the
/// README's filter shows exactly those, and `down` stops the services at once.
#[test]
fn image_gallery_exec_resolves_one_address_per_replica() {
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/image-gallery/compose.yaml");
    // The engine picks the published port, so that the test runs beside the example.
    let compose = std::fs::read_to_string(example)
        .unwrap()
        .replace("\"8010:80\"", "\"80\"");
    assert!(!compose.contains("8010"));
    let p = TestProject::new("galleryexec", &compose);
    p.berth_ok(&["up", "-d"]);
    let out = p.berth(&["exec", "-T", "image-gallery", "nslookup", "iotd"]);
    let (code, lookup, stderr) = outcome(&out);
    assert_eq!(code, Some(0), "{stderr}");
    let addresses: Vec<&str> = lookup
        .lines()
        .skip_while(|l| !l.starts_with("Name:"))
        .filter(|l| l.starts_with("Address"))
        .collect();
    assert_eq!(addresses.len(), 3, "one address per replica:\n{lookup}");
    let mut replicas: Vec<String> = (1..=3)
        .map(|i| {
            p.inspect(
                &format!("{}-iotd-{i}", p.name),
                "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
            )
        })
        .collect();
    replicas.sort();
    let mut resolved: Vec<String> = addresses
        .iter()
        .map(|l| l.trim_start_matches("Address:").trim().to_string())
        .collect();
    resolved.sort();
    assert_eq!(resolved, replicas);

    // The README's pipeline shows those lines and nothing else.
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let pipeline = readme
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("berth exec -T image-gallery nslookup iotd | ")
        })
        .expect("the README shows the check");
    let mut filter = Command::new("sh");
    filter
        .args(["-c", pipeline])
        .stdin(std::process::Stdio::piped());
    let filtered = {
        use std::io::Write;
        let mut child = filter
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("sh");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(lookup.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    assert_eq!(
        String::from_utf8_lossy(&filtered.stdout)
            .lines()
            .collect::<Vec<_>>(),
        addresses
    );

    let start = Instant::now();
    p.berth_ok(&["down"]);
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "down waited for the stop timeout: {:?}",
        start.elapsed()
    );
}

/// `logs -f` in a real terminal: the followed lines come with their prefix, Ctrl-C ends
/// it with 130 for both tools, and the terminal is left as it was.
#[test]
fn ctrl_c_on_logs_follow_in_a_terminal_matches_the_reference() {
    let p = running_project("logsctrlc");
    let n = &p.name;
    for (tag, tool) in [("ref", reference()), ("berth", berth())] {
        let pane = Pane::start(&format!("logs{tag}"), p.dir.path(), &tool, 120, 30);
        pane.line(&format!("$T -p {n} logs -f --tail 1 ticker; echo rc=$?"));
        let followed = pane.wait_count("ticker-1  | tick", 3);
        assert!(
            !followed.contains("\nrc="),
            "{tag}: logs -f ended:\n{followed}"
        );
        pane.keys(&["C-c"]);
        let screen = pane.wait_for("the end of logs -f", |s| s.contains("\nrc="));
        assert!(screen.ends_with("\nrc=130\n$"), "{tag}:\n{screen}");
        assert_eq!(pane.cooked(), "isig icanon echo", "{tag}");
    }
}
