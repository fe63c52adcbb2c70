//! The commands on a whole assembly, as the CLI runs them: `deploy` (dependencies
//! first: assume the deploy role, check the bootstrap version, publish assets, then
//! the change set, or a hotswap), `diff`, `destroy` (dependents first) and the
//! log groups of a stack (`logs`).

use super::Ui;
use super::aws::{Aws, Caller};
use super::changeset::{DeployOptions, DeployOutcome, StackDeployment, deploy_stack};
use super::destroy::{DestroyOutcome, destroy_stack};
use super::events::Polling;
use super::exports::deployed_template;
use super::hotswap::lambda::UpdateWait;
use super::hotswap::{DRIFT_WARNING, HotswapMode, HotswapRequest, try_hotswap};
use super::logs::stack_log_groups;
use super::publish::publish_manifest;
use super::roles::{RoleToAssume, Sessions, Target};
use super::stacks::{DeployableStack, deployment_order};
use super::version;
use crate::assembly::AssemblyReader;
use crate::diff::{diff_templates, render};
use crate::error::{Result, ToolkitError};

/// The account and region a stack deploys to — its pinned environment, else the
/// credentials' account and the configured region — and who the caller is. A pinned
/// account other than the caller's is only reachable through a deploy role.
pub async fn resolve_target(aws: &Aws, stack: &DeployableStack) -> Result<(Target, Caller)> {
    let (account, region) = stack.account_and_region();
    let region =
        region
            .or_else(|| aws.region())
            .ok_or_else(|| ToolkitError::StackWithoutRegion {
                stack: stack.stack_name.clone(),
            })?;
    let caller = aws.caller(&region).await?;
    if let Some(pinned) = &account
        && *pinned != caller.account
        && stack.roles.assume_role_arn.is_none()
    {
        return Err(ToolkitError::StackOtherAccount {
            stack: stack.stack_name.clone(),
            account: pinned.to_string(),
            caller: caller.account,
        });
    }
    let target = Target {
        account: account.unwrap_or_else(|| caller.account.clone()),
        region,
        partition: caller.partition.clone(),
    };
    Ok((target, caller))
}

/// The stack's deploy role, placeholders substituted.
fn deploy_role(stack: &DeployableStack, target: &Target) -> Option<RoleToAssume> {
    let roles = &stack.roles;
    roles
        .assume_role_arn
        .as_deref()
        .map(|arn| RoleToAssume::resolve(arn, roles.assume_role_external_id.as_deref(), target))
}

