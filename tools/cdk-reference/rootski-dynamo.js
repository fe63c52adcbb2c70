// AWS CDK v2 reference for RootskiDynamoStack: the rootski table (DATA_MODEL.md) as
// the original project kept it, in its own stack: `rootski-table` with pk/sk, gsi1 and
// gsi2 projecting all attributes, on-demand billing, point-in-time recovery, retained
// on stack deletion; its name and ARN as outputs.
//
// Its synthesized template is the golden fixture the Rust synthesis is diffed against
// (crates/rootski-backend-cdk/tests/fixtures/cdk-reference-dynamo/). Regenerate with:
//
//   cd tools/cdk-reference && npm ci && node rootski-dynamo.js /tmp/rootski-dynamo.out && \
//     cp /tmp/rootski-dynamo.out/Rootski-Dynamo-Stack.template.json \
//        ../../crates/rootski-backend-cdk/tests/fixtures/cdk-reference-dynamo/
//
// Run with plain `node` (not the CDK CLI), so no AWS::CDK::Metadata resource is emitted.
'use strict';

const cdk = require('aws-cdk-lib');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');

const ACCOUNT = '091910621680';
const REGION = 'us-west-2';

class RootskiDynamoStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const table = new dynamodb.Table(this, 'Rootski-Table', {
      tableName: 'rootski-table',
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });
    for (const name of ['gsi1', 'gsi2']) {
      table.addGlobalSecondaryIndex({
        indexName: name,
        partitionKey: { name: `${name}pk`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `${name}sk`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    new cdk.CfnOutput(this, 'RootskiTableName', {
      value: table.tableName,
      description: 'Name of the rootski DynamoDB table.',
      exportName: 'RootskiTableName',
    });
    new cdk.CfnOutput(this, 'RootskiTableArn', {
      value: table.tableArn,
      description: 'ARN of the rootski DynamoDB table.',
      exportName: 'RootskiTableArn',
    });
  }
}

const outdir = process.argv.slice(2).find((a) => !a.startsWith('--')) || 'cdk.out';
const app = new cdk.App({ outdir });
new RootskiDynamoStack(app, 'Rootski-Dynamo-Stack', {
  env: { account: ACCOUNT, region: REGION },
});
app.synth();
