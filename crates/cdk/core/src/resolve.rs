//! Resolution: turns token markers inside a JSON value into CloudFormation.
//!
//! Invariants (CDK's `resolve` + `CloudFormationLang`): a string that is exactly one
//! token becomes that token's value; a string mixing literals and tokens becomes the
//! minimal `{"Fn::Join": ["", parts]}` — adjacent literals merged, nested joins with
//! the same delimiter spliced in, a single remaining part returned bare. Object
//! members whose value is `null` are dropped (serde's `None`), keys must resolve to
//! strings. Resolution is repeated until no token is left (lazy values may return
//! tokens), bounded by a depth limit that reports cycles.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::token::encoding::{self, Fragment};
use crate::token::{Intrinsic, RefTarget};
use crate::{Construct, Error, Result};

const MAX_DEPTH: usize = 100;

/// Where a resolution happens: the stack whose template is rendered (for logical ids
/// and the cross-stack check) and a path for error messages.
#[derive(Clone)]
pub(crate) struct ResolveContext {
    /// The stack whose template is rendered (logical ids, the cross-stack check).
    pub stack: Option<Construct>,
    /// Construct path named in error messages.
    pub path: String,
    /// Keep `null` object members (template rendering keeps them until overrides are
    /// merged, so an override lands at the key's position, then strips them).
    pub keep_nulls: bool,
    /// When set, references to elements of other stacks that have no replacement yet
    /// are recorded here (in resolution order) instead of failing: the reference
    /// finding pass of synthesis (CDK's `findAllReferences`).
    pub collect: Option<Rc<RefCell<Vec<CrossRef>>>>,
}

/// A `Ref`/`Fn::GetAtt` of an element as seen from a stack that is not the element's.
#[derive(Clone, Debug)]
pub(crate) struct CrossRef {
    /// The referenced element.
    pub target: Construct,
    /// `None` for `Ref`, the attribute for `Fn::GetAtt`.
    pub attribute: Option<String>,
    /// Whether the reference was used as a list token (a string list attribute).
    pub list: bool,
}

impl CrossRef {
    /// CDK's `displayName`: `Ref` or the attribute name.
    pub fn display_name(&self) -> &str {
        self.attribute.as_deref().unwrap_or("Ref")
    }
    /// The reference as an intrinsic.
    pub fn intrinsic(&self) -> Intrinsic {
        let t = RefTarget::Element(self.target.clone());
        match &self.attribute {
            None => Intrinsic::Ref(t),
            Some(a) => Intrinsic::GetAtt(t, a.clone()),
        }
    }
    /// The key of this reference's replacement for a consumer stack.
    pub fn key(&self, consumer: &Construct) -> RefKey {
        (
            consumer.path().to_string(),
            self.target.path().to_string(),
            self.display_name().to_string(),
            self.list,
        )
    }
}

/// `(consumer stack path, target path, display name, list)`.
pub(crate) type RefKey = (String, String, String, bool);

impl ResolveContext {
    fn err(&self, message: impl Into<String>) -> Error {
        Error::Resolve {
            path: if self.path.is_empty() {
                "<app>".into()
            } else {
                self.path.clone()
            },
            message: message.into(),
        }
    }
}

/// Resolves every token in `value`.
pub(crate) fn resolve(value: &Value, ctx: &ResolveContext) -> Result<Value> {
    resolve_at(value, ctx, 0)
}

