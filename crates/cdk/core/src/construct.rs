//! The construct tree: ids, paths, ordered children, metadata, construct-level
//! dependencies, context and preparation hooks.
//!
//! Invariants: an id is non-empty (except the root's), contains no `/` and is unique
//! among its siblings; a path is the ids from below the root joined by `/` (the root's
//! path is `""`), so a path names exactly one construct and never changes.

use std::cell::RefCell;
use std::fmt;
use std::rc::{Rc, Weak};

use serde_json::{Map, Value};

use crate::app::AppState;
use crate::stack::StackState;
use crate::template::element::ElementState;
use crate::{Error, Result};

/// A metadata entry attached to a construct (goes to the assembly's metadata).
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataEntry {
    /// Entry type, e.g. `aws:cdk:logicalId` or your own key.
    pub kind: String,
    /// Entry data.
    pub data: Value,
}

type Hook = Rc<dyn std::ops::Fn() -> Result<()>>;
type Validation = Rc<dyn std::ops::Fn() -> Vec<String>>;

/// What a node is; fixed at creation.
pub(crate) enum Kind {
    App(AppState),
    Stack(Box<StackState>),
    Element(Box<ElementState>),
    Plain,
}

pub(crate) struct Node {
    id: String,
    path: String,
    parent: Option<Weak<Node>>,
    children: RefCell<Vec<Construct>>,
    metadata: RefCell<Vec<MetadataEntry>>,
    dependencies: RefCell<Vec<Construct>>,
    context: RefCell<Map<String, Value>>,
    prepare_hooks: RefCell<Vec<Hook>>,
    validations: RefCell<Vec<Validation>>,
    fqn: RefCell<String>,
    tree_attributes: RefCell<Map<String, Value>>,
    pub(crate) kind: Kind,
}

/// A cheap-to-clone handle to a node of the construct tree (CDK's `Construct` + `node`).
/// Equality is identity.
#[derive(Clone)]
pub struct Construct(pub(crate) Rc<Node>);

impl PartialEq for Construct {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for Construct {}

impl fmt::Debug for Construct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Construct({:?})", self.path())
    }
}

/// The path, as the constructs library's `toString()` (`<root>` for the app).
impl fmt::Display for Construct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.path().is_empty() {
            "<root>"
        } else {
            self.path()
        })
    }
}

impl AsRef<Construct> for Construct {
    fn as_ref(&self) -> &Construct {
        self
    }
}

impl Construct {
    /// A plain construct (a grouping scope, or the base of an L2) under `scope`.
    pub fn new(scope: &impl AsRef<Construct>, id: &str) -> Result<Construct> {
        Self::with_kind(scope.as_ref(), id, Kind::Plain, "constructs.Construct")
    }

    pub(crate) fn root(kind: Kind, fqn: &str) -> Construct {
        Construct(Rc::new(Node {
            id: String::new(),
            path: String::new(),
            parent: None,
            children: RefCell::default(),
            metadata: RefCell::default(),
            dependencies: RefCell::default(),
            context: RefCell::default(),
            prepare_hooks: RefCell::default(),
            validations: RefCell::default(),
            fqn: RefCell::new(fqn.into()),
            tree_attributes: RefCell::default(),
            kind,
        }))
    }

    pub(crate) fn with_kind(
        scope: &Construct,
        id: &str,
        kind: Kind,
        fqn: &str,
    ) -> Result<Construct> {
        let invalid = |reason: &str| Error::InvalidId {
            parent: scope.to_string(),
            id: id.to_string(),
            reason: reason.to_string(),
        };
        if id.is_empty() {
            return Err(invalid(
                "only the root may have an empty id; give the construct a name",
            ));
        }
        if id.contains('/') {
            return Err(invalid(
                "ids may not contain '/' (it separates path components); use '-' instead",
            ));
        }
        if scope.try_find_child(id).is_some() {
            return Err(invalid(
                "there is already a construct with this id in this scope; choose a unique id",
            ));
        }
        let path = if scope.path().is_empty() {
            id.to_string()
        } else {
            format!("{}/{id}", scope.path())
        };
        let child = Construct(Rc::new(Node {
            id: id.to_string(),
            path,
            parent: Some(Rc::downgrade(&scope.0)),
            children: RefCell::default(),
            metadata: RefCell::default(),
            dependencies: RefCell::default(),
            context: RefCell::default(),
            prepare_hooks: RefCell::default(),
            validations: RefCell::default(),
            fqn: RefCell::new(fqn.into()),
            tree_attributes: RefCell::default(),
            kind,
        }));
        scope.0.children.borrow_mut().push(child.clone());
        Ok(child)
    }

