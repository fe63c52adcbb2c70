//! The crate's one error type. Each variant says what failed and carries the ids and
//! the service's message as fields; its `Display` is the one readable line (with a
//! hint on what to do) users see.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong reading a cloud assembly, running it locally or
/// deploying it.
#[derive(Debug, thiserror::Error)]
pub enum ToolkitError {
    // --- Reading the cloud assembly -------------------------------------------------
    /// A file of the assembly could not be read.
    #[error(
        "cannot read {path}: {source}. Run the synth step first (e.g. `rootski synth`) so the cloud assembly exists."
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file of the assembly is not the JSON it should be.
    #[error("{path} is not valid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// No stack of the assembly has this artifact id or stack name.
    #[error("no stack named {name:?} in {}; stacks: {}", .dir.display(), .stacks.join(", "))]
    UnknownStack {
        /// The name asked for.
        name: String,
        /// The assembly directory.
        dir: PathBuf,
        /// The artifact ids it has.
        stacks: Vec<String>,
    },
    /// No stack artifact of the assembly has this id.
    #[error("no stack {id:?} in {}; stacks: {}", .dir.display(), .stacks.join(", "))]
    UnknownStackId {
        /// The artifact id asked for.
        id: String,
        /// The assembly directory.
        dir: PathBuf,
        /// The artifact ids it has.
        stacks: Vec<String>,
    },
    /// A stack artifact names no template file.
    #[error("stack {stack} has no properties.templateFile")]
    NoTemplateFile {
        /// Artifact id.
        stack: String,
    },
    /// The assembly has no stack at all.
    #[error("{} contains no stack", .dir.display())]
    NoStacks {
        /// The assembly directory.
        dir: PathBuf,
    },
    /// No stack was named and the assembly has several.
    #[error("{} contains more than one stack, please name one of: {}", .dir.display(), .stacks.join(", "))]
    AmbiguousStack {
        /// The assembly directory.
        dir: PathBuf,
        /// The artifact ids to choose from.
        stacks: Vec<String>,
    },
    /// The stacks' dependencies form a cycle.
    #[error("stacks {} depend on each other in a cycle", .stacks.join(", "))]
    DependencyCycle {
        /// The stacks left in the cycle.
        stacks: Vec<String>,
    },
    /// A file asset of an asset manifest has no `source.path`.
    #[error("{}: asset {hash} has no source.path", .manifest.display())]
    AssetWithoutPath {
        /// The asset manifest.
        manifest: PathBuf,
        /// The asset's hash (its id).
        hash: String,
    },
    /// A directory asset that is not packaged as a zip.
    #[error("asset {} is a directory but its packaging is {packaging:?}", .path.display())]
    DirectoryNotZipped {
        /// The asset directory.
        path: PathBuf,
        /// Its packaging.
        packaging: String,
    },
    /// The template has no API that can be run locally.
    #[error("stack {stack}: {message}")]
    Template {
        /// Stack artifact id.
        stack: String,
        /// What is missing or unsupported.
        message: String,
    },

    // --- Preparing a function's code ------------------------------------------------
    /// A function's code asset is not in the assembly.
    #[error("function {function}: code asset {} does not exist; synthesize again", .asset.display())]
    MissingCodeAsset {
        /// The function's logical id.
        function: String,
        /// Where the asset should be.
        asset: PathBuf,
    },
    /// A function's code has no `bootstrap` to run.
    #[error("function {function}: {} has no `bootstrap` executable (runtime {runtime})", .asset.display())]
    NoBootstrap {
        /// The function's logical id.
        function: String,
        /// The code asset.
        asset: PathBuf,
        /// The function's runtime.
        runtime: String,
    },
    /// A code asset is not a zip archive.
    #[error("{} is not a zip file: {source}", .path.display())]
    NotAZip {
        /// The file.
        path: PathBuf,
        /// Why.
        source: zip::result::ZipError,
    },
    /// A code asset could not be extracted.
    #[error("cannot unzip {}: {source}", .path.display())]
    Unzip {
        /// The zip file.
        path: PathBuf,
        /// Why.
        source: zip::result::ZipError,
    },
    /// A directory asset could not be zipped.
    #[error("zipping {}: {source}", .dir.display())]
    Zip {
        /// The directory.
        dir: PathBuf,
        /// Why.
        source: zip::result::ZipError,
    },

