//! The stacks of the DynamoDB table app.

pub mod dynamo_table;