    pub(crate) fn kind(&self) -> &Kind {
        &self.0.kind
    }

    /// The id of this construct within its scope (`""` for the app).
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// The path from the root: ids joined by `/` (`""` for the app).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// The parent, or `None` for the root.
    pub fn scope(&self) -> Option<Construct> {
        self.0
            .parent
            .as_ref()
            .and_then(Weak::upgrade)
            .map(Construct)
    }

    /// All scopes from the root down to and including this construct.
    pub fn scopes(&self) -> Vec<Construct> {
        let mut out = vec![self.clone()];
        let mut cur = self.scope();
        while let Some(c) = cur {
            cur = c.scope();
            out.push(c);
        }
        out.reverse();
        out
    }

    /// The root of the tree (normally the app).
    pub fn root_construct(&self) -> Construct {
        self.scopes().swap_remove(0)
    }

    /// Direct children, in creation order.
    pub fn children(&self) -> Vec<Construct> {
        self.0.children.borrow().clone()
    }

    /// The direct child with this id.
    pub fn try_find_child(&self, id: &str) -> Option<Construct> {
        self.0
            .children
            .borrow()
            .iter()
            .find(|c| c.id() == id)
            .cloned()
    }

    /// This construct and all below it, depth-first pre-order (CDK's `findAll()`).
    pub fn find_all(&self) -> Vec<Construct> {
        let mut out = Vec::new();
        let mut stack = vec![self.clone()];
        while let Some(c) = stack.pop() {
            let children = c.children();
            out.push(c);
            stack.extend(children.into_iter().rev());
        }
        out
    }

    /// Adds a metadata entry (recorded in the cloud assembly under this path).
    pub fn add_metadata(&self, kind: &str, data: impl Into<Value>) {
        self.0.metadata.borrow_mut().push(MetadataEntry {
            kind: kind.to_string(),
            data: data.into(),
        });
    }

    /// Metadata entries added so far.
    pub fn metadata(&self) -> Vec<MetadataEntry> {
        self.0.metadata.borrow().clone()
    }

    /// Declares that this construct depends on `other`: at synthesis every resource
    /// below this one gets `DependsOn` every resource below `other` (same stack), or
    /// the stacks get a dependency (different stacks), as CDK does.
    pub fn add_dependency(&self, other: &impl AsRef<Construct>) {
        let other = other.as_ref();
        let mut deps = self.0.dependencies.borrow_mut();
        if !deps.contains(other) {
            deps.push(other.clone());
        }
    }

    /// Construct-level dependencies added with [`Construct::add_dependency`].
    pub fn dependencies(&self) -> Vec<Construct> {
        self.0.dependencies.borrow().clone()
    }

    /// Sets a context value visible to this construct and everything below it.
    /// As in CDK, this must happen before children are added.
    pub fn set_context(&self, key: &str, value: impl Into<Value>) -> Result<()> {
        if !self.0.children.borrow().is_empty() {
            let names: Vec<String> = self.children().iter().map(|c| c.id().to_string()).collect();
            return Err(Error::validation(
                self.path(),
                format!(
                    "cannot set context {key:?} after children have been added ({}); set it before creating them",
                    names.join(",")
                ),
            ));
        }
        self.0
            .context
            .borrow_mut()
            .insert(key.to_string(), value.into());
        Ok(())
    }

    pub(crate) fn set_context_unchecked(&self, key: &str, value: Value) {
        self.0.context.borrow_mut().insert(key.to_string(), value);
    }

    /// The context value for `key` from this construct or the nearest scope above that
    /// has it (app context comes from `AppProps::context` / `CDK_CONTEXT_JSON`).
    pub fn try_get_context(&self, key: &str) -> Option<Value> {
        let mut cur = Some(self.clone());
        while let Some(c) = cur {
            if let Some(v) = c.0.context.borrow().get(key) {
                return Some(v.clone());
            }
            cur = c.scope();
        }
        None
    }

    /// CDK's `node.uniqueId`: `makeUniqueId` of all path components (`""` for the root).
    pub fn unique_id(&self) -> String {
        let comps: Vec<&str> = if self.path().is_empty() {
            vec![]
        } else {
            self.path().split('/').collect()
        };
        crate::template::uniqueid::make_unique_id(&comps).unwrap_or_default()
    }

