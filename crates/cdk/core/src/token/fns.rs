//! CloudFormation intrinsic functions, pseudo parameters and lazy values, returning
//! encoded tokens as AWS CDK's `Fn`, `Aws` and `Lazy` do.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::{Intrinsic, RefTarget, Token};

/// CloudFormation intrinsic functions (CDK's `Fn`). Each returns an encoded token.
pub struct Fn;

fn strings(values: &[String]) -> Vec<Value> {
    values.iter().cloned().map(Value::String).collect()
}

fn list_value(list: &[String]) -> Value {
    Value::Array(strings(list))
}

impl Fn {
    /// `Fn::Join`. All-literal values resolve to the joined string; otherwise a minimal
    /// `Fn::Join` (adjacent literals merged, nested joins with the same delimiter
    /// flattened). An empty list gives `""`.
    pub fn join(delimiter: &str, values: &[String]) -> String {
        if values.is_empty() {
            return String::new();
        }
        Token::as_string(Intrinsic::Join(delimiter.to_string(), strings(values)))
    }

    /// `Fn::Sub` with the template body only.
    pub fn sub(body: &str) -> String {
        Token::as_string(Intrinsic::Sub(body.to_string(), None))
    }

    /// `Fn::Sub` with explicit variables.
    pub fn sub_with(body: &str, variables: Map<String, Value>) -> String {
        Token::as_string(Intrinsic::Sub(body.to_string(), Some(variables)))
    }

    /// `Fn::Select`. Selecting from a fully literal list returns the element directly;
    /// an index out of range of a literal list gives `None`.
    pub fn select(index: usize, list: &[String]) -> Option<String> {
        if !Token::is_unresolved_list(list) {
            return list.get(index).cloned();
        }
        Some(Token::as_string(Intrinsic::Select(
            Value::from(index),
            list_value(list),
        )))
    }

    /// `Fn::Split`. A literal source is split right away (as CDK does).
    pub fn split(delimiter: &str, source: &str) -> Vec<String> {
        if !Token::is_unresolved(source) {
            return source.split(delimiter).map(str::to_string).collect();
        }
        Token::as_list(Intrinsic::Split(
            delimiter.to_string(),
            Value::String(source.into()),
        ))
    }

    /// `Fn::Split` of a token whose length is known: a list of `Fn::Select` tokens
    /// (CDK's `assumedLength`), so elements can be used individually.
    pub fn split_assumed(delimiter: &str, source: &str, assumed_length: usize) -> Vec<String> {
        if !Token::is_unresolved(source) {
            return Self::split(delimiter, source);
        }
        let split = Value::String(source.to_string());
        (0..assumed_length)
            .map(|i| {
                let list = Intrinsic::Split(delimiter.to_string(), split.clone());
                Token::as_string(Intrinsic::Select(
                    Value::from(i),
                    Value::Array(vec![Value::String(Token::as_list(list).remove(0))]),
                ))
            })
            .collect()
    }

    /// `Fn::GetAZs` (an empty region means the stack's region).
    pub fn get_azs(region: &str) -> Vec<String> {
        Token::as_list(Intrinsic::GetAzs(Value::String(region.into())))
    }

    /// `Fn::ImportValue`.
    pub fn import_value(shared_value_to_import: &str) -> String {
        Token::as_string(Intrinsic::ImportValue(Value::String(
            shared_value_to_import.into(),
        )))
    }

    /// `Fn::FindInMap`.
    pub fn find_in_map(map_name: &str, top_level_key: &str, second_level_key: &str) -> String {
        Token::as_string(Intrinsic::FindInMap(
            Value::String(map_name.into()),
            Value::String(top_level_key.into()),
            Value::String(second_level_key.into()),
        ))
    }

    /// `Fn::Base64`.
    pub fn base64(data: &str) -> String {
        Token::as_string(Intrinsic::Base64(Value::String(data.into())))
    }

    /// `Fn::Cidr`.
    pub fn cidr(ip_block: &str, count: u32, size_mask: &str) -> Vec<String> {
        Token::as_list(Intrinsic::Cidr(
            Value::String(ip_block.into()),
            Value::from(count),
            Value::String(size_mask.into()),
        ))
    }

    /// `Fn::If` as a string token (`condition_id` is a condition's logical id, e.g.
    /// `condition.logical_id()`).
    pub fn condition_if(condition_id: &str, value_if_true: Value, value_if_false: Value) -> String {
        Token::as_string(Intrinsic::If(
            Value::String(condition_id.into()),
            value_if_true,
            value_if_false,
        ))
    }

    /// `{"Fn::Equals": [a, b]}` condition expression.
    pub fn condition_equals(lhs: impl Into<Value>, rhs: impl Into<Value>) -> Value {
        Token::as_any(Intrinsic::Equals(lhs.into(), rhs.into()))
    }

