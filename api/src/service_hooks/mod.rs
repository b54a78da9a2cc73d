//! Service hook subscriptions at Azure DevOps, managed for the user: install, live state, repair,
//! password updates and removal, toward a public HTTPS endpoint Azure DevOps accepts.

pub mod handle;
pub mod install;
pub mod password;
pub mod rehome;
pub mod subscriptions;
pub mod target;

pub use handle::ServiceHooks;
