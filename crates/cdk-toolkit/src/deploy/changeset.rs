//! Deploying one stack through a change set: create (CREATE or UPDATE), wait for it,
//! treat an empty one as "no changes", show it, ask for approval when it widens IAM
//! or replaces resources, execute, follow the events, report outputs — or the failed
//! resources and the rollback result.
//! Export safety (see [`super::exports`]) runs before the change set is created.

use std::collections::BTreeMap;
use std::time::Instant;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{
    Capability, ChangeSetStatus, ChangeSetType, Parameter, Replacement as CfnReplacement, Stack,
    Tag,
};
use serde_json::Value;

use super::Ui;
use super::events::{Polling, describe_stack, follow, known_event_ids, outputs_of};
use super::execute::{discard_review_stack, execute, status_of};
use super::exports::{deployed_template, keep_imported_exports};
use super::hotswap::HotswapMode;
use super::report::print_outputs;
use super::sdk_error::aws_error;
use crate::diff::{TemplateDiff, diff_templates, render};
use crate::error::{Result, ToolkitError};

/// When to ask before executing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequireApproval {
    /// Never ask.
    Never,
    /// Ask when IAM permissions widen or a resource is (maybe) replaced.
    #[default]
    Broadening,
    /// Ask for every change.
    AnyChange,
}

/// Everything sent to CloudFormation for one stack.
#[derive(Debug, Clone)]
pub struct StackDeployment {
    /// Stack name.
    pub stack_name: String,
    /// The template (export safety may add outputs).
    pub template: Value,
    /// An uploaded copy (`https://` URL) for templates over the 51,200-byte body limit.
    pub template_url: Option<String>,
    /// Parameter values.
    pub parameters: BTreeMap<String, String>,
    /// Stack tags.
    pub tags: BTreeMap<String, String>,
    /// Termination protection.
    pub termination_protection: bool,
    /// SNS topics for events.
    pub notification_arns: Vec<String>,
    /// The CloudFormation execution role (`RoleARN`), placeholders substituted: the
    /// stack's `cloudFormationExecutionRoleArn`, passed whenever it has one, as the
    /// CDK CLI does.
    pub execution_role_arn: Option<String>,
}

/// Options of a deployment.
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    /// When to ask.
    pub require_approval: RequireApproval,
    /// Only create and describe the change set (`--no-execute`).
    pub no_execute: bool,
    /// Polling of change sets and events.
    pub polling: Polling,
    /// `--hotswap` / `--hotswap-fallback` (see [`super::hotswap`]).
    pub hotswap: HotswapMode,
}

/// How a deployment ended (failures are errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployOutcome {
    /// The change set was empty.
    NoChanges {
        /// Current outputs `(key, value, export)`.
        outputs: Vec<(String, String, Option<String>)>,
    },
    /// Executed to `CREATE_COMPLETE` / `UPDATE_COMPLETE`.
    Deployed {
        /// Final status.
        status: String,
        /// Outputs `(key, value, export)`.
        outputs: Vec<(String, String, Option<String>)>,
    },
    /// Hotswapped without CloudFormation (or nothing hotswappable changed).
    Hotswapped {
        /// The functions updated, by physical name.
        functions: Vec<String>,
        /// The stack's outputs (unchanged by a hotswap).
        outputs: Vec<(String, String, Option<String>)>,
    },
    /// Created and described but not executed.
    ChangeSetReady {
        /// Change-set name.
        name: String,
        /// Rendered changes `(action, logical id, type, replacement)`.
        changes: Vec<(String, String, String, String)>,
    },
}

const BODY_LIMIT: usize = 51_200;
const CHANGE_SET_NAME: &str = "cdk-deploy-change-set";

/// A change as `(action, logical id, type, replacement)`.
type Change = (String, String, String, String);

