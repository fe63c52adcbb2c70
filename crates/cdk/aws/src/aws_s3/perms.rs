//! The action lists S3 grants use, exactly as aws-cdk-lib 2.x emits them (order matters:
//! it is the order of the rendered `Action` list, and a reordering is a template diff).
//!
//! `grant_read_write` is read + delete + put-without-ACL, the v2 default (the legacy
//! `s3:PutObjectAcl`/`s3:PutObjectVersionAcl` actions come only with
//! `@aws-cdk/aws-s3:grantWriteWithoutAcl` disabled, which v2 never does).

/// `bucket.grantRead`: objects and bucket metadata.
pub const BUCKET_READ_ACTIONS: &[&str] = &["s3:GetObject*", "s3:GetBucket*", "s3:List*"];

/// `bucket.grantDelete`.
pub const BUCKET_DELETE_ACTIONS: &[&str] = &["s3:DeleteObject*"];

/// `bucket.grantPut` without ACL actions.
pub const BUCKET_PUT_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:PutObjectTagging",
    "s3:PutObjectVersionTagging",
    "s3:Abort*",
];

/// `bucket.grantReadWrite`: read, then delete, then put (CDK's concatenation order).
pub fn bucket_read_write_actions() -> Vec<&'static str> {
    BUCKET_READ_ACTIONS
        .iter()
        .chain(BUCKET_DELETE_ACTIONS)
        .chain(BUCKET_PUT_ACTIONS)
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_write_matches_cdk_2_276() {
        assert_eq!(
            bucket_read_write_actions(),
            [
                "s3:GetObject*",
                "s3:GetBucket*",
                "s3:List*",
                "s3:DeleteObject*",
                "s3:PutObject",
                "s3:PutObjectLegalHold",
                "s3:PutObjectRetention",
                "s3:PutObjectTagging",
                "s3:PutObjectVersionTagging",
                "s3:Abort*",
            ]
        );
    }
}
