//! The .env dialect. OWNER: interpolation helper (replaces this stub).
use indexmap::IndexMap;
#[derive(Debug, thiserror::Error)]
#[error("dotenv stub")]
pub struct DotenvError;
pub fn parse_dotenv(content: &str, _lookup: crate::Lookup) -> Result<IndexMap<String, String>, DotenvError> {
    Ok(content.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect())
}
pub fn parse_raw_env_file(content: &str) -> IndexMap<String, Option<String>> {
    content.lines().filter(|l| !l.trim().is_empty()).map(|l| match l.split_once('=') { Some((k, v)) => (k.to_string(), Some(v.to_string())), None => (l.to_string(), None) }).collect()
}
