//! EC2 `DescribeAvailabilityZones` — the one EC2 call the toolkit makes (the
//! `availability-zones` context lookup) — over EC2's Query API: a form POST signed
//! with SigV4 (`aws_reqwest::sign`, on `aws-sigv4`), the XML answer read with `aws-smithy-xml`, both the
//! SDK's own crates and already in the build. `aws-sdk-ec2` would add 5+ minutes of
//! compilation per build profile (measured: 316 s in debug on this machine) for this
//! single call.
//!
//! Credentials and region come from the same [`SdkConfig`] as every other client
//! (so an assumed lookup role applies), the endpoint from its `endpoint_url`
//! (`AWS_ENDPOINT_URL`, tests) or EC2's regional endpoint.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_smithy_xml::decode::{Document, ScopedDecoder, try_data};

use crate::error::{Result, ToolkitError};

/// The EC2 API version the Query API is called with.
const API_VERSION: &str = "2016-11-15";

/// One zone of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityZone {
    /// `us-west-2a`.
    pub name: String,
    /// `available`, `information`, `impaired`, `unavailable`, ...
    pub state: String,
}

fn failure(region: &str, message: impl Into<String>) -> ToolkitError {
    ToolkitError::Aws {
        what: format!("listing the availability zones of {region}"),
        operation: "EC2 DescribeAvailabilityZones".into(),
        message: message.into(),
    }
}

/// EC2's endpoint for `region`: the configured override, else the public one.
fn endpoint(config: &SdkConfig, region: &str) -> String {
    match config.endpoint_url() {
        Some(url) => url.trim_end_matches('/').to_string(),
        None if region.starts_with("cn-") => format!("https://ec2.{region}.amazonaws.com.cn"),
        None => format!("https://ec2.{region}.amazonaws.com"),
    }
}

/// The zones of `region`, in the order EC2 lists them.
pub async fn describe_availability_zones(
    config: &SdkConfig,
    region: &str,
) -> Result<Vec<AvailabilityZone>> {
    let provider = config.credentials_provider().ok_or_else(|| {
        failure(
            region,
            "no AWS credentials configured (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)",
        )
    })?;
    let url = format!("{}/", endpoint(config, region));
    let body = format!("Action=DescribeAvailabilityZones&Version={API_VERSION}");
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let mut request = http::Request::builder()
        .method("POST")
        .uri(&url)
        .header("content-type", content_type)
        .body(body.into_bytes())
        .map_err(|e| failure(region, format!("bad endpoint {url}: {e}")))?;
    let scope = aws_reqwest::sign::Scope {
        region,
        service: "ec2",
    };
    aws_reqwest::sign::sign(&mut request, &provider, scope)
        .await
        .map_err(|e| failure(region, e.to_string()))?;
    let request = reqwest::Request::try_from(request)
        .map_err(|e| failure(region, format!("bad endpoint {url}: {e}")))?;
    let client = aws_reqwest::tls::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| failure(region, e.to_string()))?;
    let response = client
        .execute(request)
        .await
        .map_err(|e| failure(region, format!("{url}: {e}")))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| failure(region, format!("{url}: {e}")))?;
    if !status.is_success() {
        return Err(failure(region, error_message(&text, status.as_u16())));
    }
    parse_zones(&text).map_err(|e| failure(region, format!("unreadable answer: {e}")))
}

/// Reads `<availabilityZoneInfo><item><zoneName/><zoneState/>...` of a
/// `DescribeAvailabilityZonesResponse`.
pub fn parse_zones(xml: &str) -> std::result::Result<Vec<AvailabilityZone>, String> {
    let mut doc = Document::new(xml);
    let mut root = doc.root_element().map_err(|e| e.to_string())?;
    if !root.start_el().matches("DescribeAvailabilityZonesResponse") {
        return Err(format!(
            "expected DescribeAvailabilityZonesResponse, got <{}>",
            root.start_el().local()
        ));
    }
    let mut zones = Vec::new();
    while let Some(mut tag) = root.next_tag() {
        if !tag.start_el().matches("availabilityZoneInfo") {
            continue;
        }
        while let Some(mut item) = tag.next_tag() {
            let (mut name, mut state) = (None, None);
            while let Some(mut field) = item.next_tag() {
                match field.start_el().local() {
                    "zoneName" => name = Some(text(&mut field)?),
                    "zoneState" => state = Some(text(&mut field)?),
                    _ => {}
                }
            }
            match (name, state) {
                (Some(name), Some(state)) => zones.push(AvailabilityZone { name, state }),
                _ => return Err("a zone without zoneName or zoneState".into()),
            }
        }
    }
    Ok(zones)
}

