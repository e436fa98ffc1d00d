//! Registry credentials from the docker CLI's config file (`$DOCKER_CONFIG/config.json`, else
//! `~/.docker/config.json`): the `auths` entry of the registry, as `docker login` wrote it.
//! Credential helpers (`credsStore`, `credHelpers`) are not run: berth sends no credentials
//! for such registries, which public and local registries do not need.

use base64::Engine as _;
use bollard::auth::DockerCredentials;
use indexmap::IndexMap;

/// The key docker uses in `auths` for Docker Hub.
const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// The docker CLI's config file, read once per command: its proxies and its credentials.
#[derive(Debug, Clone, Default)]
pub struct DockerConfigFile(Option<serde_json::Value>);

impl DockerConfigFile {
    /// The file parsed (empty when absent or unreadable).
    pub fn read(env: &IndexMap<String, String>) -> Self {
        let dir = match env.get("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
            Some(d) => d.clone(),
            None => match env.get("HOME") {
                Some(home) => format!("{home}/.docker"),
                None => return Self(None),
            },
        };
        let text = std::fs::read_to_string(format!("{dir}/config.json")).ok();
        Self(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// The proxy variables the docker CLI adds to every container (`ParseProxyConfig`): the
    /// config file's `proxies` entry for the engine `host`, else its `default` one, each set
    /// in upper and lower case.
    pub fn proxy_env(&self, host: &str) -> IndexMap<String, String> {
        let mut vars = IndexMap::new();
        let Some(proxies) = self.0.as_ref().and_then(|c| c.get("proxies")) else {
            return vars;
        };
        let Some(entry) = proxies.get(host).or_else(|| proxies.get("default")) else {
            return vars;
        };
        for (key, name) in [
            ("httpProxy", "HTTP_PROXY"),
            ("httpsProxy", "HTTPS_PROXY"),
            ("noProxy", "NO_PROXY"),
            ("ftpProxy", "FTP_PROXY"),
            ("allProxy", "ALL_PROXY"),
        ] {
            if let Some(value) = entry.get(key).and_then(|v| v.as_str()) {
                vars.insert(name.to_string(), value.to_string());
                vars.insert(name.to_lowercase(), value.to_string());
            }
        }
        vars
    }

    /// The detach sequence the file sets (`detachKeys`), for `exec` and `attach`.
    pub fn detach_keys(&self) -> Option<String> {
        self.0
            .as_ref()
            .and_then(|c| c.get("detachKeys"))
            .and_then(|k| k.as_str())
            .filter(|k| !k.is_empty())
            .map(str::to_string)
    }

    /// Credentials for the registry `domain`, if the file has some.
    pub fn credentials(&self, domain: &str) -> Option<DockerCredentials> {
        let key = if domain == "docker.io" {
            DOCKER_HUB_KEY
        } else {
            domain
        };
        let entry = self.0.as_ref()?.get("auths")?.get(key)?;
        let auth = entry.get("auth")?.as_str()?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth)
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (username, password) = decoded.split_once(':')?;
        Some(DockerCredentials {
            username: Some(username.to_string()),
            password: Some(password.to_string()),
            serveraddress: Some(key.to_string()),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_become_upper_and_lower_case_variables() {
        let dir = std::env::temp_dir().join(format!("berth-proxy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("config.json"),
            r#"{"proxies":{"default":{"httpProxy":"http://p:3128","noProxy":"localhost"}}}"#,
        )
        .unwrap();
        let env: IndexMap<String, String> = [(
            "DOCKER_CONFIG".to_string(),
            dir.to_string_lossy().into_owned(),
        )]
        .into_iter()
        .collect();
        let vars = DockerConfigFile::read(&env).proxy_env("unix:///var/run/docker.sock");
        let list: Vec<String> = vars.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            list,
            [
                "HTTP_PROXY=http://p:3128",
                "http_proxy=http://p:3128",
                "NO_PROXY=localhost",
                "no_proxy=localhost"
            ]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reads_the_auths_entry_of_the_registry() {
        let dir = std::env::temp_dir().join(format!("berth-creds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("config.json"),
            r#"{"auths":{"127.0.0.1:5000":{"auth":"dXNlcjpwYXNz"}}}"#,
        )
        .unwrap();
        let env: IndexMap<String, String> = [(
            "DOCKER_CONFIG".to_string(),
            dir.to_string_lossy().into_owned(),
        )]
        .into_iter()
        .collect();
        let file = DockerConfigFile::read(&env);
        let creds = file.credentials("127.0.0.1:5000").unwrap();
        assert_eq!(creds.username.as_deref(), Some("user"));
        assert_eq!(creds.password.as_deref(), Some("pass"));
        assert!(file.credentials("docker.io").is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
