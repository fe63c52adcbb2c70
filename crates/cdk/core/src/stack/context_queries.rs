//! Stack answers read from the context the CLI passes: the availability zones of the
//! stack's environment (`availability-zones` lookup or fallback) and whether its assets
//! need bundling (`aws:cdk:bundling-stacks`).

use serde_json::Value;

use crate::{Error, Result, Stack, Token};

impl Stack {
    /// The availability zones of the stack's environment (CDK's `availabilityZones`):
    /// agnostic stacks get `[Fn::Select(0, Fn::GetAZs("")), Fn::Select(1, ...)]` (or
    /// the `aws:cdk:availability-zones:fallback` context); concrete ones look up the
    /// `availability-zones` context provider (dummy `dummy1a..c`, reported missing).
    pub fn availability_zones(&self) -> Result<Vec<String>> {
        self.acknowledge_literal_azs();
        if Token::is_unresolved(&self.account()) || Token::is_unresolved(&self.region()) {
            if let Some(Value::Array(v)) =
                self.try_get_context("aws:cdk:availability-zones:fallback")
            {
                return Ok(v
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect());
            }
            let azs = crate::Fn::get_azs("");
            return Ok((0..2).filter_map(|i| crate::Fn::select(i, &azs)).collect());
        }
        let got = crate::ContextProvider::get_value(
            self,
            crate::GetContextValueOptions {
                provider: "availability-zones".into(),
                dummy_value: serde_json::json!(["dummy1a", "dummy1b", "dummy1c"]),
                ..Default::default()
            },
        )?;
        match got.value {
            Value::Array(v) => Ok(v
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()),
            other => Err(Error::validation(
                self.path(),
                format!(
                    "Provider availability-zones expects a list, got {other}; fix the value in cdk.context.json"
                ),
            )),
        }
    }

    /// Records, once, that literal AZs in this template are expected (CDK's
    /// `_silenceLiteralAzWarning`: the stack metadata `aws:cdk:acknowledged-rules`
    /// that keeps template validation from flagging them, cfn-lint's W3010).
    fn acknowledge_literal_azs(&self) {
        const KIND: &str = "aws:cdk:acknowledged-rules";
        if self.metadata().iter().any(|m| m.kind == KIND) {
            return;
        }
        self.add_metadata(
            KIND,
            serde_json::json!({"CloudFormation-Validate::W3010": "Literal AZs in template are the result of accessing stack.availabilityZones, this is expected and safe"}),
        );
    }

    /// Whether assets of this stack need bundling (CDK's `bundlingRequired`): true
    /// unless the context `aws:cdk:bundling-stacks` (default `["**"]`, set by the CLI
    /// from the stacks it was asked for) has no pattern matching the stack's path
    /// (minimatch globs: `*` within one path segment, `**` across segments, `?` one
    /// character). A nested stack follows its parent.
    pub fn bundling_required(&self) -> bool {
        if let Some(parent) = self.nested_stack_parent() {
            return parent.bundling_required();
        }
        match self.try_get_context("aws:cdk:bundling-stacks") {
            Some(Value::Array(patterns)) => patterns
                .iter()
                .filter_map(Value::as_str)
                .any(|p| glob_match(p, self.path())),
            _ => true,
        }
    }
}

/// Path glob as minimatch applies it to construct paths.
fn glob_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    match_segments(&pat, &segs)
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| match_segments(rest, &segs[i..])),
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => {
                match_segment(p.as_bytes(), s.as_bytes()) && match_segments(rest, srest)
            }
            None => false,
        },
    }
}

fn match_segment(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| match_segment(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && match_segment(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && match_segment(rest, &s[1..]),
    }
}
