//! The content hash CDK appends to an API Gateway `Deployment`'s logical ID.
//!
//! Invariant (why it cannot change): CloudFormation only creates a new deployment — and
//! so only publishes API changes — when the Deployment resource is *replaced*. CDK forces
//! that by suffixing the logical ID with a hash of everything the API is made of; an
//! unchanged API keeps the same ID (no churn), a changed method gets a new one. To update
//! a CDK-deployed stack in place we must produce the very same suffix:
//!
//! `logicalId = originalLogicalId + md5_hex(join("", components.map(JSON.stringify)))`
//!
//! where the components are, in the order they were added: `{"resource": <resource
//! props>}` per child resource, `{"method": <method props + integrationToken>}` per method
//! (camelCase L1 prop names, values resolved to intrinsics), and finally the RestApi's own
//! resolved `{"Resources": {<id>: {"Type", "Properties"}}}`. With no component the ID is
//! left as is.

use md5::{Digest, Md5};
use serde_json::Value;

/// Serializes like JavaScript's `JSON.stringify` for resolved template values (compact,
/// insertion-ordered keys, non-ASCII unescaped).
pub fn js_json_stringify(value: &Value) -> String {
    // serde_json's compact writer matches JSON.stringify for the value shapes a template
    // holds: strings, integers, bools, arrays and objects in insertion order.
    value.to_string()
}

/// The hex md5 suffix over resolved hash components, or `None` without components.
pub fn deployment_hash(components: &[Value]) -> Option<String> {
    if components.is_empty() {
        return None;
    }
    let mut hasher = Md5::new();
    for c in components {
        hasher.update(js_json_stringify(c).as_bytes());
    }
    Some(hex(&hasher.finalize()))
}

/// The final logical id: the original one plus the hash (if any).
pub fn hashed_logical_id(original: &str, components: &[Value]) -> String {
    match deployment_hash(components) {
        Some(h) => format!("{original}{h}"),
        None => original.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The components aws-cdk-lib 2.276.0 hashed for the Rootski stack (captured from the
    /// reference app, tools/cdk-reference/rootski-stack.js).
    const ROOTSKI_COMPONENTS: &str =
        include_str!("../../tests/fixtures/rootski-deployment-hash-components.json");

    #[test]
    fn matches_cdk_for_the_rootski_api() {
        let components: Vec<Value> = serde_json::from_str(ROOTSKI_COMPONENTS).unwrap();
        assert_eq!(
            hashed_logical_id("RootskiLambdaRESTAPIDeployment56628084", &components),
            "RootskiLambdaRESTAPIDeployment5662808430884d7e8920f9009cba28b45b439aa0"
        );
    }

    #[test]
    fn no_components_keep_the_id() {
        assert_eq!(hashed_logical_id("X", &[]), "X");
    }

    #[test]
    fn a_changed_method_changes_the_hash() {
        let mut components: Vec<Value> = serde_json::from_str(ROOTSKI_COMPONENTS).unwrap();
        let before = deployment_hash(&components);
        components[1]["method"]["httpMethod"] = Value::String("GET".into());
        assert_ne!(before, deployment_hash(&components));
    }
}