    /// `{"Fn::And": [...]}` condition expression.
    pub fn condition_and(conditions: Vec<Value>) -> Value {
        Token::as_any(Intrinsic::And(conditions))
    }

    /// `{"Fn::Or": [...]}` condition expression.
    pub fn condition_or(conditions: Vec<Value>) -> Value {
        Token::as_any(Intrinsic::Or(conditions))
    }

    /// `{"Fn::Not": [condition]}` condition expression.
    pub fn condition_not(condition: Value) -> Value {
        Token::as_any(Intrinsic::Not(condition))
    }

    /// `{"Fn::Contains": [list, value]}` rule expression.
    pub fn condition_contains(list: &[String], value: &str) -> Value {
        Token::as_any(Intrinsic::Contains(
            list_value(list),
            Value::String(value.into()),
        ))
    }

    /// `{"Ref": logicalName}` for a name (parameter, pseudo parameter, resource id).
    pub fn ref_(logical_name: &str) -> String {
        Token::as_string(Intrinsic::Ref(RefTarget::Name(logical_name.into())))
    }

    /// `{"Fn::GetAtt": [logicalName, attribute]}` for a fixed logical name.
    pub fn get_att(logical_name: &str, attribute: &str) -> String {
        Token::as_string(Intrinsic::GetAtt(
            RefTarget::Name(logical_name.into()),
            attribute.into(),
        ))
    }
}

thread_local! {
    static PSEUDO: RefCell<HashMap<&'static str, String>> = RefCell::new(HashMap::new());
}

fn pseudo(name: &'static str) -> String {
    PSEUDO.with(|p| {
        p.borrow_mut()
            .entry(name)
            .or_insert_with(|| Token::as_string(Intrinsic::Ref(RefTarget::Name(name.into()))))
            .clone()
    })
}

/// CloudFormation pseudo parameters as string tokens (CDK's `Aws`).
pub struct Aws;

impl Aws {
    /// `{"Ref": "AWS::AccountId"}`.
    pub fn account_id() -> String {
        pseudo("AWS::AccountId")
    }
    /// `{"Ref": "AWS::Region"}`.
    pub fn region() -> String {
        pseudo("AWS::Region")
    }
    /// `{"Ref": "AWS::Partition"}`.
    pub fn partition() -> String {
        pseudo("AWS::Partition")
    }
    /// `{"Ref": "AWS::URLSuffix"}`.
    pub fn url_suffix() -> String {
        pseudo("AWS::URLSuffix")
    }
    /// `{"Ref": "AWS::StackName"}`.
    pub fn stack_name() -> String {
        pseudo("AWS::StackName")
    }
    /// `{"Ref": "AWS::StackId"}`.
    pub fn stack_id() -> String {
        pseudo("AWS::StackId")
    }
    /// `{"Ref": "AWS::NotificationARNs"}` (a list).
    pub fn notification_arns() -> Vec<String> {
        Token::as_list(Intrinsic::Ref(RefTarget::Name(
            "AWS::NotificationARNs".into(),
        )))
    }
    /// `{"Ref": "AWS::NoValue"}`: removes the property it is assigned to.
    pub fn no_value() -> String {
        pseudo("AWS::NoValue")
    }
}

/// Values produced by a closure at synthesis time (CDK's `Lazy`). The closure runs each
/// time the token is resolved, so it sees everything added to the tree before `synth`.
pub struct Lazy;

impl Lazy {
    /// A string computed at synthesis.
    pub fn string(producer: impl std::ops::Fn() -> String + 'static) -> String {
        Token::as_string(Intrinsic::Lazy(Rc::new(move || {
            Ok(Value::String(producer()))
        })))
    }

    /// A number computed at synthesis.
    pub fn number(producer: impl std::ops::Fn() -> f64 + 'static) -> f64 {
        Token::as_number(Intrinsic::Lazy(Rc::new(move || {
            Ok(Value::from(producer()))
        })))
    }

    /// A list of strings computed at synthesis.
    pub fn list(producer: impl std::ops::Fn() -> Vec<String> + 'static) -> Vec<String> {
        Token::as_list(Intrinsic::Lazy(Rc::new(move || {
            Ok(Value::Array(
                producer().into_iter().map(Value::String).collect(),
            ))
        })))
    }

    /// Any JSON value computed at synthesis (e.g. a policy document rendered from
    /// statements added after the resource was created). `None` removes the property.
    pub fn any(producer: impl std::ops::Fn() -> Value + 'static) -> Value {
        Token::as_any(Intrinsic::Lazy(Rc::new(move || Ok(producer()))))
    }

    /// Like [`Lazy::any`] with a fallible producer; its error aborts synthesis.
    pub fn try_any(producer: impl std::ops::Fn() -> crate::Result<Value> + 'static) -> Value {
        Token::as_any(Intrinsic::Lazy(Rc::new(producer)))
    }
}
