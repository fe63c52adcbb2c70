//! Hotswap deployments, as `cdk deploy --hotswap | --hotswap-fallback` makes them:
//! compare the synthesized template with the deployed one, and when a change is one
//! Lambda's API can make itself (a function's `Code`, `Environment`, `Description`:
//! [`classify`]), make it directly — no change set, no stack event, seconds instead
//! of a stack update — leaving the stack drifted from its template on purpose.
//!
//! The two modes differ only on changes a hotswap cannot make:
//! - [`HotswapMode::FallBack`] lists them and deploys the whole stack through a
//!   change set instead;
//! - [`HotswapMode::HotswapOnly`] lists them, does not apply them, and hotswaps the
//!   rest (the CDK CLI's "changes to any non-hotswappable properties are ignored").
//!
//! A stack that is not deployed yet (or is left unusable by a failed creation) is
//! deployed in full under both modes, with a message: there is nothing to hotswap.
//!
//! Credentials, as in the CDK CLI: the deployed stack is read with the stack's deploy
//! session, but the Lambda calls run with the caller's own credentials (the CDK
//! CLI's comment: the bootstrap deploy role has no permission to update functions).
//! Assets are published before, by the deploy flow, as for a full deployment.

pub mod classify;
pub mod evaluate;
pub mod lambda;

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::Stack;
use serde_json::Value;

use super::Ui;
use super::changeset::DeployOutcome;
use super::events::{describe_stack, outputs_of, stack_resources};
use super::execute::status_of;
use super::exports::deployed_template;
use super::report::print_outputs;
use super::roles::Target;
use crate::diff::diff_templates;
use crate::error::Result;
use classify::{Classified, LambdaChange, classify};
use evaluate::{Scope, evaluate};
use lambda::{FunctionUpdate, UpdateWait, apply};

/// How `deploy` treats the stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HotswapMode {
    /// Always a change set (no flag).
    #[default]
    FullDeployment,
    /// `--hotswap`: hotswap what can be, ignore (and list) the rest.
    HotswapOnly,
    /// `--hotswap-fallback`: hotswap when everything can be, else a full deployment.
    FallBack,
}

/// The warning the CDK CLI prints once before any hotswap deployment (its words).
pub const DRIFT_WARNING: [&str; 2] = [
    "⚠️ The --hotswap and --hotswap-fallback flags deliberately introduce CloudFormation drift to speed up deployments",
    "⚠️ They should only be used for development - never use them for your production Stacks!",
];

/// What a hotswap of one stack works with.
pub struct HotswapRequest<'a> {
    /// Stack name.
    pub stack_name: &'a str,
    /// The synthesized template.
    pub template: &'a Value,
    /// The environment (pseudo parameters).
    pub target: &'a Target,
    /// CloudFormation with the stack's deploy session (reads only).
    pub cloudformation: &'a aws_sdk_cloudformation::Client,
    /// Lambda with the caller's credentials.
    pub lambda: &'a aws_sdk_lambda::Client,
    /// The mode (never [`HotswapMode::FullDeployment`] here).
    pub mode: HotswapMode,
    /// Waiting for each function's update.
    pub wait: UpdateWait,
}

/// Tries to hotswap one stack. `Ok(None)`: a full deployment is needed (and was
/// announced); `Ok(Some(outcome))`: done without CloudFormation.
pub async fn try_hotswap(
    req: &HotswapRequest<'_>,
    ui: &mut dyn Ui,
) -> Result<Option<DeployOutcome>> {
    let name = req.stack_name;
    let stack = match describe_stack(req.cloudformation, name).await? {
        Some(s) if is_deployed(&status_of(&s)) => s,
        other => {
            let state = other.map_or("does not exist".to_string(), |s| {
                format!("is {}", status_of(&s))
            });
            ui.line(&format!(
                "Could not perform a hotswap deployment, as the stack {name} {state}; deploying it in full"
            ));
            return Ok(None);
        }
    };
    let deployed = deployed_template(req.cloudformation, name).await?;
    let classified = classify(&diff_templates(&deployed, req.template), req.template);
    report_rejected(&classified, req.mode, ui);
    if req.mode == HotswapMode::FallBack && !classified.rejected.is_empty() {
        ui.line(&format!(
            "Could not perform a hotswap deployment, as the stack {name} contains non-Asset changes"
        ));
        ui.line("Falling back to doing a full deployment");
        return Ok(None);
    }
    let updates = match evaluate_updates(req, &stack, &classified.hotswappable).await? {
        Ok(updates) => updates,
        Err(why) => {
            ui.line(&format!(
                "Could not perform a hotswap deployment, because the CloudFormation template could not be resolved: {why}"
            ));
            if req.mode == HotswapMode::FallBack {
                ui.line("Falling back to doing a full deployment");
                return Ok(None);
            }
            Vec::new()
        }
    };
    apply_all(req, &updates, ui).await?;
    let outputs = outputs_of(&stack);
    let note = if updates.is_empty() {
        "no changes"
    } else {
        "hotswapped"
    };
    ui.line(&format!(" ✅  {name} ({note})"));
    print_outputs(name, &outputs, ui);
    Ok(Some(DeployOutcome::Hotswapped {
        functions: updates.into_iter().map(|u| u.function).collect(),
        outputs,
    }))
}

