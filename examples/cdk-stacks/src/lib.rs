//! Two small apps showing what the `cdk` crate does with more than one stack; each
//! binary synthesizes one into the directory given on its command line, and
//! `scripts/checks/21-cdk-stacks.sh` lints the result with cfn-lint and has the AWS
//! CDK CLI read it.
//!
//! - [`two_stacks`]: a producer stack with a bucket and a consumer stack whose topic
//!   and SSM parameter use the bucket's name and ARN — the values cross as CloudFormation
//!   exports (`Fn::ImportValue`), and the consumer depends on the producer.
//! - [`nested`]: a parent stack with a bucket and a nested stack whose queue is named
//!   after the bucket (a parameter of the nested stack) and whose ARN comes back to
//!   the parent as an output of the nested stack.

use std::path::{Path, PathBuf};

use cdk::{
    App, AppProps, CfnOutput, CfnOutputProps, CfnResource, NestedStack, NestedStackProps,
    RemovalPolicy, Stack, StackProps,
};
use serde_json::json;

fn app(outdir: &Path) -> cdk::Result<App> {
    App::new(AppProps {
        outdir: Some(outdir.to_path_buf()),
        ..Default::default()
    })
}

fn output(stack: &Stack, id: &str, value: String, description: &str) -> cdk::Result<CfnOutput> {
    CfnOutput::new(
        stack,
        id,
        CfnOutputProps {
            value,
            description: Some(description.into()),
            ..Default::default()
        },
    )
}

/// `Producer` (a bucket) and `Consumer` (an SNS topic named after it, its ARN in an
/// SSM parameter): the references become an export/import pair.
pub fn two_stacks(outdir: &Path) -> cdk::Result<App> {
    let app = app(outdir)?;
    let producer = Stack::new(
        &app,
        "Producer",
        StackProps {
            description: Some("cdk-stacks: the producer of a cross-stack reference".into()),
            ..Default::default()
        },
    )?;
    let bucket = CfnResource::new(&producer, "Bucket", "AWS::S3::Bucket", json!(null))?;
    bucket.apply_removal_policy(RemovalPolicy::Destroy);
    let consumer = Stack::new(
        &app,
        "Consumer",
        StackProps {
            description: Some("cdk-stacks: uses the producer's bucket name and ARN".into()),
            ..Default::default()
        },
    )?;
    CfnResource::new(
        &consumer,
        "Topic",
        "AWS::SNS::Topic",
        json!({"DisplayName": format!("uploads to {}", bucket.ref_())}),
    )?;
    // An SSM parameter records the ARN (an output that only re-exports an import is
    // what cfn-lint's W6001 warns about).
    let param = CfnResource::new(
        &consumer,
        "BucketArnParameter",
        "AWS::SSM::Parameter",
        json!({"Type": "String", "Value": bucket.get_att("Arn")}),
    )?;
    output(
        &consumer,
        "BucketArnParameterName",
        param.ref_(),
        "SSM parameter holding the producer's bucket ARN",
    )?;
    Ok(app)
}

/// `Parent` (a bucket) with a nested stack `Queues` (a queue named after the bucket);
/// the queue's ARN is an output of the parent.
pub fn nested(outdir: &Path) -> cdk::Result<App> {
    let app = app(outdir)?;
    let parent = Stack::new(
        &app,
        "Parent",
        StackProps {
            description: Some("cdk-stacks: a parent with a nested stack".into()),
            ..Default::default()
        },
    )?;
    let bucket = CfnResource::new(&parent, "Bucket", "AWS::S3::Bucket", json!(null))?;
    bucket.apply_removal_policy(RemovalPolicy::Destroy);
    let queues = NestedStack::new(
        &parent,
        "Queues",
        NestedStackProps {
            description: Some("cdk-stacks: the nested stack".into()),
            ..Default::default()
        },
    )?;
    let queue = CfnResource::new(
        &queues,
        "Queue",
        "AWS::SQS::Queue",
        json!({"QueueName": format!("{}-jobs", bucket.ref_())}),
    )?;
    output(
        &parent,
        "QueueArn",
        queue.get_att("Arn"),
        "the nested stack's queue",
    )?;
    output(
        &parent,
        "NestedStackName",
        queues.stack_name(),
        "the nested stack's name",
    )?;
    Ok(app)
}

/// Parses `<outdir>` (the only argument) for the binaries.
pub fn outdir_arg(name: &str) -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    match (args.next(), args.next()) {
        (Some(dir), None) if !dir.starts_with('-') => Ok(PathBuf::from(dir)),
        _ => Err(format!("usage: {name} <outdir>")),
    }
}

/// The whole of a binary: `<name> <outdir>` synthesizes the app `build` makes and
/// prints the stack names; usage errors exit 2, synthesis errors 1.
pub fn main_for(name: &str, build: fn(&Path) -> cdk::Result<App>) -> std::process::ExitCode {
    use std::process::ExitCode;
    let outdir = match outdir_arg(name) {
        Ok(d) => d,
        Err(usage) => {
            eprintln!("error: {usage}");
            return ExitCode::from(2);
        }
    };
    match build(&outdir).and_then(|app| app.synth()) {
        Ok(assembly) => {
            let names: Vec<&str> = assembly
                .stacks
                .iter()
                .map(|s| s.stack_name.as_str())
                .collect();
            println!("synthesized {} into {}", names.join(", "), outdir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cdk-stacks-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn two_stacks_cross_through_an_export() {
        let out = tmp("two");
        let assembly = two_stacks(&out).unwrap().synth().unwrap();
        let consumer = assembly.stack("Consumer").unwrap();
        assert_eq!(
            consumer.template["Resources"]["BucketArnParameter"]["Properties"]["Value"],
            json!({"Fn::ImportValue": "Producer:ExportsOutputFnGetAttBucketArn436138FE"})
        );
        assert_eq!(
            assembly.manifest["artifacts"]["Consumer"]["dependencies"][0],
            json!("Producer")
        );
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn nested_writes_the_child_template_as_an_asset() {
        let out = tmp("nested");
        let assembly = nested(&out).unwrap().synth().unwrap();
        assert_eq!(assembly.stacks.len(), 1);
        let assets = std::fs::read_to_string(out.join("Parent.assets.json")).unwrap();
        assert!(assets.contains("Queues Nested Stack Template"), "{assets}");
        assert!(
            out.join("ParentQueues0A898044.nested.template.json")
                .is_file()
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}
