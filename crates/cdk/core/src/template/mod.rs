//! What a template is made of: the elements every stack renders into its sections
//! and the rules that name them.
//!
//! - `element`: [`CfnElement`](crate::CfnElement), what every element shares (a logical
//!   id allocated by its stack, overridable; a rendering into one template section).
//! - `resource`: [`CfnResource`](crate::CfnResource), the `Resources` section.
//! - `sections`: the other sections — outputs, parameters, conditions, mappings, rules.
//! - `logical_id`: a stack's logical ids (allocation by path, renames);
//!   [`uniqueid`](crate::uniqueid): CDK's `makeUniqueId` behind them.
//! - [`tags`](crate::tags): the tag manager that renders a resource's tag property;
//!   `collate`: JavaScript's `localeCompare` that orders tags and `DependsOn`.
//! - `removal_policy`: [`RemovalPolicy`](crate::RemovalPolicy), a resource attribute.

pub(crate) mod collate;
pub(crate) mod element;
pub(crate) mod logical_id;
pub(crate) mod removal_policy;
pub(crate) mod resource;
pub(crate) mod sections;
pub mod tags;
pub mod uniqueid;
