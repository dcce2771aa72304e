//! A CRM on another origin: serves its own page embedding the SDK from the workbench server, and forwards the
//! SDK's requests from its own backend path (`/aliyun/ccc/api`, the document's example) to the workbench
//! server's `/data/api.json`, deciding itself which agent is signed in — as the seed's section 六 asks of
//! every integrator.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The CRM's address and who it signs in.
#[derive(Clone)]
struct Site {
    workbench: String,
    agent: String,
    extra: String,
    /// More of the CRM's own files, by path: a content type and the bytes.
    files: Arc<HashMap<String, (&'static str, Vec<u8>)>>,
    http: reqwest::Client,
}

/// One more file of the CRM's site: its path (`/react/App.js`), content type and bytes.
pub struct SiteFile {
    pub path: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// A running CRM site on its own loopback port (so its own origin).
pub struct HostSite {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl HostSite {
    /// Starts the site; its page loads the SDK from `workbench` and its backend signs in `agent`.
    pub async fn start(workbench: &str, agent: &str) -> HostSite {
        HostSite::start_with(workbench, agent, "").await
    }

    /// Same, with `extra` JavaScript run on the page just before `new WorkbenchSdk(config)`: it may change
    /// `config` (add hooks, options) and use `log(name, payload)`.
    pub async fn start_with(workbench: &str, agent: &str, extra: &str) -> HostSite {
        HostSite::start_full(workbench, agent, extra, Vec::new()).await
    }

    /// A site that serves `files` too (a framework app's page and modules), beside its backend path.
    pub async fn start_serving(workbench: &str, agent: &str, files: Vec<SiteFile>) -> HostSite {
        HostSite::start_full(workbench, agent, "", files).await
    }

    async fn start_full(
        workbench: &str,
        agent: &str,
        extra: &str,
        files: Vec<SiteFile>,
    ) -> HostSite {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let site = Site {
            workbench: workbench.into(),
            agent: agent.into(),
            extra: extra.into(),
            files: Arc::new(
                files
                    .into_iter()
                    .map(|f| (f.path, (f.content_type, f.body)))
                    .collect(),
            ),
            http: reqwest::Client::new(),
        };
        let app = Router::new()
            .route("/crm.html", get(page))
            .route("/other-tab.html", get(|| async { Html(OTHER_TAB) }))
            .route("/blank.html", get(|| async { Html(BLANK) }))
            .route("/aliyun/ccc/api", any(forward))
            .route("/openapi/", any(openapi))
            .fallback(file)
            .with_state(site);
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let stop = async {
                let _ = rx.await;
            };
            axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
                .expect("host site");
        });
        HostSite {
            base,
            shutdown: Some(tx),
        }
    }
}

impl Drop for HostSite {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn page(State(site): State<Site>) -> Html<String> {
    Html(
        PAGE.replace("{WORKBENCH}", &site.workbench)
            .replace("{EXTRA}", &site.extra),
    )
}

/// One of the site's extra files, or 404.
async fn file(State(site): State<Site>, uri: Uri) -> Response {
    match site.files.get(uri.path()) {
        Some((content_type, body)) => {
            ([(header::CONTENT_TYPE, *content_type)], body.clone()).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The host backend: passes the SDK's request on unchanged, adding only who the agent is.
async fn forward(
    State(site): State<Site>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let url = format!(
        "{}/data/api.json?{}",
        site.workbench,
        query.unwrap_or_default()
    );
    let request = site
        .http
        .request(method, url)
        .header("X-CCC-User", &site.agent);
    pass_on(request, &headers, body).await
}

/// The OpenAPI endpoint as seen from the CRM's origin (AK/SK direct mode in tests): passed on byte for byte,
/// so the emulator verifies the browser's own signature.
async fn openapi(
    State(site): State<Site>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let url = format!("{}/openapi/?{}", site.workbench, query.unwrap_or_default());
    pass_on(site.http.request(method, url), &headers, body).await
}

async fn pass_on(
    mut request: reqwest::RequestBuilder,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    request = request.body(body);
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        request = request.header(header::CONTENT_TYPE, ct.as_bytes());
    }
    match request.send().await {
        Ok(answer) => {
            let status =
                StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let body = answer.bytes().await.unwrap_or_default();
            (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

/// The CRM page: the document's example config with a 1 s `afterCallRule`, every hook recorded in `#hooks`
/// (newest first, as on `/demo/host.html`, so [`crate::hook_log`] reads both).
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>CRM on another origin</title>
<link rel="stylesheet" href="{WORKBENCH}/sdk/main.min.css"></head>
<body>
<div id="workbench-container"></div>
<ol id="hooks"></ol>
<script src="{WORKBENCH}/sdk/workbenchSdk.min.js"></script>
<script>
  var list = document.getElementById('hooks');
  function log(name, payload) {
    var li = document.createElement('li');
    li.setAttribute('data-hook', name);
    li.appendChild(document.createTextNode(''));
    li.appendChild(document.createTextNode(payload === undefined ? '' : JSON.stringify(payload)));
    list.insertBefore(li, list.firstChild);
  }
  // The CRM's own way to its backend, for tests that give the SDK an `apiAxiosFunc`: posts the request
  // to /aliyun/ccc/api and answers like axios ({data}, or an error with `response`).
  function crmBackend(apiName, params) {
    return fetch('/aliyun/ccc/api?action=' + apiName, {
      method: 'POST',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: 'request=' + encodeURIComponent(JSON.stringify(params))
    }).then(function (r) {
      return r.json().then(function (d) {
        if (!r.ok) { var e = new Error('Request failed with status code ' + r.status); e.response = {status: r.status, data: d}; throw e; }
        return {data: d};
      });
    });
  }
  var config = {
    dom: "workbench-container",
    regionId: "cn-shanghai",
    width: "320px",
    height: "580px",
    instanceId: "ccc-demo",
    ajaxPath: "/aliyun/ccc/api",
    ajaxMethod: "post",
    afterCallRule: 1,
    header: true,
    exportErrorOfApi: true
  };
  ["onInit", "onRegister", "onLogIn", "onLogOut", "onBreak", "onReady", "onCallComing", "onCallDialing",
   "onCallEstablish", "onCallRelease", "onHangUp", "onStatusChange", "onErrorNotify", "onWorkModeChange",
   "onAgentOutboundScenario", "onSelectOutboundNumber", "onSelectCurrentCallRecord"].forEach(function (name) {
    config[name] = function (payload) {
      log(name, payload);
      if (name === "onInit") { window.workbench.register(); }
    };
  });
  {EXTRA}
  window.workbench = new WorkbenchSdk(config);
</script>
</body></html>
"#;

/// Another tab of the same CRM, without the SDK: it only writes to `localStorage`.
const OTHER_TAB: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>CRM, another tab</title></head>
<body><p>customer list</p></body></html>
"#;

/// An empty page on the CRM's origin: the browser bench's control for a page load.
const BLANK: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>
"#;
