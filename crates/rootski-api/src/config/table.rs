//! The table of settings: every name the API reads, with what it means.
//!
//! Loading ([`super::load`]) accepts exactly these names in the YAML file, and
//! `rootski serve --help` prints its environment section from this table, so a setting
//! cannot be read without being documented. A `[default: X]` in a help text is checked
//! by a test against [`super::Settings::default`]: writing `X` explicitly must give
//! the same settings as writing nothing.

use super::ENV_PREFIX;

/// One setting: its name and the text the help shows for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingInfo {
    /// The YAML key (`port`); the variable is `ROOTSKI__` and the name in upper case.
    pub name: &'static str,
    /// What the setting does, its values and, when it has one, `[default: X]`.
    /// Lines after the first continue the first (the help indents them).
    pub help: &'static str,
}

impl SettingInfo {
    /// The environment variable of the setting (`ROOTSKI__PORT`).
    pub fn env_var(&self) -> String {
        format!("{ENV_PREFIX}{}", self.name.to_ascii_uppercase())
    }

    /// The value written after `[default: ` in the help, if any.
    pub fn default_text(&self) -> Option<&'static str> {
        let start = self.help.find("[default: ")? + "[default: ".len();
        let len = self.help[start..].find(']')?;
        Some(&self.help[start..start + len])
    }
}

/// `ROOTSKI__CONFIG_FILE_PATH`: names the YAML file, so it is read from the
/// environment only and is not one of [`SETTINGS`] (the file cannot hold it).
pub const CONFIG_FILE_PATH: SettingInfo = SettingInfo {
    name: "config_file_path",
    help: "YAML file with the same settings as keys (port: 3333, ...)",
};

/// Every setting of [`super::Settings`], in the order `rootski serve --help` lists
/// them.
pub const SETTINGS: &[SettingInfo] = &[
    SettingInfo {
        name: "host",
        help: "address to listen on [default: 127.0.0.1]",
    },
    SettingInfo {
        name: "port",
        help: "port to listen on, 0 = any free port [default: 3333]",
    },
    SettingInfo {
        name: "store",
        help: "embedded | dynamodb [default: embedded]",
    },
    SettingInfo {
        name: "db",
        help: "embedded store file [default: rootski.sqlite3]",
    },
    SettingInfo {
        name: "dynamo_table_name",
        help: "DynamoDB table [default: rootski-table]",
    },
    SettingInfo {
        name: "dynamo_endpoint_url",
        help: "DynamoDB-compatible endpoint (moto, DynamoDB Local) instead of AWS",
    },
    SettingInfo {
        name: "environment",
        help: "dev | prod (prod logs JSON lines) [default: dev]",
    },
    SettingInfo {
        name: "log_level",
        help: "error | warning | info | debug | trace [default: info]",
    },
    SettingInfo {
        name: "cognito_aws_region",
        help: "user pool region (part of the trusted token issuer)",
    },
    SettingInfo {
        name: "cognito_user_pool_id",
        help: "user pool id (part of the trusted token issuer)",
    },
    SettingInfo {
        name: "cognito_web_client_id",
        help: "the app client tokens must be issued for",
    },
    SettingInfo {
        name: "cognito_jwks_path",
        help: "read the pool's JWKS from this file instead of Cognito",
    },
    SettingInfo {
        name: "cognito_jwks_json",
        help: "the pool's JWKS inline",
    },
    SettingInfo {
        name: "domain",
        help: "frontend domain; https://<domain> may call the API [default: www.rootski.io]",
    },
    SettingInfo {
        name: "s3_static_site_origin",
        help: "static-site origin allowed by CORS",
    },
    SettingInfo {
        name: "extra_allowed_cors_origins",
        help: "more CORS origins: JSON list or comma list",
    },
    SettingInfo {
        name: "static_assets_dir",
        help: "where morphemes.json is written once built",
    },
    SettingInfo {
        name: "object_cache_bucket_name",
        help: "S3 bucket morphemes.json is read from (built and uploaded when absent)",
    },
    SettingInfo {
        name: "s3_endpoint_url",
        help: "S3-compatible endpoint (moto) for that bucket instead of AWS",
    },
    SettingInfo {
        name: "fetch_values_from_aws_ssm",
        help: "true: Cognito settings not set above are read at start-up from the\n\
               SSM parameters /rootski/<environment>/cognito_aws_region,\n\
               .../cognito_user_pool_id, .../cognito_web_client_id (AWS region and\n\
               credentials as for DynamoDB); a missing one stops start-up",
    },
    SettingInfo {
        name: "ssm_endpoint_url",
        help: "SSM-compatible endpoint (moto) instead of AWS (else AWS_ENDPOINT_URL)",
    },
    SettingInfo {
        name: "header_read_timeout",
        help: "time for a request's line and headers, from the accept or from the first\n\
               byte of a next request; a late head closes the connection [default: 10s]",
    },
    SettingInfo {
        name: "body_read_timeout",
        help: "time for a request body once it is read; a late body gets 408 [default: 30s]",
    },
    SettingInfo {
        name: "keep_alive_timeout",
        help: "an idle kept-alive connection is closed after this [default: 75s]\n\
               (timeouts: seconds such as 10 or 2.5, or milliseconds such as 500ms)",
    },
    SettingInfo {
        name: "max_connections",
        help: "client connections open at once; more wait to be accepted [default: 512]",
    },
];

/// Whether `name` (a YAML key) is one of [`SETTINGS`].
pub fn is_setting(name: &str) -> bool {
    SETTINGS.iter().any(|setting| setting.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn names_are_unique_lower_case_keys() {
        for (i, setting) in SETTINGS.iter().enumerate() {
            assert!(
                setting
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                setting.name
            );
            assert!(
                !SETTINGS[..i].iter().any(|s| s.name == setting.name),
                "{} is listed twice",
                setting.name
            );
        }
        assert!(!is_setting(CONFIG_FILE_PATH.name));
        assert_eq!(SETTINGS[1].env_var(), "ROOTSKI__PORT");
    }

    #[test]
    fn documented_defaults_are_the_defaults() {
        let defaults = Settings::from_lookup(|_| None).unwrap();
        let mut checked = 0;
        for setting in SETTINGS {
            let Some(value) = setting.default_text() else {
                continue;
            };
            let variable = setting.env_var();
            let explicit = Settings::from_lookup(|name| (name == variable).then(|| value.into()))
                .unwrap_or_else(|e| panic!("{variable}={value}: {e}"));
            assert_eq!(explicit, defaults, "{variable}: documented default {value}");
            checked += 1;
        }
        assert_eq!(checked, 12);
    }
}
