//! What the process environment may change about where requests go, decided once when a
//! client is made: the proxy (the `proxy` config key, else `HTTPS_PROXY`/`ALL_PROXY` for https
//! base URLs, honouring `NO_PROXY` as curl does; never for a loopback host) and the trust roots
//! (the `caFile` config key, else `SSL_CERT_FILE`).

use ureq::Proxy;
use ureq::tls::{Certificate, RootCerts};

use crate::error::{Error, Result};
use crate::model::Secret;

/// The proxy a client uses, with what errors may say of it.
pub(crate) struct ChosenProxy {
    pub proxy: Proxy,
    /// `http://host:port`, for messages (never the credentials).
    pub label: String,
    /// The proxy's password, scrubbed from errors like the API key.
    pub password: Option<Secret>,
}

/// The proxy for requests to `host` of `base_url`. `configured` is the config's `proxy` key:
/// absent (`None`), `null` (`Some(None)`: no proxy, whatever the environment) or a URL.
pub(crate) fn choose_proxy(
    base_url: &str,
    host: &str,
    configured: Option<Option<&str>>,
) -> Result<Option<ChosenProxy>> {
    if crate::client::is_loopback(host) {
        return Ok(None);
    }
    let url = match configured {
        Some(None) => return Ok(None),
        Some(Some(url)) => url.to_string(),
        // Plain http is only allowed to loopback hosts, so only https reads the environment.
        None if !base_url.starts_with("https:") => return Ok(None),
        None => {
            let from_env = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
                .iter()
                .find_map(|name| env_value(name));
            let no_proxy = env_value("NO_PROXY").or_else(|| env_value("no_proxy"));
            match from_env {
                Some(url) if !no_proxy.is_some_and(|list| no_proxy_matches(&list, host)) => url,
                _ => return Ok(None),
            }
        }
    };
    let bad = |why: &str| Error::config(format!("proxy {why}"));
    let with_scheme = if url.contains("://") {
        url
    } else {
        format!("http://{url}")
    };
    // The value is never quoted: it may hold a password.
    let proxy = Proxy::new(&with_scheme)
        .map_err(|_| bad("is not a valid proxy URL (http://[user:password@]host:port)"))?;
    if !matches!(
        with_scheme.split("://").next(),
        Some("http" | "https" | "socks5" | "socks5h" | "socks4" | "socks4a")
    ) {
        return Err(bad("must be an http, https or socks URL"));
    }
    if with_scheme.starts_with("socks") {
        return Err(bad(
            "uses a SOCKS scheme, which this library does not support; use an http proxy",
        ));
    }
    let label = format!("http://{}:{}", proxy.host(), proxy.port());
    let password = proxy.password().map(|p| Secret(p.to_string()));
    Ok(Some(ChosenProxy {
        proxy,
        label,
        password,
    }))
}

/// Whether a `NO_PROXY` list exempts `host`, as curl reads it: comma-separated host names,
/// each matching itself and its subdomains (a leading dot is ignored), or `*`.
fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    list.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches('.').to_ascii_lowercase();
        // A port in the entry is ignored, as curl ignores it.
        let entry = match entry.rsplit_once(':') {
            Some((name, port))
                if port.bytes().all(|b| b.is_ascii_digit()) && !name.contains(':') =>
            {
                name.to_string()
            }
            _ => entry,
        };
        entry == "*"
            || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
    })
}

/// The trust roots: the certificates of `ca_file` (else of `SSL_CERT_FILE`), or the built-in
/// Mozilla roots when neither is set.
pub(crate) fn root_certs(ca_file: Option<&str>) -> Result<RootCerts> {
    let (path, key) = match ca_file {
        Some(path) => (path.to_string(), "caFile"),
        None => match env_value("SSL_CERT_FILE") {
            Some(path) => (path, "SSL_CERT_FILE"),
            None => return Ok(RootCerts::WebPki),
        },
    };
    let pem = std::fs::read(&path)
        .map_err(|e| Error::config(format!("{key} {path} cannot be read: {e}")))?;
    let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::config(format!(
            "{key} {path} holds no PEM certificate"
        )));
    }
    Ok(RootCerts::new_with_certs(&certs))
}

/// An environment variable's value; unset, empty and non-UTF-8 values all read as unset.
pub(crate) fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_null_never_use_a_proxy() {
        let configured = Some(Some("http://10.9.9.9:3128"));
        for host in ["127.0.0.1", "localhost", "[::1]", "127.8.9.10"] {
            assert!(
                choose_proxy("https://x", host, configured)
                    .unwrap()
                    .is_none(),
                "{host}"
            );
        }
        assert!(
            choose_proxy("https://api.paperspace.io", "api.paperspace.io", Some(None))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn no_proxy_lists_read_as_curl_reads_them() {
        let list = " .example.com, internal:8080,*.wild ,";
        for host in ["example.com", "api.example.com", "internal", "x.internal"] {
            assert!(no_proxy_matches(list, host), "{host}");
        }
        for host in ["badexample.com", "example.org", "internal.com"] {
            assert!(!no_proxy_matches(list, host), "{host}");
        }
        assert!(no_proxy_matches("*", "anything.io"));
        assert!(!no_proxy_matches("", "anything.io"));
    }

    #[test]
    fn a_configured_proxy_is_validated_and_its_password_kept_apart() {
        let chosen = choose_proxy(
            "https://api.paperspace.io",
            "api.paperspace.io",
            Some(Some("http://me:s3cret-pass@proxy.example:3128")),
        )
        .unwrap()
        .unwrap();
        assert_eq!(chosen.label, "http://proxy.example:3128");
        assert_eq!(chosen.password, Some(Secret("s3cret-pass".into())));
        for bad in [
            "socks5://u:pw-1@proxy.example:1080",
            "http://u:pw-2@",
            "ftp://u:pw-3@p:1",
        ] {
            let err = choose_proxy("https://a.io", "a.io", Some(Some(bad)))
                .err()
                .unwrap();
            assert_eq!(err.status(), crate::Status::Config, "{bad}");
            assert!(!err.message().contains("pw-"), "{}", err.message());
        }
    }
}
