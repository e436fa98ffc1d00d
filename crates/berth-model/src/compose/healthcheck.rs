//! `types.HealthCheckConfig`: a service's `healthcheck`.

use serde::Deserialize;

use super::{Extensions, GoDuration};

/// A service's `healthcheck` (`types.HealthCheckConfig`). Unset durations and retries fall
/// back to the image's (then the engine's) defaults.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Healthcheck {
    /// `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]` (a string test has already become
    /// `CMD-SHELL`); empty: the image's test.
    pub test: Vec<String>,
    pub timeout: Option<GoDuration>,
    pub interval: Option<GoDuration>,
    pub retries: Option<u64>,
    pub start_period: Option<GoDuration>,
    pub start_interval: Option<GoDuration>,
    /// `disable: true` (the loader also turns `test: [NONE]` into this).
    pub disable: bool,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

impl Healthcheck {
    /// Whether the check is turned off, by `disable` or a `NONE` test.
    pub fn is_disabled(&self) -> bool {
        self.disable || self.test.first().is_some_and(|t| t == "NONE")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::{map, strs};

    #[test]
    fn a_healthcheck_binds_with_durations() {
        let h: Healthcheck = from_value(&map(&[
            ("test", strs(&["CMD-SHELL", "curl -f localhost"])),
            ("interval", "1m30s".into()),
            ("timeout", "10s".into()),
            ("retries", 3.into()),
            ("start_period", "40s".into()),
            ("start_interval", "5s".into()),
        ]))
        .unwrap();
        assert_eq!(h.test, ["CMD-SHELL", "curl -f localhost"]);
        assert_eq!(h.interval, Some(GoDuration::from_secs(90)));
        assert_eq!(h.timeout, Some(GoDuration::from_secs(10)));
        assert_eq!(h.retries, Some(3));
        assert_eq!(h.start_period, Some(GoDuration::from_secs(40)));
        assert_eq!(h.start_interval, Some(GoDuration::from_secs(5)));
        assert!(!h.is_disabled());
        let h: Healthcheck = from_value(&map(&[("test", strs(&["NONE"]))])).unwrap();
        assert!(h.is_disabled());
    }
}
