//! A deployed stack's log events, as `rootski logs` and `rootski watch` show them
//! (the CDK CLI's `cdk watch` log monitor, and `sam logs`): the stack's log groups —
//! its `AWS::Logs::LogGroup` resources, else `/aws/lambda/<function>` of each of its
//! functions — read with `FilterLogEvents` (every page), one line per event, JSON
//! messages pretty-printed. A [`LogTail`] polls again from the newest event seen and
//! drops events it already printed (by event id), so `--follow` never repeats one.
//! A log group that does not exist yet (a function that never ran) is said once, and
//! read again on the next poll.
//!
//! Credentials: the caller's own, as `cdk watch` reads logs (the deploy role may not
//! read them).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::primitives::{DateTime, DateTimeFormat};

use super::events::{describe_stack, stack_resources};
use super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

/// `--since`: a number and a unit (`s`, `m`, `h`, `d`), e.g. `30s`, `10m`, `2h`, `1d`.
pub fn parse_since(value: &str) -> Result<Duration> {
    let invalid = || ToolkitError::InvalidSince {
        value: value.to_owned(),
    };
    let text = value.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(invalid)?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| invalid())?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(invalid()),
    };
    n.checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(invalid)
}

/// One log event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    /// The event id (unique within its group).
    pub id: String,
    /// Milliseconds since the epoch.
    pub timestamp_ms: i64,
    /// The log stream.
    pub stream: String,
    /// The message.
    pub message: String,
}

/// `/aws/lambda/<name>` of a function.
pub fn lambda_log_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

/// The short name of a stream: Lambda's `2024/01/01/[$LATEST]3f0c…` becomes
/// `3f0c1a2b` (its instance), any other name stays whole.
pub fn short_stream(stream: &str) -> &str {
    match stream.rsplit_once(']') {
        Some((_, id)) if !id.is_empty() => &id[..id.len().min(8)],
        _ => stream,
    }
}

/// The lines of an event: `<UTC time> <stream> <message>`, a JSON object or array
/// message pretty-printed on the following lines, other messages as they are.
pub fn format_event(event: &LogEvent) -> String {
    let time = DateTime::from_millis(event.timestamp_ms)
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| event.timestamp_ms.to_string());
    let message = event.message.trim_end();
    let trimmed = message.trim_start();
    let pretty = (trimmed.starts_with('{') || trimmed.starts_with('['))
        .then(|| serde_json::from_str::<serde_json::Value>(trimmed).ok())
        .flatten()
        .and_then(|v| serde_json::to_string_pretty(&v).ok());
    let stream = short_stream(&event.stream);
    match pretty {
        Some(json) => format!("{time} {stream}\n{json}"),
        None => format!("{time} {stream} {message}"),
    }
}

/// The log groups of a deployed stack: its `AWS::Logs::LogGroup` resources, else
/// each function's `/aws/lambda/<physical name>`.
pub async fn stack_log_groups(
    cfn: &aws_sdk_cloudformation::Client,
    stack: &str,
    region: &str,
) -> Result<Vec<String>> {
    if describe_stack(cfn, stack).await?.is_none() {
        return Err(ToolkitError::StackNotDeployed {
            stack: stack.to_owned(),
            region: region.to_owned(),
        });
    }
    let (mut groups, mut functions) = (Vec::new(), Vec::new());
    let purpose = format!("finding the log groups of {stack}");
    for r in stack_resources(cfn, stack, &purpose).await? {
        let Some(physical) = r.physical_resource_id() else {
            continue;
        };
        match r.resource_type() {
            Some("AWS::Logs::LogGroup") => groups.push(physical.to_string()),
            Some("AWS::Lambda::Function") => functions.push(lambda_log_group(physical)),
            _ => {}
        }
    }
    let found = if groups.is_empty() { functions } else { groups };
    if found.is_empty() {
        return Err(ToolkitError::NoLogGroups {
            stack: stack.to_owned(),
        });
    }
    Ok(found)
}

/// Polls log groups for new events from a start time on.
pub struct LogTail {
    groups: Vec<String>,
    start_ms: i64,
    /// Ids already returned, with their timestamps (pruned as the start advances).
    seen: BTreeMap<String, i64>,
    missing: BTreeSet<String>,
}

impl LogTail {
    /// Events of `groups` from `since` ago on.
    pub fn new(groups: Vec<String>, since: Duration) -> Self {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Self {
            groups,
            start_ms: now_ms - since.as_millis() as i64,
            seen: BTreeMap::new(),
            missing: BTreeSet::new(),
        }
    }

