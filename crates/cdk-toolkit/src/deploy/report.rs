//! What a deployment reports at its end: the stack's outputs, or the resources that
//! failed with their reasons and whether the stack rolled back.

use super::Ui;
use super::events::Failure;
use crate::error::ToolkitError;

/// Prints `Outputs:` and `<stack>.<key> = <value>` lines, as the CDK CLI does.
pub(crate) fn print_outputs(
    name: &str,
    outputs: &[(String, String, Option<String>)],
    ui: &mut dyn Ui,
) {
    if outputs.is_empty() {
        return;
    }
    ui.line("Outputs:");
    for (k, v, _) in outputs {
        ui.line(&format!("{name}.{k} = {v}"));
    }
}

/// The error of a stack that did not reach `*_COMPLETE`: one line, as the CDK CLI
/// ends a failed deployment — the stack, each failed resource with its status and
/// CloudFormation's reason, what became of the stack, and what to do. The failed
/// resources are also listed on the UI under "Failed resources:".
pub(crate) fn failed(
    name: &str,
    status: &str,
    failures: &[Failure],
    ui: &mut dyn Ui,
) -> ToolkitError {
    // The stack's own failure events repeat the resources' ("The following
    // resource(s) failed ..."): name the resources, the stack's only when alone.
    let resources: Vec<&Failure> = failures
        .iter()
        .filter(|f| f.resource_type != "AWS::CloudFormation::Stack")
        .filter(|f| f.reason != "Resource creation cancelled")
        .collect();
    let named: Vec<&Failure> = if resources.is_empty() {
        failures.iter().collect()
    } else {
        resources
    };
    if !named.is_empty() {
        ui.line("Failed resources:");
        for f in &named {
            ui.line(&format!(
                "{name} | {} | {} | {}: {}",
                f.status, f.resource_type, f.logical_id, f.reason
            ));
        }
    }
    let causes = named
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.status, f.resource_type, f.logical_id, f.reason
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let result = match status {
        "ROLLBACK_COMPLETE" => "the stack was rolled back (ROLLBACK_COMPLETE); fix the resource \
             and deploy again (the failed stack is deleted first)"
            .to_string(),
        "UPDATE_ROLLBACK_COMPLETE" => "the update was rolled back, the stack is as before \
             (UPDATE_ROLLBACK_COMPLETE); fix the resource and deploy again"
            .to_string(),
        "ROLLBACK_FAILED" | "UPDATE_ROLLBACK_FAILED" | "DELETE_FAILED" => format!(
            "the rollback failed too ({status}): fix the resources by hand in the AWS \
             console, then deploy again or destroy the stack"
        ),
        "DELETED" => "the stack was deleted".to_string(),
        other => format!("the stack is now {other}"),
    };
    let causes = if causes.is_empty() {
        "no resource reported a failure".to_string()
    } else {
        causes.trim_end_matches('.').to_string()
    };
    ui.line(&format!(" ❌  {name} failed: {status}"));
    ToolkitError::DeployFailed {
        stack: name.to_owned(),
        causes,
        result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lines(Vec<String>);
    impl Ui for Lines {
        fn line(&mut self, text: &str) {
            self.0.push(text.to_string());
        }
        fn confirm(&mut self, _: &str) -> bool {
            false
        }
    }

    #[test]
    fn failure_report_names_resources_reasons_and_rollback() {
        let failures = vec![
            Failure {
                logical_id: "S".into(),
                resource_type: "AWS::CloudFormation::Stack".into(),
                status: "ROLLBACK_IN_PROGRESS".into(),
                reason: "The following resource(s) failed to create: [Table].".into(),
            },
            Failure {
                logical_id: "Table".into(),
                resource_type: "AWS::DynamoDB::Table".into(),
                status: "CREATE_FAILED".into(),
                reason: "Invalid KeySchema".into(),
            },
        ];
        let mut ui = Lines(Vec::new());
        let err = failed("S", "ROLLBACK_COMPLETE", &failures, &mut ui).to_string();
        assert!(!err.contains('\n'), "one line: {err}");
        assert!(
            err.starts_with(
                "S failed to deploy: CREATE_FAILED AWS::DynamoDB::Table Table: Invalid KeySchema. "
            ),
            "{err}"
        );
        assert!(!err.contains("AWS::CloudFormation::Stack"), "{err}");
        assert!(
            err.contains("Result: the stack was rolled back (ROLLBACK_COMPLETE)"),
            "{err}"
        );
        assert!(ui.0.iter().any(|l| l.contains("❌")));
        assert!(ui.0.iter().any(|l| l == "Failed resources:"));
    }
}