fn resolve_at(value: &Value, ctx: &ResolveContext, depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(ctx.err("token resolution is too deep: a lazy value probably refers to itself"));
    }
    match value {
        Value::String(s) => resolve_string(s, ctx, depth),
        Value::Number(n) if n.is_f64() => match n.as_f64().and_then(encoding::decode_number) {
            Some(t) => resolve_token(t, ctx, depth, false),
            None => Ok(value.clone()),
        },
        Value::Array(items) => {
            if let [Value::String(one)] = items.as_slice()
                && let Some(t) = encoding::decode_list_marker(one)
            {
                return resolve_token(t, ctx, depth, true);
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Value::String(s) = item
                    && encoding::decode_list_marker(s).is_some()
                {
                    return Err(ctx.err(format!(
                            "cannot add elements to a list token ({s}); use Fn::join/Fn::split or keep the list token alone"
                        )));
                }
                out.push(resolve_at(item, ctx, depth + 1)?);
            }
            Ok(Value::Array(out))
        }
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                if v.is_null() && !ctx.keep_nulls {
                    continue;
                }
                let key = if encoding::is_unresolved(k) {
                    match resolve_string(k, ctx, depth + 1)? {
                        Value::String(s) => s,
                        other => {
                            return Err(ctx
                                .err(format!("object keys must resolve to strings, got {other}")));
                        }
                    }
                } else {
                    k.clone()
                };
                let v = resolve_at(v, ctx, depth + 1)?;
                if !v.is_null() || ctx.keep_nulls {
                    out.insert(key, v);
                }
            }
            Ok(Value::Object(out))
        }
        _ => Ok(value.clone()),
    }
}

fn resolve_string(s: &str, ctx: &ResolveContext, depth: usize) -> Result<Value> {
    if !encoding::is_unresolved(s) {
        return Ok(Value::String(s.to_string()));
    }
    if let Some(t) = encoding::decode_list_marker(s) {
        return resolve_token(t, ctx, depth, true);
    }
    let fragments = encoding::split_string(s);
    if let [Fragment::Token(t)] = fragments.as_slice() {
        return resolve_token(*t, ctx, depth, false);
    }
    let mut parts = Vec::with_capacity(fragments.len());
    for f in fragments {
        parts.push(match f {
            Fragment::Literal(l) => Value::String(l.to_string()),
            Fragment::Token(t) => resolve_token(t, ctx, depth, false)?,
        });
    }
    Ok(join_value("", minimal_join("", parts)))
}

/// Removes `null` object members everywhere (serde's `None`).
pub(crate) fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// A join result: one part bare, otherwise `Fn::Join`.
fn join_value(delimiter: &str, mut parts: Vec<Value>) -> Value {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    serde_json::json!({ "Fn::Join": [delimiter, parts] })
}

/// CDK's `minimalCloudFormationJoin`: splice nested joins with the same delimiter,
/// merge adjacent literal strings.
pub(crate) fn minimal_join(delimiter: &str, mut values: Vec<Value>) -> Vec<Value> {
    let mut i = 0;
    while i < values.len() {
        if let Some(inner) = splicable_join(&values[i], delimiter) {
            values.splice(i..=i, inner);
        } else if i > 0 && values[i - 1].is_string() && values[i].is_string() {
            let cur = values.remove(i);
            if let (Value::String(prev), Value::String(cur)) = (&mut values[i - 1], cur) {
                prev.push_str(delimiter);
                prev.push_str(&cur);
            }
        } else {
            i += 1;
        }
    }
    values
}

fn splicable_join(v: &Value, delimiter: &str) -> Option<Vec<Value>> {
    let obj = v.as_object()?;
    if obj.len() != 1 {
        return None;
    }
    let args = obj.get("Fn::Join")?.as_array()?;
    match args.as_slice() {
        [Value::String(d), Value::Array(items)] if d == delimiter => Some(items.clone()),
        _ => None,
    }
}

fn resolve_token(t: usize, ctx: &ResolveContext, depth: usize, list: bool) -> Result<Value> {
    let Some(intrinsic) = encoding::lookup(t) else {
        return Err(ctx.err(format!(
            "unknown token #{t}: tokens are per thread; create and synthesize a construct tree on one thread"
        )));
    };
    if let Some(v) = cross_stack(&intrinsic, ctx, depth, list)? {
        return Ok(v);
    }
    resolve_intrinsic(&intrinsic, ctx, depth + 1)
}

