//! Cross-stack references (CDK's `refs.ts`): a `Ref`/`Fn::GetAtt` of an element used
//! in another stack's template is replaced, per consumer stack, by what deploys:
//!
//! - producer and consumer are top-level stacks of the same account and region: an
//!   `Output` with an `Export` in the producer (name `<stack name>:` + the unique id of
//!   `["Exports", "Output" + compact JSON of the resolved reference]`), an
//!   `Fn::ImportValue` in the consumer, and a manifest dependency consumer → producer;
//!   string lists travel joined with `||` and are split again;
//! - the consumer is nested below the producer: a `String` parameter
//!   `reference-to-<unique id of target><Ref|attribute>` in each nested level, fed by
//!   the level above through the nested stack resource's `Parameters`;
//! - the producer is nested: an output `<unique id of target><Ref|attribute>` in it,
//!   read as `Fn::GetAtt [<nested stack resource>, Outputs.<id>]`, which is then a
//!   reference of the parent (and may travel further);
//! - different accounts or regions: an error naming both stacks and the fix.
//!
//! The references are found by resolving every element once in "collect" mode
//! (before templates are rendered), in tree pre-order, as CDK's prepare phase does.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use crate::construct::Kind;
use crate::resolve::CrossRef;
use crate::token::Token;
use crate::{CfnOutput, CfnOutputProps, CfnParameter, CfnParameterProps, Construct, Error, Fn};
use crate::{Result, Stack};

/// Context key choosing how references cross stacks (CDK 2.276: "strong", "weak",
/// "both"); only "strong" — the CloudFormation export/import — is implemented.
pub const REFERENCE_STRENGTH_CONTEXT: &str = "@aws-cdk/core:defaultCrossStackReferences";

/// CDK's `STRING_LIST_REFERENCE_DELIMITER`.
pub const STRING_LIST_DELIMITER: &str = "||";

/// The replacement of `r` in the template of `consumer`, if the references pass made one.
pub(crate) fn replacement(consumer: &Construct, r: &CrossRef) -> Option<Value> {
    let root = consumer.root_construct();
    match root.kind() {
        Kind::App(state) => state.references.borrow().get(&r.key(consumer)).cloned(),
        _ => None,
    }
}

fn store(consumer: &Construct, r: &CrossRef, value: Value) {
    let root = consumer.root_construct();
    if let Kind::App(state) = root.kind() {
        state.references.borrow_mut().insert(r.key(consumer), value);
    }
}

/// The reference itself as a token value (string, or list token for lists).
pub(crate) fn token_value(r: &CrossRef) -> Value {
    if r.list {
        Value::Array(
            Token::as_list(r.intrinsic())
                .into_iter()
                .map(Value::String)
                .collect(),
        )
    } else {
        Value::String(Token::as_string(r.intrinsic()))
    }
}

/// Finds every cross-stack reference in the tree and makes its replacements.
pub(crate) fn resolve_references(root: &Construct) -> Result<()> {
    let found: Rc<RefCell<Vec<CrossRef>>> = Rc::default();
    let mut consumers = Vec::new();
    for el in root.find_all() {
        let Some(fragment) = crate::template::element::render(&el) else {
            continue;
        };
        let consumer = Stack::of(&el)?;
        let mut ctx = consumer.resolve_context();
        ctx.path = el.path().to_string();
        ctx.keep_nulls = true;
        ctx.collect = Some(found.clone());
        let before = found.borrow().len();
        let mut body = crate::resolve::resolve(&fragment.body, &ctx)?;
        crate::template::element::apply_overrides(&el, &mut body, &ctx)?;
        let after = found.borrow().len();
        consumers.extend(std::iter::repeat_n(consumer, after - before));
    }
    let found = found.borrow().clone();
    for (r, consumer) in found.iter().zip(consumers) {
        if replacement(consumer.construct(), r).is_some() {
            continue;
        }
        let value = resolve_value(&consumer, r)?;
        store(consumer.construct(), r, value);
    }
    Ok(())
}

/// Whether `nested` is (transitively) nested inside `parent`.
pub(crate) fn is_nested(nested: &Stack, parent: &Stack) -> bool {
    match nested.nested_stack_parent() {
        Some(p) if &p == parent => true,
        Some(p) => is_nested(&p, parent),
        None => false,
    }
}

fn env_part(value: String, unknown: &str) -> String {
    if Token::is_unresolved(&value) {
        unknown.to_string()
    } else {
        value
    }
}

fn render_reference(r: &CrossRef) -> String {
    format!("{{{}[{}]}}", r.target.path(), r.display_name())
}

/// What `r` becomes in `consumer` (CDK's `resolveValue`).
fn resolve_value(consumer: &Stack, r: &CrossRef) -> Result<Value> {
    let producer = Stack::of(&r.target)?;
    if &producer == consumer {
        return Ok(token_value(r));
    }
    if producer.root_construct() != consumer.root_construct() {
        return Err(Error::validation(
            consumer.path(),
            format!(
                "cannot reference {} across apps; define producing and consuming stacks in the same App",
                render_reference(r)
            ),
        ));
    }
    if let Some(parent) = consumer.nested_stack_parent()
        && is_nested(consumer, &producer)
    {
        let outer = resolve_value(&parent, r)?;
        return create_nested_stack_parameter(consumer, r, outer);
    }
    if producer.nested() {
        return read_nested_stack_output(consumer, &producer, r);
    }
    check_same_environment(consumer, &producer, r)?;
    check_reference_strength(consumer, &producer, r)?;
    let reason = format!(
        "{} -> {}.{}",
        consumer.path(),
        r.target.path(),
        r.display_name()
    );
    crate::stack::dependencies::dispatch(consumer.construct(), producer.construct(), &reason)?;
    create_import_value(&producer, r)
}

