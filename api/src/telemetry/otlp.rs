//! The OTLP/HTTP (protobuf) exporter and the tracer provider: a batch span processor (it honours
//! `OTEL_BSP_*`), the sampler of `OTEL_TRACES_SAMPLER`, and the resource: `service.name` `vcslink`
//! unless `OTEL_SERVICE_NAME` says otherwise, `service.version`, then `OTEL_RESOURCE_ATTRIBUTES`.
//! Endpoint, headers, timeout and compression are the exporter's own `OTEL_EXPORTER_OTLP_*`.

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_otlp::{WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::resource::EnvResourceDetector;
use opentelemetry_sdk::trace::SdkTracerProvider;

use super::otlp_http::OtlpHttp;
use crate::config::otel::Traces;

/// `OTEL_EXPORTER_OTLP_TIMEOUT`'s default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The tracer provider exporting to the collector of `traces`; call inside the Tokio runtime.
pub fn provider(_traces: &Traces) -> Result<SdkTracerProvider, String> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|e| format!("no Tokio runtime: {e}"))?;
    let timeout = export_timeout(|name| std::env::var(name).ok());
    let http = OtlpHttp::new(runtime, timeout).map_err(|e| format!("could not build the HTTP client: {e}"))?;
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .with_http_client(http)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource()).build())
}

/// `service.name` (ours unless `OTEL_SERVICE_NAME` is set), `service.version`, and what
/// `OTEL_RESOURCE_ATTRIBUTES` adds (it wins over ours, `OTEL_SERVICE_NAME` over it).
fn resource() -> Resource {
    let mut builder = Resource::builder_empty()
        .with_service_name("vcslink")
        .with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
        .with_detectors(&[Box::new(EnvResourceDetector::new())]);
    if let Some(name) = std::env::var("OTEL_SERVICE_NAME").ok().filter(|n| !n.trim().is_empty()) {
        builder = builder.with_service_name(name);
    }
    builder.build()
}

/// `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`, in milliseconds.
fn export_timeout(var: impl Fn(&str) -> Option<String>) -> Duration {
    ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"]
        .iter()
        .find_map(|name| var(name).and_then(|v| v.trim().parse::<u64>().ok()))
        .map_or(DEFAULT_TIMEOUT, Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_timeout_prefers_the_signal_variable() {
        assert_eq!(export_timeout(|_| None), DEFAULT_TIMEOUT);
        let general = |n: &str| (n == "OTEL_EXPORTER_OTLP_TIMEOUT").then(|| "250".to_owned());
        assert_eq!(export_timeout(general), Duration::from_millis(250));
        let both = |n: &str| Some(if n.contains("TRACES") { "40" } else { "250" }.to_owned());
        assert_eq!(export_timeout(both), Duration::from_millis(40));
    }

    #[test]
    fn the_resource_names_vcslink() {
        let r = resource();
        let name = r.get(&opentelemetry::Key::new("service.name")).map(|v| v.to_string());
        // OTEL_SERVICE_NAME may be set by whoever runs the tests; then it wins, as it should.
        let expected = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "vcslink".into());
        assert_eq!(name.as_deref(), Some(expected.as_str()));
    }
}
