//! Deploying one stack through a change set: create (CREATE or UPDATE), wait for it,
//! treat an empty one as "no changes", show it, ask for approval when it widens IAM
//! or replaces resources, execute, follow the events, report outputs — or the failed
//! resources and the rollback result.
//! Export safety (see [`super::exports`]) runs before the change set is created.

use std::collections::BTreeMap;
use std::time::Instant;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{
    Capability, ChangeSetStatus, ChangeSetType, Parameter, Replacement as CfnReplacement, Tag,
};
use serde_json::Value;

use super::Ui;
use super::events::{Polling, describe_stack, follow, known_event_ids, outputs_of};
use super::execute::{discard_review_stack, execute, status_of};
use super::exports::{deployed_template, keep_imported_exports};
use super::report::print_outputs;
use super::sdk_error::aws_error;
use crate::diff::{diff_templates, render};
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

/// Deploys one stack.
pub async fn deploy_stack(
    cfn: &Client,
    deployment: &StackDeployment,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DeployOutcome> {
    let name = deployment.stack_name.as_str();
    let mut existing = describe_stack(cfn, name).await?;
    if let Some(stack) = &existing {
        let status = status_of(stack);
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
            existing = None;
        } else if status == "REVIEW_IN_PROGRESS" {
            // Left by a change set that was never executed: it holds no resources.
            discard_review_stack(cfn, name, options.polling, ui).await?;
            existing = None;
        } else if status.ends_with("_IN_PROGRESS") {
            return Err(ToolkitError::Deploy(format!(
                "{name}: stack is busy ({status}); wait until it finishes and try again"
            )));
        }
    }
    let creating = existing
        .as_ref()
        .is_none_or(|s| status_of(s) == "REVIEW_IN_PROGRESS");
    let mut template = deployment.template.clone();
    if let (false, Some(stack)) = (creating, &existing) {
        keep_imported_exports(cfn, stack, &mut template, ui).await?;
    }
    let deployed_template = if creating {
        Value::Null
    } else {
        deployed_template(cfn, name).await?
    };
    let diff = diff_templates(&deployed_template, &template);

    // Create the change set.
    let body = serde_json::to_string(&template).map_err(|e| ToolkitError::Deploy(e.to_string()))?;
    let leftover = if creating {
        None
    } else {
        cfn.describe_change_set()
            .stack_name(name)
            .change_set_name(CHANGE_SET_NAME)
            .send()
            .await
            .ok()
    };
    // Deleted by its ARN, and only when it is this stack's: some emulators (moto)
    // look change sets up by name across every stack.
    if let Some(old) = leftover.filter(|o| o.stack_name() == Some(name))
        && let Some(old_id) = old.change_set_id()
    {
        // A left-over change set of an earlier run (e.g. --no-execute).
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
            return Err(ToolkitError::Deploy(format!(
                "{name}: the template is {} bytes (over CloudFormation's {BODY_LIMIT}-byte body \
                 limit) and has no uploaded copy; synthesize with the default synthesizer",
                body.len()
            )));
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
    // The ARN from here on: a change-set name is only unique within its stack.
    let change_set_id = created.id().unwrap_or(CHANGE_SET_NAME).to_string();
    let change_set = change_set_id.as_str();

    let described = wait_for_change_set(cfn, name, change_set, options).await?;
    let Some(described) = described else {
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
        return Ok(DeployOutcome::NoChanges { outputs });
    };

    // Show it.
    ui.line(&format!("{name}: change set {CHANGE_SET_NAME}"));
    for line in render(&diff).lines() {
        ui.line(line);
    }
    let changes = described;
    let replaces = changes
        .iter()
        .any(|c| c.3 == "True" || c.3 == "Conditional");
    for (action, id, rtype, replacement) in &changes {
        let note = match replacement.as_str() {
            "True" => "  (REPLACEMENT)",
            "Conditional" => "  (may be replaced)",
            _ => "",
        };
        ui.line(&format!("  {action:<7} {rtype} {id}{note}"));
    }
    let needs_approval = match options.require_approval {
        RequireApproval::Never => false,
        RequireApproval::AnyChange => true,
        RequireApproval::Broadening => diff.widens_permissions() || replaces,
    };
    if needs_approval && !options.no_execute {
        let why = if diff.widens_permissions() {
            "This deployment will make potentially sensitive changes (IAM permissions widen)"
        } else if replaces {
            "This deployment replaces resources"
        } else {
            "This deployment changes the stack"
        };
        if !ui.confirm(&format!(
            "{why}. Do you wish to deploy these changes (y/n)?"
        )) {
            let _ = cfn
                .delete_change_set()
                .stack_name(name)
                .change_set_name(change_set)
                .send()
                .await;
            if creating {
                discard_review_stack(cfn, name, options.polling, ui).await?;
            }
            return Err(ToolkitError::Deploy(format!(
                "{name}: deployment not approved. Answer y at the prompt, or pass \
                 `--require-approval never` when nobody can answer (CI)."
            )));
        }
    }
    if options.no_execute {
        ui.line(&format!(
            "{name}: change set {CHANGE_SET_NAME} created and described, not executed (--no-execute)"
        ));
        return Ok(DeployOutcome::ChangeSetReady {
            name: CHANGE_SET_NAME.into(),
            changes,
        });
    }

    // Execute and follow.
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

/// Waits for the change set; `None` when it is empty, else its changes as
/// `(action, logical id, type, replacement)`.
async fn wait_for_change_set(
    cfn: &Client,
    name: &str,
    change_set: &str,
    options: &DeployOptions,
) -> Result<Option<Vec<(String, String, String, String)>>> {
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
                return Err(ToolkitError::Deploy(format!(
                    "{name}: the change set failed: {reason}"
                )));
            }
            _ => {}
        }
        if started.elapsed() > options.polling.timeout {
            return Err(ToolkitError::Deploy(format!(
                "{name}: the change set is not ready after {:?}",
                options.polling.timeout
            )));
        }
        tokio::time::sleep(options.polling.interval).await;
    }
}
