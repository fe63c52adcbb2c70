//! The values a hotswap sends to Lambda, from template properties that may hold
//! intrinsics — what the CDK CLI's `EvaluateCloudFormationTemplate` does for the
//! functions it hotswaps. Known at deploy time: the pseudo parameters, the stack's
//! parameter values and the physical ids of its deployed resources (`Ref`);
//! `Fn::Sub`, `Fn::Join` and `Fn::Select` over those. Anything else (`Fn::GetAtt`,
//! `Fn::ImportValue`, conditions) cannot be evaluated without CloudFormation, and the
//! hotswap then gives way to a full deployment (or does nothing, under `--hotswap`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// What a `Ref` or `${...}` can name.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// `AWS::AccountId`, `AWS::Region`, `AWS::Partition`, `AWS::StackName`,
    /// `AWS::StackId`, `AWS::URLSuffix`, `AWS::NoValue` is handled apart.
    pub pseudo: BTreeMap<String, String>,
    /// Parameter values of the deployed stack.
    pub parameters: BTreeMap<String, String>,
    /// Logical id → physical id of the deployed resources.
    pub physical_ids: BTreeMap<String, String>,
}

impl Scope {
    /// The pseudo parameters of a stack in an environment.
    pub fn pseudo_parameters(
        account: &str,
        region: &str,
        partition: &str,
        stack_name: &str,
        stack_id: &str,
    ) -> BTreeMap<String, String> {
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        [
            ("AWS::AccountId", account),
            ("AWS::Region", region),
            ("AWS::Partition", partition),
            ("AWS::StackName", stack_name),
            ("AWS::StackId", stack_id),
            ("AWS::URLSuffix", suffix),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn reference(&self, name: &str) -> Result<String, String> {
        self.pseudo
            .get(name)
            .or_else(|| self.parameters.get(name))
            .or_else(|| self.physical_ids.get(name))
            .cloned()
            .ok_or_else(|| {
                format!("Parameter or resource '{name}' could not be found for evaluation")
            })
    }
}

/// Evaluates `value`; `Err` says what could not be evaluated.
pub fn evaluate(value: &Value, scope: &Scope) -> Result<Value, String> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| evaluate(v, scope))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(map) if map.len() == 1 => {
            let (key, arg) = map.iter().next().expect("one entry");
            if key == "Ref" || key.starts_with("Fn::") {
                intrinsic(key, arg, scope)
            } else {
                object(map, scope)
            }
        }
        Value::Object(map) => object(map, scope),
        other => Ok(other.clone()),
    }
}

fn object(map: &Map<String, Value>, scope: &Scope) -> Result<Value, String> {
    let mut out = Map::new();
    for (k, v) in map {
        out.insert(k.clone(), evaluate(v, scope)?);
    }
    Ok(Value::Object(out))
}

fn intrinsic(name: &str, arg: &Value, scope: &Scope) -> Result<Value, String> {
    let text = |v: Value| match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("{name} expects strings, got {other}")),
    };
    match (name, arg) {
        ("Ref", Value::String(target)) => scope.reference(target).map(Value::String),
        ("Fn::Sub", Value::String(body)) => substitute(body, &BTreeMap::new(), scope),
        ("Fn::Sub", Value::Array(parts)) if parts.len() == 2 => {
            let body = parts[0].as_str().ok_or("Fn::Sub expects a string")?;
            let mut vars = BTreeMap::new();
            for (k, v) in parts[1].as_object().ok_or("Fn::Sub expects a map")? {
                vars.insert(k.clone(), text(evaluate(v, scope)?)?);
            }
            substitute(body, &vars, scope)
        }
        ("Fn::Join", Value::Array(parts)) if parts.len() == 2 => {
            let sep = parts[0].as_str().ok_or("Fn::Join expects a separator")?;
            let Value::Array(items) = evaluate(&parts[1], scope)? else {
                return Err("Fn::Join expects a list".into());
            };
            let items = items.into_iter().map(text).collect::<Result<Vec<_>, _>>()?;
            Ok(Value::String(items.join(sep)))
        }
        ("Fn::Select", Value::Array(parts)) if parts.len() == 2 => {
            let index = text(evaluate(&parts[0], scope)?)?
                .parse::<usize>()
                .map_err(|e| format!("Fn::Select index: {e}"))?;
            let Value::Array(items) = evaluate(&parts[1], scope)? else {
                return Err("Fn::Select expects a list".into());
            };
            items
                .get(index)
                .cloned()
                .ok_or_else(|| format!("Fn::Select index {index} out of range"))
        }
        _ => Err(format!(
            "'{name}' cannot be evaluated without CloudFormation (in {arg})"
        )),
    }
}

/// `${Name}` replaced from `vars` then the scope; `${!Literal}` kept as `${Literal}`.
fn substitute(body: &str, vars: &BTreeMap<String, String>, scope: &Scope) -> Result<Value, String> {
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed ${{ in Fn::Sub {body:?}"))?;
        let name = &after[..end];
        if let Some(literal) = name.strip_prefix('!') {
            out.push_str("${");
            out.push_str(literal);
            out.push('}');
        } else if let Some(v) = vars.get(name) {
            out.push_str(v);
        } else if name.contains('.') {
            return Err(format!(
                "'${{{name}}}' (an attribute) cannot be evaluated without CloudFormation"
            ));
        } else {
            out.push_str(&scope.reference(name)?);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope() -> Scope {
        Scope {
            pseudo: Scope::pseudo_parameters("111", "us-west-2", "aws", "S", "arn:stack/S"),
            parameters: BTreeMap::from([("Stage".into(), "prod".into())]),
            physical_ids: BTreeMap::from([("Bucket".into(), "s-bucket-1a2b".into())]),
        }
    }

    #[test]
    fn refs_subs_joins_and_selects_resolve() {
        let code = json!({
            "S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"},
            "S3Key": "k.zip"
        });
        assert_eq!(
            evaluate(&code, &scope()),
            Ok(json!({"S3Bucket": "cdk-hnb659fds-assets-111-us-west-2", "S3Key": "k.zip"}))
        );
        let env = json!({"Variables": {
            "BUCKET": {"Ref": "Bucket"},
            "URL": {"Fn::Join": ["", ["https://", {"Ref": "AWS::URLSuffix"}, "/", {"Ref": "Stage"}]]},
            "SUB": {"Fn::Sub": ["${X}-${!Literal}", {"X": {"Fn::Select": [1, ["a", "b"]]}}]}
        }});
        assert_eq!(
            evaluate(&env, &scope()),
            Ok(json!({"Variables": {
                "BUCKET": "s-bucket-1a2b",
                "URL": "https://amazonaws.com/prod",
                "SUB": "b-${Literal}"
            }}))
        );
    }

    #[test]
    fn what_needs_cloudformation_is_an_error_naming_it() {
        let err = |v: Value| evaluate(&v, &scope()).unwrap_err();
        assert_eq!(
            err(json!({"Ref": "Missing"})),
            "Parameter or resource 'Missing' could not be found for evaluation"
        );
        assert!(err(json!({"Fn::GetAtt": ["Role", "Arn"]})).contains("'Fn::GetAtt' cannot"));
        assert!(err(json!({"Fn::Sub": "${Role.Arn}"})).contains("(an attribute)"));
    }
}