/// A stack whose template and resources can be read and updated in place.
fn is_deployed(status: &str) -> bool {
    !status.ends_with("_IN_PROGRESS")
        && !matches!(
            status,
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "DELETE_COMPLETE"
        )
}

/// The CDK CLI's listing of the changes a hotswap does not make.
fn report_rejected(classified: &Classified, mode: HotswapMode, ui: &mut dyn Ui) {
    if classified.rejected.is_empty() {
        return;
    }
    ui.line("");
    ui.line(if mode == HotswapMode::HotswapOnly {
        "⚠️ The following non-hotswappable changes were found. To reconcile these using CloudFormation, specify --hotswap-fallback"
    } else {
        "⚠️ The following non-hotswappable changes were found:"
    });
    for r in &classified.rejected {
        ui.line(&format!("    {}", r.describe()));
    }
    ui.line("");
}

/// The functions' new values with intrinsics evaluated against the deployed stack;
/// the inner `Err` says what could not be evaluated.
async fn evaluate_updates(
    req: &HotswapRequest<'_>,
    stack: &Stack,
    changes: &[LambdaChange],
) -> Result<Result<Vec<FunctionUpdate>, String>> {
    if changes.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let t = req.target;
    let scope = Scope {
        pseudo: Scope::pseudo_parameters(
            &t.account,
            &t.region,
            &t.partition,
            req.stack_name,
            stack.stack_id().unwrap_or_default(),
        ),
        parameters: stack
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_string(),
                    p.parameter_value()?.to_string(),
                ))
            })
            .collect(),
        physical_ids: physical_ids(req.cloudformation, req.stack_name).await?,
    };
    Ok(changes.iter().map(|c| function_update(c, &scope)).collect())
}

fn function_update(change: &LambdaChange, scope: &Scope) -> Result<FunctionUpdate, String> {
    let function = match &change.function_name {
        Some(v) => match evaluate(v, scope)? {
            Value::String(s) => s,
            other => return Err(format!("FunctionName {other} is not a string")),
        },
        None => scope
            .physical_ids
            .get(&change.logical_id)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the function {} has no physical name in the stack",
                    change.logical_id
                )
            })?,
    };
    let prop = |name: &str| -> Result<Option<Value>, String> {
        match change.properties.get(name) {
            None => Ok(None),
            Some(None) => Ok(Some(Value::Null)),
            Some(Some(v)) => evaluate(v, scope).map(Some),
        }
    };
    Ok(FunctionUpdate {
        logical_id: change.logical_id.clone(),
        function,
        code: prop("Code")?,
        environment: prop("Environment")?,
        description: prop("Description")?,
    })
}

/// Logical → physical ids of the stack's resources.
async fn physical_ids(
    cfn: &aws_sdk_cloudformation::Client,
    name: &str,
) -> Result<BTreeMap<String, String>> {
    let resources = stack_resources(cfn, name, &format!("reading {name}")).await?;
    Ok(resources
        .iter()
        .filter_map(|r| Some((r.logical_resource_id()?, r.physical_resource_id()?)))
        .map(|(l, p)| (l.to_owned(), p.to_owned()))
        .collect())
}

/// Applies every update, printing the CDK CLI's progress lines.
async fn apply_all(
    req: &HotswapRequest<'_>,
    updates: &[FunctionUpdate],
    ui: &mut dyn Ui,
) -> Result<()> {
    if updates.is_empty() {
        return Ok(());
    }
    ui.line("");
    ui.line("✨ hotswapping resources:");
    for u in updates {
        ui.line(&format!("   ✨ AWS::Lambda::Function '{}'", u.function));
        apply(req.lambda, u, req.wait).await?;
        ui.line(&format!(
            "✨ AWS::Lambda::Function '{}' hotswapped!",
            u.function
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_settled_stack_is_hotswapped() {
        for ok in [
            "CREATE_COMPLETE",
            "UPDATE_COMPLETE",
            "UPDATE_ROLLBACK_COMPLETE",
            "IMPORT_COMPLETE",
        ] {
            assert!(is_deployed(ok), "{ok}");
        }
        for not in [
            "REVIEW_IN_PROGRESS",
            "UPDATE_IN_PROGRESS",
            "ROLLBACK_COMPLETE",
            "ROLLBACK_FAILED",
        ] {
            assert!(!is_deployed(not), "{not}");
        }
    }
}
