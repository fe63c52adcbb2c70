//! Where a dependency lands (CDK's `dispatchDependencyOperation`).
//!
//! Invariant: a dependency between two constructs is applied at the innermost level
//! that contains both. Each side is described by its chain of containers from the
//! app down: top-level stacks, nested stacks, and (only for the construct itself) a
//! plain construct. Below the shared container, the first differing containers decide:
//! two top-level stacks → a manifest dependency; a nested stack or construct → every
//! resource of the source (a nested stack's `AWS::CloudFormation::Stack` resource)
//! gets `DependsOn` every resource of the target. Depending on an enclosing container
//! is an error.

use crate::{CfnResource, Construct, Error, Result, Stack};

impl Stack {
    /// This stack deploys after `target`; a cycle is an error naming both stacks.
    /// Works across nesting levels as CDK resolves it: between top-level stacks it is
    /// a manifest dependency; between stacks nested in the same parent it becomes
    /// `DependsOn` between their `AWS::CloudFormation::Stack` resources; otherwise it
    /// lands on the top-level (or nested) stacks that contain both (see `stack::dependencies`).
    pub fn add_dependency(&self, target: &Stack, reason: Option<&str>) -> Result<()> {
        let reason = reason
            .map(str::to_string)
            .unwrap_or_else(|| format!("<{}>.addDependency(<{}>)", self.path(), target.path()));
        crate::stack::dependencies::dispatch(self.construct(), target.construct(), &reason)
    }

    /// The manifest-level dependency between two stacks that share no nesting parent.
    pub(crate) fn add_stack_dependency(&self, target: &Stack, reason: &str) -> Result<()> {
        if target == self {
            return Ok(());
        }
        if target.depends_on(self) {
            return Err(Error::validation(
                self.path(),
                format!(
                    "'{}' depends on '{}'. Adding this dependency ({reason}) would create a cyclic reference; remove one of them",
                    target.path(),
                    self.path()
                ),
            ));
        }
        let reason = reason.to_string();
        let mut deps = self.state().dependencies.borrow_mut();
        match deps.iter_mut().find(|(c, _)| c == target.construct()) {
            Some((_, reasons)) => {
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
            None => deps.push((target.construct().clone(), vec![reason])),
        }
        Ok(())
    }

    fn depends_on(&self, other: &Stack) -> bool {
        self.dependencies()
            .iter()
            .any(|d| d == other || d.depends_on(other))
    }

    /// Stacks this stack depends on.
    pub fn dependencies(&self) -> Vec<Stack> {
        self.state()
            .dependencies
            .borrow()
            .iter()
            .filter_map(|(c, _)| Stack::from_construct(c))
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    App,
    Stack,
    NestedStack,
    Construct,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::App => "app",
            Level::Stack => "stack",
            Level::NestedStack => "nested-stack",
            Level::Construct => "construct",
        }
    }
}

fn level_of(c: &Construct) -> Level {
    if c.scope().is_none() {
        Level::App
    } else if let Some(s) = Stack::from_construct(c) {
        if s.nested() {
            Level::NestedStack
        } else {
            Level::Stack
        }
    } else {
        Level::Construct
    }
}

/// `child` may sit directly inside `container` in the chain.
fn contains(container: Level, child: Level) -> bool {
    match child {
        Level::App => false,
        Level::NestedStack => matches!(container, Level::NestedStack | Level::Stack),
        Level::Stack => container == Level::App,
        Level::Construct => true,
    }
}

fn container_path(start: &Construct) -> Vec<(Level, Construct)> {
    let mut ret: Vec<(Level, Construct)> = Vec::new();
    let mut cur = Some(start.clone());
    while let Some(c) = cur {
        let level = level_of(&c);
        let candidate = match level {
            Level::Construct if !ret.is_empty() => None,
            l => Some(l),
        };
        if let Some(l) = candidate
            && ret.last().is_none_or(|(last, _)| contains(l, *last))
        {
            ret.push((l, c.clone()));
        }
        cur = c.scope();
    }
    ret.reverse();
    ret
}

/// Applies "`source` depends on `target`" at the right level.
pub(crate) fn dispatch(source: &Construct, target: &Construct, reason: &str) -> Result<()> {
    if source == target {
        return Ok(());
    }
    let sp = container_path(source);
    let tp = container_path(target);
    let shared = (0..sp.len().min(tp.len()))
        .rev()
        .find(|&i| sp[i].1 == tp[i].1);
    let Some(shared) = shared else {
        return Err(Error::validation(
            source.path(),
            format!(
                "cannot depend on '{}': the two constructs are not in the same app",
                target.path()
            ),
        ));
    };
    if shared == tp.len() - 1 {
        return Err(Error::validation(
            source.path(),
            format!(
                "'{}' cannot depend on parent {} '{}'; depend on a construct inside it instead",
                source.path(),
                tp[shared].0.name(),
                target.path()
            ),
        ));
    }
    if shared >= sp.len() - 1 {
        return Ok(());
    }
    let (s_level, s) = &sp[shared + 1];
    let (t_level, t) = &tp[shared + 1];
    match s_level {
        Level::Stack => {
            if *t_level == Level::Stack
                && let (Some(a), Some(b)) = (Stack::from_construct(s), Stack::from_construct(t))
            {
                a.add_stack_dependency(&b, reason)?;
            }
        }
        Level::NestedStack | Level::Construct => {
            let targets = depending_resources(*t_level, t);
            for a in depending_resources(*s_level, s) {
                for b in &targets {
                    if &a != b {
                        a.push_depends_on(b);
                    }
                }
            }
        }
        Level::App => {}
    }
    Ok(())
}

/// A nested stack's resource, or the resources of a construct's own template (not
/// descending into nested stacks).
fn depending_resources(level: Level, c: &Construct) -> Vec<CfnResource> {
    match level {
        Level::NestedStack => Stack::from_construct(c)
            .and_then(|s| s.nested_stack_resource())
            .into_iter()
            .collect(),
        Level::Construct => {
            let mut out = Vec::new();
            let mut todo = vec![c.clone()];
            while let Some(x) = todo.pop() {
                if let Some(r) = CfnResource::from_construct(&x) {
                    out.push(r);
                }
                let children: Vec<Construct> =
                    x.children().into_iter().filter(|k| !k.is_stack()).collect();
                todo.extend(children.into_iter().rev());
            }
            out
        }
        _ => Vec::new(),
    }
}
