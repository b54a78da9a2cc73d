//! Property tests: Service Hook envelope parsing never panics, and real-shaped payloads of every
//! event type and resource version parse to their own event type and id.

use proptest::prelude::*;

use super::envelope::parse;

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("id".to_owned()),
                    Just("eventType".to_owned()),
                    Just("resource".to_owned()),
                    Just("resourceContainers".to_owned()),
                    Just("repository".to_owned()),
                    Just("refUpdates".to_owned()),
                    Just("pullRequestId".to_owned()),
                    Just("comment".to_owned()),
                    "[a-zA-Z]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_bytes_parse_or_are_quarantined_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse(&body);
    }

    #[test]
    fn any_json_shape_parses_or_is_quarantined_without_panicking(v in json_value()) {
        let _ = parse(v.to_string().as_bytes());
    }

    #[test]
    fn over_long_fields_fit_their_columns(len in 0usize..2000, c in prop_oneof![Just('a'), Just('é'), Just('語')]) {
        use super::envelope::limits;
        let long: String = std::iter::repeat_n(c, len).collect();
        let body = serde_json::json!({
            "id": long, "eventType": format!("git.push{long}"), "publisherId": long, "resourceVersion": long,
            "subscriptionId": long,
            "resource": { "repository": { "id": long, "name": long, "project": { "id": long, "name": long } },
                "refUpdates": [{ "name": long }], "pushedBy": { "displayName": long, "uniqueName": long } },
        });
        let n = parse(body.to_string().as_bytes());
        let within = |v: &Option<String>, max: usize| v.as_ref().is_none_or(|x| x.len() <= max);
        prop_assert!(n.event_id.len() <= limits::EVENT_ID && n.event_type.len() <= limits::EVENT_TYPE);
        prop_assert!(within(&n.subscription_id, limits::SUBSCRIPTION_ID));
        prop_assert!(within(&n.publisher_id, limits::PUBLISHER_ID));
        prop_assert!(within(&n.resource_version, limits::RESOURCE_VERSION));
        prop_assert!(within(&n.project_id, limits::PROJECT_ID) && within(&n.project, limits::PROJECT));
        prop_assert!(within(&n.repository_id, limits::REPOSITORY_ID) && within(&n.repository, limits::REPOSITORY));
        prop_assert!(within(&n.ref_name, limits::REF_NAME) && within(&n.actor, limits::ACTOR));
        prop_assert!(within(&n.actor_user, limits::ACTOR));
        if long.len() > limits::REPOSITORY_ID {
            prop_assert!(n.repository_id.as_deref().is_some_and(|id| id.starts_with("sha256:")));
        }
    }

    #[test]
    fn real_payloads_parse_to_their_event(i in 0usize..6, legacy in any::<bool>(), v2 in any::<bool>()) {
        use fake_azure::payloads::{Event, Payload};
        let event = Event::ALL[i];
        let base = if legacy { "https://Contoso.visualstudio.com" } else { "https://dev.azure.com/contoso" };
        let mut p = Payload::new(event, base);
        if v2 { p = p.version("2.0"); }
        let n = parse(&p.body());
        prop_assert!(n.quarantine.is_none(), "{:?}", n.quarantine);
        prop_assert_eq!(n.event_type.as_str(), event.event_type());
        prop_assert_eq!(n.event_id.as_str(), p.id.as_str());
    }
}
