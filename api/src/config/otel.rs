//! OpenTelemetry traces: whether they are exported at all, and the `OTEL_*` values refused at
//! start-up. Traces go out only when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set; every other `OTEL_*` variable is read by the OpenTelemetry
//! SDK itself, from the environment only (never from `vcslink.toml`).

use super::ConfigError;

/// Traces are exported: where to (as given, for the start-up log line; userinfo masked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traces {
    pub endpoint: String,
}

/// The only OTLP protocol built in (no gRPC, no JSON).
pub const PROTOCOL: &str = "http/protobuf";

/// Reads the `OTEL_*` variables that decide whether traces are exported.
pub fn from_env() -> Result<Option<Traces>, ConfigError> {
    from_lookup(|name| std::env::var(name).ok())
}

/// [`from_env`] over any source of variables (the unit tests give a map).
pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Option<Traces>, ConfigError> {
    let set = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if set("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Ok(None);
    }
    match set("OTEL_TRACES_EXPORTER").as_deref() {
        None | Some("otlp") => {}
        Some("none") => return Ok(None),
        Some(other) => {
            return Err(ConfigError {
                var: "OTEL_TRACES_EXPORTER",
                message: format!("expected otlp or none, got {other:?}"),
            });
        }
    }
    let (endpoint_var, endpoint) = match set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
        Some(e) => ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", e),
        None => match set("OTEL_EXPORTER_OTLP_ENDPOINT") {
            Some(e) => ("OTEL_EXPORTER_OTLP_ENDPOINT", e),
            None => return Ok(None),
        },
    };
    for protocol_var in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
        if let Some(p) = set(protocol_var) {
            if p != PROTOCOL {
                return Err(ConfigError {
                    var: protocol_var,
                    message: format!("only {PROTOCOL} is built into vcslink, got {p:?} (grpc and http/json are not)"),
                });
            }
            break;
        }
    }
    let url = url::Url::parse(&endpoint)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .ok_or_else(|| ConfigError {
            var: endpoint_var,
            message: "expected an http:// or https:// URL such as http://127.0.0.1:4318".into(),
        })?;
    Ok(Some(Traces { endpoint: masked(url) }))
}

/// The URL without its password.
fn masked(mut url: url::Url) -> String {
    if url.password().is_some() {
        let _ = url.set_password(Some("****"));
    }
    url.to_string()
}

/// What `check-config` shows for an `OTEL_*` variable: its value, `(set)` for the headers (they
/// carry credentials), the endpoint without its password, or the default.
pub fn effective(name: &str, default: &str) -> String {
    let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match value {
        None => default.to_owned(),
        Some(_) if name.ends_with("_HEADERS") => "(set)".to_owned(),
        Some(v) if name.ends_with("_ENDPOINT") => url::Url::parse(&v).map(masked).unwrap_or(v),
        Some(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<Option<Traces>, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn no_endpoint_means_no_traces() {
        assert_eq!(read(&[]).unwrap(), None);
        assert_eq!(read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "  ")]).unwrap(), None);
        assert_eq!(read(&[("OTEL_SERVICE_NAME", "x"), ("OTEL_BSP_SCHEDULE_DELAY", "100")]).unwrap(), None);
    }

    #[test]
    fn either_endpoint_turns_traces_on_and_the_signal_one_wins() {
        let t = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")]).unwrap().unwrap();
        assert_eq!(t.endpoint, "http://collector:4318/");
        let t = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://u:secret@traces.example/v1/traces"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(t.endpoint, "https://u:****@traces.example/v1/traces");
    }

    #[test]
    fn disabled_sdk_or_exporter_none_turns_traces_off() {
        let on = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
        assert_eq!(read(&[on, ("OTEL_SDK_DISABLED", "true")]).unwrap(), None);
        assert_eq!(read(&[on, ("OTEL_TRACES_EXPORTER", "none")]).unwrap(), None);
        assert_eq!(read(&[on, ("OTEL_TRACES_EXPORTER", "jaeger")]).unwrap_err().var, "OTEL_TRACES_EXPORTER");
    }

    #[test]
    fn grpc_is_refused_naming_the_variable() {
        let on = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317");
        let e = read(&[on, ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")]).unwrap_err();
        assert_eq!(e.var, "OTEL_EXPORTER_OTLP_PROTOCOL");
        assert!(e.message.contains("http/protobuf"), "{}", e.message);
        let e = read(&[on, ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json")]).unwrap_err();
        assert_eq!(e.var, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
        // The signal's own variable wins over the general one.
        let ok = read(&[
            on,
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ]);
        assert!(ok.unwrap().is_some());
        // Without an endpoint nothing is exported, so nothing is refused.
        assert_eq!(read(&[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")]).unwrap(), None);
    }

    #[test]
    fn an_endpoint_that_is_no_http_url_is_refused() {
        let e = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")]).unwrap_err();
        assert_eq!(e.var, "OTEL_EXPORTER_OTLP_ENDPOINT");
    }
}