/// Deploys the selected stacks (all when empty) and their dependencies in order:
/// per stack, assume its deploy role, check the bootstrap version, publish its
/// assets (each destination with its publishing role), then hotswap it when asked
/// and possible ([`super::hotswap`]), else deploy its change set with its execution
/// role.
pub async fn deploy(
    aws: &Aws,
    assembly: &AssemblyReader,
    selection: &[String],
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<Vec<(String, DeployOutcome)>> {
    if options.hotswap != HotswapMode::FullDeployment {
        for line in DRIFT_WARNING {
            ui.line(line);
        }
        ui.line("");
    }
    let mut results = Vec::new();
    for stack in deployment_order(assembly, selection, true)? {
        let (target, caller) = resolve_target(aws, &stack).await?;
        ui.line(&format!(
            "{}: deploying to aws://{}/{}",
            stack.stack_name, target.account, target.region
        ));
        let mut sessions = Sessions::new(aws, caller);
        let purpose = format!("deploying {}", stack.stack_name);
        let role = deploy_role(&stack, &target);
        let stack_aws = sessions
            .for_role(&target, role.as_ref(), &purpose, ui)
            .await?;
        check_bootstrap_versions(&stack_aws, &stack, &target).await?;
        for manifest in &stack.asset_manifests {
            publish_manifest(&mut sessions, manifest, &target, ui).await?;
        }
        let cfn = stack_aws.cloudformation(&target.region);
        if options.hotswap != HotswapMode::FullDeployment {
            let request = HotswapRequest {
                stack_name: &stack.stack_name,
                template: &stack.template,
                target: &target,
                cloudformation: &cfn,
                lambda: &aws.lambda(&target.region),
                mode: options.hotswap,
                wait: UpdateWait::default(),
            };
            if let Some(outcome) = try_hotswap(&request, ui).await? {
                results.push((stack.stack_name, outcome));
                continue;
            }
        }
        let outcome = deploy_stack(&cfn, &stack_deployment(&stack, &target), options, ui).await?;
        results.push((stack.stack_name, outcome));
    }
    Ok(results)
}

/// The bootstrap versions the stack and its asset manifests require.
async fn check_bootstrap_versions(
    stack_aws: &Aws,
    stack: &DeployableStack,
    target: &Target,
) -> Result<()> {
    let requirements = stack
        .roles
        .requires_bootstrap_version
        .map(|v| (v, stack.roles.bootstrap_version_parameter.clone()))
        .into_iter()
        .chain(stack.roles.asset_requirements.iter().cloned());
    for (required, parameter) in requirements {
        version::validate(
            stack_aws,
            &stack.stack_name,
            required,
            parameter.as_deref(),
            &target.region,
        )
        .await?;
    }
    Ok(())
}

/// What CloudFormation is sent for the stack in `target`.
fn stack_deployment(stack: &DeployableStack, target: &Target) -> StackDeployment {
    let template_url = stack.template_object_url.as_ref().and_then(|url| {
        let rest = target.substitute(url);
        let (bucket, key) = rest.strip_prefix("s3://")?.split_once('/')?;
        Some(format!(
            "https://s3.{}.amazonaws.com/{bucket}/{key}",
            target.region
        ))
    });
    StackDeployment {
        stack_name: stack.stack_name.clone(),
        template: stack.template.clone(),
        template_url,
        parameters: stack.parameters.clone(),
        tags: stack.tags.clone(),
        termination_protection: stack.termination_protection,
        notification_arns: stack.notification_arns.clone(),
        execution_role_arn: stack
            .roles
            .execution_role_arn
            .as_deref()
            .map(|r| target.substitute(r)),
    }
}

/// The credentials to read a deployed stack with, as the CDK CLI picks them for
/// `diff`: the lookup role when it can be assumed and its bootstrap version suffices,
/// else the deploy role (with the usual fallback).
async fn read_session(
    aws: &Aws,
    stack: &DeployableStack,
    target: &Target,
    sessions: &mut Sessions<'_>,
    ui: &mut dyn Ui,
) -> Result<Aws> {
    if let Some(lookup) = &stack.roles.lookup_role {
        let role = RoleToAssume::resolve(&lookup.arn, lookup.external_id.as_deref(), target);
        match aws
            .assume_role(&role.arn, role.external_id.as_deref(), &target.region)
            .await
        {
            Ok((assumed, _)) => {
                let Some(required) = lookup.requires_bootstrap_version else {
                    return Ok(assumed);
                };
                let parameter = lookup
                    .bootstrap_version_parameter
                    .as_deref()
                    .unwrap_or(version::DEFAULT_PARAMETER);
                match version::bootstrap_version(&assumed, &target.region, parameter).await {
                    Ok(Some(v)) if v >= required => return Ok(assumed),
                    found => ui.line(&format!(
                        " ⚠️  {}: the lookup role needs bootstrap version {required} (found {}); \
                         reading with the deploy role. Run `rootski bootstrap` to upgrade.",
                        stack.stack_name,
                        match found {
                            Ok(Some(v)) => v.to_string(),
                            Ok(None) => "none".into(),
                            Err(e) => e.to_string(),
                        }
                    )),
                }
            }
            Err(e) => tracing::debug!("assuming the lookup role {}: {e}", role.arn),
        }
    }
    let role = deploy_role(stack, target);
    let purpose = format!("reading {}", stack.stack_name);
    sessions.for_role(target, role.as_ref(), &purpose, ui).await
}

/// Prints the diff of each selected stack against its deployed template; returns
/// whether any stack differs.
pub async fn diff(
    aws: &Aws,
    assembly: &AssemblyReader,
    selection: &[String],
    ui: &mut dyn Ui,
) -> Result<bool> {
    let mut any = false;
    for stack in deployment_order(assembly, selection, false)? {
        let (target, caller) = resolve_target(aws, &stack).await?;
        let mut sessions = Sessions::new(aws, caller);
        let read = read_session(aws, &stack, &target, &mut sessions, ui).await?;
        let deployed =
            deployed_template(&read.cloudformation(&target.region), &stack.stack_name).await?;
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
    assembly: &AssemblyReader,
    selection: &[String],
    force: bool,
    polling: Polling,
    ui: &mut dyn Ui,
) -> Result<Vec<(String, DestroyOutcome)>> {
    let mut stacks = deployment_order(assembly, selection, false)?;
    stacks.reverse();
    let mut results = Vec::new();
    for stack in stacks {
        let (target, caller) = resolve_target(aws, &stack).await?;
        let mut sessions = Sessions::new(aws, caller);
        let purpose = format!("destroying {}", stack.stack_name);
        let role = deploy_role(&stack, &target);
        let stack_aws = sessions
            .for_role(&target, role.as_ref(), &purpose, ui)
            .await?;
        let execution_role = stack
            .roles
            .execution_role_arn
            .as_deref()
            .map(|r| target.substitute(r));
        let outcome = destroy_stack(
            &stack_aws.cloudformation(&target.region),
            &stack.stack_name,
            execution_role.as_deref(),
            force,
            polling,
            ui,
        )
        .await?;
        results.push((stack.stack_name, outcome));
    }
    Ok(results)
}

/// A stack's log groups and the client to read them with.
pub struct StackLogs {
    /// Stack name.
    pub stack_name: String,
    /// Its log groups (see [`super::logs::stack_log_groups`]).
    pub groups: Vec<String>,
    /// CloudWatch Logs of the stack's region, with the caller's credentials.
    pub logs: aws_sdk_cloudwatchlogs::Client,
}

/// The log groups of the selected stacks (all when empty; dependencies are not
/// added), the deployed stack read as `diff` reads it.
pub async fn log_groups(
    aws: &Aws,
    assembly: &AssemblyReader,
    selection: &[String],
    ui: &mut dyn Ui,
) -> Result<Vec<StackLogs>> {
    let mut found = Vec::new();
    for stack in deployment_order(assembly, selection, false)? {
        let (target, caller) = resolve_target(aws, &stack).await?;
        let mut sessions = Sessions::new(aws, caller);
        let read = read_session(aws, &stack, &target, &mut sessions, ui).await?;
        let cfn = read.cloudformation(&target.region);
        let groups = stack_log_groups(&cfn, &stack.stack_name, &target.region).await?;
        found.push(StackLogs {
            stack_name: stack.stack_name,
            groups,
            logs: aws.logs(&target.region),
        });
    }
    Ok(found)
}
