//! Exports across stacks: who imports an export (`ListImports`, or a scan of the
//! deployed templates where an endpoint lacks it), the deployed template itself, and
//! export safety — an export the new template drops while another stack still
//! imports it is kept with its deployed value, with a warning (what `export_value`
//! does by hand in the CDK).

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_sdk_cloudformation::types::Stack;
use serde_json::{Value, json};

use super::Ui;
use super::events::outputs_of;
use super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

fn status_of(stack: &Stack) -> &str {
    stack.stack_status().map(|s| s.as_str()).unwrap_or("")
}

/// The deployed template as JSON (`Value::Null` when there is none).
pub async fn deployed_template(cfn: &Client, name: &str) -> Result<Value> {
    match cfn.get_template().stack_name(name).send().await {
        Ok(out) => {
            let body = out.template_body().unwrap_or("{}");
            serde_json::from_str(body).map_err(|source| ToolkitError::DeployedTemplateNotJson {
                stack: name.to_owned(),
                source,
            })
        }
        Err(e)
            if e.as_service_error()
                .and_then(|s| s.message())
                .is_some_and(|m| m.contains("does not exist")) =>
        {
            Ok(Value::Null)
        }
        Err(e) => Err(aws_error(
            "CloudFormation GetTemplate",
            format!("reading the deployed template of {name}"),
            e,
        )),
    }
}

/// Stacks importing `export`: `ListImports`, or — where the endpoint does not
/// implement it (some emulators answer with a bare HTTP 500) — a scan of the
/// deployed templates for `Fn::ImportValue` of that name.
pub async fn importers_of(cfn: &Client, export: &str) -> Result<Vec<String>> {
    match cfn.list_imports().export_name(export).send().await {
        Ok(out) => Ok(out.imports().to_vec()),
        Err(e) if e.message().is_some_and(|m| m.contains("not imported")) => Ok(Vec::new()),
        Err(e) if e.code().is_some() => Err(aws_error(
            "CloudFormation ListImports",
            format!("listing the imports of export {export}"),
            e,
        )),
        Err(_) => scan_importers(cfn, export).await,
    }
}

async fn scan_importers(cfn: &Client, export: &str) -> Result<Vec<String>> {
    let mut importers = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = cfn
            .describe_stacks()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| aws_error("CloudFormation ListStacks", "listing stacks", e))?;
        for stack in out.stacks() {
            let status = status_of(stack);
            let Some(name) = stack.stack_name() else {
                continue;
            };
            if status == "DELETE_COMPLETE" || status == "REVIEW_IN_PROGRESS" {
                continue;
            }
            let template = deployed_template(cfn, stack.stack_id().unwrap_or(name)).await?;
            if imports(&template, export) {
                importers.push(name.to_string());
            }
        }
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    importers.sort();
    importers.dedup();
    Ok(importers)
}

/// The template contains `{"Fn::ImportValue": export}`.
fn imports(template: &Value, export: &str) -> bool {
    match template {
        Value::Object(m) => {
            m.get("Fn::ImportValue").and_then(Value::as_str) == Some(export)
                || m.values().any(|v| imports(v, export))
        }
        Value::Array(a) => a.iter().any(|v| imports(v, export)),
        _ => false,
    }
}

/// Adds back exports the new template drops while another stack imports them.
pub(crate) async fn keep_imported_exports(
    cfn: &Client,
    stack: &Stack,
    template: &mut Value,
    ui: &mut dyn Ui,
) -> Result<()> {
    let new_exports: Vec<String> = template
        .get("Outputs")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, o)| o.pointer("/Export/Name").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    for (key, value, export) in outputs_of(stack) {
        let Some(export) = export else { continue };
        if new_exports.contains(&export) {
            continue;
        }
        let importers = importers_of(cfn, &export).await?;
        if importers.is_empty() {
            continue;
        }
        ui.line(&format!(
            "⚠️  export {export} is removed from the template but still imported by {}; \
             keeping it with its deployed value. Remove the import first, then deploy again \
             to drop it (or keep it on purpose with export_value).",
            importers.join(", ")
        ));
        let outputs = template
            .as_object_mut()
            .map(|t| t.entry("Outputs").or_insert_with(|| json!({})));
        if let Some(Value::Object(outputs)) = outputs {
            let mut id = key.clone();
            while outputs.contains_key(&id) {
                id.push('K');
            }
            outputs.insert(id, json!({"Value": value, "Export": {"Name": export}}));
        }
    }
    Ok(())
}
