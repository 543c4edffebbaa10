//! Runtime configuration: `/config.json`, read once at start, so one static build runs against
//! any compatible API. Shape (all but `apiBaseUrl` optional):
//!
//! ```json
//! { "apiBaseUrl": "/api/v1", "regionName": "Region Norrbotten",
//!   "features": { "serviceWorker": true } }
//! ```

use serde::Deserialize;

/// The parsed, validated configuration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    /// Base URL of the API: a path on this origin (`/api/v1`) or an absolute http(s) URL.
    pub api_base_url: String,
    /// Shown in the header, e.g. "Region Norrbotten".
    #[serde(default)]
    pub region_name: Option<String>,
    #[serde(default)]
    pub features: Features,
}

/// Feature flags.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Features {
    /// Register the service worker (offline shell, updates). On by default.
    pub service_worker: bool,
}

impl Default for Features {
    fn default() -> Self {
        Self { service_worker: true }
    }
}

/// Why the configuration could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    /// `config.json` could not be fetched (offline before the first visit, server down).
    Unreachable,
    /// The server answered with this status instead of the file.
    Missing(u16),
    /// The file is not valid JSON or lacks a usable field; the text is for developers.
    Malformed(String),
}

/// Parses and validates the text of `config.json`.
pub fn parse(text: &str) -> Result<AppConfig, ConfigError> {
    let mut config: AppConfig = serde_json::from_str(text).map_err(|e| ConfigError::Malformed(e.to_string()))?;
    let base = config.api_base_url.trim().trim_end_matches('/');
    let valid = base.starts_with('/') || base.starts_with("https://") || base.starts_with("http://");
    if base.is_empty() || !valid {
        return Err(ConfigError::Malformed(format!(
            "apiBaseUrl must be a path or an http(s) URL, got {:?}",
            config.api_base_url
        )));
    }
    config.api_base_url = base.to_owned();
    Ok(config)
}

/// Fetches and parses `/config.json` (always revalidated with the server).
pub async fn load() -> Result<AppConfig, ConfigError> {
    match crate::api::http::fetch_text("GET", "/config.json", None, &[]).await {
        Ok((200, text)) => parse(&text),
        Ok((status, _)) => Err(ConfigError::Missing(status)),
        Err(_) => Err(ConfigError::Unreachable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let config = parse(
            r#"{"apiBaseUrl":"https://api.example.se/v1/","regionName":"Region Norrbotten","features":{"serviceWorker":false},"future":1}"#,
        )
        .expect("valid");
        assert_eq!(config.api_base_url, "https://api.example.se/v1");
        assert_eq!(config.region_name.as_deref(), Some("Region Norrbotten"));
        assert!(!config.features.service_worker);
    }

    #[test]
    fn defaults_optional_fields() {
        let config = parse(r#"{"apiBaseUrl":"/api/v1"}"#).expect("valid");
        assert_eq!(config.region_name, None);
        assert!(config.features.service_worker);
    }

    #[test]
    fn rejects_bad_configs() {
        assert!(matches!(parse("{"), Err(ConfigError::Malformed(_))));
        assert!(matches!(parse("[]"), Err(ConfigError::Malformed(_))));
        assert!(matches!(parse(r#"{"regionName":"X"}"#), Err(ConfigError::Malformed(_))));
        assert!(matches!(parse(r#"{"apiBaseUrl":""}"#), Err(ConfigError::Malformed(_))));
        assert!(matches!(parse(r#"{"apiBaseUrl":"javascript:alert(1)"}"#), Err(ConfigError::Malformed(_))));
    }
}
