//! Reading a cloud assembly (`cdk.out/`) as the AWS CDK CLI does: `manifest.json`
//! lists artifacts; stacks (`aws:cloudformation:stack`) name their template file; a
//! stack's file assets are described by its `<stack>.assets.json` asset manifest,
//! whose `objectKey` is what the template's `Code.S3Key` points at.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Result, ToolkitError};

/// A cloud assembly directory (`cdk.out/`) loaded for reading: its manifest, and its
/// stacks on demand. The writer that produces the directory is core's
/// `cdk::CloudAssembly`; this is the toolkit's side.
#[derive(Debug, Clone)]
pub struct AssemblyReader {
    dir: PathBuf,
    manifest: Value,
}

/// One stack of the assembly with its template and file assets.
#[derive(Debug, Clone)]
pub struct StackArtifact {
    /// Artifact id (`Rootski-Lambda-REST-API-Stack`).
    pub id: String,
    /// CloudFormation stack name (`properties.stackName`, else the id).
    pub stack_name: String,
    /// The parsed template.
    pub template: Value,
    /// File assets by S3 object key (`<hash>.zip`).
    pub assets_by_object_key: BTreeMap<String, FileAsset>,
}

/// A file asset staged in the assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAsset {
    /// Absolute path of the staged file or directory (`cdk.out/asset.<hash>[.zip]`).
    pub path: PathBuf,
    /// `zip` (a directory zipped on publish, or an already-zipped file) or `file`.
    pub packaging: String,
}

