//! split_arn, format_arn formats, regional facts, availability zones and the
//! synthesizers chosen per stack, golden against `tools/cdk-reference/core-extras.js`
//! (fixtures `tests/fixtures/extras/`); plus malformed ARNs and bundling selection.

mod common;

use cdk::{
    App, AppProps, ArnComponents, ArnFormat, BootstraplessSynthesizer, CfnParameter,
    CfnParameterProps, CfnResource, CliCredentialsStackSynthesizer, Environment,
    FileAssetPackaging, FileAssetSource, Fn, LegacyStackSynthesizer, Stack, StackProps,
};
use serde_json::{Value, json};

use common::output;

fn build(outdir: &std::path::Path) -> cdk::Result<App> {
    let mut context = serde_json::Map::new();
    context.insert(
        "@aws-cdk/core:target-partitions".into(),
        json!(["aws", "aws-cn"]),
    );
    let app = App::new(AppProps {
        outdir: Some(outdir.to_path_buf()),
        read_environment: false,
        context,
        ..Default::default()
    })?;
    let agn = Stack::new(&app, "Agnostic", StackProps::default())?;
    let param = CfnParameter::new(
        &agn,
        "Arn",
        CfnParameterProps {
            param_type: Some("String".into()),
            ..Default::default()
        },
    )?;
    let arn = param.value_as_string();
    let slash = agn.split_arn(&arn, ArnFormat::SlashResourceName)?;
    let colon = agn.split_arn(&arn, ArnFormat::ColonResourceName)?;
    let ssrn = agn.split_arn(&arn, ArnFormat::SlashResourceSlashResourceName)?;
    let none = agn.split_arn(&arn, ArnFormat::NoResourceName)?;
    let azs = agn.availability_zones()?;
    let parts: Vec<String> = vec![
        slash.partition.clone().unwrap_or_default(),
        slash.service.clone(),
        slash.region.clone().unwrap_or_default(),
        slash.account.clone().unwrap_or_default(),
        slash.resource.clone(),
        slash.resource_name.clone().unwrap_or_default(),
        colon.resource.clone(),
        colon.resource_name.clone().unwrap_or_default(),
        ssrn.resource.clone(),
        ssrn.resource_name.clone().unwrap_or_default(),
        none.resource.clone(),
        azs[0].clone(),
        azs[1].clone(),
    ];
    CfnResource::new(
        &agn,
        "Split",
        "AWS::SSM::Parameter",
        json!({"Type": "StringList", "Value": Fn::join(",", &parts)}),
    )?;
    output(&agn, "Suffix", agn.regional_fact("domainSuffix", None)?)?;
    output(&agn, "Partition", agn.regional_fact("partition", None)?)?;
    output(
        &agn,
        "Website",
        agn.regional_fact("s3-static-website:route-53-hosted-zone-id", None)?,
    )?;
    output(
        &agn,
        "WebsiteEndpoint",
        agn.regional_fact("s3-static-website:endpoint", None)?,
    )?;
    output(
        &agn,
        "Unknown",
        agn.regional_fact("no-such-fact", Some("fallback"))?,
    )?;
    output(
        &agn,
        "Ssrn",
        agn.format_arn(ArnComponents {
            service: "ecs".into(),
            resource: "cluster".into(),
            resource_name: Some("c/svc".into()),
            arn_format: ArnFormat::SlashResourceSlashResourceName,
            ..Default::default()
        })?,
    )?;

    let env = Stack::new(
        &app,
        "Concrete",
        StackProps {
            env: Some(Environment {
                account: Some("123456789012".into()),
                region: Some("cn-north-1".into()),
            }),
            stack_synthesizer: Some(CliCredentialsStackSynthesizer::default().into()),
            ..Default::default()
        },
    )?;
    let cazs = env.availability_zones()?;
    output(
        &env,
        "Facts",
        [
            env.regional_fact("domainSuffix", None)?,
            env.regional_fact("partition", None)?,
            env.regional_fact("s3-static-website:endpoint", None)?,
            cazs.join(","),
        ]
        .join("|"),
    )?;
    let local = env.split_arn(
        "arn:aws:ecs:us-east-1:111122223333:service/my-cluster/my-service",
        ArnFormat::SlashResourceSlashResourceName,
    )?;
    output(
        &env,
        "LocalSplit",
        format!(
            "{}|{}|{}",
            local.resource,
            local.resource_name.clone().unwrap_or_default(),
            local.account.clone().unwrap_or_default()
        ),
    )?;

    let bl = Stack::new(
        &app,
        "Bootstrapless",
        StackProps {
            env: Some(Environment {
                account: Some("123456789012".into()),
                region: Some("eu-west-1".into()),
            }),
            stack_synthesizer: Some(
                BootstraplessSynthesizer {
                    deploy_role_arn: Some("arn:aws:iam::123456789012:role/deploy".into()),
                    cloud_formation_execution_role_arn: Some(
                        "arn:aws:iam::123456789012:role/exec".into(),
                    ),
                }
                .into(),
            ),
            ..Default::default()
        },
    )?;
    CfnResource::new(&bl, "Bucket", "AWS::S3::Bucket", Value::Null)?;
    let legacy = Stack::new(
        &app,
        "Legacy",
        StackProps {
            stack_synthesizer: Some(LegacyStackSynthesizer.into()),
            ..Default::default()
        },
    )?;
    CfnResource::new(&legacy, "Bucket", "AWS::S3::Bucket", Value::Null)?;
    let cli = Stack::new(
        &app,
        "CliAgnostic",
        StackProps {
            stack_synthesizer: Some(CliCredentialsStackSynthesizer::default().into()),
            ..Default::default()
        },
    )?;
    CfnResource::new(&cli, "Bucket", "AWS::S3::Bucket", Value::Null)?;
    Ok(app)
}

