//! Shared helpers of the golden tests: compare an assembly we synthesized with the
//! one aws-cdk-lib 2.276 wrote for the same app (fixtures under `tests/fixtures/`).
//! Templates must be byte-identical; JSON manifests are compared after dropping only
//! what we deliberately do not emit (JS creation stack traces and the `trace` of
//! metadata entries, lazy-mapping info) — see the crate docs' "Deliberate differences".

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A plain `CfnOutput` with just a value.
pub fn output(stack: &cdk::Stack, id: &str, value: String) -> cdk::Result<()> {
    cdk::CfnOutput::new(
        stack,
        id,
        cdk::CfnOutputProps {
            value,
            ..Default::default()
        },
    )
    .map(|_| ())
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn outdir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cdk-golden-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

pub fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

fn normalize(v: &mut Value) {
    match v {
        Value::Array(a) => {
            a.retain(|e| {
                let t = e.get("type").and_then(Value::as_str);
                let is_trace = e.get("data").is_some() && t.is_none();
                !is_trace
                    && !matches!(
                        t,
                        Some(
                            "aws:cdk:creationStack" | "aws:cdk:info" | "aws:cdk:acknowledged-rules"
                        )
                    )
            });
            a.iter_mut().for_each(normalize);
        }
        Value::Object(o) => {
            o.remove("trace");
            o.values_mut().for_each(normalize);
        }
        _ => {}
    }
}

/// Asserts every file of the fixture directory `name` matches what we wrote to `ours`.
pub fn assert_same_assembly(name: &str, ours: &Path) {
    let reference = fixtures().join(name);
    let mut files: Vec<String> = std::fs::read_dir(&reference)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // tree.json of the new fixtures is compared as JSON (key order included)
    // templates first: a template difference explains any asset-hash difference
    files.sort_by_key(|f| (!f.ends_with(".template.json"), f.clone()));
    for f in files {
        if f.ends_with(".template.json") || f == "cdk.out" {
            assert_eq!(
                read(ours, &f),
                read(&reference, &f),
                "{name}/{f} differs from aws-cdk-lib"
            );
            continue;
        }
        let mut a: Value = serde_json::from_str(&read(ours, &f)).unwrap();
        let mut b: Value = serde_json::from_str(&read(&reference, &f)).unwrap();
        normalize(&mut a);
        normalize(&mut b);
        assert_eq!(
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap(),
            "{name}/{f} differs from aws-cdk-lib"
        );
    }
}
