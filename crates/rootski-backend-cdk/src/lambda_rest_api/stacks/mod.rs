//! The stacks of the Lambda REST API app.

pub mod lambda_code;
pub mod lambda_rest_api;
