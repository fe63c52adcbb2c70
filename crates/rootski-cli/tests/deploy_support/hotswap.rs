//! `rootski deploy --hotswap | --hotswap-fallback` and `rootski logs` against the
//! deployed Rootski-Lambda-REST-API-Stack on moto (steps of deploy_cli's flow).
//!
//! - new code (the bundle plus a marker file: a new asset) is hotswapped: the
//!   function's CodeSha256 becomes the new zip's, no stack event and no change set
//!   appear;
//! - a template whose function's `MemorySize` was edited by hand is refused (listed,
//!   not applied) under `--hotswap` and deployed through a change set under
//!   `--hotswap-fallback` (stack events appear, moto's function gets the memory size);
//! - `rootski logs` prints the events written to the function's log group.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use cdk_toolkit::assembly::AssemblyReader;
use cdk_toolkit::deploy::Ui;
use cdk_toolkit::deploy::aws::Aws;
use cdk_toolkit::deploy::changeset::{DeployOptions, DeployOutcome, RequireApproval};
use cdk_toolkit::deploy::hotswap::{DRIFT_WARNING, HotswapMode};
use cdk_toolkit::deploy::toolkit;
use serde_json::{Value, json};

use super::{lambda_functions, moto_post_json, sha256_b64};

/// Collects the toolkit's lines; answers no question.
#[derive(Default)]
pub struct Lines(pub Vec<String>);

impl Ui for Lines {
    fn line(&mut self, text: &str) {
        println!("{text}");
        self.0.push(text.to_string());
    }
    fn confirm(&mut self, _question: &str) -> bool {
        false
    }
}

/// Where the flow runs.
pub struct Deployed<'a> {
    /// moto's endpoint.
    pub endpoint: &'a str,
    /// The SDK on it.
    pub aws: &'a Aws,
    /// The app directory (cdk.out inside).
    pub dir: &'a Path,
    /// Stack name.
    pub stack: &'a str,
    /// Region.
    pub region: &'a str,
    /// Runs `rootski` in the app directory.
    pub rootski: &'a dyn Fn(&[&str]) -> Output,
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

impl Deployed<'_> {
    /// All events of the stack so far.
    pub async fn event_count(&self) -> usize {
        let cfn = self.aws.cloudformation(self.region);
        let mut count = 0;
        let mut token: Option<String> = None;
        for _ in 0..100 {
            let page = cfn
                .describe_stack_events()
                .stack_name(self.stack)
                .set_next_token(token)
                .send()
                .await
                .expect("DescribeStackEvents");
            count += page.stack_events().len();
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        count
    }

    /// The stack's change sets.
    pub async fn change_set_count(&self) -> usize {
        self.aws
            .cloudformation(self.region)
            .list_change_sets()
            .stack_name(self.stack)
            .send()
            .await
            .expect("ListChangeSets")
            .summaries()
            .len()
    }

    /// The stack's function as moto's Lambda lists it.
    pub fn function(&self) -> Value {
        lambda_functions(self.endpoint, self.region)
            .into_iter()
            .find(|f| f["Runtime"] == "provided.al2023")
            .expect("the stack's function")
    }

    fn template(&self) -> Value {
        let path = self
            .dir
            .join(format!("cdk.out/{}.template.json", self.stack));
        serde_json::from_str(&std::fs::read_to_string(path).expect("template")).expect("json")
    }

    /// The synthesized function's `Code.S3Key`.
    pub fn code_key(&self) -> String {
        let t = self.template();
        t["Resources"]
            .as_object()
            .expect("resources")
            .values()
            .find(|r| r["Type"] == "AWS::Lambda::Function")
            .and_then(|r| r["Properties"]["Code"]["S3Key"].as_str())
            .expect("S3Key")
            .to_string()
    }

    async fn asset_sha(&self, account: &str, key: &str) -> String {
        let object = self
            .aws
            .s3(self.region)
            .get_object()
            .bucket(format!("cdk-hnb659fds-assets-{account}-{}", self.region))
            .key(key)
            .send()
            .await
            .expect("the published asset");
        sha256_b64(&object.body.collect().await.expect("body").into_bytes())
    }
}

