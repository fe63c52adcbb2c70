// Reference vectors for crates/cdk/core/src/synthesis/assets.rs (fingerprint == Asset hash).
// Setup: mkdir -p /tmp/fp/a; printf "x\r\ny\n" > /tmp/fp/a.txt; printf "b\n" > /tmp/fp/a/b; printf "bin\0\r\n" > /tmp/fp/z.bin
// Usage: node core-fingerprint.js <fixture dir>
const cdk = require('aws-cdk-lib');
const s3a = require('aws-cdk-lib/aws-s3-assets');
const lambda = require('aws-cdk-lib/aws-lambda');
console.log('fp-dir', cdk.FileSystem.fingerprint('/tmp/fp'));
console.log('fp-file', cdk.FileSystem.fingerprint('/tmp/fp/a.txt'));
const app = new cdk.App({ outdir: '/tmp/ref/fpout' });
const s = new cdk.Stack(app, 'S');
console.log('asset-dir', new s3a.Asset(s, 'A', { path: '/tmp/fp' }).assetHash);
console.log('asset-file', new s3a.Asset(s, 'B', { path: '/tmp/fp/a.txt' }).assetHash);
console.log('fixture', new s3a.Asset(s, 'C', { path: process.argv[2] }).assetHash);
const code = lambda.Code.fromAsset('/tmp/fp');
const f = new lambda.Function(s, 'F', { code, handler: 'x', runtime: lambda.Runtime.PROVIDED_AL2023 });
console.log('lambda', JSON.stringify(s.resolve(f.node.defaultChild._cfnProperties.code)));
