//! The cloud assembly writer: the files AWS CDK v2 writes into `cdk.out/`.
//!
//! Invariants: cloud-assembly schema `55.0.0` (aws-cdk-lib 2.276); templates are
//! `JSON.stringify(t, undefined, 1)`, manifests and metadata `JSON.stringify(x,
//! undefined, 2)`, `tree.json` and `cdk.out` compact; numbers print as JavaScript
//! prints them (integral floats without `.0`); the template asset hash is the sha256
//! of the template file bytes. Same tree → same bytes.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::stack_artifact;
use super::synthesizer::Role;
use crate::{App, Construct, DefaultStackSynthesizer, Error, MissingContext, Result, Stack};

/// Cloud assembly schema version written to `manifest.json`.
pub const SCHEMA_VERSION: &str = "55.0.0";
/// aws-cdk-lib version we mirror (tree.json construct info).
pub const CDK_VERSION: &str = "2.276.0";
const CONSTRUCTS_VERSION: &str = "10.8.1";

/// One synthesized stack.
#[derive(Debug, Clone)]
pub struct StackArtifact {
    /// Artifact id.
    pub artifact_id: String,
    /// CloudFormation stack name.
    pub stack_name: String,
    /// Template file name inside the assembly.
    pub template_file: String,
    /// `aws://account/region`.
    pub environment: String,
    /// The template.
    pub template: Value,
}

/// The result of [`App::synth`]: where it was written and what it holds.
#[derive(Debug, Clone)]
pub struct CloudAssembly {
    /// The assembly directory.
    pub directory: PathBuf,
    /// The manifest as written.
    pub manifest: Value,
    /// Stacks in tree order.
    pub stacks: Vec<StackArtifact>,
    /// Context lookups of every stack that had no answer (manifest `missing`), by key.
    pub missing: Vec<MissingContext>,
}

impl CloudAssembly {
    /// The stack artifact with this artifact id.
    pub fn stack(&self, artifact_id: &str) -> Option<&StackArtifact> {
        self.stacks.iter().find(|s| s.artifact_id == artifact_id)
    }
    /// The stack artifact with this stack name.
    pub fn stack_by_name(&self, stack_name: &str) -> Option<&StackArtifact> {
        self.stacks.iter().find(|s| s.stack_name == stack_name)
    }
}

/// Integral floats as integers, as JavaScript prints them.
fn js_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(x) = n.as_f64()
                && x.fract() == 0.0
                && x.abs() < 9.0e15
            {
                *v = Value::from(x as i64);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(js_numbers),
        Value::Object(o) => o.values_mut().for_each(js_numbers),
        _ => {}
    }
}

