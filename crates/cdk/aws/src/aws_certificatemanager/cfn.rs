//! L1: `AWS::CertificateManager::Certificate`.

use crate::cfn::{CfnTag, cfn_props};

cfn_props! {
    /// Properties of `AWS::CertificateManager::Certificate`.
    CfnCertificateProps = "AWS::CertificateManager::Certificate" {
        opt "CertificateAuthorityArn" certificate_authority_arn: String,
        opt "CertificateExport" certificate_export: String,
        opt "CertificateTransparencyLoggingPreference" certificate_transparency_logging_preference: String,
        req "DomainName" domain_name: String,
        opt "DomainValidationOptions" domain_validation_options: Vec<DomainValidationOption>,
        opt "KeyAlgorithm" key_algorithm: String,
        opt "SubjectAlternativeNames" subject_alternative_names: Vec<String>,
        opt "Tags" tags: Vec<CfnTag>,
        opt "ValidationMethod" validation_method: String,
    }
}

cfn_props! {
    /// `DomainValidationOption`: which hosted zone proves ownership of a domain.
    DomainValidationOption {
        req "DomainName" domain_name: String,
        opt "HostedZoneId" hosted_zone_id: String,
        opt "ValidationDomain" validation_domain: String,
    }
}