#[test]
fn arns_facts_azs_and_synthesizers_match_aws_cdk() {
    let out = common::outdir("extras");
    let app = build(&out).unwrap();
    let assembly = app.synth().unwrap();
    common::assert_same_assembly("extras", &out);
    assert!(
        assembly.manifest["artifacts"]
            .get("Legacy.assets")
            .is_none()
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn synthesizer_member_reports_the_choice() {
    let app = App::new(AppProps {
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let d = Stack::new(&app, "D", StackProps::default()).unwrap();
    assert_eq!(d.synthesizer().kind().name(), "DefaultStackSynthesizer");
    let b = Stack::new(
        &app,
        "B",
        StackProps {
            stack_synthesizer: Some(BootstraplessSynthesizer::default().into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(b.synthesizer().kind().name(), "BootstraplessSynthesizer");
    let err = b
        .synthesizer()
        .add_file_asset(FileAssetSource {
            source_path: common::fixtures().join("asset-src"),
            packaging: FileAssetPackaging::ZipDirectory,
            source_hash: None,
            display_name: None,
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("'B'") || err.contains("B:"), "{err}");
    assert!(err.contains("BootstraplessSynthesizer"), "{err}");
}

#[test]
fn split_literal_arns_and_malformed_ones() {
    let app = App::new(AppProps {
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let s = Stack::new(&app, "ArnStack", StackProps::default()).unwrap();
    let c = s
        .split_arn(
            "arn:aws:logs:eu-west-1:1:log-group:my/group:*",
            ArnFormat::ColonResourceName,
        )
        .unwrap();
    assert_eq!(c.resource, "log-group");
    assert_eq!(c.resource_name.as_deref(), Some("my/group:*"));
    assert_eq!(c.arn_format, ArnFormat::ColonResourceName);
    let c = s
        .split_arn("arn:aws:s3:::bucket", ArnFormat::NoResourceName)
        .unwrap();
    assert_eq!(
        (
            c.resource.as_str(),
            c.region.as_deref(),
            c.account.as_deref()
        ),
        ("bucket", Some(""), Some(""))
    );
    assert_eq!(c.resource_name, None);
    let c = s
        .split_arn(
            "arn:aws:dynamodb:eu-west-1:1:table/rootski",
            ArnFormat::SlashResourceName,
        )
        .unwrap();
    assert_eq!(
        (c.resource.as_str(), c.resource_name.as_deref()),
        ("table", Some("rootski"))
    );
    for (bad, what) in [
        ("not-an-arn", "must start with \"arn:\""),
        ("arn::s3:::b", "`partition`"),
        ("arn:aws::::b", "`service`"),
        ("arn:aws:s3:::", "`resource`"),
    ] {
        let err = s
            .split_arn(bad, ArnFormat::SlashResourceName)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ArnStack") && err.contains(what) && err.contains(bad),
            "{err}"
        );
    }
}

#[test]
fn unknown_fact_for_a_known_region_is_an_error() {
    let app = App::new(AppProps {
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let s = Stack::new(
        &app,
        "Facts",
        StackProps {
            env: Some(Environment {
                account: Some("1".into()),
                region: Some("eu-west-1".into()),
            }),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        s.regional_fact("cloudfront:route-53-hosted-zone-id", None)
            .unwrap(),
        "Z2FDTNDATAQYW2"
    );
    let err = s.regional_fact("nope", None).unwrap_err().to_string();
    assert!(
        err.contains("Facts") && err.contains("nope") && err.contains("eu-west-1"),
        "{err}"
    );
}

#[test]
fn bundling_follows_the_bundling_stacks_patterns() {
    for (patterns, expect) in [
        (None, [true, true, true]),
        (Some(json!(["**"])), [true, true, true]),
        (Some(json!(["Api"])), [true, false, false]),
        (Some(json!(["Api*"])), [true, false, false]),
        (Some(json!(["Stage/*"])), [false, true, false]),
        (Some(json!(["Stage/**"])), [false, true, true]),
        (Some(json!([])), [false, false, false]),
    ] {
        let mut context = serde_json::Map::new();
        if let Some(p) = patterns.clone() {
            context.insert("aws:cdk:bundling-stacks".into(), p);
        }
        let app = App::new(AppProps {
            read_environment: false,
            context,
            ..Default::default()
        })
        .unwrap();
        let api = Stack::new(&app, "Api", StackProps::default()).unwrap();
        let stage = cdk::Construct::new(&app, "Stage").unwrap();
        let inner = Stack::new(&stage, "Inner", StackProps::default()).unwrap();
        let group = cdk::Construct::new(&stage, "Group").unwrap();
        let deep = Stack::new(&group, "Deep", StackProps::default()).unwrap();
        let nested = cdk::NestedStack::new(&api, "N", Default::default()).unwrap();
        let got = [
            api.bundling_required(),
            inner.bundling_required(),
            deep.bundling_required(),
        ];
        assert_eq!(got, expect, "{patterns:?}");
        assert_eq!(nested.bundling_required(), api.bundling_required());
    }
}

/// API Gateway alias hosted zones (not in aws-cdk-lib's region-info: transcribed from
/// the AWS General Reference in tools/cdk-reference/apigateway-hosted-zones.json).
#[test]
fn api_gateway_hosted_zone_facts() {
    let dir = common::outdir("apigw-facts");
    let app = App::new(AppProps {
        read_environment: false,
        outdir: Some(dir.clone()),
        ..Default::default()
    })
    .unwrap();
    let env = |region: &str| StackProps {
        env: Some(Environment {
            account: Some("1".into()),
            region: Some(region.into()),
        }),
        ..Default::default()
    };
    let regional = "apigateway:regional-route-53-hosted-zone-id";
    let edge = "apigateway:edge-route-53-hosted-zone-id";
    let oregon = Stack::new(&app, "Oregon", env("us-west-2")).unwrap();
    assert_eq!(
        oregon.regional_fact(regional, None).unwrap(),
        "Z2OJLYMUO9EFXC"
    );
    assert_eq!(oregon.regional_fact(edge, None).unwrap(), "Z2FDTNDATAQYW2");
    let ireland = Stack::new(&app, "Ireland", env("eu-west-1")).unwrap();
    assert_eq!(
        ireland.regional_fact(regional, None).unwrap(),
        "ZLY8HYME6SFDD"
    );
    // A Region the table does not cover needs a default.
    let hyderabad = Stack::new(&app, "Hyderabad", env("ap-south-2")).unwrap();
    let err = hyderabad
        .regional_fact(regional, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ap-south-2") && err.contains(regional),
        "{err}"
    );
    assert_eq!(hyderabad.regional_fact(regional, Some("Z0")).unwrap(), "Z0");

    // Agnostic: a Mappings table over the covered Regions, read by Fn::FindInMap.
    let agnostic = Stack::new(&app, "Agnostic", StackProps::default()).unwrap();
    output(
        &agnostic,
        "Zone",
        agnostic.regional_fact(regional, None).unwrap(),
    )
    .unwrap();
    let edge_value = agnostic.regional_fact(edge, None).unwrap();
    output(&agnostic, "Edge", edge_value).unwrap();
    app.synth().unwrap();
    let template: Value =
        serde_json::from_str(&common::read(&dir, "Agnostic.template.json")).unwrap();
    let map = &template["Mappings"]["ApigatewayMap"];
    assert_eq!(
        map["us-east-1"]["regionalxroutex53xhostedxzonexid"],
        "Z1UJRXOUMOOFQ8"
    );
    assert_eq!(
        map["us-gov-west-1"]["regionalxroutex53xhostedxzonexid"],
        "Z1K6XKP9SAGWDV"
    );
    assert!(
        map["ap-south-2"]
            .get("regionalxroutex53xhostedxzonexid")
            .is_none(),
        "{map}"
    );
    assert_eq!(
        template["Outputs"]["Zone"]["Value"],
        json!({"Fn::FindInMap": ["ApigatewayMap", {"Ref": "AWS::Region"}, "regionalxroutex53xhostedxzonexid"]})
    );
    // The edge zone differs per partition (aws vs aws-cn), so it is mapped too.
    assert_eq!(
        map["cn-north-1"]["edgexroutex53xhostedxzonexid"],
        map["cn-northwest-1"]["edgexroutex53xhostedxzonexid"]
    );
    assert_eq!(
        map["eu-west-1"]["edgexroutex53xhostedxzonexid"],
        "Z2FDTNDATAQYW2"
    );
}

/// `to_string` (the seed page's member) is the construct path, `<root>` for the app,
/// as the constructs library's `toString()`.
#[test]
fn stack_to_string_is_its_path() {
    let app = App::new(AppProps {
        read_environment: false,
        ..Default::default()
    })
    .unwrap();
    let stack = Stack::new(&app, "Shown", StackProps::default()).unwrap();
    assert_eq!(stack.to_string(), "Shown");
    assert_eq!(app.to_string(), "<root>");
}
