//! ACM: `Certificate` with native DNS validation (no custom-resource Lambda).

mod certificate;
mod cfn;

pub use certificate::{Certificate, CertificateProps, CertificateValidation};
pub use cfn::{CfnCertificateProps, DomainValidationOption};

/// L1 `AWS::CertificateManager::Certificate`.
pub type CfnCertificate = crate::cfn::Cfn<CfnCertificateProps>;
