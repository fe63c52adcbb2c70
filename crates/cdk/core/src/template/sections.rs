//! The other template elements: outputs, parameters, conditions, mappings, rules,
//! rendered as CDK renders them (attribute order as in aws-cdk-lib).

use std::ops::Deref;

use serde_json::{Map, Value};

use crate::template::element::{self, CfnElement, ElementBody};
use crate::token::{Intrinsic, RefTarget, Token};
use crate::{Construct, Result};

macro_rules! element_handle {
    ($name:ident) => {
        impl Deref for $name {
            type Target = Construct;
            fn deref(&self) -> &Construct {
                &self.construct
            }
        }
        impl AsRef<Construct> for $name {
            fn as_ref(&self) -> &Construct {
                &self.construct
            }
        }
        impl CfnElement for $name {
            fn element(&self) -> &Construct {
                &self.construct
            }
        }
        impl $name {
            /// The construct of this element.
            pub fn construct(&self) -> &Construct {
                &self.construct
            }
        }
    };
}

fn put(m: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(k.to_string(), v);
    }
}

/// Props of a [`CfnOutput`].
#[derive(Debug, Clone, Default)]
pub struct CfnOutputProps {
    /// The value (may hold tokens).
    pub value: String,
    /// `Description`.
    pub description: Option<String>,
    /// `Export.Name`.
    pub export_name: Option<String>,
    /// `Condition` (a condition's logical id).
    pub condition: Option<crate::CfnCondition>,
}

pub(crate) struct OutputData {
    props: CfnOutputProps,
}

impl OutputData {
    pub(crate) fn render(&self) -> Value {
        let p = &self.props;
        let mut m = Map::new();
        put(
            &mut m,
            "Description",
            p.description.clone().map(Value::String),
        );
        m.insert("Value".into(), Value::String(p.value.clone()));
        put(
            &mut m,
            "Export",
            p.export_name
                .clone()
                .map(|n| serde_json::json!({ "Name": n })),
        );
        put(
            &mut m,
            "Condition",
            p.condition.as_ref().map(|c| Value::String(c.logical_id())),
        );
        Value::Object(m)
    }
}

/// A stack output (CDK's `CfnOutput`).
#[derive(Clone, Debug, PartialEq)]
pub struct CfnOutput {
    construct: Construct,
}
element_handle!(CfnOutput);

impl CfnOutput {
    /// Creates an output in the stack of `scope`.
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        props: CfnOutputProps,
    ) -> Result<CfnOutput> {
        let body = ElementBody::Output(OutputData { props }.into());
        let construct = element::create(scope.as_ref(), id, body, "aws-cdk-lib.CfnOutput")?;
        Ok(CfnOutput { construct })
    }

    fn with<T>(&self, f: impl FnOnce(&mut CfnOutputProps) -> T) -> T {
        match element::element_state(&self.construct).map(|s| &s.body) {
            Some(ElementBody::Output(d)) => f(&mut d.borrow_mut().props),
            _ => unreachable!("CfnOutput wraps an output element"),
        }
    }

    /// The current value.
    pub fn value(&self) -> String {
        self.with(|p| p.value.clone())
    }
    /// Replaces the value.
    pub fn set_value(&self, value: &str) {
        self.with(|p| p.value = value.to_string());
    }
    /// The export name, if any.
    pub fn export_name(&self) -> Option<String> {
        self.with(|p| p.export_name.clone())
    }
    /// `Fn::ImportValue` of this output's export name (`None` without one).
    pub fn import_value(&self) -> Option<String> {
        self.export_name().map(|n| crate::Fn::import_value(&n))
    }
}

