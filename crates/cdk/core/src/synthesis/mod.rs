//! Synthesis: prepare the tree, render each stack's template, write the assembly.
//!
//! Order (as CDK): prepare hooks (tree pre-order, repeated for constructs they add) →
//! construct dependencies become `DependsOn`/stack dependencies → the synthesizer adds
//! `BootstrapVersion`/`CheckBootstrapVersion` → validations → templates → files.
//!
//! - [`synthesizer`](crate::synthesizer): per-stack bootstrap conventions and file
//!   assets ([`StackSynthesizer`](crate::StackSynthesizer) and its kinds).
//! - [`assets`](crate::assets): asset fingerprints, staging and deterministic zips.
//! - `assembly`: the cloud assembly writer ([`CloudAssembly`]: nested templates,
//!   tree, manifest); `stack_artifact`: one stack's part (template, staged assets and
//!   asset manifest, stack artifact properties, metadata file).

pub(crate) mod assembly;
pub mod assets;
mod stack_artifact;
pub mod synthesizer;

use std::collections::HashSet;
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::template::element;
use crate::{App, CloudAssembly, Construct, Error, Result, Stack};

const MAX_RESOURCES: usize = 500;
const RESOURCE_LIMIT_CONTEXT: &str = "@aws-cdk/core:stackResourceLimit";

fn run_prepare_hooks(root: &Construct) -> Result<()> {
    let mut done: HashSet<*const ()> = HashSet::new();
    loop {
        let mut ran = false;
        for c in root.find_all() {
            for hook in c.prepare_hooks() {
                let key = Rc::as_ptr(&hook) as *const ();
                if done.insert(key) {
                    hook()?;
                    ran = true;
                }
            }
        }
        if !ran {
            return Ok(());
        }
    }
}

/// CDK's `reifyConstructDependencies`: every `Construct::add_dependency` goes through
/// the nesting-aware dispatch (`stack::dependencies`).
fn apply_construct_dependencies(root: &Construct) -> Result<()> {
    for source in root.find_all() {
        for target in source.dependencies() {
            let reason = format!(
                "<{}>.node.addDependency(<{}>)",
                source.path(),
                target.path()
            );
            crate::stack::dependencies::dispatch(&source, &target, &reason)?;
        }
    }
    Ok(())
}

/// Top-level stacks (each is an artifact of the assembly), in tree order.
pub(crate) fn stacks(root: &Construct) -> Vec<Stack> {
    root.find_all()
        .iter()
        .filter_map(Stack::from_construct)
        .filter(|s| !s.nested())
        .collect()
}

/// Elements of `stack` in tree pre-order, not descending into other stacks.
pub(crate) fn elements_of(stack: &Stack) -> Vec<Construct> {
    let mut out = Vec::new();
    let mut todo = vec![stack.construct().clone()];
    while let Some(c) = todo.pop() {
        if c.is_cfn_element() {
            out.push(c.clone());
        }
        let children: Vec<Construct> = c.children().into_iter().filter(|x| !x.is_stack()).collect();
        todo.extend(children.into_iter().rev());
    }
    out
}

/// Constructs of `stack` breadth-first (the order of CDK's stack metadata file),
/// including its nested stacks but not other top-level stacks.
pub(crate) fn constructs_of_breadth_first(stack: &Stack) -> Vec<Construct> {
    let mut out = vec![stack.construct().clone()];
    let mut i = 0;
    while i < out.len() {
        let children: Vec<Construct> = out[i]
            .children()
            .into_iter()
            .filter(|x| Stack::from_construct(x).is_none_or(|s| s.nested()))
            .collect();
        out.extend(children);
        i += 1;
    }
    out
}