fn text(tag: &mut ScopedDecoder<'_, '_>) -> std::result::Result<String, String> {
    try_data(tag)
        .map(|s| s.trim().to_string())
        .map_err(|e| e.to_string())
}

/// `Code: Message` of an EC2 error document
/// (`<Response><Errors><Error><Code/><Message/>`), else the status and body.
pub fn error_message(xml: &str, status: u16) -> String {
    let parsed = (|| -> Option<String> {
        let mut doc = Document::new(xml);
        let mut root = doc.root_element().ok()?;
        while let Some(mut errors) = root.next_tag() {
            if !errors.start_el().matches("Errors") {
                continue;
            }
            let mut error = errors.next_tag()?;
            let (mut code, mut message) = (String::new(), String::new());
            while let Some(mut field) = error.next_tag() {
                match field.start_el().local() {
                    "Code" => code = text(&mut field).ok()?,
                    "Message" => message = text(&mut field).ok()?,
                    _ => {}
                }
            }
            return Some(format!("{code}: {message}"));
        }
        None
    })();
    parsed.unwrap_or_else(|| {
        let snippet: String = xml.chars().take(300).collect();
        format!("HTTP {status}: {snippet}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of EC2's documented example answer.
    const ANSWER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
   <requestId>e23c5a54-a29c-43ee-8b55-0c13c26e9e01</requestId>
   <availabilityZoneInfo>
      <item>
         <zoneName>us-west-2a</zoneName>
         <zoneState>available</zoneState>
         <regionName>us-west-2</regionName>
         <messageSet><item><message>ok</message></item></messageSet>
         <zoneId>usw2-az1</zoneId>
      </item>
      <item>
         <zoneName>us-west-2b</zoneName>
         <zoneState>impaired</zoneState>
         <regionName>us-west-2</regionName>
         <messageSet/>
      </item>
   </availabilityZoneInfo>
</DescribeAvailabilityZonesResponse>"#;

    #[test]
    fn zones_are_read_in_order_with_their_state() {
        let zones = parse_zones(ANSWER).unwrap();
        assert_eq!(
            zones,
            vec![
                AvailabilityZone {
                    name: "us-west-2a".into(),
                    state: "available".into()
                },
                AvailabilityZone {
                    name: "us-west-2b".into(),
                    state: "impaired".into()
                },
            ]
        );
    }

    #[test]
    fn other_documents_are_errors() {
        assert!(parse_zones("<Other/>").unwrap_err().contains("Other"));
        assert!(parse_zones("not xml").is_err());
        let missing = "<DescribeAvailabilityZonesResponse><availabilityZoneInfo><item>\
                       <zoneName>a</zoneName></item></availabilityZoneInfo></DescribeAvailabilityZonesResponse>";
        assert!(parse_zones(missing).unwrap_err().contains("zoneState"));
    }

    #[test]
    fn error_documents_give_code_and_message() {
        let xml = "<Response><Errors><Error><Code>UnauthorizedOperation</Code>\
                   <Message>You are not authorized</Message></Error></Errors>\
                   <RequestID>r</RequestID></Response>";
        assert_eq!(
            error_message(xml, 403),
            "UnauthorizedOperation: You are not authorized"
        );
        assert_eq!(error_message("oops", 500), "HTTP 500: oops");
    }

    #[test]
    fn endpoints_follow_the_partition_unless_overridden() {
        let plain = SdkConfig::builder().build();
        assert_eq!(
            endpoint(&plain, "us-west-2"),
            "https://ec2.us-west-2.amazonaws.com"
        );
        assert_eq!(
            endpoint(&plain, "cn-north-1"),
            "https://ec2.cn-north-1.amazonaws.com.cn"
        );
        let local = SdkConfig::builder()
            .endpoint_url("http://127.0.0.1:5000/")
            .build();
        assert_eq!(endpoint(&local, "us-west-2"), "http://127.0.0.1:5000");
    }
}
