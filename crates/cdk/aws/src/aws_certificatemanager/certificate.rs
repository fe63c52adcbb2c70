//! `Certificate`: an ACM certificate that CloudFormation validates itself by writing the
//! DNS validation records into the given hosted zone (CDK's `acm.Certificate` with
//! `CertificateValidation.fromDns(zone)`).

use cdk::{Construct, Token};

use super::{CfnCertificate, CfnCertificateProps, DomainValidationOption};
use crate::aws_route53::HostedZone;
use crate::cfn::CfnTag;
use crate::error::Result;

/// How ownership of the domain names is proven.
#[derive(Debug, Clone)]
pub enum CertificateValidation {
    /// DNS records; written automatically when a hosted zone is given.
    Dns(Option<HostedZone>),
    /// E-mail to the domain's administrative contacts.
    Email,
}

impl CertificateValidation {
    /// DNS validation in `zone` (CDK's `CertificateValidation.fromDns(zone)`).
    pub fn from_dns(zone: Option<HostedZone>) -> Self {
        CertificateValidation::Dns(zone)
    }

    fn method(&self) -> &'static str {
        match self {
            CertificateValidation::Dns(_) => "DNS",
            CertificateValidation::Email => "EMAIL",
        }
    }
}

/// Properties of a [`Certificate`].
#[derive(Debug, Clone)]
pub struct CertificateProps {
    /// The main domain name.
    pub domain_name: String,
    /// Additional names.
    pub subject_alternative_names: Vec<String>,
    /// Validation method (CDK's default is e-mail; DNS is what stacks here use).
    pub validation: CertificateValidation,
    /// The `Name` tag (default: the construct path, cut to 255 characters).
    pub certificate_name: Option<String>,
}

/// An ACM certificate.
#[derive(Clone, Debug)]
pub struct Certificate {
    construct: Construct,
    resource: CfnCertificate,
}

impl Certificate {
    /// Creates the certificate `id` under `scope` (resource child `Resource`).
    pub fn new(scope: &impl AsRef<Construct>, id: &str, props: CertificateProps) -> Result<Self> {
        let construct = Construct::new(scope, id)?;
        construct.set_construct_info("aws-cdk-lib.aws_certificatemanager.Certificate");
        let mut all_names = vec![props.domain_name.clone()];
        all_names.extend(props.subject_alternative_names.iter().cloned());
        let name_tag = props
            .certificate_name
            .unwrap_or_else(|| construct.path().chars().take(255).collect());
        let resource = CfnCertificate::new(
            &construct,
            "Resource",
            CfnCertificateProps {
                domain_name: Some(props.domain_name),
                domain_validation_options: domain_validation(&props.validation, &all_names),
                subject_alternative_names: (!props.subject_alternative_names.is_empty())
                    .then_some(props.subject_alternative_names),
                tags: Some(vec![CfnTag::new("Name", name_tag)]),
                validation_method: Some(props.validation.method().to_string()),
                ..Default::default()
            },
        )?;
        Ok(Self {
            construct,
            resource,
        })
    }

    /// The L2 construct.
    pub fn construct(&self) -> &Construct {
        &self.construct
    }

    /// The `AWS::CertificateManager::Certificate` resource.
    pub fn resource(&self) -> &CfnCertificate {
        &self.resource
    }

    /// `Ref Certificate` (the certificate ARN).
    pub fn certificate_arn(&self) -> String {
        self.resource.ref_()
    }
}

/// CDK's `renderDomainValidation` for DNS: one option per name (a wildcard whose base
/// name is also listed is covered by the base name's record), when a zone is known.
fn domain_validation(
    validation: &CertificateValidation,
    names: &[String],
) -> Option<Vec<DomainValidationOption>> {
    let CertificateValidation::Dns(Some(zone)) = validation else {
        return None;
    };
    let options: Vec<DomainValidationOption> = names
        .iter()
        .filter(|n| {
            Token::is_unresolved(n)
                || !n.starts_with("*.")
                || !names.iter().any(|o| o == &n.replacen("*.", "", 1))
        })
        .map(|n| DomainValidationOption {
            domain_name: Some(n.clone()),
            hosted_zone_id: Some(zone.hosted_zone_id().to_string()),
            validation_domain: None,
        })
        .collect();
    (!options.is_empty()).then_some(options)
}

impl AsRef<Construct> for Certificate {
    fn as_ref(&self) -> &Construct {
        &self.construct
    }
}
