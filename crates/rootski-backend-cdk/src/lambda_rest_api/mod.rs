//! Stack defining an API Gateway mapping to a Lambda function with the rootski API
//! (module path as on the seed page: `lambda_rest_api::stacks::lambda_rest_api`).

pub mod stacks;
