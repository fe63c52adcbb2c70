//! Helpers of the local-run tests: a hand-written cloud assembly whose function is
//! the std-only test function, and a minimal HTTP/1.1 client.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Writes `cdk.out` under `dir` with a LambdaRestApi-shaped stack (root ANY,
/// `{proxy+}` ANY, stage `prod`, base path `v1`) whose function times out after
/// `timeout_secs`. The asset is a directory, or a zip when `zipped`.
pub fn write_assembly(dir: &Path, timeout_secs: u64, zipped: bool) {
    let function = env!("CARGO_BIN_EXE_cdk-toolkit-test-function");
    let asset = if zipped { "asset.fn.zip" } else { "asset.fn" };
    if zipped {
        let file = std::fs::File::create(dir.join(asset)).expect("zip file");
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default().unix_permissions(0o755);
        zip.start_file("bootstrap", options).expect("entry");
        std::io::Write::write_all(&mut zip, &std::fs::read(function).expect("binary"))
            .expect("write");
        zip.finish().expect("finish");
    } else {
        std::fs::create_dir_all(dir.join(asset)).expect("asset dir");
        std::fs::copy(function, dir.join(asset).join("bootstrap")).expect("copy bootstrap");
    }
    let manifest = serde_json::json!({
        "version": "55.0.0",
        "artifacts": {
            "Local.assets": {"type": "cdk:asset-manifest", "properties": {"file": "Local.assets.json"}},
            "Local": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                      "properties": {"templateFile": "Local.template.json"}, "dependencies": ["Local.assets"]}
        }
    });
    let assets = serde_json::json!({"version": "55.0.0", "files": {"fn": {
        "source": {"path": asset, "packaging": if zipped { "file" } else { "zip" }},
        "destinations": {"current": {"bucketName": "b", "objectKey": "fn.zip"}}}}});
    let integration = serde_json::json!({
        "IntegrationHttpMethod": "POST", "Type": "AWS_PROXY",
        "Uri": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:us-east-1:lambda:path/2015-03-31/functions/",
                                  {"Fn::GetAtt": ["Fn", "Arn"]}, "/invocations"]]}});
    let template = serde_json::json!({"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Code": {"S3Bucket": "b", "S3Key": "fn.zip"}, "Handler": "bootstrap", "Runtime": "provided.al2023",
            "MemorySize": 256, "Timeout": timeout_secs,
            "Environment": {"Variables": {"TEST_FROM_TEMPLATE": "template", "TEST_OVERRIDDEN": "template",
                                          "TEST_BUCKET": {"Ref": "Bucket"}}}}},
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "local"}},
        "Proxy": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "{proxy+}", "RestApiId": {"Ref": "Api"}}},
        "ProxyANY": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "HttpMethod": "ANY", "ResourceId": {"Ref": "Proxy"}, "RestApiId": {"Ref": "Api"}, "Integration": integration}},
        "RootANY": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "HttpMethod": "ANY", "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "RestApiId": {"Ref": "Api"},
            "Integration": integration}},
        "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "Api"}}},
        "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {
            "DeploymentId": {"Ref": "Deployment"}, "RestApiId": {"Ref": "Api"}, "StageName": "prod"}},
        "Domain": {"Type": "AWS::ApiGateway::DomainName", "Properties": {"DomainName": "api.example.com"}},
        "Mapping": {"Type": "AWS::ApiGateway::BasePathMapping", "Properties": {
            "BasePath": "v1", "DomainName": {"Ref": "Domain"}, "RestApiId": {"Ref": "Api"}, "Stage": {"Ref": "Stage"}}}
    }, "Outputs": {"ApiUrl": {"Value": {"Fn::Join": ["", ["https://", {"Ref": "Api"}, ".execute-api.us-east-1.",
                                                      {"Ref": "AWS::URLSuffix"}, "/", {"Ref": "Stage"}, "/"]]}}}});
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(dir.join("Local.assets.json"), assets.to_string()).expect("assets");
    std::fs::write(dir.join("Local.template.json"), template.to_string()).expect("template");
}

/// A response as the tests need it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Sends one request (`Connection: close`) and reads the whole response, within 60 s.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    tokio::time::timeout(Duration::from_secs(60), async {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.expect("write head");
        // A server may answer (413) before reading a large body; ignore write errors.
        let _ = stream.write_all(body).await;
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw).await;
        parse(&raw)
    })
    .await
    .expect("response within 60 s")
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}
