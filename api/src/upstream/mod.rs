//! Talking to Azure DevOps on a caller's behalf: which credential, through which cache.
//!
//! Resolvers and webhooks go through here, never to `azure/` directly, so the choice of
//! credential and the cache policy live in one place.

pub mod credential;
pub mod invalidate;
