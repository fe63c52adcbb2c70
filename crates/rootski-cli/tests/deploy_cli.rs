//! `rootski bootstrap | deploy | diff | destroy | logs` (and `deploy --hotswap |
//! --hotswap-fallback`, deploy_support/hotswap.rs) as a user runs them, against a
//! local moto_server (`scripts/checks/70-deploy.sh` starts it with the stacks'
//! account 091910621680 as moto's default account and sets `AWS_ENDPOINT_URL` to its
//! 127.0.0.1 address; without it the moto tests skip with a message).
//!
//! The whole Rootski-Lambda-REST-API-Stack is deployed with the real bundled
//! `bootstrap`. moto is started with tools/moto-patch applied, which gives its
//! CloudFormation every resource type of the stack (Stage, Account, DomainName,
//! BasePathMapping and Certificate included) and change-set execution in DependsOn
//! order with events and rollback. What this endpoint cannot check: the
//! certificate's DNS validation (moto writes no validation records and issues the
//! certificate without them) and that API Gateway really invokes the function
//! (`rootski local` and tests/local_e2e.rs cover the request path).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use cdk_toolkit::deploy::aws::{Aws, AwsSettings};
use serde_json::Value;

mod deploy_support;
use deploy_support::{apigateway_get, hotswap, lambda_functions, sha256_b64};

/// The stacks' account (the repository's cdk.json), moto's default account in the check.
const ACCOUNT: &str = "091910621680";
const STACK: &str = "Rootski-Lambda-REST-API-Stack";
const REGION: &str = "us-west-2";

fn moto_endpoint() -> Option<String> {
    match std::env::var("AWS_ENDPOINT_URL") {
        Ok(url) if url.starts_with("http://127.0.0.1:") => Some(url),
        _ => {
            eprintln!(
                "skipping: AWS_ENDPOINT_URL is not a local moto_server (http://127.0.0.1:PORT); \
                 scripts/checks/70-deploy.sh runs this test"
            );
            None
        }
    }
}

fn rootski(dir: &Path, endpoint: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rootski"))
        .args(args)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "us-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("CDK_CONTEXT_JSON")
        .env_remove("CDK_OUTDIR")
        .stdin(Stdio::null())
        .output()
        .expect("run rootski")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn app_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("cdk.json"),
        format!(
            r#"{{"context": {{"rootski:account": "{ACCOUNT}", "rootski:region": "us-west-2"}}}}"#
        ),
    )
    .expect("cdk.json");
    std::fs::write(
        dir.path().join("cdk.context.json"),
        r#"{"keep-me": {"a": 1}}"#,
    )
    .expect("cdk.context.json");
    dir
}

#[test]
fn missing_context_without_credentials_names_the_key_and_the_fix() {
    let dir = app_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_rootski"))
        .args(["diff", "--no-bundle", "-o", "cdk.out"])
        .current_dir(dir.path())
        // Nothing listens on port 9; no credentials anywhere; no instance metadata.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("CDK_CONTEXT_JSON")
        .stdin(Stdio::null())
        .output()
        .expect("run rootski");
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains(&format!(
            "hosted-zone:account={ACCOUNT}:domainName=rootski.io"
        )),
        "{t}"
    );
    assert!(t.contains("AWS_ACCESS_KEY_ID"), "{t}");
    assert!(t.contains("cdk.context.json"), "{t}");
    let ctx = std::fs::read_to_string(dir.path().join("cdk.context.json")).expect("context");
    assert_eq!(
        ctx, r#"{"keep-me": {"a": 1}}"#,
        "existing context must stay untouched"
    );
}

#[test]
fn bootstrap_trusting_accounts_requires_execution_policies() {
    let dir = app_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_rootski"))
        .args(["bootstrap", "--trust", "111111111111"])
        .current_dir(dir.path())
        // Refused before any AWS call: nothing listens on port 9.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .output()
        .expect("run rootski");
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("--cloudformation-execution-policies"), "{t}");
}