/// `rootski deploy --hotswap` with new code; returns its wall time.
pub async fn code_change_is_hotswapped(
    d: &Deployed<'_>,
    bundle_dir: &Path,
    account: &str,
) -> Duration {
    let changed = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        bundle_dir.join("bootstrap"),
        changed.path().join("bootstrap"),
    )
    .expect("copy");
    std::fs::write(changed.path().join("hotswap-marker.txt"), "v2\n").expect("marker");
    let code = changed.path().to_string_lossy().to_string();
    let (events, change_sets) = (d.event_count().await, d.change_set_count().await);
    let before = d.function()["CodeSha256"].clone();

    let started = Instant::now();
    let out = (d.rootski)(&[
        "deploy",
        d.stack,
        "--hotswap",
        "--code-asset",
        &code,
        "-o",
        "cdk.out",
    ]);
    let took = started.elapsed();
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    for line in DRIFT_WARNING {
        assert!(t.contains(line), "{t}");
    }
    let name = d.function()["FunctionName"]
        .as_str()
        .expect("name")
        .to_string();
    assert!(
        t.contains(&format!("✨ AWS::Lambda::Function '{name}' hotswapped!")),
        "{t}"
    );
    assert!(t.contains(&format!(" ✅  {} (hotswapped)", d.stack)), "{t}");
    assert!(!t.contains("non-hotswappable"), "{t}");
    assert!(!t.contains("change set"), "{t}");

    let after = d.function()["CodeSha256"].clone();
    assert_ne!(after, before, "the code changed");
    assert_eq!(
        after,
        d.asset_sha(account, &d.code_key()).await.as_str(),
        "the new asset runs"
    );
    assert_eq!(
        d.event_count().await,
        events,
        "a hotswap adds no stack event"
    );
    assert_eq!(d.change_set_count().await, change_sets, "and no change set");
    took
}

/// The synthesized template with the function's `MemorySize` edited by hand (the
/// app has no setting for it), deployed through the toolkit as the CLI does.
async fn deploy_edited(d: &Deployed<'_>, mode: HotswapMode) -> (Vec<String>, DeployOutcome) {
    deploy_with(d, mode, |props| props["MemorySize"] = json!(1024)).await
}

/// The synthesized template with `edit` applied to the function's properties,
/// deployed through the toolkit as the CLI does.
async fn deploy_with(
    d: &Deployed<'_>,
    mode: HotswapMode,
    edit: impl Fn(&mut Value),
) -> (Vec<String>, DeployOutcome) {
    let path = d.dir.join(format!("cdk.out/{}.template.json", d.stack));
    let mut template = d.template();
    for r in template["Resources"]
        .as_object_mut()
        .expect("resources")
        .values_mut()
    {
        if r["Type"] == "AWS::Lambda::Function" {
            edit(&mut r["Properties"]);
        }
    }
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&template).expect("json"),
    )
    .expect("write");
    let assembly = AssemblyReader::load(&d.dir.join("cdk.out")).expect("assembly");
    let options = DeployOptions {
        require_approval: RequireApproval::Never,
        hotswap: mode,
        ..Default::default()
    };
    let mut ui = Lines::default();
    let mut outcome = toolkit::deploy(d.aws, &assembly, &[d.stack.to_string()], &options, &mut ui)
        .await
        .unwrap_or_else(|e| panic!("{e}: {:?}", ui.0));
    (ui.0, outcome.remove(0).1)
}

