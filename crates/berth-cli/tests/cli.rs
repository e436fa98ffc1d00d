//! The command line's own behaviour where the differential corpus cannot compare bytes:
//! the help text is clap's, not cobra's, but the error and exit status are compose's.

use std::process::Command;

fn berth(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .output()
        .expect("berth runs")
}

#[test]
fn unknown_subcommand_prints_usage_and_fails_like_compose() {
    let dir = tempfile::tempdir().unwrap();
    let out = berth(&["frobnicate"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "unknown docker command: \"compose frobnicate\"\n"
    );
    let usage = String::from_utf8_lossy(&out.stdout);
    assert!(
        usage.contains("config"),
        "usage lists the commands: {usage}"
    );
}

#[test]
fn no_compose_file_is_compose_s_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = berth(&["config"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "no configuration file provided: not found\n"
    );
}

#[test]
fn errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: busybox\n    bogus: 1\n",
    )
    .unwrap();
    let out = berth(&["config"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let file = dir.path().join("compose.yaml");
    assert!(
        stderr.contains("services.web additional properties 'bogus' not allowed"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("at {}:4:5", file.display())),
        "{stderr}"
    );
}