    /// Registers a hook run at synthesis before templates are rendered (CDK's prepare
    /// phase). Hooks run in tree pre-order (parents before children, then creation
    /// order); a hook may change properties, logical ids or add constructs.
    pub fn add_prepare_hook(&self, hook: impl std::ops::Fn() -> Result<()> + 'static) {
        self.0.prepare_hooks.borrow_mut().push(Rc::new(hook));
    }

    pub(crate) fn prepare_hooks(&self) -> Vec<Hook> {
        self.0.prepare_hooks.borrow().clone()
    }

    /// Registers a validation run at synthesis; each returned message fails synthesis.
    pub fn add_validation(&self, validate: impl std::ops::Fn() -> Vec<String> + 'static) {
        self.0.validations.borrow_mut().push(Rc::new(validate));
    }

    /// Runs this construct's validations.
    pub fn validate(&self) -> Vec<String> {
        let v = self.0.validations.borrow().clone();
        v.iter().flat_map(|f| f()).collect()
    }

    /// Sets the fully qualified type name shown in `tree.json` (e.g.
    /// `aws-cdk-lib.aws_s3.Bucket` for an L2).
    pub fn set_construct_info(&self, fqn: &str) {
        *self.0.fqn.borrow_mut() = fqn.to_string();
    }

    /// Adds an attribute shown in `tree.json` (CDK's `inspect`; L1s record
    /// `aws:cdk:cloudformation:type` / `:props` there). Tokens are resolved.
    pub fn add_tree_attribute(&self, key: &str, value: Value) {
        self.0
            .tree_attributes
            .borrow_mut()
            .insert(key.to_string(), value);
    }

    /// Attributes added with [`Construct::add_tree_attribute`].
    pub fn tree_attributes(&self) -> Map<String, Value> {
        self.0.tree_attributes.borrow().clone()
    }

    /// The type name recorded in `tree.json`.
    pub fn construct_info(&self) -> String {
        self.0.fqn.borrow().clone()
    }

    /// Whether this is a [`crate::Stack`].
    pub fn is_stack(&self) -> bool {
        matches!(self.0.kind, Kind::Stack(_))
    }

    /// Whether this is a template element (resource, output, parameter, ...).
    pub fn is_cfn_element(&self) -> bool {
        matches!(self.0.kind, Kind::Element(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> Construct {
        Construct::root(Kind::Plain, "test")
    }

    #[test]
    fn paths_children_and_scopes() {
        let r = root();
        let a = Construct::new(&r, "A").unwrap();
        let b = Construct::new(&a, "B").unwrap();
        let c = Construct::new(&a, "C").unwrap();
        assert_eq!(b.path(), "A/B");
        assert_eq!(a.children(), vec![b.clone(), c.clone()]);
        assert_eq!(b.scope(), Some(a.clone()));
        assert_eq!(
            r.find_all(),
            vec![r.clone(), a.clone(), b.clone(), c.clone()]
        );
        assert_eq!(c.scopes(), vec![r.clone(), a, c]);
    }

    #[test]
    fn ids_are_validated_with_the_parent_path() {
        let r = root();
        let a = Construct::new(&r, "A").unwrap();
        let err = Construct::new(&a, "x/y").unwrap_err().to_string();
        assert!(err.contains("'A'") && err.contains("'/'"), "{err}");
        Construct::new(&a, "B").unwrap();
        let err = Construct::new(&a, "B").unwrap_err().to_string();
        assert!(err.contains("already"), "{err}");
        assert!(Construct::new(&a, "").is_err());
    }

    #[test]
    fn context_is_inherited_and_locked_after_children() {
        let r = root();
        r.set_context("k", "root").unwrap();
        let a = Construct::new(&r, "A").unwrap();
        a.set_context("j", 1).unwrap();
        let b = Construct::new(&a, "B").unwrap();
        assert_eq!(b.try_get_context("k"), Some(Value::from("root")));
        assert_eq!(b.try_get_context("j"), Some(Value::from(1)));
        assert_eq!(b.try_get_context("nope"), None);
        assert!(a.set_context("late", 1).is_err());
    }

    #[test]
    fn unique_id_uses_make_unique_id() {
        let r = root();
        let s = Construct::new(&r, "MyStack").unwrap();
        let b = Construct::new(&s, "MyBucket").unwrap();
        let res = Construct::new(&b, "Resource").unwrap();
        assert_eq!(
            res.unique_id(),
            crate::template::uniqueid::make_unique_id(&["MyStack", "MyBucket", "Resource"])
                .unwrap()
        );
    }
}
