//! Lambda: `Function` with its execution role, code from an asset, permissions.

mod cfn;
mod code;
mod function;
mod runtime;

pub use cdk::Duration;
pub use cfn::{CfnCode, CfnEnvironment, CfnFunctionProps, CfnPermissionProps};
pub use code::Code;
pub use function::{Function, FunctionProps, Permission};
pub use runtime::{Architecture, Runtime};

/// L1 `AWS::Lambda::Function`.
pub type CfnFunction = crate::cfn::Cfn<CfnFunctionProps>;
/// L1 `AWS::Lambda::Permission`.
pub type CfnPermission = crate::cfn::Cfn<CfnPermissionProps>;
