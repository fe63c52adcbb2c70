//! Applying a function's hotswap through Lambda's API, as the CDK CLI's
//! `lambda-functions.ts` does: `UpdateFunctionCode` for a new `Code`, then
//! `UpdateFunctionConfiguration` for `Environment` / `Description`, each followed by
//! a wait until the function's `LastUpdateStatus` is `Successful` (bounded; `Failed`
//! is an error carrying Lambda's reason). A removed `Environment` or `Description` is
//! sent empty, which is what CloudFormation would leave.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{Environment, LastUpdateStatus};
use serde_json::Value;

use super::super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

/// How often and how long to wait for a function's update.
#[derive(Debug, Clone, Copy)]
pub struct UpdateWait {
    /// Between two polls.
    pub interval: Duration,
    /// Give up after.
    pub timeout: Duration,
}

impl Default for UpdateWait {
    fn default() -> Self {
        Self {
            interval: Duration::from_millis(500),
            timeout: Duration::from_secs(300),
        }
    }
}

/// One function's evaluated hotswap.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionUpdate {
    /// Logical id (for messages).
    pub logical_id: String,
    /// Physical name (or ARN).
    pub function: String,
    /// The new `Code`, when it changed.
    pub code: Option<Value>,
    /// The new `Environment` (`Some(Null)`: removed), when it changed.
    pub environment: Option<Value>,
    /// The new `Description` (`Some(Null)`: removed), when it changed.
    pub description: Option<Value>,
}

/// Updates the code, then the configuration, waiting for each.
pub async fn apply(lambda: &Client, update: &FunctionUpdate, wait: UpdateWait) -> Result<()> {
    let name = update.function.as_str();
    if let Some(code) = &update.code {
        let s3 = |k: &str| code.get(k).and_then(Value::as_str).map(str::to_owned);
        let req = lambda.update_function_code().function_name(name);
        let req = match (s3("S3Bucket"), s3("S3Key"), s3("ImageUri")) {
            (Some(bucket), Some(key), _) => req
                .s3_bucket(bucket)
                .s3_key(key)
                .set_s3_object_version(s3("S3ObjectVersion")),
            (_, _, Some(image)) => req.image_uri(image),
            _ => {
                return Err(ToolkitError::UnsupportedHotswapCode {
                    logical_id: update.logical_id.clone(),
                    code: code.to_string(),
                });
            }
        };
        req.send().await.map_err(|e| {
            aws_error(
                "Lambda UpdateFunctionCode",
                format!("hotswapping {name}"),
                e,
            )
        })?;
        wait_until_updated(lambda, name, wait).await?;
    }
    if update.environment.is_none() && update.description.is_none() {
        return Ok(());
    }
    let mut req = lambda.update_function_configuration().function_name(name);
    if let Some(env) = &update.environment {
        req = req.environment(
            Environment::builder()
                .set_variables(Some(variables(env)))
                .build(),
        );
    }
    if let Some(description) = &update.description {
        req = req.description(description.as_str().unwrap_or_default());
    }
    req.send().await.map_err(|e| {
        aws_error(
            "Lambda UpdateFunctionConfiguration",
            format!("hotswapping {name}"),
            e,
        )
    })?;
    wait_until_updated(lambda, name, wait).await
}

/// `Environment.Variables` as strings (numbers and booleans as CloudFormation
/// renders them).
fn variables(env: &Value) -> HashMap<String, String> {
    env.get("Variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// Polls `GetFunctionConfiguration` until the last update is no longer in progress.
async fn wait_until_updated(lambda: &Client, name: &str, wait: UpdateWait) -> Result<()> {
    let started = Instant::now();
    loop {
        let config = lambda
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    "Lambda GetFunctionConfiguration",
                    format!("waiting for the update of {name}"),
                    e,
                )
            })?;
        match config.last_update_status() {
            Some(LastUpdateStatus::InProgress) => {}
            Some(LastUpdateStatus::Failed) => {
                let reason = config
                    .last_update_status_reason()
                    .unwrap_or("no reason given");
                let code = config
                    .last_update_status_reason_code()
                    .map(|c| format!(" ({})", c.as_str()))
                    .unwrap_or_default();
                return Err(ToolkitError::LambdaUpdateFailed {
                    function: name.to_owned(),
                    reason: format!("{reason}{code}"),
                });
            }
            // Successful, or a function that never reports a status.
            _ => return Ok(()),
        }
        if started.elapsed() > wait.timeout {
            return Err(ToolkitError::LambdaUpdateTimeout {
                function: name.to_owned(),
                waited: wait.timeout,
            });
        }
        tokio::time::sleep(wait.interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn environment_variables_are_strings() {
        let vars = variables(&json!({"Variables": {"A": "x", "N": 3, "B": true}}));
        assert_eq!(vars["A"], "x");
        assert_eq!(vars["N"], "3");
        assert_eq!(vars["B"], "true");
        assert!(variables(&Value::Null).is_empty());
    }
}