    // --- Talking to AWS -------------------------------------------------------------
    /// An AWS API call failed (deploy feature): one line with the operation, the
    /// service's error code and message.
    #[error("{what}: {operation} failed: {message}")]
    Aws {
        /// What the call was for (`deploying X`).
        what: String,
        /// Service and operation (`CloudFormation ExecuteChangeSet`).
        operation: String,
        /// `Code: the service's message`, or the cause when no service answered.
        message: String,
    },
    /// An environment argument is not `aws://ACCOUNT/REGION`.
    #[error(
        "{text:?} is not an environment: expected aws://ACCOUNT/REGION, e.g. \
         aws://123456789012/us-east-1"
    )]
    BadEnvironment {
        /// The argument.
        text: String,
    },
    /// An environment to bootstrap names no region and none is configured.
    #[error("{environment}: no region: name it (aws://ACCOUNT/REGION) or set AWS_REGION")]
    EnvironmentWithoutRegion {
        /// The environment as given.
        environment: String,
    },
    /// The environment to bootstrap is of another account than the credentials.
    #[error(
        "cannot bootstrap aws://{account}/{region}: the credentials are for account \
         {caller}; bootstrap it with credentials of account {account} (e.g. AWS_PROFILE), \
         or name an environment of account {caller} (aws://{caller}/{region})"
    )]
    BootstrapOtherAccount {
        /// The environment's account.
        account: String,
        /// The environment's region.
        region: String,
        /// The credentials' account.
        caller: String,
    },
    /// An environment-agnostic stack and no configured region.
    #[error(
        "{stack}: no region: the stack is environment-agnostic and no region is configured \
         (set AWS_REGION or a region in your AWS profile)"
    )]
    StackWithoutRegion {
        /// Stack name.
        stack: String,
    },
    /// The stack is pinned to another account than the credentials, with no role to
    /// assume into it.
    #[error(
        "{stack}: the stack targets account {account} but the credentials are for account \
         {caller}; use credentials of {account} (e.g. AWS_PROFILE), or synthesize for \
         {caller} (e.g. `-c rootski:account={caller}`)"
    )]
    StackOtherAccount {
        /// Stack name.
        stack: String,
        /// The stack's account.
        account: String,
        /// The credentials' account.
        caller: String,
    },
    /// Calls for another account are needed and there is no role to assume.
    #[error(
        "{purpose}: need to perform AWS calls for account {account}, but the current \
         credentials are for {caller}; use credentials of {account} (e.g. AWS_PROFILE)"
    )]
    NoRoleForAccount {
        /// What the calls are for.
        purpose: String,
        /// The target account.
        account: String,
        /// The credentials' account.
        caller: String,
    },
    /// A bootstrap role could not be assumed.
    #[error(
        "{purpose}: could not assume role {role} in account {account} with the current \
         credentials (account {caller}): {error}\nMake sure the role exists and \
         trusts account {caller}: bootstrap the target environment (`rootski \
         bootstrap` or `cdk bootstrap` with credentials of {account}), adding \
         `--trust {caller}` when deploying from another account."
    )]
    AssumeRoleFailed {
        /// What the role was for.
        purpose: String,
        /// The role's ARN.
        role: String,
        /// The target account.
        account: String,
        /// The credentials' account.
        caller: String,
        /// What STS answered.
        error: String,
    },

    // --- Bootstrapping --------------------------------------------------------------
    /// `--trust` without `--cloudformation-execution-policies`.
    #[error(
        "--cloudformation-execution-policies are required when other accounts are \
         trusted (--trust): name the managed policies deployments may use, e.g. \
         arn:aws:iam::aws:policy/AdministratorAccess"
    )]
    TrustWithoutPolicies,
    /// The bootstrap version parameter does not hold a number.
    #[error(
        "the SSM parameter {parameter} holds {value:?}, not a bootstrap version \
         number; run `rootski bootstrap` or `cdk bootstrap` to rewrite it"
    )]
    BadBootstrapVersion {
        /// The SSM parameter.
        parameter: String,
        /// What it holds.
        value: String,
    },
    /// The environment's bootstrap stack is older than the stack requires.
    #[error(
        "{stack}: requires bootstrap stack version {required}, found {found} (SSM parameter \
         {parameter} in {region}); run `rootski bootstrap` or `cdk bootstrap` to upgrade \
         the environment"
    )]
    BootstrapTooOld {
        /// Stack name.
        stack: String,
        /// The version it requires.
        required: u32,
        /// The version found.
        found: u32,
        /// The SSM parameter.
        parameter: String,
        /// The region.
        region: String,
    },
    /// The environment is not bootstrapped.
    #[error(
        "{stack}: requires bootstrap stack version {required}, found none (SSM parameter \
         {parameter} does not exist in {region}: the environment is not bootstrapped); run \
         `rootski bootstrap` or `cdk bootstrap`"
    )]
    NotBootstrapped {
        /// Stack name.
        stack: String,
        /// The version it requires.
        required: u32,
        /// The SSM parameter.
        parameter: String,
        /// The region.
        region: String,
    },
    /// The bootstrap bucket for assets is missing.
    #[error(
        "the bootstrap bucket {bucket} does not exist in {region}: this environment is \
         not bootstrapped. Run cdk bootstrap or `rootski bootstrap` first."
    )]
    BucketMissing {
        /// The bucket.
        bucket: String,
        /// The region.
        region: String,
    },

    // --- Deploying and destroying ---------------------------------------------------
    /// A value could not be encoded as JSON.
    #[error("{0}")]
    Encode(serde_json::Error),
    /// The stack is in the middle of another operation.
    #[error("{stack}: stack is busy ({status}); wait until it finishes and try again")]
    StackBusy {
        /// Stack name.
        stack: String,
        /// Its `*_IN_PROGRESS` status.
        status: String,
    },
    /// The deployed template cannot be read as JSON.
    #[error(
        "the deployed template of {stack} is not JSON ({source}); YAML templates \
         deployed by other tools cannot be diffed"
    )]
    DeployedTemplateNotJson {
        /// Stack name.
        stack: String,
        /// Why.
        source: serde_json::Error,
    },
    /// The template is over the body limit and was not uploaded.
    #[error(
        "{stack}: the template is {bytes} bytes (over CloudFormation's {limit}-byte body \
         limit) and has no uploaded copy; synthesize with the default synthesizer"
    )]
    TemplateTooLarge {
        /// Stack name.
        stack: String,
        /// The template's size.
        bytes: usize,
        /// CloudFormation's body limit.
        limit: usize,
    },
    /// The change set could not be created.
    #[error("{stack}: the change set failed: {reason}")]
    ChangeSetFailed {
        /// Stack name.
        stack: String,
        /// CloudFormation's status reason.
        reason: String,
    },
    /// The change set did not become ready in time.
    #[error("{stack}: the change set is not ready after {waited:?}")]
    ChangeSetTimeout {
        /// Stack name.
        stack: String,
        /// How long it was waited for.
        waited: Duration,
    },
    /// The user declined the change set.
    #[error(
        "{stack}: deployment not approved. Answer y at the prompt, or pass \
         `--require-approval never` when nobody can answer (CI)."
    )]
    NotApproved {
        /// Stack name.
        stack: String,
    },
    /// `ExecuteChangeSet` itself failed.
    #[error("{cause}; {result}")]
    ExecuteFailed {
        /// The failed call.
        cause: Box<ToolkitError>,
        /// What became of the stack.
        result: String,
    },
    /// The deployment failed and was rolled back (or not).
    #[error("{stack} failed to deploy: {causes}. Result: {result}")]
    DeployFailed {
        /// Stack name.
        stack: String,
        /// The failed resources and their reasons.
        causes: String,
        /// What became of the stack.
        result: String,
    },
    /// A stack operation did not end in time.
    #[error("stack {stack} still in progress after {waited:?}; it goes on in CloudFormation")]
    StackTimeout {
        /// Stack name or id.
        stack: String,
        /// How long it was followed.
        waited: Duration,
    },
    /// The stack left by an unexecuted change set is not gone in time.
    #[error("{stack}: the unexecuted stack is still being deleted after {waited:?}")]
    ReviewStackNotDeleted {
        /// Stack name.
        stack: String,
        /// How long it was waited for.
        waited: Duration,
    },
    /// Another stack still imports one of the stack's exports.
    #[error(
        "cannot destroy {stack}: its export {export} is still imported by {}. \
         Destroy that stack (or remove its import and deploy it) first.",
        .importers.join(", ")
    )]
    ExportStillImported {
        /// Stack name.
        stack: String,
        /// The export.
        export: String,
        /// The importing stacks.
        importers: Vec<String>,
    },
    /// The user did not confirm the destroy.
    #[error("{stack}: destroy not confirmed (answer y, or pass --force)")]
    DestroyNotConfirmed {
        /// Stack name.
        stack: String,
    },
    /// The stack could not be deleted.
    #[error(
        "{stack}: destroy failed, the stack is {status}: {causes}. Remove what blocks the \
         deletion (or retain it) and destroy again"
    )]
    DestroyFailed {
        /// Stack name.
        stack: String,
        /// Its final status.
        status: String,
        /// The failed resources and their reasons.
        causes: String,
    },

    // --- Hotswap deployments and logs ------------------------------------------------
    /// Lambda reported a failed update of a hotswapped function.
    #[error(
        "{function}: the Lambda update failed: {reason}. Fix the code or configuration and \
         deploy again (a full deployment with --hotswap-fallback or without --hotswap)"
    )]
    LambdaUpdateFailed {
        /// The function's physical name.
        function: String,
        /// Lambda's `LastUpdateStatusReason` (and code).
        reason: String,
    },
    /// A hotswapped function's update did not finish in time.
    #[error(
        "{function}: the Lambda update is still in progress after {waited:?}; it goes on in \
         Lambda (check it with `aws lambda get-function-configuration`)"
    )]
    LambdaUpdateTimeout {
        /// The function's physical name.
        function: String,
        /// How long it was waited for.
        waited: Duration,
    },
    /// A hotswapped `Code` has neither an S3 object nor an image.
    #[error(
        "{logical_id}: its Code {code} has no S3Bucket/S3Key or ImageUri a hotswap can send; \
         deploy without --hotswap"
    )]
    UnsupportedHotswapCode {
        /// The function's logical id.
        logical_id: String,
        /// The evaluated `Code`.
        code: String,
    },
    /// `--since` is not a duration.
    #[error(
        "--since {value:?} is not a duration: use a number and a unit, s, m, h or d \
         (e.g. 30s, 10m, 2h, 1d)"
    )]
    InvalidSince {
        /// What was given.
        value: String,
    },
    /// The stack is not deployed, so it has no functions to read logs of.
    #[error(
        "stack {stack} is not deployed in {region}; deploy it first (`rootski deploy {stack}`)"
    )]
    StackNotDeployed {
        /// Stack name.
        stack: String,
        /// Region.
        region: String,
    },
    /// The deployed stack has no Lambda function nor log group.
    #[error(
        "stack {stack} has no AWS::Lambda::Function and no AWS::Logs::LogGroup to read logs of"
    )]
    NoLogGroups {
        /// Stack name.
        stack: String,
    },

    // --- Context lookups ------------------------------------------------------------
    /// A context lookup rootski does not perform.
    #[error(
        "context key \"{key}\" needs the {provider} lookup, which rootski does not perform; \
         {how_to_supply}"
    )]
    UnsupportedLookup {
        /// The context key.
        key: String,
        /// The lookup provider.
        provider: String,
        /// How to supply the value by hand.
        how_to_supply: String,
    },
    /// A lookup needs credentials that are not there.
    #[error(
        "looking up context key \"{key}\" ({provider}) needs AWS credentials: {cause}\n\
         {how_to_supply}"
    )]
    LookupNeedsCredentials {
        /// The context key.
        key: String,
        /// The lookup provider.
        provider: String,
        /// Why the credentials did not work.
        cause: Box<ToolkitError>,
        /// How to supply the value by hand.
        how_to_supply: String,
    },
    /// A lookup's AWS call failed.
    #[error("{cause}\n{how_to_supply}")]
    LookupFailed {
        /// The failure.
        cause: Box<ToolkitError>,
        /// How to supply the value by hand.
        how_to_supply: String,
    },
    /// A lookup lacks a property it needs.
    #[error("context key \"{key}\" has no {property}")]
    LookupWithout {
        /// The context key.
        key: String,
        /// The missing property.
        property: String,
    },
    /// No hosted zone matches the lookup.
    #[error("no {kind} hosted zone named {name} in {account}; create it, or {how_to_supply}")]
    NoHostedZone {
        /// `private` or `public`.
        kind: &'static str,
        /// The zone name (with the trailing dot).
        name: String,
        /// Which account was searched.
        account: String,
        /// How to supply the value by hand.
        how_to_supply: String,
    },
    /// Several hosted zones match the lookup.
    #[error("{count} hosted zones are named {name}; {how_to_supply}")]
    AmbiguousHostedZone {
        /// How many.
        count: usize,
        /// The zone name.
        name: String,
        /// How to supply the value by hand.
        how_to_supply: String,
    },
    /// The context file is not a JSON object.
    #[error("{} is not a JSON object; fix it by hand (it is never overwritten)", .path.display())]
    ContextFileNotObject {
        /// The file.
        path: PathBuf,
    },

    /// Binding or serving a loopback socket failed.
    #[error("local server: {0}")]
    Io(#[from] std::io::Error),
}

