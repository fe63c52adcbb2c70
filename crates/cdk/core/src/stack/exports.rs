//! Exports (CDK's `exportValue` / `exportStringListValue`): explicit ones with a name,
//! and automatic ones named exactly as CDK names cross-stack exports, so an explicit
//! `export_value(bucket.bucket_name)` keeps the export a removed cross-stack
//! reference used (the two-deployment way out of a "deadly embrace").
//!
//! Invariant (cannot change without breaking deployed consumers): the automatic name
//! is `<stack name>:` + `makeUniqueId(["Exports", "Output" + JSON])` where JSON is the
//! compact JSON of the resolved reference, e.g. `MyStack:ExportsOutputRefMyBucketF68F3FF0442F9925`,
//! cut from the left to 255 characters. Exporting locks the producer's logical id:
//! renaming it afterwards would silently break the export.

use serde_json::Value;

use crate::resolve::CrossRef;
use crate::token::{Intrinsic, RefTarget, Token};
use crate::{CfnOutput, CfnOutputProps, Construct, Error, Fn, Result, Stack};

/// Options of [`Stack::export_value_with`] / [`Stack::export_string_list_value`].
#[derive(Debug, Clone, Default)]
pub struct ExportValueOptions {
    /// Export name; when `None` the value must be a resource attribute (a `Ref` or
    /// `Fn::GetAtt` token) and gets the automatic cross-stack export name.
    pub name: Option<String>,
    /// Output `Description`.
    pub description: Option<String>,
}

fn reference_of(stack: &Stack, intrinsic: Option<Intrinsic>, list: bool) -> Result<CrossRef> {
    match intrinsic {
        Some(Intrinsic::Ref(RefTarget::Element(c))) => Ok(CrossRef {
            target: c,
            attribute: None,
            list,
        }),
        Some(Intrinsic::GetAtt(RefTarget::Element(c), a)) => Ok(CrossRef {
            target: c,
            attribute: Some(a),
            list,
        }),
        _ => Err(Error::validation(
            stack.path(),
            "export_value: either supply a name or export a resource attribute (like a bucket's name or ARN)",
        )),
    }
}

impl Stack {
    /// Exports `value` under `name` (an output `Export<name>` in this stack) and returns
    /// `Fn::ImportValue(name)` for use in other stacks (CDK's `exportValue` with a
    /// name; see [`Stack::export_value_with`] for the automatic name).
    pub fn export_value(&self, value: &str, name: &str) -> Result<String> {
        self.export_value_with(
            value,
            crate::ExportValueOptions {
                name: Some(name.to_string()),
                description: None,
            },
        )
    }

    /// Creates a CloudFormation export for `value` and returns the `Fn::ImportValue`
    /// to use elsewhere (CDK's `exportValue`). Without a name, `value` must be a
    /// resource attribute and the export gets the name an automatic cross-stack
    /// reference would use; the producer's logical id is then locked.
    pub fn export_value_with(&self, value: &str, options: ExportValueOptions) -> Result<String> {
        if let Some(name) = &options.name {
            CfnOutput::new(
                self,
                &format!("Export{name}"),
                CfnOutputProps {
                    value: value.to_string(),
                    export_name: Some(name.clone()),
                    description: options.description.clone(),
                    ..Default::default()
                },
            )?;
            return Ok(Fn::import_value(name));
        }
        if Token::reverse_list(&[value.to_string()]).is_some() {
            return Err(Error::validation(
                self.path(),
                "Attempted to export a list value from export_value(): use export_string_list_value() instead",
            ));
        }
        let r = reference_of(self, Token::reverse(value), false)?;
        export_reference(self, &r, options.description)
    }

    /// Like [`Stack::export_value_with`] for a string list (CDK's
    /// `exportStringListValue`): exported joined with `||`, imported split again.
    pub fn export_string_list_value(
        &self,
        value: &[String],
        options: ExportValueOptions,
    ) -> Result<Vec<String>> {
        if let Some(name) = &options.name {
            CfnOutput::new(
                self,
                &format!("Export{name}"),
                CfnOutputProps {
                    value: Fn::join(crate::stack::references::STRING_LIST_DELIMITER, value),
                    export_name: Some(name.clone()),
                    description: options.description.clone(),
                    ..Default::default()
                },
            )?;
            return Ok(Fn::split(
                crate::stack::references::STRING_LIST_DELIMITER,
                &Fn::import_value(name),
            ));
        }
        let r = reference_of(self, Token::reverse_list(value), true)?;
        export_reference_list(self, &r, options.description)
    }
}

