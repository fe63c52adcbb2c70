// Golden reference for crates/cdk/core tests/nested.rs: nested stacks (template file
// asset, TemplateURL, Parameters parent→child, Outputs child→parent, two levels,
// references from another top-level stack, stack_name/stack_id inside and outside,
// dependencies across nesting levels, tags).
// Usage: node core-nested.js <outdir>   (run from tools/cdk-reference)
const path = require('path');
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const { Construct } = require('constructs');
const outdir = process.argv[2] || 'cdk.out.core-nested';
const app = new cdk.App({
  outdir,
  analyticsReporting: false,
  context: {
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:disable-stack-trace': true,
    '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  },
});
const parent = new cdk.Stack(app, 'ParentStack');
const bucket = new cdk.CfnResource(new Construct(parent, 'MyBucket'), 'Resource', { type: 'AWS::S3::Bucket' });
const child = new cdk.NestedStack(parent, 'Child', { parameters: { Fixed: 'yes' } });
child.addStackTag('team', 'core');
const queue = new cdk.CfnResource(child, 'Queue', { type: 'AWS::SQS::Queue', properties: { QueueName: bucket.ref } });
queue.node.addDependency(bucket);
new cdk.CfnOutput(child, 'Inside', { value: `${child.stackName}|${child.stackId}` });
const grandchild = new cdk.NestedStack(child, 'GrandChild');
new cdk.CfnResource(grandchild, 'Topic', { type: 'AWS::SNS::Topic', properties: { DisplayName: bucket.getAtt('Arn').toString(), TopicName: queue.getAtt('QueueName').toString() } });
const sibling = new cdk.NestedStack(parent, 'Sibling');
new cdk.CfnResource(sibling, 'Param', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x' } });
sibling.addDependency(child);
new cdk.CfnOutput(parent, 'QueueArn', { value: queue.getAtt('Arn').toString() });
new cdk.CfnOutput(parent, 'Outside', { value: `${child.stackName}|${child.stackId}` });
new cdk.CfnOutput(parent, 'IsNested', { value: `${child.nested}/${parent.nested}/${child.nestedStackParent.node.path}` });

const other = new cdk.Stack(app, 'Other');
new cdk.CfnResource(other, 'Copy', { type: 'AWS::SQS::Queue', properties: { QueueName: queue.ref } });
app.synth();
const mpath = path.join(outdir, 'manifest.json');
const m = JSON.parse(fs.readFileSync(mpath, 'utf-8'));
delete m.artifacts['aws-cdk-lib/feature-flag-report'];
delete m.minimumCliVersion;
fs.writeFileSync(mpath, JSON.stringify(m, undefined, 2));
fs.rmSync(path.join(outdir, 'validation-report.json'), { force: true });
