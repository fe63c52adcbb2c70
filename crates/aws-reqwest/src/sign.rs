//! SigV4 for requests sent without an SDK client: resolves credentials from the
//! SDK's provider (cached by it, refreshed when they expire) and adds the
//! `authorization`, `x-amz-date` (and, for S3, `x-amz-content-sha256`) headers.

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign as sign_v4,
};
use aws_sigv4::sign::v4;
use std::time::SystemTime;

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The credentials chain gave none (its own message says which sources it tried).
    #[error("no usable AWS credentials: {0}")]
    Credentials(String),
    /// The request cannot be signed (an invalid header value or URI).
    #[error("signing the request failed: {0}")]
    Signing(String),
}

/// Where and how a request is signed.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The region the request goes to (`us-east-1`).
    pub region: &'a str,
    /// The signing name of the service (`s3`, `ec2`).
    pub service: &'a str,
}

impl Scope<'_> {
    /// S3 signs the path as sent (no normalisation, no second encoding) and wants
    /// the payload's SHA-256 in `x-amz-content-sha256`; other services use the
    /// defaults.
    fn settings(&self) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if self.service == "s3" {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        settings
    }
}

/// Signs `request` in place for `scope` with credentials from `credentials`.
pub async fn sign(
    request: &mut http::Request<Vec<u8>>,
    credentials: &SharedCredentialsProvider,
    scope: Scope<'_>,
) -> Result<(), SignError> {
    let credentials = credentials
        .provide_credentials()
        .await
        .map_err(|err| SignError::Credentials(crate::error_chain(&err)))?;
    sign_with(request, credentials.into(), scope, SystemTime::now())
}

/// Signs with a resolved identity at `time` (deterministic: the golden tests).
fn sign_with(
    request: &mut http::Request<Vec<u8>>,
    identity: aws_smithy_runtime_api::client::identity::Identity,
    scope: Scope<'_>,
    time: SystemTime,
) -> Result<(), SignError> {
    let failed = |err: &dyn std::fmt::Display| SignError::Signing(err.to_string());
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(time)
        .settings(scope.settings())
        .build()
        .map_err(|err| failed(&err))?
        .into();
    let uri = request.uri().to_string();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| Ok((name.as_str(), value.to_str()?)))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()
        .map_err(|err| failed(&err))?;
    let signable = SignableRequest::new(
        request.method().as_str(),
        &uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .map_err(|err| failed(&err))?;
    let (instructions, _signature) = sign_v4(signable, &params)
        .map_err(|err| failed(&err))?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    use std::time::Duration;

    fn identity() -> aws_smithy_runtime_api::client::identity::Identity {
        Credentials::new("AKIDEXAMPLE", "secret", None, None, "test").into()
    }

    /// 2015-08-30T12:36:00Z, the time of AWS's published SigV4 examples.
    fn time() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    #[test]
    fn s3_put_is_signed_with_the_payload_hash() {
        let mut request = http::Request::builder()
            .method("PUT")
            .uri("http://127.0.0.1:5000/bucket/morphemes.json")
            .header("content-type", "application/json")
            .body(b"{}".to_vec())
            .expect("request");
        let scope = Scope {
            region: "us-east-1",
            service: "s3",
        };
        sign_with(&mut request, identity(), scope, time()).expect("signed");
        let headers = request.headers();
        // sha256("{}")
        assert_eq!(
            headers["x-amz-content-sha256"],
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(headers["x-amz-date"], "20150830T123600Z");
        let authorization = headers["authorization"].to_str().expect("ascii");
        assert!(
            authorization.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature="
            ),
            "{authorization}"
        );
        // Same inputs, same signature.
        let mut again = http::Request::builder()
            .method("PUT")
            .uri("http://127.0.0.1:5000/bucket/morphemes.json")
            .header("content-type", "application/json")
            .body(b"{}".to_vec())
            .expect("request");
        sign_with(&mut again, identity(), scope, time()).expect("signed");
        assert_eq!(again.headers()["authorization"], headers["authorization"]);
    }

    #[test]
    fn other_services_get_no_payload_header() {
        let mut request = http::Request::builder()
            .method("POST")
            .uri("https://ec2.us-east-1.amazonaws.com/")
            .body(b"Action=DescribeAvailabilityZones".to_vec())
            .expect("request");
        let scope = Scope {
            region: "us-east-1",
            service: "ec2",
        };
        sign_with(&mut request, identity(), scope, time()).expect("signed");
        assert!(request.headers().get("x-amz-content-sha256").is_none());
        assert!(request.headers().contains_key("authorization"));
    }

    #[tokio::test]
    async fn missing_credentials_are_one_readable_error() {
        #[derive(Debug)]
        struct None_;
        impl ProvideCredentials for None_ {
            fn provide_credentials<'a>(
                &'a self,
            ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                aws_credential_types::provider::future::ProvideCredentials::ready(Err(
                    aws_credential_types::provider::error::CredentialsError::not_loaded(
                        "no source found",
                    ),
                ))
            }
        }
        let mut request = http::Request::builder()
            .uri("https://example.com/")
            .body(Vec::new())
            .expect("request");
        let scope = Scope {
            region: "us-east-1",
            service: "s3",
        };
        let err = sign(&mut request, &SharedCredentialsProvider::new(None_), scope)
            .await
            .expect_err("no credentials");
        assert!(
            matches!(&err, SignError::Credentials(m) if m.contains("no source found")),
            "{err}"
        );
    }
}
