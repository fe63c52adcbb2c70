//! The rootski DynamoDB table in its own stack, as the original project kept it
//! (module path `dynamo_table::stacks::dynamo_table`).

pub mod stacks;
