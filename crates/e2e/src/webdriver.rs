//! WebDriver commands fantoccini has no method for, among them Chrome DevTools through ChromeDriver.

use serde_json::{json, Value};

/// A WebDriver command the client has no method for: `POST /session/{id}/<path>` with a JSON body (e.g.
/// `cookie`, or ChromeDriver's `goog/cdp/execute` for Chrome DevTools).
#[derive(Debug)]
pub struct SessionPost {
    /// The path below the session.
    pub path: &'static str,
    /// The JSON body.
    pub body: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &reqwest::Url,
        session_id: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.body.to_string()))
    }
}

/// A Chrome DevTools command through ChromeDriver.
pub fn cdp(cmd: &str, params: Value) -> SessionPost {
    SessionPost {
        path: "goog/cdp/execute",
        body: json!({ "cmd": cmd, "params": params }),
    }
}
