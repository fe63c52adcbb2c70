// AWS CDK v2 reference for RootskiLambdaRestApiStack.
//
// The construct tree mirrors the original rootski project's Python stack
// (infrastructure/iac/aws-cdk/backend/rootski_backend_cdk/lambda_rest_api/stacks/lambda_rest_api.py)
// with the changes of our issue: `provided.al2023` runtime with a `bootstrap` handler,
// the native DNS-validated `acm.Certificate` (instead of the deprecated
// DnsValidatedCertificate custom resource), a REGIONAL custom domain with base path `v1`,
// and the DynamoDB inline policy of ../../../shared/spec/STACK.md.
//
// Its synthesized cloud assembly is the golden fixture the Rust synthesis is diffed
// against (crates/rootski-backend-cdk/tests/fixtures/cdk-reference/). Regenerate with:
//
//   cd tools/cdk-reference && npm ci && node rootski-stack.js /tmp/rootski-ref.out && \
//     cp /tmp/rootski-ref.out/{manifest.json,tree.json,cdk.out,Rootski-Lambda-REST-API-Stack.*.json} \
//        ../../crates/rootski-backend-cdk/tests/fixtures/cdk-reference/
//
// `cfn-lint` on this template: 1 warning, W3005 (the Function's DependsOn on its service
// role, already enforced by the GetAtt in `Role`). Our Rust synthesis omits exactly that
// redundant DependsOn entry (same deployment order), so its template lints clean. The `--original` variant has 3 warnings:
// W2531 (python3.8 runtime deprecated; an error once creation is disabled) and W3005 twice
// (also for the DnsValidatedCertificate's requestor Lambda).
//
// Run with plain `node` (not the CDK CLI), so no `aws:cdk:version-reporting` context is
// set and no AWS::CDK::Metadata resource is emitted (our synthesis never emits it).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const apigateway = require('aws-cdk-lib/aws-apigateway');
const acm = require('aws-cdk-lib/aws-certificatemanager');
const iam = require('aws-cdk-lib/aws-iam');
const lambda = require('aws-cdk-lib/aws-lambda');
const route53 = require('aws-cdk-lib/aws-route53');
const targets = require('aws-cdk-lib/aws-route53-targets');
const s3 = require('aws-cdk-lib/aws-s3');

const ACCOUNT = '091910621680';
const REGION = 'us-west-2';
const API_SUBDOMAIN = 'api.rootski.io';
const ZONE_DOMAIN = 'rootski.io';
const ROOTSKI_API_VERSION = 'v1';
// `node rootski-stack.js OUTDIR --original` synthesizes the original project's variant
// instead (python3.8 runtime, DnsValidatedCertificate custom resource, EDGE domain without
// base path) -- the template whose cfn-lint findings the issue quotes. Not a fixture.
const ORIGINAL = process.argv.includes('--original');

// The hosted-zone lookup answer, as `cdk.context.json` at the repo root caches it.
const CONTEXT = {
  [`hosted-zone:account=${ACCOUNT}:domainName=${ZONE_DOMAIN}:region=${REGION}`]: {
    Id: '/hostedzone/Z0480263O8FVW1V217HR',
    Name: 'rootski.io.',
  },
};

// Placeholder `bootstrap` (the real one is the Rust rootski-lambda binary); asset hashes
// are an allowed difference, so its content only has to be stable.
function placeholderCodeDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootski-ref-code-'));
  fs.writeFileSync(path.join(dir, 'bootstrap'), '#!/bin/sh\necho placeholder bootstrap\n', { mode: 0o755 });
  return dir;
}

class RootskiLambdaRestApiStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    this.fastApiFunction = this.makeFastApiFunction();

    const certificateZone = route53.HostedZone.fromLookup(this, 'Rootski-IO-Hosted-Zone', {
      domainName: ZONE_DOMAIN,
    });
    this.lambdaRestApi = new apigateway.LambdaRestApi(this, 'Rootski-Lambda-REST-API', {
      handler: this.fastApiFunction,
      description: "Proxy to the Rootski FastAPI backend 'lambda-lith'.",
      domainName: {
        domainName: API_SUBDOMAIN,
        certificate: ORIGINAL
          ? new acm.DnsValidatedCertificate(this, 'Rootski-Lambda-DNS-Validated-ACM-Cert', {
              domainName: API_SUBDOMAIN,
              hostedZone: certificateZone,
            })
          : new acm.Certificate(this, 'Rootski-Lambda-DNS-Validated-ACM-Cert', {
              domainName: API_SUBDOMAIN,
              validation: acm.CertificateValidation.fromDns(certificateZone),
            }),
        ...(ORIGINAL ? {} : { endpointType: apigateway.EndpointType.REGIONAL, basePath: ROOTSKI_API_VERSION }),
      },
    });

    this.rootskiApiSubdomain = new route53.ARecord(this, 'Rootski-IO-API-Gateway-A-Record', {
      zone: route53.HostedZone.fromLookup(this, 'Rootski-IO-API-Gateway-HostedZone', {
        domainName: ZONE_DOMAIN,
      }),
      target: route53.RecordTarget.fromAlias(new targets.ApiGateway(this.lambdaRestApi)),
      recordName: API_SUBDOMAIN,
    });

    new cdk.CfnOutput(this, 'ApiSubdomain', {
      value: API_SUBDOMAIN,
      description: 'Map the API subdomain to the URL of the API Gateway',
      exportName: 'ApiSubdomain',
    });
    new cdk.CfnOutput(this, 'ApiGatewayUrl', {
      value: this.lambdaRestApi.url,
      description: 'URL of the API Gateway prod stage.',
      exportName: 'ApiGatewayUrl',
    });
  }

  makeFastApiFunction() {
    const cacheBucket = new s3.Bucket(this, 'Rootski-Backend-Cache-Bucket', {
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });

    const fn = new lambda.Function(this, 'Rootski-FastAPI-Lambda', {
      timeout: cdk.Duration.seconds(30),
      memorySize: 512,
      runtime: ORIGINAL ? lambda.Runtime.PYTHON_3_8 : lambda.Runtime.PROVIDED_AL2023,
      handler: ORIGINAL ? 'index.handler' : 'bootstrap',
      code: lambda.Code.fromAsset(placeholderCodeDir()),
      environment: {
        ROOTSKI__FETCH_VALUES_FROM_AWS_SSM: 'true',
        ROOTSKI__ENVIRONMENT: 'prod',
        ROOTSKI__STATIC_ASSETS_DIR: '/tmp',
        ROOTSKI__OBJECT_CACHE_BUCKET_NAME: cacheBucket.bucketName,
      },
    });

    cacheBucket.grantReadWrite(fn);

    const stack = cdk.Stack.of(this);
    fn.role.attachInlinePolicy(
      new iam.Policy(this, 'Allow-Lambda-Access-To-DynamoDB-Tables', {
        statements: [
          new iam.PolicyStatement({
            effect: iam.Effect.ALLOW,
            actions: [
              'dynamodb:GetItem',
              'dynamodb:Query',
              'dynamodb:BatchGetItem',
              'dynamodb:PutItem',
              'dynamodb:CreateBackup',
            ],
            resources: [
              stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'rootski*' }),
            ],
          }),
        ],
      }),
    );
    fn.role.attachInlinePolicy(
      new iam.Policy(this, 'Allow-Lambda-Access-To-SSM-Params', {
        statements: [
          new iam.PolicyStatement({
            effect: iam.Effect.ALLOW,
            actions: ['ssm:Get*'],
            resources: [
              stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'rootski*' }),
            ],
          }),
        ],
      }),
    );
    fn.role.addManagedPolicy(
      iam.ManagedPolicy.fromManagedPolicyArn(
        this,
        'Allow-Lambda-To-Connect-To-Lightsail-VPC-via-VPC-Peering',
        'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
      ),
    );
    return fn;
  }
}

const outdir = process.argv.slice(2).find((a) => !a.startsWith('--')) || 'cdk.out';
const app = new cdk.App({ outdir, context: CONTEXT });
new RootskiLambdaRestApiStack(app, 'Rootski-Lambda-REST-API-Stack', {
  env: { account: ACCOUNT, region: REGION },
});
app.synth();
