//! Destroying a stack: refused while another stack imports one of its exports (the
//! importer is named), confirmed unless forced, then followed to `DELETE_COMPLETE`.

use aws_sdk_cloudformation::Client;

use super::Ui;
use super::events::{Polling, describe_stack, follow, known_event_ids, outputs_of};
use super::exports::importers_of;
use super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

/// How a destroy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestroyOutcome {
    /// The stack did not exist.
    NotFound,
    /// Deleted.
    Destroyed,
}

/// Destroys one stack; `force` skips the confirmation. `execution_role_arn` is passed
/// to `DeleteStack` as `RoleARN` (the CDK CLI deletes with the execution role too).
pub async fn destroy_stack(
    cfn: &Client,
    name: &str,
    execution_role_arn: Option<&str>,
    force: bool,
    polling: Polling,
    ui: &mut dyn Ui,
) -> Result<DestroyOutcome> {
    let Some(stack) = describe_stack(cfn, name).await? else {
        ui.line(&format!("{name}: stack does not exist; nothing to destroy"));
        return Ok(DestroyOutcome::NotFound);
    };
    for (_, _, export) in outputs_of(&stack) {
        let Some(export) = export else { continue };
        let importers = importers_of(cfn, &export).await?;
        if !importers.is_empty() {
            return Err(ToolkitError::ExportStillImported {
                stack: name.to_owned(),
                export,
                importers,
            });
        }
    }
    if !force && !ui.confirm(&format!("Are you sure you want to delete: {name} (y/n)?")) {
        return Err(ToolkitError::DestroyNotConfirmed {
            stack: name.to_owned(),
        });
    }
    let id = stack.stack_id().unwrap_or(name).to_string();
    let seen = known_event_ids(cfn, name).await?;
    cfn.delete_stack()
        .stack_name(name)
        .set_role_arn(execution_role_arn.map(str::to_owned))
        .send()
        .await
        .map_err(|e| {
            aws_error(
                "CloudFormation DeleteStack",
                format!("destroying {name}"),
                e,
            )
        })?;
    let total = 0;
    let (after, failures) = follow(cfn, &id, seen, total, polling, ui).await?;
    let status = after
        .as_ref()
        .and_then(|s| s.stack_status())
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|| "DELETE_COMPLETE".into());
    if status != "DELETE_COMPLETE" {
        let causes: Vec<String> = failures
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}: {}",
                    f.status, f.resource_type, f.logical_id, f.reason
                )
            })
            .collect();
        return Err(ToolkitError::DestroyFailed {
            stack: name.to_owned(),
            status,
            causes: if causes.is_empty() {
                "no resource reported a failure".into()
            } else {
                causes.join("; ")
            },
        });
    }
    ui.line(&format!(" ✅  {name}: destroyed"));
    Ok(DestroyOutcome::Destroyed)
}
