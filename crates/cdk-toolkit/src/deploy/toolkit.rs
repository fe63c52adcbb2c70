//! The commands on a whole assembly, as the CLI runs them: `deploy` (dependencies
//! first: publish assets, then the change set), `diff` and `destroy` (dependents
//! first).

use super::Ui;
use super::aws::Aws;
use super::changeset::{DeployOptions, DeployOutcome, StackDeployment, deploy_stack};
use super::destroy::{DestroyOutcome, destroy_stack};
use super::events::Polling;
use super::exports::deployed_template;
use super::publish::{Target, publish_manifest};
use super::stacks::{DeployableStack, deployment_order};
use crate::assembly::CloudAssembly;
use crate::diff::{diff_templates, render};
use crate::error::{Result, ToolkitError};

/// The account and region a stack deploys to: its pinned environment, checked
/// against the credentials' account, else the credentials' account and the
/// configured region.
pub async fn resolve_target(aws: &Aws, stack: &DeployableStack) -> Result<Target> {
    let (account, region) = stack.account_and_region();
    let region = region.or_else(|| aws.region()).ok_or_else(|| {
        ToolkitError::Deploy(format!(
            "{}: no region: the stack is environment-agnostic and no region is configured \
             (set AWS_REGION or a region in your AWS profile)",
            stack.stack_name
        ))
    })?;
    let caller = aws.account(&region).await?;
    if let Some(pinned) = account
        && pinned != caller
    {
        return Err(ToolkitError::Deploy(format!(
            "{}: the stack targets account {pinned} but the credentials are for account \
             {caller}; use credentials of {pinned} (e.g. AWS_PROFILE), or synthesize for \
             {caller} (e.g. `-c rootski:account={caller}`)",
            stack.stack_name
        )));
    }
    Ok(Target {
        account: caller,
        region,
    })
}

/// Deploys the selected stacks (all when empty) and their dependencies in order.
pub async fn deploy(
    aws: &Aws,
    assembly: &CloudAssembly,
    selection: &[String],
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<Vec<(String, DeployOutcome)>> {
    let mut results = Vec::new();
    for stack in deployment_order(assembly, selection, true)? {
        let target = resolve_target(aws, &stack).await?;
        ui.line(&format!(
            "{}: deploying to aws://{}/{}",
            stack.stack_name, target.account, target.region
        ));
        for manifest in &stack.asset_manifests {
            publish_manifest(aws, manifest, &target, ui).await?;
        }
        let template_url = stack.template_object_url.as_ref().and_then(|url| {
            let rest = target.substitute(url);
            let (bucket, key) = rest.strip_prefix("s3://")?.split_once('/')?;
            Some(format!(
                "https://s3.{}.amazonaws.com/{bucket}/{key}",
                target.region
            ))
        });
        let deployment = StackDeployment {
            stack_name: stack.stack_name.clone(),
            template: stack.template.clone(),
            template_url,
            parameters: stack.parameters.clone(),
            tags: stack.tags.clone(),
            termination_protection: stack.termination_protection,
            notification_arns: stack.notification_arns.clone(),
        };
        let outcome = deploy_stack(
            &aws.cloudformation(&target.region),
            &deployment,
            options,
            ui,
        )
        .await?;
        results.push((stack.stack_name, outcome));
    }
    Ok(results)
}

/// Prints the diff of each selected stack against its deployed template; returns
/// whether any stack differs.
pub async fn diff(
    aws: &Aws,
    assembly: &CloudAssembly,
    selection: &[String],
    ui: &mut dyn Ui,
) -> Result<bool> {
    let mut any = false;
    for stack in deployment_order(assembly, selection, false)? {
        let region = stack
            .account_and_region()
            .1
            .or_else(|| aws.region())
            .ok_or_else(|| {
                ToolkitError::Deploy(format!(
                    "{}: no region configured (set AWS_REGION)",
                    stack.stack_name
                ))
            })?;
        let deployed = deployed_template(&aws.cloudformation(&region), &stack.stack_name).await?;
        let d = diff_templates(&deployed, &stack.template);
        ui.line(&format!("Stack {}", stack.stack_name));
        for line in render(&d).lines() {
            ui.line(line);
        }
        any |= !d.is_empty();
    }
    Ok(any)
}

/// Destroys the selected stacks (all when empty), dependents first.
pub async fn destroy(
    aws: &Aws,
    assembly: &CloudAssembly,
    selection: &[String],
    force: bool,
    polling: Polling,
    ui: &mut dyn Ui,
) -> Result<Vec<(String, DestroyOutcome)>> {
    let mut stacks = deployment_order(assembly, selection, false)?;
    stacks.reverse();
    let mut results = Vec::new();
    for stack in stacks {
        let region = stack
            .account_and_region()
            .1
            .or_else(|| aws.region())
            .ok_or_else(|| {
                ToolkitError::Deploy(format!(
                    "{}: no region configured (set AWS_REGION)",
                    stack.stack_name
                ))
            })?;
        let outcome = destroy_stack(
            &aws.cloudformation(&region),
            &stack.stack_name,
            force,
            polling,
            ui,
        )
        .await?;
        results.push((stack.stack_name, outcome));
    }
    Ok(results)
}
