//! The descriptions of the connection types (`ApiTokenConnection`, ...).
//!
//! async-graphql's `Connection` object is generic and carries no type description of its own, so
//! the schema builder sets one per node type here: what the list holds, in which order, and how
//! it pages (rows stored here both ways; Azure DevOps lists forward only).

use async_graphql::SchemaBuilder;
use async_graphql::{ObjectType, SubscriptionType};

use crate::graphql::pagination::{RowConnection, UpstreamConnection};
use crate::graphql::types::api_token::ApiToken;
use crate::graphql::types::audit_event::AuditEvent;
use crate::graphql::types::browse::comment::Comment;
use crate::graphql::types::browse::project::Project;
use crate::graphql::types::browse::pull_request::PullRequest;
use crate::graphql::types::browse::repository::{Branch, Repository};
use crate::graphql::types::delivery::WebhookDelivery;
use crate::graphql::types::integration::AzureDevOpsIntegration;

/// Gives every connection type of the schema its description.
pub fn describe<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    builder
        .override_output_type_description::<RowConnection<ApiToken>>(
            "One page of the tenant's API tokens, oldest first, with the total count. Page forward with \
             `first`/`after: pageInfo.endCursor`, backward with `last`/`before: pageInfo.startCursor`.",
        )
        .override_output_type_description::<RowConnection<AuditEvent>>(
            "One page of the tenant's audit log, newest first, with the total count. Page forward with \
             `first`/`after: pageInfo.endCursor`, backward with `last`/`before: pageInfo.startCursor`.",
        )
        .override_output_type_description::<RowConnection<AzureDevOpsIntegration>>(
            "One page of the tenant's integrations that match the filters, oldest first, with how many match. \
             Page forward with `first`/`after: pageInfo.endCursor`, backward with `last`/`before: pageInfo.startCursor`.",
        )
        .override_output_type_description::<RowConnection<WebhookDelivery>>(
            "One page of an integration's Service Hook deliveries, newest first, with how many match. Page \
             forward with `first`/`after: pageInfo.endCursor`, backward with `last`/`before: pageInfo.startCursor`.",
        )
        .override_output_type_description::<UpstreamConnection<Project>>(
            "One page of the projects Azure DevOps lists for the integration. Forward only (Azure DevOps \
             continuation tokens): `first`/`after: pageInfo.endCursor`; `totalCount` null where Azure DevOps does \
             not say cheaply.",
        )
        .override_output_type_description::<UpstreamConnection<Repository>>(
            "One page of Git repositories from Azure DevOps. Forward only (Azure DevOps continuation tokens): \
             `first`/`after: pageInfo.endCursor`; `totalCount` null where Azure DevOps does not say cheaply.",
        )
        .override_output_type_description::<UpstreamConnection<Branch>>(
            "One page of a repository's branches from Azure DevOps. Forward only (Azure DevOps continuation \
             tokens): `first`/`after: pageInfo.endCursor`; `totalCount` null where Azure DevOps does not say cheaply.",
        )
        .override_output_type_description::<UpstreamConnection<PullRequest>>(
            "One page of a repository's pull requests from Azure DevOps. Forward only (Azure DevOps \
             continuation tokens): `first`/`after: pageInfo.endCursor`; `totalCount` null where Azure DevOps does \
             not say cheaply.",
        )
        .override_output_type_description::<UpstreamConnection<Comment>>(
            "One page of comments from Azure DevOps (of a pull request's threads, or of a work item). Forward \
             only (Azure DevOps continuation tokens): `first`/`after: pageInfo.endCursor`; `totalCount` null where \
             Azure DevOps does not say cheaply.",
        )
}
