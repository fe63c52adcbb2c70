// Golden reference for crates/cdk/core tests/crossstack.rs: automatic cross-stack
// references (Ref, GetAtt, string lists), export_value with and without a name.
// Usage: node core-crossstack.js <outdir>   (run from tools/cdk-reference)
const path = require('path');
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const { Construct } = require('constructs');
const outdir = process.argv[2] || 'cdk.out.core-crossstack';
const app = new cdk.App({
  outdir,
  analyticsReporting: false,
  context: {
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:disable-stack-trace': true,
    '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  },
});
const producer = new cdk.Stack(app, 'MyStack');
const bucket = new cdk.CfnResource(new Construct(producer, 'MyBucket'), 'Resource', { type: 'AWS::S3::Bucket' });
const zone = new cdk.CfnResource(producer, 'Zone', { type: 'AWS::Route53::HostedZone', properties: { Name: 'example.com' } });
producer.exportValue(bucket.getAtt('DomainName').toString());
producer.exportValue(bucket.getAtt('WebsiteURL').toString(), { name: 'ExplicitWebsite' });

const consumer = new cdk.Stack(app, 'Consumer');
const nameServers = cdk.Token.asList(zone.getAtt('NameServers', cdk.ResolutionTypeHint.STRING_LIST));
new cdk.CfnResource(consumer, 'Topic', {
  type: 'AWS::SNS::Topic',
  properties: {
    TopicName: bucket.ref,
    DisplayName: `arn is ${bucket.getAtt('Arn')}`,
    Tags: [{ Key: 'ns', Value: cdk.Fn.join(',', nameServers) }],
  },
});
new cdk.CfnOutput(consumer, 'BucketArn', { value: bucket.getAtt('Arn').toString() });
app.synth();
const mpath = path.join(outdir, 'manifest.json');
const m = JSON.parse(fs.readFileSync(mpath, 'utf-8'));
delete m.artifacts['aws-cdk-lib/feature-flag-report'];
delete m.minimumCliVersion;
fs.writeFileSync(mpath, JSON.stringify(m, undefined, 2));
fs.rmSync(path.join(outdir, 'validation-report.json'), { force: true });
