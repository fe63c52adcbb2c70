//! AWS SDK configuration: the standard environment and profile chain
//! (`AWS_ACCESS_KEY_ID`/`AWS_PROFILE`/..., `AWS_REGION`, `AWS_ENDPOINT_URL`), with an
//! explicit HTTP client (`aws_reqwest`: reqwest on rustls + ring, no OpenSSL, no
//! aws-lc, no second HTTP stack beside reqwest), and per-region
//! service clients.

use aws_config::{BehaviorVersion, Region, SdkConfig};

use super::sdk_error::aws_error;
use crate::error::{Result, ToolkitError};

/// Choices the binary made from flags and environment.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// Named profile (else `AWS_PROFILE` / `default`, as the SDK resolves it).
    pub profile: Option<String>,
    /// Region (else the SDK's chain: `AWS_REGION`, profile).
    pub region: Option<String>,
    /// Endpoint for every service (a local emulator); the SDK also reads
    /// `AWS_ENDPOINT_URL` itself.
    pub endpoint_url: Option<String>,
}

/// Loaded SDK configuration.
#[derive(Debug, Clone)]
pub struct Aws {
    config: SdkConfig,
    path_style_s3: bool,
}

impl Aws {
    /// Resolves configuration (no network call yet).
    pub async fn load(settings: &AwsSettings) -> Self {
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).http_client(aws_reqwest::client());
        if let Some(p) = &settings.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &settings.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(e) = &settings.endpoint_url {
            loader = loader.endpoint_url(e);
        }
        let config = loader.load().await;
        // A custom endpoint (emulator) cannot serve virtual-hosted bucket names.
        let path_style_s3 = config.endpoint_url().is_some();
        Self {
            config,
            path_style_s3,
        }
    }

    /// The configured default region, if any.
    pub fn region(&self) -> Option<String> {
        self.config.region().map(|r| r.to_string())
    }

    /// CloudFormation in `region`.
    pub fn cloudformation(&self, region: &str) -> aws_sdk_cloudformation::Client {
        let conf = aws_sdk_cloudformation::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_cloudformation::Client::from_conf(conf)
    }

    /// S3 in `region` (path-style addressing against a custom endpoint).
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .force_path_style(self.path_style_s3)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// Route 53 (a global service; the region only picks the signing endpoint).
    pub fn route53(&self, region: &str) -> aws_sdk_route53::Client {
        let conf = aws_sdk_route53::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_route53::Client::from_conf(conf)
    }

    /// SSM in `region` (the bootstrap version parameter).
    pub fn ssm(&self, region: &str) -> aws_sdk_ssm::Client {
        let conf = aws_sdk_ssm::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_ssm::Client::from_conf(conf)
    }

    /// Lambda in `region` (hotswap deployments).
    pub fn lambda(&self, region: &str) -> aws_sdk_lambda::Client {
        let conf = aws_sdk_lambda::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_lambda::Client::from_conf(conf)
    }

    /// CloudWatch Logs in `region` (a function's log events).
    pub fn logs(&self, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        let conf = aws_sdk_cloudwatchlogs::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_cloudwatchlogs::Client::from_conf(conf)
    }

    /// The loaded configuration (credentials, endpoint) for calls made without a
    /// service SDK ([`super::ec2`]).
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    /// The account of the credentials (STS `GetCallerIdentity`); a missing-credentials
    /// failure says how to supply them.
    pub async fn account(&self, region: &str) -> Result<String> {
        Ok(self.caller(region).await?.account)
    }

    /// Who the credentials are (STS `GetCallerIdentity`): account, ARN, partition.
    pub async fn caller(&self, region: &str) -> Result<Caller> {
        let out = self
            .sts(region)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| {
                let err = aws_error("STS GetCallerIdentity", "finding the AWS account", e);
                match err {
                    ToolkitError::Aws {
                        what,
                        operation,
                        message,
                    } if message.contains("credentials") && !message.contains("AssumeRole") => {
                        ToolkitError::Aws {
                            what,
                            operation,
                            message: format!(
                                "{message}. No usable AWS credentials: set AWS_ACCESS_KEY_ID \
                                 and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary \
                                 ones), or AWS_PROFILE naming a profile in ~/.aws/credentials."
                            ),
                        }
                    }
                    other => other,
                }
            })?;
        let account = out
            .account()
            .map(str::to_owned)
            .ok_or_else(|| ToolkitError::Aws {
                what: "finding the AWS account".into(),
                operation: "STS GetCallerIdentity".into(),
                message: "the response has no account".into(),
            })?;
        let arn = out.arn().unwrap_or_default().to_string();
        // arn:<partition>:sts::<account>:...
        let partition = arn
            .split(':')
            .nth(1)
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
            .to_string();
        Ok(Caller {
            account,
            arn,
            partition,
        })
    }

    /// The same configuration with the credentials of `role_arn`, assumed (STS
    /// `AssumeRole`, session `aws-cdk-<user>` as the CDK CLI names it) with these
    /// credentials and refreshed when they expire. The first call is made here
    /// (`GetCallerIdentity` as the role), so a role that cannot be assumed fails now,
    /// not in the middle of a deployment; the identity is returned.
    pub async fn assume_role(
        &self,
        role_arn: &str,
        external_id: Option<&str>,
        region: &str,
    ) -> Result<(Aws, Caller)> {
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name(session_name())
            .region(Region::new(region.to_string()))
            .configure(&self.config);
        if let Some(id) = external_id {
            builder = builder.external_id(id);
        }
        let provider = builder.build().await;
        // One cache for every client made from this configuration, so the role is
        // assumed once (and refreshed before expiry), not once per client.
        let config = self
            .config
            .to_builder()
            .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
                provider,
            ))
            .identity_cache(aws_config::identity::IdentityCache::lazy().build())
            .build();
        let assumed = Aws {
            config,
            path_style_s3: self.path_style_s3,
        };
        let identity = assumed.caller(region).await?;
        Ok((assumed, identity))
    }

    fn sts(&self, region: &str) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }
}

/// The identity behind a set of credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Account id.
    pub account: String,
    /// `arn:aws:iam::<account>:user/..` or `arn:aws:sts::<account>:assumed-role/..`.
    pub arn: String,
    /// `aws`, `aws-cn`, `aws-us-gov`, ... (from the ARN).
    pub partition: String,
}

/// `aws-cdk-<user>` with the characters a role session name may not hold replaced,
/// as the CDK CLI names its sessions (so CloudTrail shows who deployed).
fn session_name() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "noname".into());
    let safe: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '@'
            }
        })
        .collect();
    let mut name = format!("aws-cdk-{safe}");
    name.truncate(64);
    name
}
