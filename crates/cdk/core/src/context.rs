//! Context: values from `cdk.json` ("context"), `cdk.context.json` and `-c k=v`, and
//! context lookups (CDK's `ContextProvider`).
//!
//! Invariants: the lookup key is `<provider>:<k=v...>` with the props (plus account and
//! region) flattened (`a.b=...` for nested objects), sorted, strings with `$`→`$$` and
//! `:`→`$:`, other values as JSON; a missing value records a `missing` entry (props with
//! `dummyValue` first) and yields the dummy, never a silent guess. Precedence when
//! merging sources: `-c` over `cdk.json` over `cdk.context.json` (as the CDK CLI).

use std::path::Path;

use serde_json::{Map, Value};

use crate::stack::MissingContext;
use crate::{Construct, Error, Result, Stack, Token};

/// Options of [`ContextProvider::get_value`].
#[derive(Debug, Clone, Default)]
pub struct GetContextValueOptions {
    /// Provider name (e.g. `hosted-zone`).
    pub provider: String,
    /// Provider-specific props (part of the key).
    pub props: Map<String, Value>,
    /// Returned when the value is missing.
    pub dummy_value: Value,
    /// Include account/region in the key and props (default true in CDK: set `false`
    /// to exclude).
    pub exclude_environment: bool,
}

/// Result of a context lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct GetContextValueResult {
    /// The value, or the dummy when missing.
    pub value: Value,
    /// Whether the value was missing (a `missing` entry was recorded).
    pub missing: bool,
}

/// Context lookups (CDK's `ContextProvider`).
pub struct ContextProvider;

impl ContextProvider {
    /// The key and full props of a lookup.
    pub fn get_key(
        scope: &impl AsRef<Construct>,
        options: &GetContextValueOptions,
    ) -> Result<(String, Map<String, Value>)> {
        let stack = Stack::of(scope)?;
        let mut props = Map::new();
        if !options.exclude_environment {
            props.insert("account".into(), Value::String(stack.account()));
            props.insert("region".into(), Value::String(stack.region()));
        }
        for (k, v) in &options.props {
            props.insert(k.clone(), v.clone());
        }
        if Token::is_unresolved_value(&Value::Object(props.clone())) && options.exclude_environment
        {
            return Err(Error::validation(
                scope.as_ref().path(),
                format!(
                    "Cannot determine scope for context provider {}: props contain unresolved tokens",
                    options.provider
                ),
            ));
        }
        let mut parts = props_to_array(&props, "");
        parts.sort();
        let key = if parts.is_empty() {
            options.provider.clone()
        } else {
            format!("{}:{}", options.provider, parts.join(":"))
        };
        Ok((key, props))
    }

    /// Looks the value up in context; when absent (or a provider error), reports it
    /// missing on the stack and returns the dummy value.
    pub fn get_value(
        scope: &impl AsRef<Construct>,
        options: GetContextValueOptions,
    ) -> Result<GetContextValueResult> {
        let stack = Stack::of(scope)?;
        if !options.exclude_environment
            && (Token::is_unresolved(&stack.account()) || Token::is_unresolved(&stack.region()))
        {
            return Err(Error::validation(
                scope.as_ref().path(),
                format!(
                    "Cannot retrieve value from context provider {} since account/region are not specified at the stack level. \
                     Configure \"env\" with an account and region when you define your stack.",
                    options.provider
                ),
            ));
        }
        let (key, props) = Self::get_key(scope, &options)?;
        let value = scope.as_ref().try_get_context(&key);
        let provider_error = value
            .as_ref()
            .and_then(|v| v.get("$providerError"))
            .is_some();
        match value {
            Some(v) if !provider_error => Ok(GetContextValueResult {
                value: v,
                missing: false,
            }),
            _ => {
                let mut full = Map::new();
                full.insert("dummyValue".into(), options.dummy_value.clone());
                for (k, v) in props {
                    full.insert(k, v);
                }
                stack.report_missing_context_key(MissingContext {
                    key,
                    provider: options.provider.clone(),
                    props: full,
                });
                Ok(GetContextValueResult {
                    value: options.dummy_value,
                    missing: true,
                })
            }
        }
    }
}

fn colon_quote(s: &str) -> String {
    s.replace('$', "$$").replace(':', "$:")
}

fn props_to_array(props: &Map<String, Value>, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in props {
        match v {
            Value::Null => {}
            Value::Object(o) => out.extend(props_to_array(o, &format!("{prefix}{k}."))),
            Value::Array(a) => {
                let o: Map<String, Value> = a
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v.clone()))
                    .collect();
                out.extend(props_to_array(&o, &format!("{prefix}{k}.")));
            }
            Value::String(s) => out.push(format!("{prefix}{k}={}", colon_quote(s))),
            other => out.push(format!("{prefix}{k}={other}")),
        }
    }
    out.sort();
    out
}

/// Reads `cdk.json` ("context") and `cdk.context.json` from `dir` (missing files are
/// fine) and applies `-c key=value` pairs (from [`parse_context_arg`]) on top, as the
/// CDK CLI does.
pub fn load_context(dir: &Path, cli: &[(String, Value)]) -> Result<Map<String, Value>> {
    let mut ctx = read_json_object(&dir.join("cdk.context.json"))?;
    if let Some(Value::Object(c)) = read_json_object(&dir.join("cdk.json"))?.remove("context") {
        ctx.extend(c);
    }
    for (k, v) in cli {
        ctx.insert(k.clone(), v.clone());
    }
    Ok(ctx)
}

/// Parses one `-c key=value` argument. The value is a string, except a JSON object or
/// array (a context-lookup answer such as a hosted zone), which is kept as JSON.
///
/// Lookup keys contain `=` themselves (`hosted-zone:account=1:domainName=x:region=y`),
/// so a JSON value is split off at the first `={` or `=[`; anything else at the first
/// `=`, as the CDK CLI splits.
pub fn parse_context_arg(arg: &str) -> Result<(String, Value)> {
    let at = arg
        .find("={")
        .or_else(|| arg.find("=["))
        .or_else(|| arg.find('='));
    match at {
        Some(i) if i > 0 => Ok((arg[..i].to_string(), context_value(&arg[i + 1..]))),
        _ => Err(Error::validation(
            "",
            format!("context argument {arg:?} must look like key=value"),
        )),
    }
}

fn context_value(value: &str) -> Value {
    let t = value.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && let Ok(v) = serde_json::from_str(value)
    {
        return v;
    }
    Value::String(value.to_string())
}

fn read_json_object(path: &Path) -> Result<Map<String, Value>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Map::new()),
        Err(e) => return Err(Error::io("reading", path, e)),
    };
    match serde_json::from_str(&text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::validation(
            "",
            format!("{} must contain a JSON object", path.display()),
        )),
        Err(source) => Err(Error::Json {
            what: format!("parsing {}", path.display()),
            source,
        }),
    }
}
