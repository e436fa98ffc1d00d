//! `types.Project`: the whole typed model, bound from the loader's typed `Value` tree.

use indexmap::IndexMap;
use serde::Deserialize;

use super::secret_config::{Config, Secret};
use super::{from_value, Extensions, ModelConfig, ModelError, Network, Service, Volume};
use crate::value::Value;

/// A loaded compose project's model (`types.Project` without what the loader keeps beside
/// it: working directory, files, environment, profiles, disabled services).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Project {
    pub name: String,
    /// The enabled services, by name, in the model's order.
    pub services: IndexMap<String, Service>,
    pub networks: IndexMap<String, Network>,
    pub volumes: IndexMap<String, Volume>,
    pub secrets: IndexMap<String, Secret>,
    pub configs: IndexMap<String, Config>,
    pub models: IndexMap<String, ModelConfig>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

impl Project {
    /// Binds the output of `shape::decode` (the loader's `Project::model`). Each service's
    /// `name` is its key. The error names the failing field's path.
    pub fn from_model(model: &Value) -> Result<Project, ModelError> {
        let mut project: Project = from_value(model)?;
        for (name, service) in project.services.iter_mut() {
            if service.name.is_empty() {
                service.name = name.clone();
            }
        }
        Ok(project)
    }

    /// A service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.get(name)
    }

    pub fn service_names(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(String::as_str)
    }

    /// The services that have a `build` section.
    pub fn services_with_build(&self) -> impl Iterator<Item = &Service> {
        self.services.values().filter(|s| s.build.is_some())
    }

    /// The services that depend on `name` (`GetDependents`), in model order.
    pub fn dependents_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Service> {
        self.services
            .values()
            .filter(move |s| s.depends_on.contains_key(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::test_support::map;

    #[test]
    fn a_project_binds_and_names_its_services() {
        let model = map(&[
            (
                "services",
                map(&[
                    ("web", map(&[("depends_on", map(&[("db", map(&[]))]))])),
                    ("db", map(&[("image", "postgres".into())])),
                ]),
            ),
            (
                "networks",
                map(&[("default", map(&[("name", "p_default".into())]))]),
            ),
            ("name", "p".into()),
            ("x-top", 1.into()),
        ]);
        let p = Project::from_model(&model).unwrap();
        assert_eq!(p.name, "p");
        assert_eq!(p.service_names().collect::<Vec<_>>(), ["web", "db"]);
        assert_eq!(p.services["web"].name, "web");
        assert_eq!(p.networks["default"].name, "p_default");
        assert_eq!(p.extensions["x-top"], Value::Int(1));
        let web = p.service("web").unwrap();
        assert_eq!(web.image_name(&p), "p-web");
        assert_eq!(p.service("db").unwrap().image_name(&p), "postgres");
        let deps: Vec<_> = p.dependents_of("db").map(|s| s.name.as_str()).collect();
        assert_eq!(deps, ["web"]);
        assert_eq!(p.services_with_build().count(), 0);
    }

    #[test]
    fn errors_carry_the_model_path() {
        let model = map(&[(
            "services",
            map(&[(
                "web",
                map(&[(
                    "ports",
                    Value::Seq(vec![map(&[("target", "eighty".into())])]),
                )]),
            )]),
        )]);
        let e = Project::from_model(&model).unwrap_err();
        assert_eq!(e.path, "services[web].ports[0].target");
        assert_eq!(
            e.to_string(),
            "services[web].ports[0].target: invalid type: string \"eighty\", expected u32"
        );
    }
}
