//! One parser per kind of setting. Each returns what it expected on failure, so the
//! caller can name the variable and the accepted values together.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::{Environment, LogLevel, StoreKind};

/// A setting's value before parsing: environment variables are always text; the YAML
/// file may also give a list.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Raw {
    Text(String),
    List(Vec<String>),
}

impl Raw {
    /// `None` for a value of the wrong shape, `Some(None)` for YAML `null` (unset).
    pub(super) fn from_yaml(value: &serde_yaml_ng::Value) -> Option<Option<Raw>> {
        use serde_yaml_ng::Value;
        match value {
            Value::Null => Some(None),
            Value::Sequence(items) => {
                let texts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
                texts.map(|texts| Some(Raw::List(texts)))
            }
            other => scalar_text(other).map(|text| Some(Raw::Text(text))),
        }
    }

    pub(super) fn is_blank(&self) -> bool {
        matches!(self, Raw::Text(text) if text.trim().is_empty())
    }

    fn text(&self) -> Result<&str, String> {
        match self {
            Raw::Text(text) => Ok(text.trim()),
            Raw::List(_) => Err("a single value, not a list".to_owned()),
        }
    }
}

impl fmt::Display for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Raw::Text(text) => f.write_str(text),
            Raw::List(items) => write!(f, "[{}]", items.join(", ")),
        }
    }
}

fn scalar_text(value: &serde_yaml_ng::Value) -> Option<String> {
    use serde_yaml_ng::Value;
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

pub(super) fn text(raw: &Raw) -> Result<String, String> {
    raw.text().map(str::to_owned)
}

pub(super) fn path(raw: &Raw) -> Result<PathBuf, String> {
    raw.text().map(PathBuf::from)
}

pub(super) fn boolean(raw: &Raw) -> Result<bool, String> {
    match raw.text()?.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("true or false".to_owned()),
    }
}

pub(super) fn port(raw: &Raw) -> Result<u16, String> {
    raw.text()?
        .parse::<u16>()
        .map_err(|_| "a TCP port number from 0 to 65535".to_owned())
}

/// A server timeout: seconds (`10`, `2.5`, `10s`) or milliseconds (`500ms`), from
/// 1 ms to a day. Zero is refused rather than read as "no timeout": every timeout
/// of the server is a defence, and turning one off should not be one typo away.
pub(super) fn timeout(raw: &Raw) -> Result<Duration, String> {
    const EXPECTED: &str =
        "a duration from 1ms to 1 day, in seconds (10, 2.5, 10s) or milliseconds (500ms)";
    let text = raw.text()?.to_ascii_lowercase();
    let (number, seconds_per_unit) = match text.strip_suffix("ms") {
        Some(number) => (number, 0.001),
        None => (text.strip_suffix('s').unwrap_or(&text), 1.0),
    };
    let value: f64 = number.trim().parse().map_err(|_| EXPECTED.to_owned())?;
    let seconds = value * seconds_per_unit;
    if !(0.001..=86_400.0).contains(&seconds) {
        return Err(EXPECTED.to_owned());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| EXPECTED.to_owned())
}

/// How many connections may be open at once: 1 to 1,000,000.
pub(super) fn connection_count(raw: &Raw) -> Result<usize, String> {
    const EXPECTED: &str = "a whole number of connections from 1 to 1000000";
    match raw.text()?.parse::<usize>() {
        Ok(count) if (1..=1_000_000).contains(&count) => Ok(count),
        _ => Err(EXPECTED.to_owned()),
    }
}

pub(super) fn environment(raw: &Raw) -> Result<Environment, String> {
    match raw.text()?.to_ascii_lowercase().as_str() {
        "dev" => Ok(Environment::Dev),
        "prod" => Ok(Environment::Prod),
        _ => Err("dev or prod".to_owned()),
    }
}

pub(super) fn store_kind(raw: &Raw) -> Result<StoreKind, String> {
    match raw.text()?.to_ascii_lowercase().as_str() {
        "embedded" => Ok(StoreKind::Embedded),
        "dynamodb" => Ok(StoreKind::Dynamodb),
        _ => Err("embedded or dynamodb".to_owned()),
    }
}