/// `JSON.stringify(value, undefined, indent)`.
pub(crate) fn to_js_json(value: &Value, indent: usize) -> String {
    let mut v = value.clone();
    js_numbers(&mut v);
    if indent == 0 {
        return v.to_string();
    }
    let ind = " ".repeat(indent);
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(ind.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if v.serialize(&mut ser).is_err() {
        return v.to_string();
    }
    let text = String::from_utf8(buf).unwrap_or_default();
    // JSON.stringify writes empty containers as `{}` / `[]` (serde does too).
    text
}

pub(super) fn write_file(path: &Path, content: &str) -> Result<()> {
    fs::write(path, content).map_err(|e| Error::io("writing", path, e))
}

pub(super) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn tree_node(c: &Construct) -> Result<Value> {
    let fqn = c.construct_info();
    let version = if fqn.starts_with("constructs.") {
        CONSTRUCTS_VERSION
    } else {
        CDK_VERSION
    };
    let mut m = Map::new();
    m.insert(
        "id".into(),
        Value::String(if c.path().is_empty() {
            "App".into()
        } else {
            c.id().into()
        }),
    );
    m.insert("path".into(), Value::String(c.path().into()));
    m.insert(
        "constructInfo".into(),
        json!({"fqn": fqn, "version": version}),
    );
    let attributes = c.tree_attributes();
    if !attributes.is_empty() {
        let attributes = Value::Object(attributes);
        let resolved = match Stack::of(c) {
            Ok(stack) => stack.resolve(&attributes)?,
            Err(_) => attributes,
        };
        m.insert("attributes".into(), resolved);
    }
    let children = c.children();
    if !children.is_empty() {
        let mut ch = Map::new();
        for child in children {
            ch.insert(child.id().to_string(), tree_node(&child)?);
        }
        m.insert("children".into(), Value::Object(ch));
    }
    Ok(Value::Object(m))
}

fn write_tree(app: &App, outdir: &Path) -> Result<()> {
    let mut root = tree_node(app.construct())?;
    if let Some(Value::Object(ch)) = root.get_mut("children") {
        ch.insert(
            "Tree".into(),
            json!({"id": "Tree", "path": "Tree", "constructInfo": {"fqn": "constructs.Construct", "version": CONSTRUCTS_VERSION}}),
        );
    }
    let tree = json!({"version": "tree-0.1", "tree": root});
    write_file(&outdir.join("tree.json"), &to_js_json(&tree, 0))
}

/// The manifest being assembled: artifacts in the order they are written, and the
/// context lookups of every stack that had no answer.
#[derive(Default)]
pub(super) struct ManifestEntries {
    pub(super) artifacts: Map<String, Value>,
    missing: Vec<Value>,
    missing_contexts: Vec<MissingContext>,
}

impl ManifestEntries {
    /// Adds the stack's unanswered lookups (the manifest lists one entry per stack, the
    /// [`CloudAssembly`] each key once); with bootstrap roles, an entry names the lookup
    /// role the CLI assumes to answer it.
    pub(super) fn add_missing(
        &mut self,
        stack: &Stack,
        lookup_role: Option<&DefaultStackSynthesizer>,
    ) {
        for m in stack.missing_context() {
            if !self.missing_contexts.iter().any(|known| known.key == m.key) {
                self.missing_contexts.push(m.clone());
            }
            let mut p = m.props.clone();
            if let Some(syn) = lookup_role {
                p.insert(
                    "lookupRoleArn".into(),
                    Value::String(syn.role(Role::Lookup)),
                );
            }
            self.missing
                .push(json!({"key": m.key, "provider": m.provider, "props": p}));
        }
    }

    /// Writes `manifest.json` and `cdk.out`, and returns the assembly.
    fn finish(mut self, outdir: PathBuf, stacks: Vec<StackArtifact>) -> Result<CloudAssembly> {
        let mut manifest = Map::new();
        manifest.insert("version".into(), json!(SCHEMA_VERSION));
        manifest.insert("artifacts".into(), Value::Object(self.artifacts));
        if !self.missing.is_empty() {
            self.missing
                .sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
            manifest.insert("missing".into(), Value::Array(self.missing));
        }
        let manifest = Value::Object(manifest);
        write_file(&outdir.join("manifest.json"), &to_js_json(&manifest, 2))?;
        write_file(
            &outdir.join("cdk.out"),
            &to_js_json(&json!({"version": SCHEMA_VERSION}), 0),
        )?;
        self.missing_contexts.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(CloudAssembly {
            directory: outdir,
            manifest,
            stacks,
            missing: self.missing_contexts,
        })
    }
}

/// Writes the cloud assembly: nested templates, then each stack's files and artifacts
/// (`stack_artifact`), `tree.json`, and the manifest last.
pub(crate) fn write(
    app: &App,
    rendered: Vec<(Stack, Value)>,
    nested: Vec<(Stack, Value)>,
) -> Result<CloudAssembly> {
    let outdir = app.outdir();
    fs::create_dir_all(&outdir).map_err(|e| Error::io("creating output directory", &outdir, e))?;
    for (stack, template) in &nested {
        write_file(
            &outdir.join(stack.template_file()),
            &to_js_json(template, 1),
        )?;
    }
    let mut entries = ManifestEntries::default();
    let mut stacks = Vec::new();
    for (stack, template) in rendered {
        stacks.push(stack_artifact::write_stack(
            &outdir,
            stack,
            template,
            &mut entries,
        )?);
    }
    if app.state().tree_metadata {
        write_tree(app, &outdir)?;
        entries.artifacts.insert(
            "Tree".into(),
            json!({"type": "cdk:tree", "properties": {"file": "tree.json"}}),
        );
    }
    entries.finish(outdir, stacks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_matches_javascript() {
        let v = json!({"a": 1.0, "b": 1.5, "c": [], "d": {}, "e": "x/é", "f": [1, {"g": true}]});
        assert_eq!(
            to_js_json(&v, 0),
            r#"{"a":1,"b":1.5,"c":[],"d":{},"e":"x/é","f":[1,{"g":true}]}"#
        );
        assert_eq!(
            to_js_json(&json!({"a": [1], "b": {}}), 1),
            "{\n \"a\": [\n  1\n ],\n \"b\": {}\n}"
        );
    }
}
