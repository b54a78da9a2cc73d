//! Webhook mutations: `replayDelivery`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::domain::global_id::{Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::delivery::WebhookDelivery;
use crate::webhooks::replay;

#[derive(Default)]
pub struct WebhookMutation;

/// Which delivery to route again.
#[derive(InputObject)]
pub struct ReplayDeliveryInput {
    /// The delivery's global ID.
    pub id: ID,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// The delivery after routing ran again.
#[derive(SimpleObject)]
pub struct ReplayDeliveryPayload {
    /// The delivery with its new outcome.
    pub delivery: WebhookDelivery,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

#[Object]
impl WebhookMutation {
    /// ADMIN: runs the routing of a stored delivery again (cache invalidation, automations).
    async fn replay_delivery(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery to route again.")] input: ReplayDeliveryInput,
    ) -> Result<ReplayDeliveryPayload, ApiError> {
        let p = context::admin(ctx)?;
        let inbox = context::inbox(ctx)?;
        let id = decode(Kind::WebhookDelivery, &input.id, "delivery", "id")?;
        let delivery = replay::replay(inbox, &context::actor(p), &id).await?;
        Ok(ReplayDeliveryPayload { delivery: WebhookDelivery(delivery), client_mutation_id: input.client_mutation_id })
    }
}
