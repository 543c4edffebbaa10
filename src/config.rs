//! Runtime configuration: `/config.json`, read once at start, so one static build runs against
//! any compatible API. Shape (all but `apiBaseUrl` optional):
//!
//! ```json
//! { "apiBaseUrl": "/api/v1", "regionName": "Region Norrbotten",
//!   "features": { "serviceWorker": true },
//!   "languages": [ { "code": "se", "name": "Davvisámegiella", "file": "/strings/se.json" } ] }
//! ```
//!
//! `languages` adds a region's own languages to the four built in (README, "Adding a
//! language"): each is a copy of `/strings/sv.json` with the values translated.

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
    /// Languages the region adds, after Swedish, English, Finnish and Arabic.
    #[serde(default)]
    pub languages: Vec<LanguageEntry>,
}

/// A language a region adds by deploying its strings file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LanguageEntry {
    /// BCP 47 code (`se`, `fit`, `so`): `<html lang>`, `Accept-Language` and Intl.
    pub code: String,
    /// The language's name for itself, shown in the language menu ("Davvisámegiella").
    pub name: String,
    /// The strings file: a path on this origin (`/strings/se.json`).
    pub file: String,
    /// `rtl` for a right-to-left script; left to right otherwise.
    #[serde(default)]
    pub dir: Option<String>,
}

impl LanguageEntry {
    /// Why this entry cannot be offered, if it cannot: a code that is not BCP 47 (it goes into
    /// `<html lang>` and a header), a file on another origin, an unknown direction, no name.
    pub fn problem(&self) -> Option<&'static str> {
        let mut parts = self.code.split('-');
        let primary = parts.next().unwrap_or_default();
        let code_ok = (2..=3).contains(&primary.len())
            && primary.bytes().all(|b| b.is_ascii_lowercase())
            && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !code_ok {
            Some("code must be a BCP 47 language code such as se or fit")
        } else if !self.file.starts_with('/') || self.file.starts_with("//") || self.file.contains(['\\', '?', '#']) {
            Some("file must be a path on this site, such as /strings/se.json")
        } else if !matches!(self.dir.as_deref(), None | Some("ltr" | "rtl")) {
            Some("dir must be ltr or rtl")
        } else if self.name.trim().is_empty() {
            Some("name must be the language's name for itself")
        } else {
            None
        }
    }
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

    #[test]
    fn reads_the_languages_a_region_adds() {
        let config = parse(
            r#"{"apiBaseUrl":"/api/v1","languages":[{"code":"se","name":"Davvisámegiella","file":"/strings/se.json"},{"code":"ckb","name":"کوردی","file":"/strings/ckb.json","dir":"rtl"}]}"#,
        )
        .expect("valid");
        assert_eq!(config.languages.len(), 2);
        assert_eq!(config.languages[0].problem(), None);
        assert_eq!(config.languages[1].dir.as_deref(), Some("rtl"));
        assert_eq!(config.languages[1].problem(), None);
        assert!(parse(r#"{"apiBaseUrl":"/api/v1"}"#).unwrap().languages.is_empty());
    }

    #[test]
    fn a_language_entry_that_cannot_be_offered_says_why() {
        let entry = |code: &str, file: &str, dir: Option<&str>| LanguageEntry {
            code: code.into(),
            name: "X".into(),
            file: file.into(),
            dir: dir.map(Into::into),
        };
        assert!(entry("fit", "/strings/fit.json", None).problem().is_none());
        assert!(entry("sr-Latn", "/strings/sr.json", Some("ltr")).problem().is_none());
        assert!(entry("Sami", "/strings/se.json", None).problem().is_some(), "not a code");
        assert!(entry("se\" onload=\"x", "/strings/se.json", None).problem().is_some(), "markup in the code");
        assert!(entry("se", "https://evil.example/se.json", None).problem().is_some(), "another origin");
        assert!(entry("se", "//evil.example/se.json", None).problem().is_some(), "another origin");
        assert!(entry("se", "/strings/se.json", Some("down")).problem().is_some());
    }
}