    /// The groups read.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// New events of every group, oldest first, and the groups found missing for the
    /// first time (to be said once).
    pub async fn poll(
        &mut self,
        logs: &aws_sdk_cloudwatchlogs::Client,
    ) -> Result<(Vec<LogEvent>, Vec<String>)> {
        let mut fresh = Vec::new();
        let mut newly_missing = Vec::new();
        for group in self.groups.clone() {
            match filter_events(logs, &group, self.start_ms).await? {
                Some(events) => {
                    self.missing.remove(&group);
                    fresh.extend(events);
                }
                None => {
                    if self.missing.insert(group.clone()) {
                        newly_missing.push(group);
                    }
                }
            }
        }
        fresh.retain(|e| !self.seen.contains_key(&e.id));
        fresh.sort_by_key(|e| e.timestamp_ms);
        for e in &fresh {
            self.seen.insert(e.id.clone(), e.timestamp_ms);
        }
        // Read again from the newest event's millisecond (more may share it); ids
        // older than that can no longer come back.
        if let Some(newest) = self.seen.values().max().copied() {
            self.start_ms = self.start_ms.max(newest);
            let start = self.start_ms;
            self.seen.retain(|_, t| *t >= start);
        }
        Ok((fresh, newly_missing))
    }
}

/// Every event of `group` from `start_ms` on; `None` when the group does not exist.
async fn filter_events(
    logs: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    start_ms: i64,
) -> Result<Option<Vec<LogEvent>>> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = match logs
            .filter_log_events()
            .log_group_name(group)
            .start_time(start_ms)
            .set_next_token(token)
            .send()
            .await
        {
            Ok(page) => page,
            Err(e) if e.code() == Some("ResourceNotFoundException") => return Ok(None),
            Err(e) => {
                return Err(aws_error(
                    "CloudWatch Logs FilterLogEvents",
                    format!("reading {group}"),
                    e,
                ));
            }
        };
        events.extend(page.events().iter().map(|e| LogEvent {
            id: e.event_id().unwrap_or_default().to_string(),
            timestamp_ms: e.timestamp().unwrap_or_default(),
            stream: e.log_stream_name().unwrap_or_default().to_string(),
            message: e.message().unwrap_or_default().to_string(),
        }));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(Some(events));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_number_and_a_unit() {
        let ok = |v: &str| parse_since(v).map(|d| d.as_secs()).ok();
        assert_eq!(ok("30s"), Some(30));
        assert_eq!(ok("10m"), Some(600));
        assert_eq!(ok("2h"), Some(7200));
        assert_eq!(ok("1d"), Some(86_400));
        assert_eq!(ok(" 0m "), Some(0));
        for bad in [
            "",
            "10",
            "m",
            "10 m",
            "1.5h",
            "-1h",
            "10w",
            "99999999999999999999d",
        ] {
            assert_eq!(
                parse_since(bad).unwrap_err().to_string(),
                format!(
                    "--since {bad:?} is not a duration: use a number and a unit, s, m, h or d \
                     (e.g. 30s, 10m, 2h, 1d)"
                ),
                "{bad}"
            );
        }
    }

    fn event(stream: &str, message: &str) -> LogEvent {
        LogEvent {
            id: "1".into(),
            timestamp_ms: 1_764_780_488_123,
            stream: stream.into(),
            message: message.into(),
        }
    }

    #[test]
    fn events_are_one_line_json_pretty_printed() {
        let lambda_stream = "2025/12/03/[$LATEST]3f0c1a2b9d8e7f60";
        assert_eq!(
            format_event(&event(
                lambda_stream,
                "START RequestId: r1 Version: $LATEST\n"
            )),
            "2025-12-03T16:48:08.123Z 3f0c1a2b START RequestId: r1 Version: $LATEST"
        );
        assert_eq!(
            format_event(&event(
                "plain-stream",
                r#"{"level":"INFO","fields":{"n":1}}"#
            )),
            "2025-12-03T16:48:08.123Z plain-stream\n{\n  \"level\": \"INFO\",\n  \"fields\": {\n    \"n\": 1\n  }\n}"
        );
        assert_eq!(
            format_event(&event("s", "{not json")),
            "2025-12-03T16:48:08.123Z s {not json"
        );
        assert_eq!(lambda_log_group("f-1"), "/aws/lambda/f-1");
    }
}