async fn moto_aws(endpoint: &str) -> Aws {
    Aws::load(&AwsSettings {
        region: Some(REGION.into()),
        endpoint_url: Some(endpoint.to_string()),
        ..Default::default()
    })
    .await
}

/// The real `bootstrap`, bundled (reused when scripts/checks/40-bundle.sh built it).
fn bundled_code() -> rootski_backend_cdk::bundling::Bundle {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root");
    let options = rootski_backend_cdk::bundling::BundleOptions::for_workspace(&root);
    rootski_backend_cdk::bundling::bundle_bootstrap(&options).expect("bundle bootstrap")
}

#[tokio::test(flavor = "multi_thread")]
async fn rootski_stack_deploys_diffs_redeploys_and_destroys() {
    let Some(endpoint) = moto_endpoint() else {
        return;
    };
    let aws = moto_aws(&endpoint).await;
    let caller = aws.account(REGION).await.expect("moto's account");
    assert_eq!(
        caller, ACCOUNT,
        "start moto_server with MOTO_ACCOUNT_ID={ACCOUNT} (scripts/checks/70-deploy.sh does)"
    );
    let dir = app_dir();
    let d = dir.path();

    bootstrap_the_apps_environment(d, &endpoint);
    hosted_zone_lookup_is_explained_then_resolved(d, &endpoint, &aws).await;

    let bundle = tokio::task::block_in_place(bundled_code);
    let code = bundle.asset_dir.to_string_lossy().to_string();
    let deploy = |extra: &[&str]| {
        let mut args = vec!["deploy", STACK, "--code-asset", &code, "-o", "cdk.out"];
        args.extend_from_slice(extra);
        rootski(d, &endpoint, &args)
    };

    // Described, not executed; then refused without a terminal: no stack is left.
    let t = text(&deploy(&["--no-execute"]));
    assert!(t.contains("created and described, not executed"), "{t}");
    // Assets are published before the change set is made.
    assert!(
        t.contains("Rootski-FastAPI-Lambda/Code: published s3://"),
        "{t}"
    );
    assert!(t.contains("AWS::ApiGateway::BasePathMapping"), "{t}");
    assert!(
        t.contains(":assumed-role/cdk-hnb659fds-deploy-role-"),
        "{t}"
    );
    let out = deploy(&[]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("--require-approval never"), "{t}");
    assert_eq!(stack_status(&aws, STACK).await, None, "{t}");

    let started = std::time::Instant::now();
    let out = deploy(&["--require-approval", "never"]);
    let took = started.elapsed();
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    println!("deploy of {STACK}: {:.1} s wall time", took.as_secs_f64());
    assert!(
        t.contains(&format!(" ✅  {STACK} (CREATE_COMPLETE)")),
        "{t}"
    );
    let url = output_value(&t, "ApiGatewayUrl");
    assert_eq!(output_value(&t, "ApiSubdomain"), "api.rootski.io", "{t}");
    let api_id = the_rest_api_is_complete(&endpoint, &url);
    the_function_runs_the_bundle(&endpoint, &aws, d, &bundle).await;

    // Nothing to change: diff --fail passes, a redeploy publishes nothing.
    let out = rootski(
        d,
        &endpoint,
        &[
            "diff",
            STACK,
            "--fail",
            "--code-asset",
            &code,
            "-o",
            "cdk.out",
        ],
    );
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("There were no differences"), "{t}");
    let out = deploy(&["--require-approval", "never"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains(&format!(" ✅  {STACK} (no changes)")), "{t}");
    assert!(!t.contains("published s3://"), "{t}");
    assert!(t.contains("already published"), "{t}");
    assert_eq!(output_value(&t, "ApiGatewayUrl"), url, "{t}");

    hotswap_and_logs(&endpoint, &aws, d, &bundle, took).await;

    let out = rootski(
        d,
        &endpoint,
        &[
            "destroy",
            STACK,
            "--force",
            "--code-asset",
            &code,
            "-o",
            "cdk.out",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(stack_status(&aws, STACK).await, None);
    let apis = apigateway_get(&endpoint, REGION, "/restapis");
    assert!(
        !apis["item"].to_string().contains(&api_id),
        "the REST API is gone with the stack: {apis}"
    );
}

/// `deploy --hotswap`, `--hotswap-fallback` and `logs` on the deployed stack (see
/// deploy_support/hotswap.rs); prints the hotswap's time beside the full deploys'.
async fn hotswap_and_logs(
    endpoint: &str,
    aws: &Aws,
    d: &Path,
    bundle: &rootski_backend_cdk::bundling::Bundle,
    create_took: std::time::Duration,
) {
    let run = |args: &[&str]| rootski(d, endpoint, args);
    let deployed = hotswap::Deployed {
        endpoint,
        aws,
        dir: d,
        stack: STACK,
        region: REGION,
        rootski: &run,
    };
    let first_key = deployed.code_key();
    let cli_took = hotswap::code_change_is_hotswapped(&deployed, &bundle.asset_dir, ACCOUNT).await;
    let full_took = hotswap::other_changes_fall_back_or_are_refused(&deployed).await;
    let hotswap_took =
        hotswap::code_only_change_is_hotswapped_under_fallback(&deployed, ACCOUNT, &first_key)
            .await;
    println!(
        "moto, same run: toolkit deploy --hotswap-fallback of a code change (hotswap) {:.2} s \
         vs of code + MemorySize (full change-set deploy) {:.2} s; `rootski deploy \
         --hotswap` with synth, bundle zip and asset upload {:.1} s; first `rootski deploy` \
         (create) {:.1} s",
        hotswap_took.as_secs_f64(),
        full_took.as_secs_f64(),
        cli_took.as_secs_f64(),
        create_took.as_secs_f64()
    );
    hotswap::logs_print_the_functions_events(&deployed);
}

/// `rootski bootstrap` without arguments: the app's environment, printed first; an
/// environment of another account is refused before anything is created.
fn bootstrap_the_apps_environment(d: &Path, endpoint: &str) {
    let out = rootski(d, endpoint, &["bootstrap", "-o", "cdk.out"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    let env = format!("aws://{ACCOUNT}/{REGION}");
    let listed = t.find(&format!("Environments to bootstrap: {env}"));
    let acting = t.find(&format!("Bootstrapping environment {env}"));
    assert!(listed.is_some() && listed < acting, "{t}");
    assert!(
        t.contains(&format!(" ✅  Environment {env} bootstrapped.")),
        "{t}"
    );

    let out = rootski(d, endpoint, &["bootstrap", "aws://111111111111/us-east-1"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains(&format!("the credentials are for account {ACCOUNT}")),
        "{t}"
    );
    assert!(!t.contains('\u{2705}'), "nothing bootstrapped: {t}");
}

/// Without the zone the lookup fails and says how to supply the value; with it the
/// answer is cached next to the other context.
async fn hosted_zone_lookup_is_explained_then_resolved(d: &Path, endpoint: &str, aws: &Aws) {
    let out = rootski(d, endpoint, &["diff", "--no-bundle", "-o", "cdk.out"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("no public hosted zone named rootski.io."), "{t}");
    aws.route53(REGION)
        .create_hosted_zone()
        .name("rootski.io")
        .caller_reference("rootski-deploy-cli-test")
        .send()
        .await
        .expect("create zone");
    let out = rootski(d, endpoint, &["diff", "--no-bundle", "-o", "cdk.out"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("Looking up context"), "{t}");
    let ctx: Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("cdk.context.json")).expect("context"),
    )
    .expect("json");
    assert_eq!(ctx["keep-me"]["a"], 1, "{ctx}");
    let key = format!("hosted-zone:account={ACCOUNT}:domainName=rootski.io:region={REGION}");
    assert!(
        ctx[&key]["Id"]
            .as_str()
            .is_some_and(|id| id.starts_with("/hostedzone/")),
        "{ctx}"
    );
}

/// The REST API behind `url`: `ANY /` and `ANY /{proxy+}` (Lambda proxy
/// integrations), the `prod` stage and the `v1` base path mapping of
/// `api.rootski.io`. Returns the API id.
fn the_rest_api_is_complete(endpoint: &str, url: &str) -> String {
    let apis = apigateway_get(endpoint, REGION, "/restapis");
    let api = apis["item"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["name"] == "Rootski-Lambda-REST-API")
        .unwrap_or_else(|| panic!("no Rootski-Lambda-REST-API: {apis}"));
    let id = api["id"].as_str().expect("id").to_string();
    assert_eq!(
        url,
        format!("https://{id}.execute-api.{REGION}.amazonaws.com/prod/")
    );
    let resources = apigateway_get(endpoint, REGION, &format!("/restapis/{id}/resources"));
    let methods = |path: &str| -> Vec<String> {
        resources["item"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["path"] == path)
            .and_then(|r| r["resourceMethods"].as_object())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(methods("/"), vec!["ANY"], "{resources}");
    assert_eq!(methods("/{proxy+}"), vec!["ANY"], "{resources}");
    let stages = apigateway_get(endpoint, REGION, &format!("/restapis/{id}/stages"));
    assert!(
        stages["item"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["stageName"] == "prod" && s["deploymentId"].is_string()),
        "{stages}"
    );
    let mappings = apigateway_get(
        endpoint,
        REGION,
        "/domainnames/api.rootski.io/basepathmappings",
    );
    let mapping = &mappings["item"][0];
    assert_eq!(mapping["basePath"], "v1", "{mappings}");
    assert_eq!(mapping["restApiId"], id.as_str(), "{mappings}");
    assert_eq!(mapping["stage"], "prod", "{mappings}");
    id
}

/// The stack's function holds the asset that was published, and that asset's
/// `bootstrap` is the bundled binary.
async fn the_function_runs_the_bundle(
    endpoint: &str,
    aws: &Aws,
    d: &Path,
    bundle: &rootski_backend_cdk::bundling::Bundle,
) {
    let template: Value = serde_json::from_str(
        &std::fs::read_to_string(d.join(format!("cdk.out/{STACK}.template.json")))
            .expect("template"),
    )
    .expect("json");
    let code = template["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .find(|r| r["Type"] == "AWS::Lambda::Function")
        .map(|r| r["Properties"]["Code"].clone())
        .expect("a function");
    let key = code["S3Key"].as_str().expect("S3Key");
    let bucket = format!("cdk-hnb659fds-assets-{ACCOUNT}-{REGION}");
    let object = aws
        .s3(REGION)
        .get_object()
        .bucket(&bucket)
        .key(key)
        .send()
        .await
        .expect("the published asset");
    let zip_bytes = object.body.collect().await.expect("body").into_bytes();
    let functions = lambda_functions(endpoint, REGION);
    let function = functions
        .iter()
        .find(|f| f["Runtime"] == "provided.al2023")
        .unwrap_or_else(|| panic!("no provided.al2023 function: {functions:?}"));
    assert_eq!(function["CodeSha256"], sha256_b64(&zip_bytes), "{function}");
    assert_eq!(function["Handler"], "bootstrap", "{function}");
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(zip_bytes.to_vec())).expect("a zip");
    let mut binary = Vec::new();
    std::io::Read::read_to_end(
        &mut archive.by_name("bootstrap").expect("bootstrap in the zip"),
        &mut binary,
    )
    .expect("read bootstrap");
    use sha2::Digest as _;
    let hex: String = sha2::Sha256::digest(&binary)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        hex, bundle.binary_sha256,
        "the deployed bootstrap is the bundle"
    );
}

/// `<stack>.<key> = <value>` of the printed outputs.
fn output_value(text: &str, key: &str) -> String {
    let prefix = format!("{STACK}.{key} = ");
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no output {key}: {text}"))
        .to_string()
}

async fn stack_status(aws: &Aws, name: &str) -> Option<String> {
    cdk_toolkit::deploy::events::describe_stack(&aws.cloudformation(REGION), name)
        .await
        .expect("describe")
        .and_then(|s| s.stack_status().map(|s| s.as_str().to_string()))
}
