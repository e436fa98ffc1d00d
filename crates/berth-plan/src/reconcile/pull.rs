//! The pulls `up` and `create` make before anything is created (compose's
//! `pullRequiredImages`): which images must be pulled under the services' pull policies.

use berth_model::compose::{Project, PullPolicy, Service, VolumeType};

use super::PlanError;
use crate::observed::{LocalImage, Observed};
use crate::plan::{Operation, Phase, Plan, Report};

/// Whether `service`'s image must be pulled (compose's `mustPull`), `now` in unix seconds.
pub fn must_pull(service: &Service, local: Option<&LocalImage>, now: i64) -> Result<bool, String> {
    if service.provider.is_some() || service.image.as_deref().unwrap_or_default().is_empty() {
        return Ok(false);
    }
    let policy = service.pull_policy.as_ref();
    match policy {
        Some(PullPolicy::Always) => return Ok(true),
        Some(PullPolicy::Never | PullPolicy::Build) => return Ok(false),
        _ => {}
    }
    match policy.and_then(PullPolicy::refresh_interval) {
        Some(interval) => {
            let interval = interval?;
            Ok(match local {
                None => true,
                // An image never tagged here counts as tagged at Go's zero time: long ago.
                Some(image) => {
                    let tagged = image.last_tag_time.unwrap_or(i64::MIN / 2);
                    now > tagged.saturating_add(interval.nanos() / 1_000_000_000)
                }
            })
        }
        None => Ok(local.is_none()),
    }
}

/// Whether a failed pull may be ignored: the image can be built instead (compose's
/// `isServiceImageToBuild`).
fn buildable(image: &str, service: &Service, project: &Project) -> bool {
    service.build.is_some()
        || project
            .services
            .values()
            .any(|s| s.image.as_deref() == Some(image) && s.build.is_some())
}

/// One pull step per image the services need, decided on the images the engine has,
/// `now` in unix seconds.
pub fn reconcile_pulls(
    project: &Project,
    observed: &Observed,
    now: i64,
) -> Result<Plan, PlanError> {
    let mut plan = Plan::default();
    for service in project.services.values() {
        let image = service.image_name(project);
        let local = observed.image(&image);
        if must_pull(service, local, now).map_err(PlanError::PullPolicy)? {
            let reason = match (&service.pull_policy, local) {
                (Some(policy), Some(_)) => format!("pull_policy {policy}"),
                _ => format!("image {image} missing"),
            };
            plan.add(
                Operation::PullImage {
                    name: service.name.clone(),
                    platform: project.platform(Some(service)),
                    buildable: buildable(&image, service, project),
                    has_build: service.build.is_some(),
                    image,
                },
                reason,
                Vec::new(),
                Phase::Pull,
                Report::silent(),
            );
        }
        // An image mounted as a volume is pulled when missing, under a name of its own.
        for (i, volume) in service.volumes.iter().enumerate() {
            let source = volume.source.clone().unwrap_or_default();
            if volume.kind == Some(VolumeType::Image) && observed.image(&source).is_none() {
                plan.add(
                    Operation::PullImage {
                        name: format!("{}:volume {i}", service.name),
                        image: source.clone(),
                        platform: project.platform(None),
                        buildable: false,
                        has_build: false,
                    },
                    format!("image {source} mounted by {} missing", service.name),
                    Vec::new(),
                    Phase::Pull,
                    Report::silent(),
                );
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(image: &str, policy: Option<PullPolicy>) -> Service {
        Service {
            name: "s".into(),
            image: Some(image.into()),
            pull_policy: policy,
            ..Default::default()
        }
    }

    const DAY: i64 = 24 * 3600;

    #[test]
    fn pull_policies_decide_as_compose_does() {
        let here = LocalImage {
            id: "sha256:1".into(),
            last_tag_time: Some(1_000 * DAY),
            config: None,
        };
        let now = 1_000 * DAY + 2 * DAY;
        let cases = [
            (None, None, true),
            (None, Some(&here), false),
            (Some(PullPolicy::Missing), Some(&here), false),
            (Some(PullPolicy::IfNotPresent), None, true),
            (Some(PullPolicy::Always), Some(&here), true),
            (Some(PullPolicy::Never), None, false),
            (Some(PullPolicy::Build), None, false),
            (Some(PullPolicy::Daily), Some(&here), true),
            (Some(PullPolicy::Weekly), Some(&here), false),
            (Some(PullPolicy::Weekly), None, true),
            (
                Some(PullPolicy::Other("every_3d".into())),
                Some(&here),
                false,
            ),
            (
                Some(PullPolicy::Other("every_1h".into())),
                Some(&here),
                true,
            ),
            // `refresh` alone is no time-based policy: compose treats it as `missing`.
            (Some(PullPolicy::Refresh), Some(&here), false),
        ];
        for (policy, local, expected) in cases {
            let s = service("busybox", policy.clone());
            assert_eq!(
                must_pull(&s, local, now),
                Ok(expected),
                "{policy:?} {local:?}"
            );
        }
        let bad = service("busybox", Some(PullPolicy::Other("every_x".into())));
        assert!(must_pull(&bad, None, now).is_err());
        let build_only = Service {
            name: "b".into(),
            ..Default::default()
        };
        assert_eq!(must_pull(&build_only, None, now), Ok(false));
    }

    /// An image mounted as a volume is pulled only when the engine lacks it, under the
    /// name compose gives it; the service's own image follows its policy.
    #[test]
    fn images_mounted_as_volumes_are_pulled_when_missing() {
        let mounted = |source: &str| berth_model::compose::ServiceVolume {
            kind: Some(VolumeType::Image),
            source: Some(source.into()),
            target: "/data".into(),
            ..Default::default()
        };
        let s = Service {
            volumes: vec![mounted("present:1"), mounted("absent:1")],
            ..service("busybox", Some(PullPolicy::Never))
        };
        let project = Project {
            name: "p".into(),
            services: [("s".to_string(), s)].into_iter().collect(),
            ..Default::default()
        };
        let here = LocalImage {
            id: "sha256:1".into(),
            last_tag_time: None,
            config: None,
        };
        let observed = Observed {
            images: [
                ("busybox".to_string(), None),
                ("present:1".to_string(), Some(here)),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        let plan = reconcile_pulls(&project, &observed, 0).unwrap();
        let pulls: Vec<(String, String)> = plan
            .steps
            .iter()
            .map(|s| match &s.op {
                Operation::PullImage { name, image, .. } => (name.clone(), image.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(pulls, [("s:volume 1".to_string(), "absent:1".to_string())]);
        // The images the project needs are what `up` asks the engine about.
        let needed: Vec<String> = project.images().collect();
        assert_eq!(needed, ["busybox", "present:1", "absent:1"]);
    }
}
