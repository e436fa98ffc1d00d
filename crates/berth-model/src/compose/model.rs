//! `types.ModelConfig` (top-level `models`) and `types.ServiceModelConfig` (a service's use of
//! one).

use serde::Deserialize;

use super::Extensions;

/// A top-level AI model (`types.ModelConfig`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelConfig {
    pub name: Option<String>,
    /// The model reference, e.g. `ai/smollm2`.
    pub model: Option<String>,
    pub context_size: Option<i64>,
    pub runtime_flags: Vec<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// How a service sees a model (long syntax of a service's `models`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceModel {
    /// The variable that receives the model's endpoint URL.
    pub endpoint_var: Option<String>,
    /// The variable that receives the model name.
    pub model_var: Option<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::{map, strs};

    #[test]
    fn models_bind() {
        let m: ModelConfig = from_value(&map(&[
            ("model", "ai/smollm2".into()),
            ("context_size", 4096.into()),
            ("runtime_flags", strs(&["--verbose"])),
        ]))
        .unwrap();
        assert_eq!(m.model.as_deref(), Some("ai/smollm2"));
        assert_eq!(m.context_size, Some(4096));
        assert_eq!(m.runtime_flags, ["--verbose"]);
        let s: ServiceModel = from_value(&map(&[("endpoint_var", "URL".into())])).unwrap();
        assert_eq!(s.endpoint_var.as_deref(), Some("URL"));
        assert_eq!(s.model_var, None);
    }
}