/// A `Ref`/`Fn::GetAtt` of an element in another stack: its replacement for this
/// stack (an import, a nested-stack parameter or output) once the references pass of
/// synthesis made one; recorded when collecting; otherwise `None` (the logical id
/// lookup then reports the reference).
fn cross_stack(
    intrinsic: &Intrinsic,
    ctx: &ResolveContext,
    depth: usize,
    list: bool,
) -> Result<Option<Value>> {
    let (target, attribute) = match intrinsic {
        Intrinsic::Ref(RefTarget::Element(c)) => (c, None),
        Intrinsic::GetAtt(RefTarget::Element(c), a) => (c, Some(a.clone())),
        _ => return Ok(None),
    };
    let Some(current) = &ctx.stack else {
        return Ok(None);
    };
    let producer = crate::Stack::of(target)?;
    if producer.construct() == current {
        return Ok(None);
    }
    let r = CrossRef {
        target: target.clone(),
        attribute,
        list,
    };
    if let Some(replacement) = crate::stack::references::replacement(current, &r) {
        return resolve_at(&replacement, ctx, depth + 1).map(Some);
    }
    if let Some(collect) = &ctx.collect {
        collect.borrow_mut().push(r);
        return Ok(Some(Value::String(String::new())));
    }
    Err(ctx.err(format!(
        "stack '{}' uses {{{}[{}]}} of stack '{}', which only becomes a value of this stack \
         during App::synth (an import, or a nested-stack parameter/output); read the \
         synthesized template instead of resolving it earlier",
        current.path(),
        r.target.path(),
        r.display_name(),
        producer.path()
    )))
}

fn logical_id(target: &Construct, ctx: &ResolveContext) -> Result<String> {
    let stack = crate::Stack::of(target)?;
    if let Some(current) = &ctx.stack
        && current != stack.construct()
    {
        return Err(ctx.err(format!(
            "stack '{}' cannot reference '{}' in stack '{}' here: only Ref/Fn::GetAtt values of \
             resources, parameters and outputs can cross stacks (they become exports/imports or \
             nested-stack parameters/outputs); DependsOn, conditions and logical ids cannot — \
             use Stack::add_dependency, or move the element into the same stack",
            current.path(),
            target.path(),
            stack.construct().path()
        )));
    }
    stack.get_logical_id(target)
}

fn target_name(t: &RefTarget, ctx: &ResolveContext) -> Result<String> {
    match t {
        RefTarget::Name(n) => Ok(n.clone()),
        RefTarget::Element(c) => logical_id(c, ctx),
    }
}

fn r(v: &Value, ctx: &ResolveContext, depth: usize) -> Result<Value> {
    resolve_at(v, ctx, depth + 1)
}

fn fn1(name: &str, arg: Value) -> Value {
    let mut m = Map::new();
    m.insert(name.to_string(), arg);
    Value::Object(m)
}

