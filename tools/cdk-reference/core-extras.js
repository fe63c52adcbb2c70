// Golden reference for crates/cdk/core tests/extras.rs: split_arn (tokens), format_arn
// formats, regional_fact (concrete region, Mappings over target partitions, value
// patterns), availability zones (agnostic and context), and the synthesizers chosen
// per stack (CliCredentialsStackSynthesizer, BootstraplessSynthesizer, LegacyStackSynthesizer).
// Usage: node core-extras.js <outdir>   (run from tools/cdk-reference)
const path = require('path');
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const outdir = process.argv[2] || 'cdk.out.core-extras';
const app = new cdk.App({
  outdir,
  analyticsReporting: false,
  context: {
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:disable-stack-trace': true,
    '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
  },
});
// 1. agnostic: token ARN split, regional facts as Mappings / patterns, AZs
const agn = new cdk.Stack(app, 'Agnostic');
const param = new cdk.CfnParameter(agn, 'Arn', { type: 'String' });
const slash = agn.splitArn(param.valueAsString, cdk.ArnFormat.SLASH_RESOURCE_NAME);
const colon = agn.splitArn(param.valueAsString, cdk.ArnFormat.COLON_RESOURCE_NAME);
const ssrn = agn.splitArn(param.valueAsString, cdk.ArnFormat.SLASH_RESOURCE_SLASH_RESOURCE_NAME);
const none = agn.splitArn(param.valueAsString, cdk.ArnFormat.NO_RESOURCE_NAME);
const azs = agn.availabilityZones;
new cdk.CfnResource(agn, 'Split', {
  type: 'AWS::SSM::Parameter',
  properties: {
    Type: 'StringList',
    Value: cdk.Fn.join(',', [slash.partition, slash.service, slash.region, slash.account, slash.resource, slash.resourceName,
      colon.resource, colon.resourceName, ssrn.resource, ssrn.resourceName, none.resource, azs[0], azs[1]]),
  },
});
new cdk.CfnOutput(agn, 'Suffix', { value: agn.regionalFact('domainSuffix') });
new cdk.CfnOutput(agn, 'Partition', { value: agn.regionalFact('partition') });
new cdk.CfnOutput(agn, 'Website', { value: agn.regionalFact('s3-static-website:route-53-hosted-zone-id') });
new cdk.CfnOutput(agn, 'WebsiteEndpoint', { value: agn.regionalFact('s3-static-website:endpoint') });
new cdk.CfnOutput(agn, 'Unknown', { value: agn.regionalFact('no-such-fact', 'fallback') });
new cdk.CfnOutput(agn, 'Ssrn', { value: agn.formatArn({ service: 'ecs', resource: 'cluster', resourceName: 'c/svc', arnFormat: cdk.ArnFormat.SLASH_RESOURCE_SLASH_RESOURCE_NAME }) });

// 2. concrete environment: facts are literals, AZs from context (missing), CLI credentials synthesizer
const env = new cdk.Stack(app, 'Concrete', {
  env: { account: '123456789012', region: 'cn-north-1' },
  synthesizer: new cdk.CliCredentialsStackSynthesizer(),
});
const cazs = env.availabilityZones;
new cdk.CfnOutput(env, 'Facts', { value: [env.regionalFact('domainSuffix'), env.regionalFact('partition'), env.regionalFact('s3-static-website:endpoint'), cazs.join(',')].join('|') });
const local = env.splitArn('arn:aws:ecs:us-east-1:111122223333:service/my-cluster/my-service', cdk.ArnFormat.SLASH_RESOURCE_SLASH_RESOURCE_NAME);
new cdk.CfnOutput(env, 'LocalSplit', { value: `${local.resource}|${local.resourceName}|${local.account}` });

// 3. bootstrapless and legacy synthesizers
const bl = new cdk.Stack(app, 'Bootstrapless', {
  env: { account: '123456789012', region: 'eu-west-1' },
  synthesizer: new cdk.BootstraplessSynthesizer({ deployRoleArn: 'arn:aws:iam::123456789012:role/deploy', cloudFormationExecutionRoleArn: 'arn:aws:iam::123456789012:role/exec' }),
});
new cdk.CfnResource(bl, 'Bucket', { type: 'AWS::S3::Bucket' });
const legacy = new cdk.Stack(app, 'Legacy', { synthesizer: new cdk.LegacyStackSynthesizer() });
new cdk.CfnResource(legacy, 'Bucket', { type: 'AWS::S3::Bucket' });
const cli = new cdk.Stack(app, 'CliAgnostic', { synthesizer: new cdk.CliCredentialsStackSynthesizer() });
new cdk.CfnResource(cli, 'Bucket', { type: 'AWS::S3::Bucket' });
app.synth();
const mpath = path.join(outdir, 'manifest.json');
const m = JSON.parse(fs.readFileSync(mpath, 'utf-8'));
delete m.artifacts['aws-cdk-lib/feature-flag-report'];
delete m.minimumCliVersion;
fs.writeFileSync(mpath, JSON.stringify(m, undefined, 2));
fs.rmSync(path.join(outdir, 'validation-report.json'), { force: true });
