//! The typed model of CloudFormation intrinsic functions behind every token.

use std::fmt;
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::Construct;

/// What a `Ref` / `Fn::GetAtt` points at.
#[derive(Clone)]
pub enum RefTarget {
    /// A name rendered verbatim: a pseudo parameter (`AWS::Region`) or a fixed logical id.
    Name(String),
    /// A template element (resource, parameter, condition...); rendered as its logical
    /// id, which is only final at synthesis (renames, overrides).
    Element(Construct),
}

impl fmt::Debug for RefTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefTarget::Name(n) => write!(f, "{n}"),
            RefTarget::Element(c) => write!(f, "<{}>", c.path()),
        }
    }
}

/// A producer of a value at synthesis time (see [`crate::Lazy`]).
pub type LazyProducer = Rc<dyn Fn() -> crate::Result<Value>>;

/// A CloudFormation value that is not a plain literal. Nested `Value`s may themselves
/// contain tokens; they are resolved recursively.
#[derive(Clone)]
pub enum Intrinsic {
    /// `{"Ref": ...}`.
    Ref(RefTarget),
    /// `{"Fn::GetAtt": [logicalId, attribute]}`.
    GetAtt(RefTarget, String),
    /// The logical id of an element, as a plain string.
    LogicalId(Construct),
    /// `{"Fn::Join": [delimiter, values]}` (minimised as CDK does).
    Join(String, Vec<Value>),
    /// `{"Fn::Sub": body}` or `{"Fn::Sub": [body, variables]}`.
    Sub(String, Option<Map<String, Value>>),
    /// `{"Fn::Select": [index, list]}`.
    Select(Value, Value),
    /// `{"Fn::Split": [delimiter, source]}`.
    Split(String, Value),
    /// `{"Fn::GetAZs": region}`.
    GetAzs(Value),
    /// `{"Fn::ImportValue": name}`.
    ImportValue(Value),
    /// `{"Fn::FindInMap": [map, topLevelKey, secondLevelKey]}`.
    FindInMap(Value, Value, Value),
    /// `{"Fn::Base64": value}`.
    Base64(Value),
    /// `{"Fn::Cidr": [ipBlock, count, cidrBits]}`.
    Cidr(Value, Value, Value),
    /// `{"Fn::If": [conditionName, valueIfTrue, valueIfFalse]}`.
    If(Value, Value, Value),
    /// `{"Condition": name}` (a reference to a condition inside a condition expression).
    Condition(RefTarget),
    /// `{"Fn::Equals": [a, b]}`.
    Equals(Value, Value),
    /// `{"Fn::And": [...]}`.
    And(Vec<Value>),
    /// `{"Fn::Or": [...]}`.
    Or(Vec<Value>),
    /// `{"Fn::Not": [condition]}`.
    Not(Value),
    /// `{"Fn::Contains": [list, value]}` (rules).
    Contains(Value, Value),
    /// A value computed at synthesis time.
    Lazy(LazyProducer),
    /// A JSON value embedded as-is (its nested tokens still resolve).
    Json(Value),
    /// The value rendered as JSON text; tokens inside become `Fn::Join` parts
    /// (`Stack::to_json_string`).
    JsonString(Value),
    /// A value that depends on the stack it is resolved in (CDK's contextual
    /// attributes): `inside` when resolved in `stack`'s own template, `outside`
    /// elsewhere — a nested stack's name is `AWS::StackName` inside it and derived
    /// from its `AWS::CloudFormation::Stack` resource in the parent.
    Contextual {
        /// The stack whose own template sees `inside`.
        stack: Construct,
        /// The value inside `stack`.
        inside: Value,
        /// The value anywhere else.
        outside: Value,
    },
}

impl Intrinsic {
    /// Short, human readable marker hint (CDK's token display hint).
    pub(crate) fn hint(&self) -> String {
        match self {
            Intrinsic::Ref(RefTarget::Name(n)) => n.replace("::", "."),
            Intrinsic::Ref(_) => "Ref".into(),
            Intrinsic::GetAtt(..) => "Fn::GetAtt".into(),
            Intrinsic::LogicalId(_) => "LogicalId".into(),
            Intrinsic::Join(..) => "Fn::Join".into(),
            Intrinsic::Sub(..) => "Fn::Sub".into(),
            Intrinsic::Select(..) => "Fn::Select".into(),
            Intrinsic::Split(..) => "Fn::Split".into(),
            Intrinsic::GetAzs(_) => "Fn::GetAZs".into(),
            Intrinsic::ImportValue(_) => "Fn::ImportValue".into(),
            Intrinsic::FindInMap(..) => "Fn::FindInMap".into(),
            Intrinsic::Base64(_) => "Fn::Base64".into(),
            Intrinsic::Cidr(..) => "Fn::Cidr".into(),
            Intrinsic::If(..) => "Fn::If".into(),
            _ => "TOKEN".into(),
        }
    }

    /// Encodes this intrinsic as a string token.
    pub fn into_string(self) -> String {
        crate::Token::as_string(self)
    }

    /// Encodes this intrinsic as a list token.
    pub fn into_list(self) -> Vec<String> {
        crate::Token::as_list(self)
    }
}

impl fmt::Debug for Intrinsic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Intrinsic::Ref(t) => write!(f, "Ref({t:?})"),
            Intrinsic::GetAtt(t, a) => write!(f, "GetAtt({t:?}.{a})"),
            Intrinsic::LogicalId(c) => write!(f, "LogicalId(<{}>)", c.path()),
            Intrinsic::Lazy(_) => write!(f, "Lazy"),
            other => write!(f, "{}", other.hint()),
        }
    }
}
