//! Executing a described change set and following it to its end: the outputs on
//! success; on failure one error line naming the failed resources, their reasons and
//! what became of the stack. A stack that exists only for a change set
//! (`REVIEW_IN_PROGRESS`) is never left behind by a failed first deployment: it is
//! deleted, as the CDK CLI deletes it.

use std::time::Instant;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::Stack;
use serde_json::Value;

use super::Ui;
use super::changeset::{DeployOutcome, StackDeployment};
use super::events::{Polling, describe_stack, follow, known_event_ids, outputs_of};
use super::report::{failed, print_outputs};
use super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

/// Executes `change_set` (an ARN) of the stack and follows its events.
pub(crate) async fn execute(
    cfn: &Client,
    deployment: &StackDeployment,
    change_set: &str,
    creating: bool,
    template: &Value,
    polling: Polling,
    ui: &mut dyn Ui,
) -> Result<DeployOutcome> {
    let name = deployment.stack_name.as_str();
    let seen = known_event_ids(cfn, name).await?;
    if let Err(e) = cfn
        .execute_change_set()
        .stack_name(name)
        .change_set_name(change_set)
        .send()
        .await
    {
        // CloudFormation accepts the call and reports resource failures through
        // events; an emulator may fail the call itself instead.
        let err = aws_error(
            "CloudFormation ExecuteChangeSet",
            format!("deploying {name}"),
            e,
        );
        let result = after_failed_call(cfn, name, creating, polling, ui).await;
        ui.line(&format!(" ❌  {name} failed: {err}"));
        return Err(ToolkitError::ExecuteFailed {
            cause: Box::new(err),
            result,
        });
    }
    let total = template
        .get("Resources")
        .and_then(Value::as_object)
        .map_or(0, |r| r.len());
    let (stack, failures) = follow(cfn, name, seen, total, polling, ui).await?;
    let status = stack
        .as_ref()
        .map(status_of)
        .unwrap_or_else(|| "DELETED".into());
    if !matches!(
        status.as_str(),
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE"
    ) {
        if creating && status == "REVIEW_IN_PROGRESS" {
            discard_review_stack(cfn, name, polling, ui).await?;
        }
        return Err(failed(name, &status, &failures, ui));
    }
    if let Some(stack) = &stack
        && stack.enable_termination_protection().unwrap_or(false)
            != deployment.termination_protection
    {
        cfn.update_termination_protection()
            .stack_name(name)
            .enable_termination_protection(deployment.termination_protection)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    "CloudFormation UpdateTerminationProtection",
                    format!("setting termination protection of {name}"),
                    e,
                )
            })?;
    }
    ui.line(&format!(" ✅  {name} ({status})"));
    let outputs = stack.as_ref().map(outputs_of).unwrap_or_default();
    print_outputs(name, &outputs, ui);
    Ok(DeployOutcome::Deployed { status, outputs })
}

/// What became of the stack after `ExecuteChangeSet` itself failed: a first
/// deployment's stack still in `REVIEW_IN_PROGRESS` is deleted.
async fn after_failed_call(
    cfn: &Client,
    name: &str,
    creating: bool,
    polling: Polling,
    ui: &mut dyn Ui,
) -> String {
    let status = match describe_stack(cfn, name).await {
        Ok(Some(s)) => status_of(&s),
        Ok(None) => return "the stack does not exist".into(),
        Err(e) => return format!("the stack's state is unknown ({e})"),
    };
    if !(creating && status == "REVIEW_IN_PROGRESS") {
        return format!("the stack is now {status}");
    }
    match discard_review_stack(cfn, name, polling, ui).await {
        Ok(()) => {
            "the stack it left in REVIEW_IN_PROGRESS was deleted; fix the cause and deploy again"
                .into()
        }
        Err(e) => format!("the stack is left in REVIEW_IN_PROGRESS and could not be deleted ({e})"),
    }
}

/// Deletes a stack that only exists for an unexecuted change set.
pub(crate) async fn discard_review_stack(
    cfn: &Client,
    name: &str,
    polling: Polling,
    ui: &mut dyn Ui,
) -> Result<()> {
    let Some(stack) = describe_stack(cfn, name).await? else {
        return Ok(());
    };
    if status_of(&stack) != "REVIEW_IN_PROGRESS" {
        return Ok(());
    }
    let id = stack.stack_id().unwrap_or(name).to_string();
    cfn.delete_stack()
        .stack_name(&id)
        .send()
        .await
        .map_err(|e| {
            aws_error(
                "CloudFormation DeleteStack",
                format!("deleting the unexecuted stack {name}"),
                e,
            )
        })?;
    let started = Instant::now();
    while let Some(s) = describe_stack(cfn, &id).await? {
        if status_of(&s) == "DELETE_COMPLETE" {
            break;
        }
        if started.elapsed() > polling.timeout {
            return Err(ToolkitError::ReviewStackNotDeleted {
                stack: name.to_owned(),
                waited: polling.timeout,
            });
        }
        tokio::time::sleep(polling.interval).await;
    }
    ui.line(&format!(
        "{name}: removed the stack left by an unexecuted change set"
    ));
    Ok(())
}

pub(crate) fn status_of(stack: &Stack) -> String {
    stack
        .stack_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}
