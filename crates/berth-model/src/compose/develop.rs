//! `types.DevelopConfig` (`develop.watch` triggers) and `types.ServiceHook` (`post_start`,
//! `pre_stop`, and a trigger's `exec`).

use serde::Deserialize;

use super::{string_enum, Extensions, MappingWithEquals};

/// A service's `develop` section.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Develop {
    pub watch: Vec<Trigger>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// One `develop.watch` rule (`types.Trigger`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Trigger {
    /// The watched path (absolute after loading).
    pub path: String,
    /// Required by the schema, so always set for a loaded project.
    pub action: Option<WatchAction>,
    /// Where `sync` copies to, in the container.
    pub target: Option<String>,
    /// What `sync+exec` runs.
    pub exec: Option<ServiceHook>,
    pub include: Vec<String>,
    pub ignore: Vec<String>,
    pub initial_sync: bool,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

string_enum! {
    /// What a watch trigger does on change.
    WatchAction {
        Rebuild = "rebuild",
        Sync = "sync",
        Restart = "restart",
        SyncRestart = "sync+restart",
        SyncExec = "sync+exec",
    }
}

/// A command run in a service's container (`types.ServiceHook`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceHook {
    pub command: Vec<String>,
    pub user: Option<String>,
    pub privileged: bool,
    pub working_dir: Option<String>,
    pub environment: MappingWithEquals,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::{map, strs};
    use crate::value::Value;

    #[test]
    fn watch_triggers_bind() {
        let d: Develop = from_value(&map(&[(
            "watch",
            Value::Seq(vec![
                map(&[
                    ("path", "/src".into()),
                    ("action", "sync+exec".into()),
                    ("target", "/app".into()),
                    ("exec", map(&[("command", strs(&["kill", "-HUP", "1"]))])),
                    ("ignore", strs(&["node_modules/"])),
                ]),
                map(&[("path", "/pkg".into()), ("action", "rebuild".into())]),
            ]),
        )]))
        .unwrap();
        let t = &d.watch[0];
        assert_eq!(t.action, Some(WatchAction::SyncExec));
        assert_eq!(t.target.as_deref(), Some("/app"));
        assert_eq!(t.exec.as_ref().unwrap().command, ["kill", "-HUP", "1"]);
        assert_eq!(t.ignore, ["node_modules/"]);
        assert_eq!(d.watch[1].action, Some(WatchAction::Rebuild));
        assert_eq!(d.watch[1].exec, None);
    }
}