/// `--hotswap` lists the memory size and leaves it; `--hotswap-fallback` deploys it
/// through a change set. Returns the fallback's wall time.
pub async fn other_changes_fall_back_or_are_refused(d: &Deployed<'_>) -> Duration {
    let events = d.event_count().await;
    let (lines, outcome) = deploy_edited(d, HotswapMode::HotswapOnly).await;
    let all = lines.join("\n");
    assert!(
        all.contains("⚠️ The following non-hotswappable changes were found. To reconcile these using CloudFormation, specify --hotswap-fallback"),
        "{all}"
    );
    assert!(all.contains("type: AWS::Lambda::Function, rejected changes: MemorySize, reason: resource properties 'MemorySize' are not hotswappable on this resource type"), "{all}");
    assert!(
        matches!(outcome, DeployOutcome::Hotswapped { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        d.function()["MemorySize"],
        512,
        "not applied under --hotswap"
    );
    assert_eq!(d.event_count().await, events, "{all}");

    let started = Instant::now();
    let (lines, outcome) = deploy_edited(d, HotswapMode::FallBack).await;
    let took = started.elapsed();
    let all = lines.join("\n");
    assert!(
        all.contains("⚠️ The following non-hotswappable changes were found:"),
        "{all}"
    );
    assert!(all.contains("contains non-Asset changes"), "{all}");
    assert!(
        all.contains("Falling back to doing a full deployment"),
        "{all}"
    );
    assert!(
        matches!(&outcome, DeployOutcome::Deployed { status, .. } if status == "UPDATE_COMPLETE"),
        "{outcome:?}: {all}"
    );
    assert_eq!(
        d.function()["MemorySize"],
        1024,
        "deployed by CloudFormation"
    );
    assert!(
        d.event_count().await > events,
        "a full deployment has events"
    );
    took
}

/// Under `--hotswap-fallback`, a change of code alone is still a hotswap: the
/// template pointed back at `key` (an asset published earlier) is hotswapped through
/// the toolkit, as the full deployment before it was. Returns its wall time.
pub async fn code_only_change_is_hotswapped_under_fallback(
    d: &Deployed<'_>,
    account: &str,
    key: &str,
) -> Duration {
    let events = d.event_count().await;
    let started = Instant::now();
    let (lines, outcome) = deploy_with(d, HotswapMode::FallBack, |props| {
        props["Code"]["S3Key"] = json!(key);
    })
    .await;
    let took = started.elapsed();
    let all = lines.join("\n");
    assert!(
        matches!(&outcome, DeployOutcome::Hotswapped { functions, .. } if functions.len() == 1),
        "{outcome:?}: {all}"
    );
    assert!(!all.contains("Falling back"), "{all}");
    assert_eq!(
        d.function()["CodeSha256"],
        d.asset_sha(account, key).await.as_str()
    );
    assert_eq!(d.function()["MemorySize"], 1024, "{all}");
    assert_eq!(d.event_count().await, events, "{all}");
    took
}

/// `rootski logs`: a missing group is a message; then the events written to the
/// function's group, JSON pretty-printed; a bad `--since` names the format.
pub fn logs_print_the_functions_events(d: &Deployed<'_>) {
    let logs = |extra: &[&str]| {
        let mut args = vec!["logs", d.stack, "-o", "cdk.logs.out"];
        args.extend_from_slice(extra);
        (d.rootski)(&args)
    };
    let name = d.function()["FunctionName"]
        .as_str()
        .expect("name")
        .to_string();
    let group = format!("/aws/lambda/{name}");
    let out = logs(&[]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains(&format!("log group {group} does not exist (yet)")),
        "{t}"
    );

    let call =
        |target: &str, body: Value| moto_post_json(d.endpoint, "logs", d.region, target, &body);
    call(
        "Logs_20140328.CreateLogGroup",
        json!({"logGroupName": group}),
    );
    let stream = "2026/12/03/[$LATEST]abcdef0123456789";
    call(
        "Logs_20140328.CreateLogStream",
        json!({"logGroupName": group, "logStreamName": stream}),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    call(
        "Logs_20140328.PutLogEvents",
        json!({"logGroupName": group, "logStreamName": stream, "logEvents": [
            {"timestamp": now - 2000, "message": "START RequestId: r-1 Version: $LATEST\n"},
            {"timestamp": now - 1000, "message": "{\"level\":\"INFO\",\"message\":\"hello from the test\"}"}
        ]}),
    );
    let out = logs(&["--since", "5m"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{}", text(&out));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].ends_with(" abcdef01 START RequestId: r-1 Version: $LATEST"),
        "{stdout}"
    );
    assert!(lines[1].ends_with(" abcdef01"), "{stdout}");
    assert_eq!(
        lines[2..].join("\n"),
        "{\n  \"level\": \"INFO\",\n  \"message\": \"hello from the test\"\n}",
        "{stdout}"
    );

    let out = logs(&["--since", "10x"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("use a number and a unit, s, m, h or d"), "{t}");
}
