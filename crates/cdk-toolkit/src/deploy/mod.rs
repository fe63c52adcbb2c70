//! Shipping a cloud assembly to CloudFormation, as `cdk deploy | diff | destroy |
//! bootstrap` do (feature `deploy`, so the local runner and the Lambda never compile
//! the AWS SDK).
//!
//! - [`aws`]: SDK configuration (standard env/profile chain, rustls+ring HTTP client,
//!   endpoint override for local emulators), account lookup;
//! - [`stacks`]: what a stack artifact asks for (environment, tags, parameters, ...)
//!   and the dependency order;
//! - [`publish`]: file assets and templates to the bootstrap bucket;
//! - [`changeset`]: change-set deployment with approval and export safety;
//! - [`events`]: following stack events to a terminal status;
//! - [`exports`]: importers of exports and export safety;
//! - [`destroy`], [`bootstrap`], [`context`] (missing-context lookups);
//! - [`toolkit`]: the per-assembly commands the CLI calls.
//!
//! Deliberate difference from the CDK CLI: the bootstrap roles
//! (`assumeRoleArn`, `cloudFormationExecutionRoleArn`) are not assumed; everything
//! runs with the caller's credentials, which is what `rootski bootstrap` provisions
//! for (a bucket and the version parameter, no roles).

pub mod aws;
pub mod bootstrap;
pub mod changeset;
pub mod context;
pub mod destroy;
pub mod events;
pub mod exports;
pub mod publish;
pub mod stacks;
pub mod toolkit;

/// Where progress goes and how questions are answered; the CLI prints to stderr and
/// reads the terminal, tests collect lines and answer from a script.
pub trait Ui: Send {
    /// One line of progress or result.
    fn line(&mut self, text: &str);
    /// A yes/no question; `false` when nobody can answer.
    fn confirm(&mut self, question: &str) -> bool;
}