/// Props of a [`CfnParameter`] (CloudFormation's parameter attributes).
#[derive(Debug, Clone, Default)]
pub struct CfnParameterProps {
    /// `Type`; `String` when `None`.
    pub param_type: Option<String>,
    /// `Default`.
    pub default: Option<Value>,
    /// `AllowedPattern`.
    pub allowed_pattern: Option<String>,
    /// `AllowedValues`.
    pub allowed_values: Option<Vec<String>>,
    /// `ConstraintDescription`.
    pub constraint_description: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `MaxLength`.
    pub max_length: Option<u32>,
    /// `MaxValue`.
    pub max_value: Option<f64>,
    /// `MinLength`.
    pub min_length: Option<u32>,
    /// `MinValue`.
    pub min_value: Option<f64>,
    /// `NoEcho`.
    pub no_echo: Option<bool>,
}

pub(crate) struct ParameterData {
    props: CfnParameterProps,
}

impl ParameterData {
    pub(crate) fn render(&self) -> Value {
        let p = &self.props;
        let mut m = Map::new();
        m.insert(
            "Type".into(),
            Value::String(p.param_type.clone().unwrap_or_else(|| "String".into())),
        );
        put(&mut m, "Default", p.default.clone());
        put(
            &mut m,
            "AllowedPattern",
            p.allowed_pattern.clone().map(Value::String),
        );
        put(
            &mut m,
            "AllowedValues",
            p.allowed_values
                .clone()
                .map(|v| v.into_iter().map(Value::String).collect()),
        );
        put(
            &mut m,
            "ConstraintDescription",
            p.constraint_description.clone().map(Value::String),
        );
        put(
            &mut m,
            "Description",
            p.description.clone().map(Value::String),
        );
        put(&mut m, "MaxLength", p.max_length.map(Value::from));
        put(&mut m, "MaxValue", p.max_value.map(Value::from));
        put(&mut m, "MinLength", p.min_length.map(Value::from));
        put(&mut m, "MinValue", p.min_value.map(Value::from));
        put(&mut m, "NoEcho", p.no_echo.map(Value::from));
        Value::Object(m)
    }
}

/// A template parameter (CDK's `CfnParameter`).
#[derive(Clone, Debug, PartialEq)]
pub struct CfnParameter {
    construct: Construct,
}
element_handle!(CfnParameter);

impl CfnParameter {
    /// Creates a parameter in the stack of `scope`.
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        props: CfnParameterProps,
    ) -> Result<CfnParameter> {
        let body = ElementBody::Parameter(ParameterData { props }.into());
        let construct = element::create(scope.as_ref(), id, body, "aws-cdk-lib.CfnParameter")?;
        Ok(CfnParameter { construct })
    }
    /// `{"Ref": <param>}` as a string token.
    pub fn value_as_string(&self) -> String {
        element::ref_token(&self.construct)
    }
    /// `{"Ref": <param>}` as a list token (for `List<...>` / `CommaDelimitedList` types).
    pub fn value_as_list(&self) -> Vec<String> {
        Token::as_list(Intrinsic::Ref(RefTarget::Element(self.construct.clone())))
    }
    /// `{"Ref": <param>}` as a number token.
    pub fn value_as_number(&self) -> f64 {
        Token::as_number(Intrinsic::Ref(RefTarget::Element(self.construct.clone())))
    }
}

/// A template condition (CDK's `CfnCondition`); renders nothing without expression.
#[derive(Clone, Debug, PartialEq)]
pub struct CfnCondition {
    construct: Construct,
}
element_handle!(CfnCondition);

impl CfnCondition {
    /// Creates a condition with an expression built with `Fn::condition_*`.
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        expression: Option<Value>,
    ) -> Result<CfnCondition> {
        let body = ElementBody::Condition(expression.into());
        let construct = element::create(scope.as_ref(), id, body, "aws-cdk-lib.CfnCondition")?;
        Ok(CfnCondition { construct })
    }
    /// Sets the expression.
    pub fn set_expression(&self, expression: Value) {
        if let Some(ElementBody::Condition(d)) =
            element::element_state(&self.construct).map(|s| &s.body)
        {
            *d.borrow_mut() = Some(expression);
        }
    }
    /// `{"Condition": <this>}` for use inside other condition expressions.
    pub fn as_condition_ref(&self) -> Value {
        Token::as_any(Intrinsic::Condition(RefTarget::Element(
            self.construct.clone(),
        )))
    }
}