pub(super) fn log_level(raw: &Raw) -> Result<LogLevel, String> {
    match raw.text()?.to_ascii_lowercase().as_str() {
        "critical" | "error" => Ok(LogLevel::Error),
        "warning" | "warn" => Ok(LogLevel::Warn),
        "info" => Ok(LogLevel::Info),
        "debug" => Ok(LogLevel::Debug),
        "trace" | "notset" => Ok(LogLevel::Trace),
        _ => Err("one of critical, error, warning, info, debug, trace".to_owned()),
    }
}

pub(super) fn domain(raw: &Raw) -> Result<String, String> {
    let text = raw.text()?;
    if text.contains("://") || text.contains('/') || text.contains(char::is_whitespace) {
        return Err("a bare domain name such as www.rootski.io".to_owned());
    }
    Ok(text.to_owned())
}

/// An origin as browsers send it: scheme and authority, no path or trailing slash.
pub(super) fn origin(raw: &Raw) -> Result<String, String> {
    one_origin(raw.text()?)
}

fn one_origin(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let expected =
        || "origins such as https://www.rootski.io (scheme and host, no path)".to_owned();
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(expected)?;
    if rest.is_empty() || rest.contains('/') || rest.contains(char::is_whitespace) {
        return Err(expected());
    }
    Ok(trimmed.to_owned())
}

/// A JSON list (`["https://a", "https://b"]`), a comma list, or a YAML list.
pub(super) fn origin_list(raw: &Raw) -> Result<Vec<String>, String> {
    let items: Vec<String> = match raw {
        Raw::List(items) => items.clone(),
        Raw::Text(text) if text.trim_start().starts_with('[') => {
            serde_json::from_str::<Vec<String>>(text).map_err(|_| {
                "a JSON list of strings or a comma-separated list of origins".to_owned()
            })?
        }
        Raw::Text(text) => text.split(',').map(str::to_owned).collect(),
    };
    items
        .iter()
        .filter(|item| !item.trim().is_empty())
        .map(|item| one_origin(item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Raw {
        Raw::Text(text.to_owned())
    }

    #[test]
    fn origins_accept_json_and_comma_lists() {
        assert_eq!(
            origin_list(&t(r#"["https://a.io/", "http://localhost:3000"]"#)).unwrap(),
            vec!["https://a.io", "http://localhost:3000"]
        );
        assert_eq!(
            origin_list(&t("https://a.io,https://b.io")).unwrap().len(),
            2
        );
        assert!(origin_list(&t("a.io")).is_err());
        assert!(origin_list(&t("https://a.io/path")).is_err());
    }

    #[test]
    fn booleans_and_levels() {
        assert!(boolean(&t("TRUE")).unwrap());
        assert!(!boolean(&t("0")).unwrap());
        assert!(boolean(&t("maybe")).is_err());
        assert_eq!(log_level(&t("CRITICAL")).unwrap(), LogLevel::Error);
        assert!(port(&t("70000")).is_err());
        assert!(domain(&t("https://x.io")).is_err());
    }

    #[test]
    fn timeouts_take_seconds_or_milliseconds() {
        assert_eq!(timeout(&t("10")).unwrap(), Duration::from_secs(10));
        assert_eq!(timeout(&t(" 2.5 ")).unwrap(), Duration::from_millis(2500));
        assert_eq!(timeout(&t("10s")).unwrap(), Duration::from_secs(10));
        assert_eq!(timeout(&t("500ms")).unwrap(), Duration::from_millis(500));
        assert_eq!(timeout(&t("300 MS")).unwrap(), Duration::from_millis(300));
        assert_eq!(timeout(&t("86400")).unwrap(), Duration::from_secs(86_400));
        for bad in [
            "0", "0ms", "-1", "0.5ms", "86401", "1e9", "inf", "NaN", "ten", "10m", "s", "",
        ] {
            let err = timeout(&t(bad)).expect_err(bad);
            assert!(err.contains("500ms"), "{bad}: {err}");
        }
        assert!(timeout(&Raw::List(vec!["1".into()])).is_err());
    }

    #[test]
    fn connection_counts_are_positive_and_bounded() {
        assert_eq!(connection_count(&t("1")).unwrap(), 1);
        assert_eq!(connection_count(&t("1024")).unwrap(), 1024);
        assert_eq!(connection_count(&t("1000000")).unwrap(), 1_000_000);
        for bad in ["0", "-5", "1000001", "1.5", "many", "1_000"] {
            assert!(connection_count(&t(bad)).is_err(), "{bad}");
        }
    }
}
