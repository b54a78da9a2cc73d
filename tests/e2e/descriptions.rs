//! Every GraphQL type, field, argument, input field and enum value carries a description.

use serde_json::Value;

/// Types, their members and arguments, as introspection returns them.
const INTROSPECTION: &str = r#"{
  __schema {
    types {
      name kind description
      fields(includeDeprecated: true) { name description args { name description } }
      inputFields { name description }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}"#;

/// GraphQL's own scalars: the specification describes them.
const BUILT_IN_SCALARS: [&str; 5] = ["Boolean", "Float", "ID", "Int", "String"];

fn text(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

/// Pushes `path` when `value` has no (or a blank) description.
fn check(value: &Value, path: String, missing: &mut Vec<String>) {
    if text(value, "description").trim().is_empty() {
        missing.push(path);
    }
}

/// Every member of the schema without a description, as `Type`, `Type.field`, `Type.field(arg)` or `Enum.VALUE`.
fn undescribed(schema: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    let types = schema.pointer("/__schema/types").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for ty in types {
        let name = text(ty, "name");
        if name.starts_with("__") || BUILT_IN_SCALARS.contains(&name.as_str()) {
            continue;
        }
        check(ty, name.clone(), &mut missing);
        for field in items(ty, "fields") {
            let field_name = format!("{name}.{}", text(field, "name"));
            check(field, field_name.clone(), &mut missing);
            for arg in items(field, "args") {
                check(arg, format!("{field_name}({})", text(arg, "name")), &mut missing);
            }
        }
        for input in items(ty, "inputFields") {
            check(input, format!("{name}.{}", text(input, "name")), &mut missing);
        }
        for value in items(ty, "enumValues") {
            check(value, format!("{name}.{}", text(value, "name")), &mut missing);
        }
    }
    missing
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described() {
    let response = vcslink_api::graphql::schema(None).execute(INTROSPECTION).await;
    assert!(response.errors.is_empty(), "introspection failed: {:?}", response.errors);
    let schema = serde_json::to_value(&response.data).expect("introspection data is JSON");
    let types = schema.pointer("/__schema/types").and_then(Value::as_array).map_or(0, Vec::len);
    assert!(types > 50, "introspection returned only {types} types");

    let missing = undescribed(&schema);
    assert!(
        missing.is_empty(),
        "{} schema members have no description (add a `///` doc saying what it is and when it is null):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}
