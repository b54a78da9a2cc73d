//! Objects read from Azure DevOps: projects, repositories, branches, pull requests, comments.

pub mod comment;
pub mod project;
pub mod pull_request;
pub mod repository;
