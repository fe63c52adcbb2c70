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

pub(crate) fn failed(
    name: &str,
    status: &str,
    failures: &[Failure],
    ui: &mut dyn Ui,
) -> ToolkitError {
    ui.line(&format!(" ❌  {name} failed: the stack is now {status}"));
    let mut msg = format!("{name} failed to deploy; the stack is now {status}");
    // The stack's own failure event repeats the resource's; list resources first.
    for f in failures
        .iter()
        .filter(|f| f.resource_type != "AWS::CloudFormation::Stack")
        .chain(
            failures
                .iter()
                .filter(|f| f.resource_type == "AWS::CloudFormation::Stack"),
        )
    {
        let line = format!(
            "  {} {} {}: {}",
            f.status, f.resource_type, f.logical_id, f.reason
        );
        ui.line(&line);
        msg.push('\n');
        msg.push_str(&line);
    }
    let rolled_back = match status {
        "ROLLBACK_COMPLETE" | "UPDATE_ROLLBACK_COMPLETE" => "rolled back",
        "ROLLBACK_FAILED" | "UPDATE_ROLLBACK_FAILED" => "rollback FAILED (fix by hand)",
        _ => "not rolled back",
    };
    msg.push_str(&format!("\nresult: {rolled_back} ({status})"));
    ToolkitError::Deploy(msg)
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
        assert!(err.starts_with("S failed to deploy; the stack is now ROLLBACK_COMPLETE"));
        let table_at = err.find("CREATE_FAILED AWS::DynamoDB::Table Table: Invalid KeySchema");
        let stack_at = err.find("AWS::CloudFormation::Stack");
        assert!(table_at.is_some() && table_at < stack_at, "{err}");
        assert!(
            err.ends_with("result: rolled back (ROLLBACK_COMPLETE)"),
            "{err}"
        );
        assert!(ui.0.iter().any(|l| l.contains("❌")));
    }
}
