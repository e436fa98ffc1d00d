//! `config --resolve-image-digests` and `--lock-image-digests`: each service image pinned to
//! the digest its registry holds, asked through the engine as compose does.

use berth_model::image_ref::ImageRef;
use berth_model::{Map, Value};
use indexmap::IndexMap;

/// Replaces every `services.*.image` of `model` by its digested reference.
pub fn resolve(model: &mut Value, env: &IndexMap<String, String>) -> Result<(), String> {
    let Some(Value::Map(services)) = model.get_mut("services") else {
        return Ok(());
    };
    let mut names: Vec<String> = services.keys().cloned().collect();
    names.sort();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let mut engine = None;
        let config_file = berth_engine::DockerConfigFile::read(env);
        // Services often share an image: one registry round trip per distinct reference.
        let mut pinned_by_ref: IndexMap<String, String> = IndexMap::new();
        for name in names {
            let Some(Value::String(image)) = services.get(&name).and_then(|s| s.get("image"))
            else {
                continue;
            };
            let parsed = ImageRef::parse_docker_ref(image).map_err(|e| e.to_string())?;
            let pinned = if parsed.digest.is_some() {
                parsed.to_string()
            } else if let Some(known) = pinned_by_ref.get(&parsed.to_string()) {
                known.clone()
            } else {
                if engine.is_none() {
                    engine = Some(
                        berth_engine::Engine::connect(env)
                            .await
                            .map_err(|e| format!("failed to resolve digest for {parsed}: {e}"))?,
                    );
                }
                let Some(engine) = &engine else { continue };
                let credentials = config_file.credentials(&parsed.domain);
                let digest = engine
                    .distribution_digest(&parsed.to_string(), credentials)
                    .await
                    .map_err(|e| format!("failed to resolve digest for {parsed}: {e}"))?;
                let pinned = format!("{parsed}@{digest}");
                pinned_by_ref.insert(parsed.to_string(), pinned.clone());
                pinned
            };
            if let Some(service) = services.get_mut(&name).and_then(Value::as_map_mut) {
                service.insert("image".into(), Value::String(pinned));
            }
        }
        Ok(())
    })
}

/// `--lock-image-digests`: a model of the services' images only, as an override file.
pub fn images_only(model: &Value) -> Value {
    let services: Map = model
        .get("services")
        .and_then(Value::as_map)
        .map(|services| {
            services
                .iter()
                .map(|(name, service)| {
                    let mut kept = Map::default();
                    if let Some(image) = service.get("image") {
                        kept.insert("image".into(), image.clone());
                    }
                    (name.clone(), Value::Map(kept))
                })
                .collect()
        })
        .unwrap_or_default();
    Value::Map(
        [("services".to_string(), Value::Map(services))]
            .into_iter()
            .collect(),
    )
}
