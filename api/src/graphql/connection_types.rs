//! The descriptions of the connection types (`ApiTokenConnection`, `ApiTokenEdge`, ..., `PageInfo`).
//!
//! async-graphql's `Connection` and `Edge` objects are generic and carry no type description of
//! their own (or a generic one), so the schema builder sets one per node type here: what the list
//! holds, in which order, and how it pages (rows stored here both ways; Azure DevOps lists forward only).

use async_graphql::connection::{Edge, EmptyFields, PageInfo};
use async_graphql::{ObjectType, SchemaBuilder, SubscriptionType};

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
    let builder = edges(builder).override_output_type_description::<PageInfo>(
        "Where a page sits in its list: whether items precede (`hasPreviousPage`) or follow (`hasNextPage`) \
         it, and the cursors of its first and last edge: pass `endCursor` as `after` for the next page and, \
         on lists that page backward, `startCursor` as `before` for the previous one. Both cursors are null \
         on an empty page.",
    );
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

/// An edge of a list of `N`.
type EdgeOf<N> = Edge<String, N, EmptyFields>;

/// Gives every edge type its description: which item it holds, with the cursor of its place.
fn edges<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    builder
        .override_output_type_description::<EdgeOf<ApiToken>>("An API token in a page of the list, with its cursor.")
        .override_output_type_description::<EdgeOf<AuditEvent>>("An audit event in a page of the log, with its cursor.")
        .override_output_type_description::<EdgeOf<AzureDevOpsIntegration>>(
            "An integration in a page of the list, with its cursor.",
        )
        .override_output_type_description::<EdgeOf<WebhookDelivery>>(
            "A Service Hook delivery in a page of the ledger, with its cursor.",
        )
        .override_output_type_description::<EdgeOf<Project>>("An Azure DevOps project in a page, with its cursor.")
        .override_output_type_description::<EdgeOf<Repository>>("A Git repository in a page, with its cursor.")
        .override_output_type_description::<EdgeOf<Branch>>("A branch in a page, with its cursor.")
        .override_output_type_description::<EdgeOf<PullRequest>>("A pull request in a page, with its cursor.")
        .override_output_type_description::<EdgeOf<Comment>>("A comment in a page, with its cursor.")
}