/// Shorthand used across the crate.
pub type Result<T, E = ToolkitError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed variants keep the one line users saw when they were free text.
    #[test]
    fn display_is_the_former_free_text() {
        let e = ToolkitError::TemplateTooLarge {
            stack: "S".into(),
            bytes: 60_000,
            limit: 51_200,
        };
        assert_eq!(
            e.to_string(),
            "S: the template is 60000 bytes (over CloudFormation's 51200-byte body limit) and \
             has no uploaded copy; synthesize with the default synthesizer"
        );
        let e = ToolkitError::UnknownStack {
            name: "X".into(),
            dir: "cdk.out".into(),
            stacks: vec!["A".into(), "B".into()],
        };
        assert_eq!(
            e.to_string(),
            "no stack named \"X\" in cdk.out; stacks: A, B"
        );
        let e = ToolkitError::StackOtherAccount {
            stack: "S".into(),
            account: "111".into(),
            caller: "222".into(),
        };
        assert_eq!(
            e.to_string(),
            "S: the stack targets account 111 but the credentials are for account 222; use \
             credentials of 111 (e.g. AWS_PROFILE), or synthesize for 222 (e.g. \
             `-c rootski:account=222`)"
        );
        let e = ToolkitError::ChangeSetTimeout {
            stack: "S".into(),
            waited: Duration::from_secs(3),
        };
        assert_eq!(e.to_string(), "S: the change set is not ready after 3s");
    }
}