/// A template mapping (CDK's `CfnMapping`): `{topLevelKey: {secondLevelKey: value}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct CfnMapping {
    construct: Construct,
}
element_handle!(CfnMapping);

impl CfnMapping {
    /// The mapping behind a construct, if it is one.
    pub fn from_construct(c: &Construct) -> Option<CfnMapping> {
        match element::element_state(c).map(|s| &s.body) {
            Some(ElementBody::Mapping(_)) => Some(CfnMapping {
                construct: c.clone(),
            }),
            _ => None,
        }
    }

    /// Creates a mapping.
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        mapping: Map<String, Value>,
    ) -> Result<CfnMapping> {
        let body = ElementBody::Mapping(mapping.into());
        let construct = element::create(scope.as_ref(), id, body, "aws-cdk-lib.CfnMapping")?;
        Ok(CfnMapping { construct })
    }
    /// Sets one value.
    pub fn set_value(&self, top_level_key: &str, second_level_key: &str, value: Value) {
        if let Some(ElementBody::Mapping(d)) =
            element::element_state(&self.construct).map(|s| &s.body)
        {
            let mut m = d.borrow_mut();
            let top = m
                .entry(top_level_key.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(o) = top {
                o.insert(second_level_key.to_string(), value);
            }
        }
    }
    /// `Fn::FindInMap` into this mapping.
    pub fn find_in_map(&self, top_level_key: &str, second_level_key: &str) -> String {
        Token::as_string(Intrinsic::FindInMap(
            Token::as_any(Intrinsic::LogicalId(self.construct.clone())),
            Value::String(top_level_key.into()),
            Value::String(second_level_key.into()),
        ))
    }
}

/// One assertion of a [`CfnRule`].
#[derive(Debug, Clone)]
pub struct CfnRuleAssertion {
    /// `Assert`: a rule condition expression.
    pub assert: Value,
    /// `AssertDescription`.
    pub assert_description: String,
}

pub(crate) struct RuleData {
    rule_condition: Option<Value>,
    assertions: Vec<CfnRuleAssertion>,
}

impl RuleData {
    pub(crate) fn render(&self) -> Value {
        let mut m = Map::new();
        put(&mut m, "RuleCondition", self.rule_condition.clone());
        if !self.assertions.is_empty() {
            let a = self
                .assertions
                .iter()
                .map(|a| serde_json::json!({"Assert": a.assert, "AssertDescription": a.assert_description}))
                .collect();
            m.insert("Assertions".into(), Value::Array(a));
        }
        Value::Object(m)
    }
}

/// A template rule (CDK's `CfnRule`).
#[derive(Clone, Debug, PartialEq)]
pub struct CfnRule {
    construct: Construct,
}
element_handle!(CfnRule);

impl CfnRule {
    /// Creates a rule.
    pub fn new(
        scope: &impl AsRef<Construct>,
        id: &str,
        rule_condition: Option<Value>,
        assertions: Vec<CfnRuleAssertion>,
    ) -> Result<CfnRule> {
        let body = ElementBody::Rule(
            RuleData {
                rule_condition,
                assertions,
            }
            .into(),
        );
        let construct = element::create(scope.as_ref(), id, body, "aws-cdk-lib.CfnRule")?;
        Ok(CfnRule { construct })
    }
    /// Adds an assertion.
    pub fn add_assertion(&self, assert: Value, description: &str) {
        if let Some(ElementBody::Rule(d)) = element::element_state(&self.construct).map(|s| &s.body)
        {
            d.borrow_mut().assertions.push(CfnRuleAssertion {
                assert,
                assert_description: description.into(),
            });
        }
    }
}