/// The export of a string reference (created once) → `Fn::ImportValue`.
pub(crate) fn export_reference(
    stack: &Stack,
    r: &CrossRef,
    description: Option<String>,
) -> Result<String> {
    let (exportable, scope, id, name) = resolve_exported_value(stack, r)?;
    if scope.try_find_child(&id).is_none() {
        CfnOutput::new(
            &scope,
            &id,
            CfnOutputProps {
                value: Token::as_string(exportable.intrinsic()),
                export_name: Some(name.clone()),
                description,
                ..Default::default()
            },
        )?;
    }
    Ok(Fn::import_value(&name))
}

/// The export of a string-list reference (joined with `||`) → split import.
pub(crate) fn export_reference_list(
    stack: &Stack,
    r: &CrossRef,
    description: Option<String>,
) -> Result<Vec<String>> {
    let (exportable, scope, id, name) = resolve_exported_value(stack, r)?;
    if scope.try_find_child(&id).is_none() {
        CfnOutput::new(
            &scope,
            &id,
            CfnOutputProps {
                value: Fn::join(
                    crate::stack::references::STRING_LIST_DELIMITER,
                    &Token::as_list(exportable.intrinsic()),
                ),
                export_name: Some(name.clone()),
                description,
                ..Default::default()
            },
        )?;
    }
    Ok(Fn::split(
        crate::stack::references::STRING_LIST_DELIMITER,
        &Fn::import_value(&name),
    ))
}

/// `(exportable reference, Exports scope, output id, export name)`.
fn resolve_exported_value(
    stack: &Stack,
    r: &CrossRef,
) -> Result<(CrossRef, Construct, String, String)> {
    let exportable = get_exportable(stack, r)?;
    let scope = match stack.try_find_child("Exports") {
        Some(c) => c,
        None => Construct::new(stack, "Exports")?,
    };
    let resolved = stack.resolve(&crate::stack::references::token_value(&exportable))?;
    let id = format!(
        "Output{}",
        crate::synthesis::assembly::to_js_json(&resolved, 0)
    );
    let name = generate_export_name(stack, &scope, &id)?;
    Ok((exportable, scope, id, name))
}

/// Locks the target's logical id and brings a reference from a nested stack up into
/// `stack` through nested-stack outputs (CDK's `getExportable`).
fn get_exportable(stack: &Stack, r: &CrossRef) -> Result<CrossRef> {
    crate::template::element::lock_logical_id(&r.target);
    let mut current = Stack::of(&r.target)?;
    if &current != stack && !crate::stack::references::is_nested(&current, stack) {
        return Err(Error::validation(
            stack.path(),
            format!(
                "Referenced resource must be in stack '{}', got '{}'; export it from its own stack",
                stack.path(),
                r.target.path()
            ),
        ));
    }
    if &current != stack && r.list {
        return Err(Error::validation(
            stack.path(),
            format!(
                "cannot export the string list '{}' of a nested stack; join it into a string first",
                r.target.path()
            ),
        ));
    }
    let mut r = r.clone();
    while &current != stack {
        r = crate::stack::references::create_nested_stack_output(&current, &r)?;
        current = Stack::of(&r.target)?;
    }
    Ok(r)
}

fn generate_export_name(stack: &Stack, scope: &Construct, id: &str) -> Result<String> {
    let depth = stack.scopes().len();
    let mut components: Vec<String> = scope
        .scopes()
        .iter()
        .skip(depth)
        .map(|c| c.id().to_string())
        .collect();
    components.push(id.to_string());
    let stack_name = stack.stack_name();
    if Token::is_unresolved(&stack_name) {
        let shown = stack.resolve(&Value::String(stack_name))?;
        return Err(Error::validation(
            stack.path(),
            format!(
                "unresolved token in generated export name: {shown}; export from a top-level stack"
            ),
        ));
    }
    let prefix = format!("{stack_name}:");
    let local = crate::template::uniqueid::make_unique_id(&components)
        .map_err(|e| Error::validation(scope.path(), format!("cannot name the export: {e:?}")))?;
    let cut = (local.len() + prefix.len()).saturating_sub(255);
    Ok(format!("{prefix}{}", &local[cut..]))
}