/// Deploys one stack: recover it from a failed first creation, create a change set,
/// wait for it, show it and ask when needed, execute it and report the outputs.
pub async fn deploy_stack(
    cfn: &Client,
    deployment: &StackDeployment,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DeployOutcome> {
    let name = deployment.stack_name.as_str();
    let existing = recover_stack(cfn, name, options, ui).await?;
    let creating = existing
        .as_ref()
        .is_none_or(|s| status_of(s) == "REVIEW_IN_PROGRESS");
    let (template, diff) =
        template_and_diff(cfn, deployment, existing.as_ref(), creating, ui).await?;
    let change_set_id = create_change_set(cfn, deployment, &template, creating).await?;
    let change_set = change_set_id.as_str();
    let Some(changes) = wait_for_change_set(cfn, name, change_set, options).await? else {
        return report_no_changes(cfn, name, change_set, ui).await;
    };
    show_changes(name, &diff, &changes, ui);
    approve(
        cfn, name, change_set, creating, &diff, &changes, options, ui,
    )
    .await?;
    if options.no_execute {
        ui.line(&format!(
            "{name}: change set {CHANGE_SET_NAME} created and described, not executed (--no-execute)"
        ));
        return Ok(DeployOutcome::ChangeSetReady {
            name: CHANGE_SET_NAME.into(),
            changes,
        });
    }
    execute(
        cfn,
        deployment,
        change_set,
        creating,
        &template,
        options.polling,
        ui,
    )
    .await
}

/// The stack as it is, after clearing what blocks a change set: a stack left in
/// `ROLLBACK_COMPLETE`/`ROLLBACK_FAILED` by a failed creation is deleted, one left in
/// `REVIEW_IN_PROGRESS` by an unexecuted change set is discarded (both give `None`);
/// a stack busy with another operation is an error.
async fn recover_stack(
    cfn: &Client,
    name: &str,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<Option<Stack>> {
    let Some(stack) = describe_stack(cfn, name).await? else {
        return Ok(None);
    };
    let status = status_of(&stack);
    if status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED" {
        ui.line(&format!(
            "{name}: stack is in {status} after a failed creation; deleting it before creating it again"
        ));
        let seen = known_event_ids(cfn, name).await?;
        let id = stack.stack_id().unwrap_or(name).to_string();
        cfn.delete_stack()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    "CloudFormation DeleteStack",
                    format!("deleting the failed stack {name}"),
                    e,
                )
            })?;
        follow(cfn, &id, seen, 0, options.polling, ui).await?;
        Ok(None)
    } else if status == "REVIEW_IN_PROGRESS" {
        // Left by a change set that was never executed: it holds no resources.
        discard_review_stack(cfn, name, options.polling, ui).await?;
        Ok(None)
    } else if status.ends_with("_IN_PROGRESS") {
        Err(ToolkitError::StackBusy {
            stack: name.to_owned(),
            status,
        })
    } else {
        Ok(Some(stack))
    }
}

/// The template to send (an update keeps the exports other stacks still import) and
/// its diff against the deployed one.
async fn template_and_diff(
    cfn: &Client,
    deployment: &StackDeployment,
    existing: Option<&Stack>,
    creating: bool,
    ui: &mut dyn Ui,
) -> Result<(Value, TemplateDiff)> {
    let mut template = deployment.template.clone();
    let deployed = match existing {
        Some(stack) if !creating => {
            keep_imported_exports(cfn, stack, &mut template, ui).await?;
            deployed_template(cfn, &deployment.stack_name).await?
        }
        _ => Value::Null,
    };
    let diff = diff_templates(&deployed, &template);
    Ok((template, diff))
}

/// Creates the change set (after deleting this stack's left-over one) and returns
/// its ARN: a change-set name is only unique within its stack.
async fn create_change_set(
    cfn: &Client,
    deployment: &StackDeployment,
    template: &Value,
    creating: bool,
) -> Result<String> {
    let name = deployment.stack_name.as_str();
    let body = serde_json::to_string(template).map_err(ToolkitError::Encode)?;
    if !creating {
        delete_leftover_change_set(cfn, name).await?;
    }
    let mut req = cfn
        .create_change_set()
        .stack_name(name)
        .change_set_name(CHANGE_SET_NAME)
        .change_set_type(if creating {
            ChangeSetType::Create
        } else {
            ChangeSetType::Update
        })
        .description("CDK Changeset for execution")
        .capabilities(Capability::CapabilityIam)
        .capabilities(Capability::CapabilityNamedIam)
        .capabilities(Capability::CapabilityAutoExpand)
        .set_notification_arns(Some(deployment.notification_arns.clone()))
        .set_role_arn(deployment.execution_role_arn.clone());
    req = match (&deployment.template_url, body.len() > BODY_LIMIT) {
        (Some(url), true) => req.template_url(url),
        (None, true) => {
            return Err(ToolkitError::TemplateTooLarge {
                stack: name.to_owned(),
                bytes: body.len(),
                limit: BODY_LIMIT,
            });
        }
        _ => req.template_body(body),
    };
    for (k, v) in &deployment.parameters {
        req = req.parameters(
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build(),
        );
    }
    for (k, v) in &deployment.tags {
        req = req.tags(Tag::builder().key(k).value(v).build());
    }
    let created = req.send().await.map_err(|e| {
        aws_error(
            "CloudFormation CreateChangeSet",
            format!("deploying {name}"),
            e,
        )
    })?;
    Ok(created.id().unwrap_or(CHANGE_SET_NAME).to_string())
}

/// Deletes a change set an earlier run left (e.g. `--no-execute`). By its ARN, and
/// only when it is this stack's: some emulators (moto) look change sets up by name
/// across every stack.
async fn delete_leftover_change_set(cfn: &Client, name: &str) -> Result<()> {
    let leftover = cfn
        .describe_change_set()
        .stack_name(name)
        .change_set_name(CHANGE_SET_NAME)
        .send()
        .await
        .ok();
    if let Some(old) = leftover.filter(|o| o.stack_name() == Some(name))
        && let Some(old_id) = old.change_set_id()
    {
        cfn.delete_change_set()
            .stack_name(name)
            .change_set_name(old_id)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    "CloudFormation DeleteChangeSet",
                    format!("deleting the old change set of {name}"),
                    e,
                )
            })?;
    }
    Ok(())
}