fn resolve_intrinsic(i: &Intrinsic, ctx: &ResolveContext, d: usize) -> Result<Value> {
    Ok(match i {
        Intrinsic::Ref(t) => fn1("Ref", Value::String(target_name(t, ctx)?)),
        Intrinsic::GetAtt(t, attr) => fn1(
            "Fn::GetAtt",
            Value::Array(vec![
                Value::String(target_name(t, ctx)?),
                Value::String(attr.clone()),
            ]),
        ),
        Intrinsic::LogicalId(c) => Value::String(logical_id(c, ctx)?),
        Intrinsic::Join(delimiter, values) => {
            let resolved = r(&Value::Array(values.clone()), ctx, d)?;
            match resolved {
                Value::Array(items) => join_value(delimiter, minimal_join(delimiter, items)),
                list_token => fn1(
                    "Fn::Join",
                    Value::Array(vec![Value::String(delimiter.clone()), list_token]),
                ),
            }
        }
        Intrinsic::Sub(body, vars) => {
            let body = r(&Value::String(body.clone()), ctx, d)?;
            match vars {
                Some(v) if !v.is_empty() => fn1(
                    "Fn::Sub",
                    Value::Array(vec![body, r(&Value::Object(v.clone()), ctx, d)?]),
                ),
                _ => fn1("Fn::Sub", body),
            }
        }
        Intrinsic::Select(index, list) => fn1(
            "Fn::Select",
            Value::Array(vec![r(index, ctx, d)?, r(list, ctx, d)?]),
        ),
        Intrinsic::Split(delim, source) => fn1(
            "Fn::Split",
            Value::Array(vec![Value::String(delim.clone()), r(source, ctx, d)?]),
        ),
        Intrinsic::GetAzs(region) => fn1("Fn::GetAZs", r(region, ctx, d)?),
        Intrinsic::ImportValue(v) => fn1("Fn::ImportValue", r(v, ctx, d)?),
        Intrinsic::FindInMap(a, b, c) => fn1(
            "Fn::FindInMap",
            Value::Array(vec![r(a, ctx, d)?, r(b, ctx, d)?, r(c, ctx, d)?]),
        ),
        Intrinsic::Base64(v) => fn1("Fn::Base64", r(v, ctx, d)?),
        Intrinsic::Cidr(a, b, c) => fn1(
            "Fn::Cidr",
            Value::Array(vec![r(a, ctx, d)?, r(b, ctx, d)?, r(c, ctx, d)?]),
        ),
        Intrinsic::If(c, t, f) => fn1(
            "Fn::If",
            Value::Array(vec![r(c, ctx, d)?, r(t, ctx, d)?, r(f, ctx, d)?]),
        ),
        Intrinsic::Condition(t) => fn1("Condition", Value::String(target_name(t, ctx)?)),
        Intrinsic::Equals(a, b) => fn1(
            "Fn::Equals",
            Value::Array(vec![r(a, ctx, d)?, r(b, ctx, d)?]),
        ),
        Intrinsic::And(v) => fn1("Fn::And", r(&Value::Array(v.clone()), ctx, d)?),
        Intrinsic::Or(v) => fn1("Fn::Or", r(&Value::Array(v.clone()), ctx, d)?),
        Intrinsic::Not(v) => fn1("Fn::Not", Value::Array(vec![r(v, ctx, d)?])),
        Intrinsic::Contains(l, v) => fn1(
            "Fn::Contains",
            Value::Array(vec![r(l, ctx, d)?, r(v, ctx, d)?]),
        ),
        Intrinsic::Lazy(producer) => {
            let produced = producer()?;
            r(&produced, ctx, d)?
        }
        Intrinsic::Json(v) => r(v, ctx, d)?,
        Intrinsic::Contextual {
            stack,
            inside,
            outside,
        } => {
            if ctx.stack.as_ref() == Some(stack) {
                r(inside, ctx, d)?
            } else {
                r(outside, ctx, d)?
            }
        }
        Intrinsic::JsonString(v) => {
            let resolved = r(v, ctx, d)?;
            let mut parts = Vec::new();
            let mut rest = String::new();
            json_parts(&resolved, &mut parts, &mut rest);
            if !rest.is_empty() || parts.is_empty() {
                parts.push(Value::String(rest));
            }
            join_value("", minimal_join("", parts))
        }
    })
}

fn is_intrinsic(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.len() == 1 && o.keys().all(|k| k == "Ref" || k.starts_with("Fn::")))
}

fn escape_inner(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_string()
}

/// Renders resolved JSON as text parts: literal text, or intrinsics standing for a
/// string (CDK's `CloudFormationLang.toJSON`: a token in a value position is a quoted
/// string; a `Fn::Join ""` is spliced inside one pair of quotes).
fn json_parts(v: &Value, parts: &mut Vec<Value>, buf: &mut String) {
    fn flush(parts: &mut Vec<Value>, buf: &mut String) {
        // literal text so far becomes one part
        if !buf.is_empty() {
            parts.push(Value::String(std::mem::take(buf)));
        }
    }
    match v {
        Value::Object(o) if is_intrinsic(v) => {
            buf.push('"');
            if let Some(items) = splicable_join(v, "") {
                for item in items {
                    match item {
                        Value::String(s) => buf.push_str(&escape_inner(&s)),
                        other => {
                            flush(parts, buf);
                            parts.push(other);
                        }
                    }
                }
            } else {
                flush(parts, buf);
                parts.push(Value::Object(o.clone()));
            }
            buf.push('"');
        }
        Value::Object(o) => {
            buf.push('{');
            for (i, (k, val)) in o.iter().enumerate() {
                if i > 0 {
                    buf.push(',');
                }
                buf.push_str(&serde_json::to_string(k).unwrap_or_default());
                buf.push(':');
                json_parts(val, parts, buf);
            }
            buf.push('}');
        }
        Value::Array(a) => {
            buf.push('[');
            for (i, val) in a.iter().enumerate() {
                if i > 0 {
                    buf.push(',');
                }
                json_parts(val, parts, buf);
            }
            buf.push(']');
        }
        other => buf.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests;