fn merge_section(
    template: &mut Map<String, Value>,
    owners: &mut std::collections::HashMap<(String, String), String>,
    section: &str,
    key: String,
    body: Value,
    path: &str,
) -> Result<()> {
    let entry = template
        .entry(section.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(sec) = entry else {
        return Ok(());
    };
    if sec.contains_key(&key) {
        let other = owners
            .get(&(section.to_string(), key.clone()))
            .cloned()
            .unwrap_or_default();
        return Err(Error::validation(
            path,
            format!(
                "section '{section}' already contains '{key}' (from '{other}'); give one of the two a different logical id \
                 (override_logical_id / rename_logical_id) or construct id"
            ),
        ));
    }
    owners.insert((section.to_string(), key.clone()), path.to_string());
    sec.insert(key, body);
    Ok(())
}

/// The resolved CloudFormation template of a stack.
pub(crate) fn render_template(stack: &Stack) -> Result<Value> {
    let ctx = stack.resolve_context();
    let opts = stack.template_options();
    let mut template = Map::new();
    if let Some(d) = &opts.description {
        template.insert("Description".into(), Value::String(d.clone()));
    }
    let mut transforms: Vec<String> = Vec::new();
    for t in &opts.transforms {
        if !transforms.contains(t) {
            transforms.push(t.clone());
        }
    }
    match transforms.len() {
        0 => {}
        1 => {
            template.insert("Transform".into(), Value::String(transforms.remove(0)));
        }
        _ => {
            template.insert(
                "Transform".into(),
                Value::Array(transforms.into_iter().map(Value::String).collect()),
            );
        }
    }
    if let Some(v) = &opts.template_format_version {
        template.insert("AWSTemplateFormatVersion".into(), Value::String(v.clone()));
    }
    if !opts.metadata.is_empty() {
        template.insert("Metadata".into(), Value::Object(opts.metadata.clone()));
    }
    let mut owners = std::collections::HashMap::new();
    for el in elements_of(stack) {
        let Some(fragment) = element::render(&el) else {
            continue;
        };
        let logical_id = stack.get_logical_id(&el)?;
        let mut ctx_el = ctx.clone();
        ctx_el.path = el.path().to_string();
        ctx_el.keep_nulls = true;
        let mut body = crate::resolve::resolve(&fragment.body, &ctx_el)
            .map_err(|e| with_path(e, el.path()))?;
        element::apply_overrides(&el, &mut body, &ctx_el)?;
        crate::resolve::strip_nulls(&mut body);
        if fragment.section == "Resources"
            && let Some(obj) = body.as_object_mut()
            && obj
                .get("Properties")
                .and_then(Value::as_object)
                .is_some_and(Map::is_empty)
        {
            obj.remove("Properties");
        }
        merge_section(
            &mut template,
            &mut owners,
            fragment.section,
            logical_id,
            body,
            el.path(),
        )?;
    }
    let resolved = crate::resolve::resolve(&Value::Object(template), &ctx)?;
    stack
        .state()
        .logical_ids
        .borrow()
        .assert_all_renames_applied(stack.path())?;
    check_resource_count(stack, &resolved)?;
    Ok(resolved)
}

fn with_path(e: Error, path: &str) -> Error {
    match e {
        Error::Resolve { message, .. } => Error::Resolve {
            path: path.to_string(),
            message,
        },
        other => other,
    }
}

fn check_resource_count(stack: &Stack, template: &Value) -> Result<()> {
    let max = match stack.try_get_context(RESOURCE_LIMIT_CONTEXT) {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(MAX_RESOURCES as u64) as usize,
        Some(Value::String(s)) => s.parse().unwrap_or(MAX_RESOURCES),
        _ => MAX_RESOURCES,
    };
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Ok(());
    };
    if max == 0 || resources.len() <= max {
        return Ok(());
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for r in resources.values() {
        let t = r
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or("undefined")
            .to_string();
        match counts.iter_mut().find(|(x, _)| *x == t) {
            Some((_, n)) => *n += 1,
            None => counts.push((t, 1)),
        }
    }
    let counts: Vec<String> = counts.iter().map(|(t, n)| format!("{t} ({n})")).collect();
    Err(Error::validation(
        stack.path(),
        format!(
            "Number of resources in stack '{}': {} is greater than allowed maximum of {max}: {}; split the stack or raise context {RESOURCE_LIMIT_CONTEXT}",
            stack.path(),
            resources.len(),
            counts.join(", ")
        ),
    ))
}

pub(crate) fn synthesize(app: &App) -> Result<CloudAssembly> {
    let root = app.construct().clone();
    run_prepare_hooks(&root)?;
    apply_construct_dependencies(&root)?;
    crate::stack::references::resolve_references(&root)?;
    let nested = crate::stack::nested::nested_stacks_post_order(&root);
    for n in &nested {
        crate::stack::nested::prepare_template_asset(n)?;
    }
    for stack in stacks(&root) {
        stack.synthesizer().add_bootstrap_version_rule()?;
    }
    let errors: Vec<String> = root
        .find_all()
        .iter()
        .flat_map(|c| c.validate().into_iter().map(move |m| format!("[{c}] {m}")))
        .collect();
    if !errors.is_empty() {
        return Err(Error::validation(
            "",
            format!(
                "Validation failed with the following errors:\n  {}",
                errors.join("\n  ")
            ),
        ));
    }
    let mut rendered = Vec::new();
    for stack in stacks(&root) {
        let template = render_template(&stack)?;
        rendered.push((stack, template));
    }
    let mut nested_templates = Vec::new();
    for n in nested.into_iter().rev() {
        let template = match crate::stack::nested::rendered_template(&n) {
            Some(t) => t,
            None => render_template(&n)?,
        };
        nested_templates.push((n, template));
    }
    crate::synthesis::assembly::write(app, rendered, nested_templates)
}