/// An empty change set: deleted, and the current outputs reported.
async fn report_no_changes(
    cfn: &Client,
    name: &str,
    change_set: &str,
    ui: &mut dyn Ui,
) -> Result<DeployOutcome> {
    let _ = cfn
        .delete_change_set()
        .stack_name(name)
        .change_set_name(change_set)
        .send()
        .await;
    ui.line(&format!(" ✅  {name} (no changes)"));
    let outputs = describe_stack(cfn, name)
        .await?
        .map(|s| outputs_of(&s))
        .unwrap_or_default();
    print_outputs(name, &outputs, ui);
    Ok(DeployOutcome::NoChanges { outputs })
}

/// Prints the template diff and the change set's resource changes.
fn show_changes(name: &str, diff: &TemplateDiff, changes: &[Change], ui: &mut dyn Ui) {
    ui.line(&format!("{name}: change set {CHANGE_SET_NAME}"));
    for line in render(diff).lines() {
        ui.line(line);
    }
    for (action, id, rtype, replacement) in changes {
        let note = match replacement.as_str() {
            "True" => "  (REPLACEMENT)",
            "Conditional" => "  (may be replaced)",
            _ => "",
        };
        ui.line(&format!("  {action:<7} {rtype} {id}{note}"));
    }
}

/// Asks before executing when `--require-approval` wants it; a "no" deletes the
/// change set (and the stack a first deployment created for it) and is an error.
#[allow(clippy::too_many_arguments)]
async fn approve(
    cfn: &Client,
    name: &str,
    change_set: &str,
    creating: bool,
    diff: &TemplateDiff,
    changes: &[Change],
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<()> {
    let replaces = changes
        .iter()
        .any(|c| c.3 == "True" || c.3 == "Conditional");
    let needs_approval = match options.require_approval {
        RequireApproval::Never => false,
        RequireApproval::AnyChange => true,
        RequireApproval::Broadening => diff.widens_permissions() || replaces,
    };
    if !needs_approval || options.no_execute {
        return Ok(());
    }
    let why = if diff.widens_permissions() {
        "This deployment will make potentially sensitive changes (IAM permissions widen)"
    } else if replaces {
        "This deployment replaces resources"
    } else {
        "This deployment changes the stack"
    };
    if ui.confirm(&format!(
        "{why}. Do you wish to deploy these changes (y/n)?"
    )) {
        return Ok(());
    }
    let _ = cfn
        .delete_change_set()
        .stack_name(name)
        .change_set_name(change_set)
        .send()
        .await;
    if creating {
        discard_review_stack(cfn, name, options.polling, ui).await?;
    }
    Err(ToolkitError::NotApproved {
        stack: name.to_owned(),
    })
}

/// Waits for the change set; `None` when it is empty, else its changes as
/// `(action, logical id, type, replacement)`.
async fn wait_for_change_set(
    cfn: &Client,
    name: &str,
    change_set: &str,
    options: &DeployOptions,
) -> Result<Option<Vec<Change>>> {
    let started = Instant::now();
    loop {
        let out = cfn
            .describe_change_set()
            .stack_name(name)
            .change_set_name(change_set)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    "CloudFormation DescribeChangeSet",
                    format!("deploying {name}"),
                    e,
                )
            })?;
        match out.status() {
            Some(ChangeSetStatus::CreateComplete) => {
                // Empty `Changes` can still change outputs: only a FAILED change set
                // with the "no changes" reason is a no-op (as in the CDK CLI).
                let changes = out
                    .changes()
                    .iter()
                    .filter_map(|c| c.resource_change())
                    .map(|rc| {
                        (
                            rc.action()
                                .map(|a| a.as_str().to_string())
                                .unwrap_or_default(),
                            rc.logical_resource_id().unwrap_or("").to_string(),
                            rc.resource_type().unwrap_or("").to_string(),
                            match rc.replacement() {
                                Some(CfnReplacement::True) => "True",
                                Some(CfnReplacement::Conditional) => "Conditional",
                                _ => "False",
                            }
                            .to_string(),
                        )
                    })
                    .collect();
                return Ok(Some(changes));
            }
            Some(ChangeSetStatus::Failed) => {
                let reason = out.status_reason().unwrap_or("");
                if reason.contains("didn't contain changes")
                    || reason.contains("No updates are to be performed")
                {
                    return Ok(None);
                }
                return Err(ToolkitError::ChangeSetFailed {
                    stack: name.to_owned(),
                    reason: reason.to_owned(),
                });
            }
            _ => {}
        }
        if started.elapsed() > options.polling.timeout {
            return Err(ToolkitError::ChangeSetTimeout {
                stack: name.to_owned(),
                waited: options.polling.timeout,
            });
        }
        tokio::time::sleep(options.polling.interval).await;
    }
}