/// `r` of the nested stack `producer`, read by `consumer` through an output of
/// `producer` (a string list travels joined and is split again).
fn read_nested_stack_output(consumer: &Stack, producer: &Stack, r: &CrossRef) -> Result<Value> {
    let output = create_nested_stack_output(producer, r)?;
    let value = resolve_value(consumer, &output)?;
    Ok(match (r.list, value) {
        (true, Value::String(s)) => Value::Array(
            Fn::split(STRING_LIST_DELIMITER, &s)
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        (_, v) => v,
    })
}

/// Exports and imports work within one account and region only.
fn check_same_environment(consumer: &Stack, producer: &Stack, r: &CrossRef) -> Result<()> {
    let (pa, pr) = (
        env_part(producer.account(), "unknown-account"),
        env_part(producer.region(), "unknown-region"),
    );
    let (ca, cr) = (
        env_part(consumer.account(), "unknown-account"),
        env_part(consumer.region(), "unknown-region"),
    );
    if pa != ca || pr != cr {
        return Err(Error::validation(
            consumer.path(),
            format!(
                "Stack \"{}\" cannot reference {} in stack \"{}\": cross-stack references only work between stacks \
                 of the same account and region (consumer aws://{ca}/{cr}, producer aws://{pa}/{pr}). \
                 Fix: deploy both stacks to the same environment, or pass the value another way \
                 (e.g. an SSM parameter written by \"{}\" and read by \"{}\")",
                consumer.path(),
                render_reference(r),
                producer.path(),
                producer.path(),
                consumer.path()
            ),
        ));
    }
    Ok(())
}

/// Only "strong" references (export + `Fn::ImportValue`) are implemented, so the
/// context [`REFERENCE_STRENGTH_CONTEXT`] must be unset or `"strong"`.
fn check_reference_strength(consumer: &Stack, producer: &Stack, r: &CrossRef) -> Result<()> {
    match consumer.try_get_context(REFERENCE_STRENGTH_CONTEXT) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if s == "strong" => Ok(()),
        Some(other) => Err(Error::validation(
            consumer.path(),
            format!(
                "Stack \"{}\" cannot reference {} in stack \"{}\": context {REFERENCE_STRENGTH_CONTEXT} is {other}, \
                 but only \"strong\" references (exports + Fn::ImportValue) are supported; set it to \"strong\" or remove it",
                consumer.path(),
                render_reference(r),
                producer.path()
            ),
        )),
    }
}

fn create_import_value(exporting: &Stack, r: &CrossRef) -> Result<Value> {
    if r.list {
        let list = crate::stack::exports::export_reference_list(exporting, r, None)?;
        Ok(Value::Array(list.into_iter().map(Value::String).collect()))
    } else {
        crate::stack::exports::export_reference(exporting, r, None).map(Value::String)
    }
}

/// A parameter of `nested` fed with `value` by its parent; returns its `Ref`.
fn create_nested_stack_parameter(nested: &Stack, r: &CrossRef, value: Value) -> Result<Value> {
    let Value::String(value) = value else {
        return Err(Error::validation(
            nested.path(),
            format!(
                "cannot pass the string list {} into a nested stack; join it into a string (Fn::join) and split it inside",
                render_reference(r)
            ),
        ));
    };
    let id = format!("reference-to-{}{}", r.target.unique_id(), r.display_name());
    let param = match nested.try_find_child(&id) {
        Some(c) => c,
        None => {
            let p = CfnParameter::new(
                nested,
                &id,
                CfnParameterProps {
                    param_type: Some("String".into()),
                    ..Default::default()
                },
            )?;
            let logical = nested.get_logical_id(&p)?;
            crate::stack::nested::set_parameter(nested, &logical, &value);
            p.construct().clone()
        }
    };
    Ok(Value::String(crate::template::element::ref_token(&param)))
}

/// An output of the nested stack `producer` carrying `r`; returns the parent's
/// reference to it (`Fn::GetAtt [<resource>, Outputs.<id>]`).
pub(crate) fn create_nested_stack_output(producer: &Stack, r: &CrossRef) -> Result<CrossRef> {
    let id = format!("{}{}", r.target.unique_id(), r.display_name());
    let output = match producer.try_find_child(&id) {
        Some(c) => c,
        None => {
            let value = if r.list {
                Fn::join(STRING_LIST_DELIMITER, &Token::as_list(r.intrinsic()))
            } else {
                Token::as_string(r.intrinsic())
            };
            let o = CfnOutput::new(
                producer,
                &id,
                CfnOutputProps {
                    value,
                    ..Default::default()
                },
            )?;
            o.construct().clone()
        }
    };
    let resource = producer.nested_stack_resource().ok_or_else(|| {
        Error::validation(producer.path(), "is not a nested stack (no stack resource)")
    })?;
    let logical = producer.get_logical_id(&output)?;
    Ok(CrossRef {
        target: resource.construct().clone(),
        attribute: Some(format!("Outputs.{logical}")),
        list: false,
    })
}
