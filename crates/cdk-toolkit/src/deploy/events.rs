//! Following a stack's events until it reaches a terminal status, printing each new
//! event oldest first with a `done/total` resource counter — the progress display of
//! `cdk deploy` in its plain "events" mode (works on any terminal and in CI logs).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_sdk_cloudformation::primitives::DateTimeFormat;
use aws_sdk_cloudformation::types::{Stack, StackEvent, StackResourceSummary};

use super::Ui;
use super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

/// How often and how long to poll.
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    /// Between two polls.
    pub interval: Duration,
    /// Give up after.
    pub timeout: Duration,
}

impl Default for Polling {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            timeout: Duration::from_secs(3600),
        }
    }
}

/// One failed resource of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Logical id.
    pub logical_id: String,
    /// Resource type.
    pub resource_type: String,
    /// `CREATE_FAILED`, ...
    pub status: String,
    /// CloudFormation's reason.
    pub reason: String,
}

/// Every resource of a deployed stack (`ListStackResources`, all pages); `purpose`
/// says what for in the error ("reading X").
pub async fn stack_resources(
    cfn: &Client,
    name: &str,
    purpose: &str,
) -> Result<Vec<StackResourceSummary>> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = cfn
            .list_stack_resources()
            .stack_name(name)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| aws_error("CloudFormation ListStackResources", purpose.to_owned(), e))?;
        all.extend(page.stack_resource_summaries().iter().cloned());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(all);
        }
    }
}

/// The stack, or `None` when it does not exist.
pub async fn describe_stack(cfn: &Client, name: &str) -> Result<Option<Stack>> {
    match cfn.describe_stacks().stack_name(name).send().await {
        Ok(out) => Ok(out.stacks().first().cloned()),
        Err(e)
            if e.as_service_error()
                .and_then(|s| s.message())
                .is_some_and(|m| m.contains("does not exist")) =>
        {
            Ok(None)
        }
        Err(e) => Err(aws_error(
            "CloudFormation DescribeStacks",
            format!("reading stack {name}"),
            e,
        )),
    }
}

/// Ids of the events the stack has so far (to show only new ones later).
pub async fn known_event_ids(cfn: &Client, stack: &str) -> Result<BTreeSet<String>> {
    Ok(fetch_new(cfn, stack, &BTreeSet::new())
        .await?
        .into_iter()
        .filter_map(|e| e.event_id().map(str::to_owned))
        .collect())
}

/// Events not in `seen`, oldest first (pages are read until a seen event appears).
async fn fetch_new(cfn: &Client, stack: &str, seen: &BTreeSet<String>) -> Result<Vec<StackEvent>> {
    let mut new = Vec::new();
    let mut token: Option<String> = None;
    'pages: loop {
        let out = match cfn
            .describe_stack_events()
            .stack_name(stack)
            .set_next_token(token.clone())
            .send()
            .await
        {
            Ok(o) => o,
            Err(e)
                if e.as_service_error()
                    .and_then(|s| s.message())
                    .is_some_and(|m| m.contains("does not exist")) =>
            {
                break;
            }
            Err(e) => {
                return Err(aws_error(
                    "CloudFormation DescribeStackEvents",
                    format!("reading the events of {stack}"),
                    e,
                ));
            }
        };
        for ev in out.stack_events() {
            if ev.event_id().is_some_and(|id| seen.contains(id)) {
                break 'pages;
            }
            new.push(ev.clone());
        }
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    new.reverse();
    Ok(new)
}

/// Follows `stack` (a name or, after deletion, its id) until its status no longer
/// ends in `_IN_PROGRESS`; prints new events; returns the final stack (`None` when
/// it is gone) and the resources that failed in this run.
pub async fn follow(
    cfn: &Client,
    stack: &str,
    mut seen: BTreeSet<String>,
    total_resources: usize,
    polling: Polling,
    ui: &mut dyn Ui,
) -> Result<(Option<Stack>, Vec<Failure>)> {
    let started = Instant::now();
    let mut done = BTreeSet::new();
    let mut failures = Vec::new();
    loop {
        for ev in fetch_new(cfn, stack, &seen).await? {
            if let Some(id) = ev.event_id() {
                seen.insert(id.to_string());
            }
            let status = ev.resource_status().map(|s| s.as_str()).unwrap_or("?");
            let logical = ev.logical_resource_id().unwrap_or("?").to_string();
            let rtype = ev.resource_type().unwrap_or("?").to_string();
            if status.ends_with("_COMPLETE") && rtype != "AWS::CloudFormation::Stack" {
                done.insert(logical.clone());
            }
            let reason = ev.resource_status_reason().unwrap_or("");
            if status.ends_with("_FAILED") {
                failures.push(Failure {
                    logical_id: logical.clone(),
                    resource_type: rtype.clone(),
                    status: status.to_string(),
                    reason: reason.to_string(),
                });
            }
            let time = ev
                .timestamp()
                .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
                .map(|t| t.get(11..19).unwrap_or(&t).to_string())
                .unwrap_or_default();
            let mut line = format!(
                "{stack} | {:>3}/{total_resources} | {time} | {status:<20} | {rtype} | {logical}",
                done.len().min(total_resources)
            );
            if !reason.is_empty() {
                line.push_str(&format!(" {reason}"));
            }
            ui.line(&line);
        }
        let current = describe_stack(cfn, stack).await?;
        let status = current
            .as_ref()
            .and_then(|s| s.stack_status())
            .map(|s| s.as_str().to_string());
        match status {
            Some(s) if s.ends_with("_IN_PROGRESS") => {}
            _ => return Ok((current, failures)),
        }
        if started.elapsed() > polling.timeout {
            return Err(ToolkitError::StackTimeout {
                stack: stack.to_owned(),
                waited: polling.timeout,
            });
        }
        tokio::time::sleep(polling.interval).await;
    }
}

/// Outputs of a stack as `(key, value, export name)`, sorted by key.
pub fn outputs_of(stack: &Stack) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<_> = stack
        .outputs()
        .iter()
        .map(|o| {
            (
                o.output_key().unwrap_or("").to_string(),
                o.output_value().unwrap_or("").to_string(),
                o.export_name().map(str::to_owned),
            )
        })
        .collect();
    out.sort();
    out
}
