//! `cdk-example <outdir> [--resources N]`: synthesizes a small stack (a bucket, a role
//! that may read it, two outputs, plus a directory asset and its S3 URL as a third
//! output) into `<outdir>`, the same tree as
//! `tools/cdk-reference/core-example.js`'s `ExampleStack` minus its redundant `DependsOn`
//! (which cfn-lint flags as W3005). With `--resources N` it adds
//! N generated buckets (used by `scripts/bench-cdk.sh`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use cdk::{
    App, AppProps, CfnOutput, CfnOutputProps, CfnResource, Fn, RemovalPolicy, Stack, StackProps,
};
use serde_json::json;

fn build(outdir: PathBuf, extra: usize) -> cdk::Result<App> {
    let app = App::new(AppProps {
        outdir: Some(outdir),
        ..Default::default()
    })?;
    let stack = Stack::new(
        &app,
        "ExampleStack",
        StackProps {
            description: Some("cdk core example".into()),
            tags: [
                ("project".to_string(), "rootski".to_string()),
                ("team".into(), "core".into()),
            ]
            .into(),
            ..Default::default()
        },
    )?;
    let bucket = CfnResource::new(&stack, "MyBucket", "AWS::S3::Bucket", json!(null))?;
    bucket.apply_removal_policy(RemovalPolicy::Destroy);
    let role = CfnResource::new(
        &stack,
        "MyRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]
            },
            "Policies": [{
                "PolicyName": "bucket",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Action": "s3:GetObject", "Effect": "Allow", "Resource": Fn::join("", &[bucket.get_att("Arn"), "/*".into()])}]
                }
            }]
        }),
    )?;
    CfnOutput::new(
        &stack,
        "BucketArn",
        CfnOutputProps {
            value: bucket.get_att("Arn"),
            export_name: Some("ExampleBucketArn".into()),
            description: Some("the bucket".into()),
            ..Default::default()
        },
    )?;
    CfnOutput::new(
        &stack,
        "RoleUrl",
        CfnOutputProps {
            value: format!(
                "arn:{}:iam::{}:role/{}",
                stack.partition(),
                stack.account(),
                role.ref_()
            ),
            ..Default::default()
        },
    )?;
    // A directory asset: staged as cdk.out/asset.<hash>, published as <hash>.zip.
    let site = stack.synthesizer().add_file_asset(cdk::FileAssetSource {
        source_path: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("site"),
        packaging: cdk::FileAssetPackaging::ZipDirectory,
        source_hash: None,
        display_name: Some("ExampleStack/Site".into()),
    })?;
    CfnOutput::new(
        &stack,
        "SiteObjectUrl",
        CfnOutputProps {
            value: site.s3_object_url,
            ..Default::default()
        },
    )?;
    for i in 0..extra {
        let group = cdk::Construct::new(&stack, &format!("Generated{i}"))?;
        let b = CfnResource::new(
            &group,
            "Resource",
            "AWS::S3::Bucket",
            json!({"BucketName": format!("{}-gen-{i}", stack.stack_name().to_lowercase())}),
        )?;
        b.add_depends_on(&bucket);
    }
    Ok(app)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut outdir = None;
    let mut extra = 0usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--resources" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => extra = n,
                None => {
                    eprintln!("error: --resources needs a number, e.g. --resources 400");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("usage: cdk-example <outdir> [--resources N]");
                return ExitCode::SUCCESS;
            }
            other => outdir = Some(PathBuf::from(other)),
        }
    }
    let Some(outdir) = outdir else {
        eprintln!("error: missing output directory; usage: cdk-example <outdir> [--resources N]");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    match build(outdir.clone(), extra).and_then(|app| app.synth()) {
        Ok(assembly) => {
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            let resources: usize = assembly
                .stacks
                .iter()
                .map(|s| s.template["Resources"].as_object().map_or(0, |r| r.len()))
                .sum();
            println!(
                "synthesized {} ({} resources) in {ms:.2} ms",
                outdir.display(),
                resources
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
