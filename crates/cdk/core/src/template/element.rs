//! Template elements: what every resource, output, parameter, condition, mapping and
//! rule shares — a logical id allocated by its stack (overridable), and a rendering
//! into one template section.

use std::cell::RefCell;

use serde_json::{Map, Value};

use crate::construct::Kind;
use crate::template::resource::ResourceData;
use crate::template::sections::{OutputData, ParameterData, RuleData};
use crate::token::{Intrinsic, RefTarget, Token};
use crate::{Construct, Error, Result};

pub(crate) enum ElementBody {
    Resource(Box<RefCell<ResourceData>>),
    Output(RefCell<OutputData>),
    Parameter(RefCell<ParameterData>),
    Condition(RefCell<Option<Value>>),
    Mapping(RefCell<Map<String, Value>>),
    Rule(RefCell<RuleData>),
}

pub(crate) struct ElementState {
    pub(crate) logical_id_override: RefCell<Option<String>>,
    /// Set when the element is exported (`Stack::export_value`): its logical id is
    /// part of an export name other stacks import, so it may no longer change.
    pub(crate) logical_id_locked: std::cell::Cell<bool>,
    pub(crate) body: ElementBody,
}

impl ElementState {
    pub(crate) fn kind(body: ElementBody) -> Kind {
        Kind::Element(Box::new(ElementState {
            logical_id_override: RefCell::new(None),
            logical_id_locked: std::cell::Cell::new(false),
            body,
        }))
    }
}

pub(crate) fn element_state(c: &Construct) -> Option<&ElementState> {
    match c.kind() {
        Kind::Element(e) => Some(e),
        _ => None,
    }
}

/// Creates an element under `scope`, checking it is inside a stack.
pub(crate) fn create(
    scope: &Construct,
    id: &str,
    body: ElementBody,
    fqn: &str,
) -> Result<Construct> {
    crate::Stack::of(scope)?;
    let c = Construct::with_kind(scope, id, ElementState::kind(body), fqn)?;
    c.add_metadata(
        "aws:cdk:logicalId",
        Token::as_any(Intrinsic::LogicalId(c.clone())),
    );
    Ok(c)
}

/// Operations shared by all template elements (CDK's `CfnElement`).
pub trait CfnElement {
    /// The construct of this element.
    fn element(&self) -> &Construct;

    /// The logical id as a string token (final value known at synthesis).
    fn logical_id(&self) -> String {
        Token::as_string(Intrinsic::LogicalId(self.element().clone()))
    }

    /// Forces the logical id (CDK's `overrideLogicalId`). Must be alphanumeric.
    fn override_logical_id(&self, new_logical_id: &str) -> Result<()> {
        validate_logical_id(self.element().path(), new_logical_id)?;
        if let Some(state) = element_state(self.element()) {
            if state.logical_id_locked.get() {
                return Err(Error::validation(
                    self.element().path(),
                    format!(
                        "The logicalId for resource at path {} has been locked and cannot be overridden. \
                         Make sure you are calling \"override_logical_id\" before Stack::export_value \
                         (or before another stack references it)",
                        self.element().path()
                    ),
                ));
            }
            *state.logical_id_override.borrow_mut() = Some(new_logical_id.to_string());
        }
        Ok(())
    }

    /// The stack this element belongs to (an error only if the app was dropped).
    fn stack(&self) -> Result<crate::Stack> {
        crate::Stack::of(self.element())
    }
}

/// Locks the logical id of an element (no-op for other constructs).
pub(crate) fn lock_logical_id(c: &Construct) {
    if let Some(state) = element_state(c) {
        state.logical_id_locked.set(true);
    }
}

pub(crate) fn logical_id_override(c: &Construct) -> Option<String> {
    element_state(c).and_then(|s| s.logical_id_override.borrow().clone())
}

/// CDK's logical id rule (`/^[A-Za-z0-9]{1,255}$/`), checked for every final id.
pub(crate) fn validate_logical_id(path: &str, id: &str) -> Result<()> {
    if !id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(());
    }
    Err(Error::validation(
        path,
        format!(
            "Logical ID must adhere to the regular expression: /^[A-Za-z0-9]{{1,255}}$/, got '{id}'; \
             use only letters and digits"
        ),
    ))
}

/// `{"Ref": <element>}` as a string token.
pub(crate) fn ref_token(c: &Construct) -> String {
    Token::as_string(Intrinsic::Ref(RefTarget::Element(c.clone())))
}

/// One element's contribution to the template: `(section, logical id, body)`.
pub(crate) struct Fragment {
    /// Template section (`Resources`, `Outputs`, ...).
    pub section: &'static str,
    /// The element as the section holds it, tokens unresolved.
    pub body: Value,
}

/// The unresolved fragment of an element (`None` when it renders nothing, e.g. a
/// condition without expression).
pub(crate) fn render(c: &Construct) -> Option<Fragment> {
    let state = element_state(c)?;
    let (section, body) = match &state.body {
        ElementBody::Resource(d) => ("Resources", d.borrow().render(c)),
        ElementBody::Output(d) => ("Outputs", d.borrow().render()),
        ElementBody::Parameter(d) => ("Parameters", d.borrow().render()),
        ElementBody::Condition(d) => ("Conditions", d.borrow().clone()?),
        ElementBody::Mapping(d) => ("Mappings", Value::Object(d.borrow().clone())),
        ElementBody::Rule(d) => ("Rules", d.borrow().render()),
    };
    Some(Fragment { section, body })
}

/// Applies the raw overrides of a resource after resolution.
pub(crate) fn apply_overrides(
    c: &Construct,
    body: &mut Value,
    ctx: &crate::resolve::ResolveContext,
) -> Result<()> {
    if let Some(ElementBody::Resource(d)) = element_state(c).map(|s| &s.body) {
        let overrides = d.borrow().overrides.clone();
        for (path, value) in overrides {
            let value = match value {
                Some(v) => Some(crate::resolve::resolve(&v, ctx)?),
                None => None,
            };
            crate::template::resource::apply_override(body, &path, value);
        }
    }
    Ok(())
}
