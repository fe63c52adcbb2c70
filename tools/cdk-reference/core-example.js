// Golden reference for crates/cdk/core (tests/golden.rs) and examples/cdk-example.
// Usage: node core-example.js <outdir>   (run from tools/cdk-reference)
// Context mirrors what the CDK CLI passes: path metadata on, stack traces off;
// analytics (AWS::CDK::Metadata) off, as our crate never emits it.
const path = require('path');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const iam = require('aws-cdk-lib/aws-iam');
const fs = require('fs');
const { Construct } = require('constructs');
const outdir = process.argv[2] || 'cdk.out.core-example';
const app = new cdk.App({
  outdir,
  analyticsReporting: false,
  context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:disable-stack-trace': true },
});

// 1. environment-agnostic stack: bucket, role, outputs (examples/cdk-example)
const stack = new cdk.Stack(app, 'ExampleStack', {
  description: 'cdk core example',
  tags: { project: 'rootski', team: 'core' },
});
const bucket = new cdk.CfnResource(stack, 'MyBucket', { type: 'AWS::S3::Bucket' });
bucket.applyRemovalPolicy(cdk.RemovalPolicy.DESTROY);
const role = new cdk.CfnResource(stack, 'MyRole', {
  type: 'AWS::IAM::Role',
  properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
    },
    Policies: [{
      PolicyName: 'bucket',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: cdk.Fn.join('', [bucket.getAtt('Arn').toString(), '/*']) }],
      },
    }],
  },
});
role.addDependency(bucket);
new cdk.CfnOutput(stack, 'BucketArn', { value: bucket.getAtt('Arn').toString(), exportName: 'ExampleBucketArn', description: 'the bucket' });
new cdk.CfnOutput(stack, 'RoleUrl', { value: `arn:${stack.partition}:iam::${stack.account}:role/${role.ref}` });

// 2. concrete environment: nested paths, parameters, conditions, mappings, lookups, assets
const env = new cdk.Stack(app, 'EnvStack', { env: { account: '123456789012', region: 'eu-west-1' }, stackName: 'env-stack-name' });
const group = new Construct(env, 'Rootski-FastAPI-Lambda');
const svc = new Construct(group, 'ServiceRole');
const r = new iam.CfnRole(svc, 'Resource', { assumeRolePolicyDocument: { Statement: [] } });
const fn = new lambda.CfnFunction(group, 'Resource', { code: { zipFile: 'x' }, role: r.getAtt('Arn').toString(), tags: [{ key: 'b', value: '2' }, { key: 'a', value: '1' }] });
cdk.Tags.of(group).add('team', 'core');
fn.node.addDependency(r);
const p = new cdk.CfnParameter(env, 'Stage', { type: 'String', default: 'prod', allowedValues: ['prod', 'dev'] });
const c = new cdk.CfnCondition(env, 'IsProd', { expression: cdk.Fn.conditionEquals(p.valueAsString, 'prod') });
new cdk.CfnMapping(env, 'Sizes', { mapping: { prod: { mem: 512 }, dev: { mem: 128 } } });
fn.cfnOptions.condition = c;
fn.addPropertyOverride('MemorySize', cdk.Fn.findInMap('Sizes', p.valueAsString, 'mem'));
fn.addOverride('Properties.Environment.Variables.X', 'y');
const zone = cdk.ContextProvider.getValue(env, { provider: 'hosted-zone', props: { domainName: 'rootski.io', privateZone: false }, dummyValue: { Id: 'DUMMY', Name: 'rootski.io.' } }).value;
const asset = env.synthesizer.addFileAsset({ fileName: path.join(__dirname, '../../crates/cdk/core/tests/fixtures/asset-src'), packaging: cdk.FileAssetPackaging.ZIP_DIRECTORY, sourceHash: cdk.FileSystem.fingerprint(path.join(__dirname, '../../crates/cdk/core/tests/fixtures/asset-src')) });
new cdk.CfnResource(env, 'Code', { type: 'AWS::S3::Bucket', properties: { BucketName: asset.bucketName, Key: asset.objectKey, Url: asset.httpUrl, Zone: zone.Id, Json: env.toJsonString({ a: env.account, r: r.ref }) } });
env.addDependency(stack);
app.synth();
// Drop what we deliberately do not write (see crates/cdk/core/src/synthesis/assembly.rs): the
// feature-flag report artifact, minimumCliVersion, the validation report.
const mpath = path.join(outdir, 'manifest.json');
const m = JSON.parse(fs.readFileSync(mpath, 'utf-8'));
delete m.artifacts['aws-cdk-lib/feature-flag-report'];
delete m.minimumCliVersion;
fs.writeFileSync(mpath, JSON.stringify(m, undefined, 2));
fs.rmSync(path.join(outdir, 'validation-report.json'), { force: true });