impl AssemblyReader {
    /// Reads `dir/manifest.json`.
    pub fn load(dir: &Path) -> Result<Self> {
        let manifest = read_json(&dir.join("manifest.json"))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// The parsed `manifest.json`.
    pub fn manifest(&self) -> &Value {
        &self.manifest
    }

    /// One artifact of the manifest by id.
    pub fn artifact(&self, id: &str) -> Option<&Value> {
        self.manifest.get("artifacts").and_then(|a| a.get(id))
    }

    /// The assembly directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Artifact ids of every stack, in manifest order.
    pub fn stack_ids(&self) -> Vec<String> {
        self.artifacts()
            .filter(|(_, a)| {
                a.get("type").and_then(Value::as_str) == Some("aws:cloudformation:stack")
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Loads one stack, by artifact id or stack name.
    pub fn stack(&self, name: &str) -> Result<StackArtifact> {
        let (id, artifact) = self
            .artifacts()
            .filter(|(_, a)| {
                a.get("type").and_then(Value::as_str) == Some("aws:cloudformation:stack")
            })
            .find(|(id, a)| id.as_str() == name || stack_name_of(id, a) == name)
            .ok_or_else(|| ToolkitError::UnknownStack {
                name: name.to_owned(),
                dir: self.dir.clone(),
                stacks: self.stack_ids(),
            })?;
        let properties = artifact.get("properties").cloned().unwrap_or(Value::Null);
        let template_file = properties
            .get("templateFile")
            .and_then(Value::as_str)
            .ok_or_else(|| ToolkitError::NoTemplateFile { stack: id.clone() })?;
        let template = read_json(&self.dir.join(template_file))?;
        let assets_by_object_key = self.file_assets_of(id, artifact)?;
        Ok(StackArtifact {
            id: id.clone(),
            stack_name: stack_name_of(id, artifact).to_owned(),
            template,
            assets_by_object_key,
        })
    }

    /// The only stack, or the named one; an error listing the stacks otherwise.
    pub fn select_stack(&self, name: Option<&str>) -> Result<StackArtifact> {
        if let Some(name) = name {
            return self.stack(name);
        }
        match self.stack_ids().as_slice() {
            [only] => self.stack(only),
            [] => Err(ToolkitError::NoStacks {
                dir: self.dir.clone(),
            }),
            many => Err(ToolkitError::AmbiguousStack {
                dir: self.dir.clone(),
                stacks: many.to_vec(),
            }),
        }
    }

    fn artifacts(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.manifest
            .get("artifacts")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    }

    /// Asset manifests are the stack's dependencies of type `cdk:asset-manifest`;
    /// without one (legacy synthesis) the stack simply has no file assets here.
    fn file_assets_of(&self, id: &str, artifact: &Value) -> Result<BTreeMap<String, FileAsset>> {
        let mut assets = BTreeMap::new();
        let deps = artifact
            .get("dependencies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let candidates = deps
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .chain([format!("{id}.assets")]);
        let mut seen = Vec::new();
        for dep in candidates {
            if seen.contains(&dep) {
                continue;
            }
            seen.push(dep.clone());
            let Some(file) = self
                .manifest
                .pointer(&format!("/artifacts/{}", escape_pointer(&dep)))
                .filter(|a| a.get("type").and_then(Value::as_str) == Some("cdk:asset-manifest"))
                .and_then(|a| a.pointer("/properties/file"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let manifest = read_json(&self.dir.join(file))?;
            for (_, asset) in manifest
                .get("files")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let Some(path) = asset.pointer("/source/path").and_then(Value::as_str) else {
                    continue;
                };
                let packaging = asset
                    .pointer("/source/packaging")
                    .and_then(Value::as_str)
                    .unwrap_or("file");
                for (_, destination) in asset
                    .get("destinations")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if let Some(key) = destination.get("objectKey").and_then(Value::as_str) {
                        assets.insert(
                            key.to_owned(),
                            FileAsset {
                                path: self.dir.join(path),
                                packaging: packaging.to_owned(),
                            },
                        );
                    }
                }
            }
        }
        Ok(assets)
    }
}

fn stack_name_of<'a>(id: &'a str, artifact: &'a Value) -> &'a str {
    artifact
        .pointer("/properties/stackName")
        .and_then(Value::as_str)
        .unwrap_or(id)
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Reads and parses one JSON file of the assembly.
pub fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|source| ToolkitError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| ToolkitError::Json {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_assembly(dir: &Path) {
        let manifest = serde_json::json!({
            "version": "55.0.0",
            "artifacts": {
                "S.assets": {"type": "cdk:asset-manifest", "properties": {"file": "S.assets.json"}},
                "S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"},
                      "dependencies": ["S.assets"]},
                "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}
            }
        });
        let assets = serde_json::json!({"version": "55.0.0", "files": {"abc": {
            "source": {"path": "asset.abc", "packaging": "zip"},
            "destinations": {"d": {"bucketName": "b", "objectKey": "abc.zip"}}}}});
        std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("write");
        std::fs::write(dir.join("S.assets.json"), assets.to_string()).expect("write");
        std::fs::write(dir.join("S.template.json"), r#"{"Resources": {}}"#).expect("write");
    }

    #[test]
    fn loads_stack_template_and_assets() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_assembly(dir.path());
        let assembly = AssemblyReader::load(dir.path()).expect("load");
        assert_eq!(assembly.stack_ids(), vec!["S"]);
        let stack = assembly.select_stack(None).expect("stack");
        assert_eq!(stack.stack_name, "S");
        assert_eq!(
            stack.assets_by_object_key.get("abc.zip"),
            Some(&FileAsset {
                path: dir.path().join("asset.abc"),
                packaging: "zip".into()
            })
        );
    }

    #[test]
    fn unknown_stack_names_the_known_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_assembly(dir.path());
        let err = AssemblyReader::load(dir.path())
            .expect("load")
            .stack("Nope")
            .expect_err("missing");
        assert!(err.to_string().contains("stacks: S"), "{err}");
    }

    #[test]
    fn missing_assembly_says_to_synth() {
        let err = AssemblyReader::load(Path::new("/nonexistent/cdk.out")).expect_err("missing");
        assert!(err.to_string().contains("synth"), "{err}");
    }
}
