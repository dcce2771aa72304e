//! What a page keeps alive, read through Chrome DevTools (ChromeDriver's `goog/cdp/execute`): after a
//! forced garbage collection, `Runtime.queryObjects` finds every object of a prototype still on the
//! page's heap, so a `MediaStream`, track, media element, `AudioContext` or peer connection nobody
//! released shows up in the counts. Also the page's memory as DevTools sees it (`Performance.getMetrics`,
//! `Memory.getDOMCounters`) for the browser bench; the renderer process's RSS is `renderer_rss.rs`'s.
//!
//! Used by `tests/media_lifetime.rs` (nothing may be left between calls) and `src/bin/browser-bench/main.rs`.

use fantoccini::Client;
use serde_json::{json, Value};

use crate::cdp;

/// Live media objects on the page after a garbage collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MediaCensus {
    /// `MediaStream`s still reachable.
    pub streams: u64,
    /// `MediaStreamTrack`s still reachable, ended ones included.
    pub tracks: u64,
    /// Tracks whose `readyState` is `live` (a microphone or a remote track still running).
    pub live_tracks: u64,
    /// `HTMLMediaElement`s (`<audio>`, `new Audio()`) still reachable, in the document or not.
    pub media_elements: u64,
    /// Media elements with a `srcObject` or a `src` (each holds a media player).
    pub media_elements_with_source: u64,
    /// `AudioContext`s (any `BaseAudioContext`) not `closed`.
    pub open_audio_contexts: u64,
    /// `RTCPeerConnection`s still reachable.
    pub peer_connections: u64,
    /// Peer connections not `closed`.
    pub open_peer_connections: u64,
}

/// A count of `prototype`'s objects (`filter` is a JS expression of `o`; `true` counts them all). Every
/// access is guarded: the prototypes of subclasses are on the list too, and their getters throw.
const COUNTS: &[(&str, &str, &str)] = &[
    (
        "streams",
        "MediaStream.prototype",
        "typeof o.active === 'boolean'",
    ),
    (
        "tracks",
        "MediaStreamTrack.prototype",
        "typeof o.readyState === 'string'",
    ),
    (
        "liveTracks",
        "MediaStreamTrack.prototype",
        "o.readyState === 'live'",
    ),
    (
        "mediaElements",
        "HTMLMediaElement.prototype",
        "typeof o.paused === 'boolean'",
    ),
    (
        "mediaElementsWithSource",
        "HTMLMediaElement.prototype",
        "o.srcObject != null || (o.currentSrc || o.getAttribute('src') || '') !== ''",
    ),
    (
        "openAudioContexts",
        "(window.BaseAudioContext || AudioContext).prototype",
        "typeof o.state === 'string' && o.state !== 'closed'",
    ),
    (
        "peerConnections",
        "RTCPeerConnection.prototype",
        "typeof o.signalingState === 'string'",
    ),
    (
        "openPeerConnections",
        "RTCPeerConnection.prototype",
        "typeof o.signalingState === 'string' && o.signalingState !== 'closed'",
    ),
];

/// Runs a DevTools command on the page; its result.
pub async fn devtools(browser: &Client, cmd: &str, params: Value) -> Value {
    browser
        .issue_cmd(cdp(cmd, params))
        .await
        .unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"))
}

/// Forces a full garbage collection of the page's heap (twice: what the first frees can release more).
pub async fn collect_garbage(browser: &Client) {
    for _ in 0..2 {
        devtools(browser, "HeapProfiler.collectGarbage", json!({})).await;
    }
}

/// Counts the page's live media objects after a garbage collection.
pub async fn media_census(browser: &Client) -> MediaCensus {
    collect_garbage(browser).await;
    const GROUP: &str = "ccc-census";
    let mut counts = serde_json::Map::new();
    for (name, prototype, filter) in COUNTS {
        let proto = devtools(
            browser,
            "Runtime.evaluate",
            json!({"expression": prototype, "objectGroup": GROUP}),
        )
        .await;
        let proto_id = proto["result"]["objectId"]
            .as_str()
            .unwrap_or_else(|| panic!("no object for {prototype}: {proto}"))
            .to_owned();
        let found = devtools(
            browser,
            "Runtime.queryObjects",
            json!({"prototypeObjectId": proto_id, "objectGroup": GROUP}),
        )
        .await;
        let array_id = found["objects"]["objectId"]
            .as_str()
            .unwrap_or_else(|| panic!("queryObjects {prototype}: {found}"))
            .to_owned();
        let function = format!(
            "function () {{ return this.filter(function (o) {{ \
               try {{ return !!({filter}); }} catch (e) {{ return false; }} }}).length; }}"
        );
        let counted = devtools(
            browser,
            "Runtime.callFunctionOn",
            json!({"objectId": array_id, "functionDeclaration": function,
                   "returnByValue": true, "objectGroup": GROUP}),
        )
        .await;
        let n = counted["result"]["value"]
            .as_u64()
            .unwrap_or_else(|| panic!("count of {prototype}: {counted}"));
        counts.insert((*name).into(), json!(n));
    }
    // The query's own arrays hold the objects: let them go before anything else is measured.
    devtools(
        browser,
        "Runtime.releaseObjectGroup",
        json!({"objectGroup": GROUP}),
    )
    .await;
    MediaCensus {
        streams: count(&counts, "streams"),
        tracks: count(&counts, "tracks"),
        live_tracks: count(&counts, "liveTracks"),
        media_elements: count(&counts, "mediaElements"),
        media_elements_with_source: count(&counts, "mediaElementsWithSource"),
        open_audio_contexts: count(&counts, "openAudioContexts"),
        peer_connections: count(&counts, "peerConnections"),
        open_peer_connections: count(&counts, "openPeerConnections"),
    }
}

impl MediaCensus {
    /// Whether nothing of a call is left: no stream, no live track, no media element holding a source,
    /// no open audio context or peer connection.
    pub fn is_clear(&self) -> bool {
        self.streams == 0
            && self.live_tracks == 0
            && self.media_elements_with_source == 0
            && self.open_audio_contexts == 0
            && self.open_peer_connections == 0
    }

    /// As JSON (`bench/browser.json`).
    pub fn to_json(&self) -> Value {
        json!({
            "streams": self.streams,
            "tracks": self.tracks,
            "liveTracks": self.live_tracks,
            "mediaElements": self.media_elements,
            "mediaElementsWithSource": self.media_elements_with_source,
            "openAudioContexts": self.open_audio_contexts,
            "peerConnections": self.peer_connections,
            "openPeerConnections": self.open_peer_connections,
        })
    }
}

fn count(counts: &serde_json::Map<String, Value>, name: &str) -> u64 {
    counts.get(name).and_then(Value::as_u64).unwrap_or(0)
}

/// The page's memory as Chromium reports it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PageMemory {
    /// V8's used JS heap, bytes (`JSHeapUsedSize`).
    pub js_heap_used: u64,
    /// The wasm instances' linear memory, bytes (every `WebAssembly.Memory`'s buffer).
    pub wasm_memory: u64,
    /// DOM nodes alive (`Memory.getDOMCounters`).
    pub dom_nodes: u64,
    /// Documents alive.
    pub documents: u64,
    /// JS event listeners.
    pub js_event_listeners: u64,
}

/// Reads [`PageMemory`] (after [`collect_garbage`], so it is what stays).
pub async fn page_memory(browser: &Client) -> PageMemory {
    collect_garbage(browser).await;
    devtools(browser, "Performance.enable", json!({})).await;
    let metrics = devtools(browser, "Performance.getMetrics", json!({})).await;
    let metric = |name: &str| {
        metrics["metrics"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["name"] == name))
            .and_then(|m| m["value"].as_f64())
            .unwrap_or(0.0) as u64
    };
    let dom = devtools(browser, "Memory.getDOMCounters", json!({})).await;
    PageMemory {
        js_heap_used: metric("JSHeapUsedSize"),
        wasm_memory: wasm_memory(browser).await,
        dom_nodes: dom["nodes"].as_u64().unwrap_or(0),
        documents: dom["documents"].as_u64().unwrap_or(0),
        js_event_listeners: dom["jsEventListeners"].as_u64().unwrap_or(0),
    }
}

impl PageMemory {
    /// As JSON (`bench/browser.json`).
    pub fn to_json(&self) -> Value {
        json!({
            "jsHeapUsed": self.js_heap_used,
            "wasmMemory": self.wasm_memory,
            "domNodes": self.dom_nodes,
            "documents": self.documents,
            "jsEventListeners": self.js_event_listeners,
        })
    }
}

async fn wasm_memory(browser: &Client) -> u64 {
    const GROUP: &str = "ccc-wasm-memory";
    let proto = devtools(
        browser,
        "Runtime.evaluate",
        json!({"expression": "WebAssembly.Memory.prototype", "objectGroup": GROUP}),
    )
    .await;
    let Some(proto_id) = proto["result"]["objectId"].as_str() else {
        return 0;
    };
    let found = devtools(
        browser,
        "Runtime.queryObjects",
        json!({"prototypeObjectId": proto_id, "objectGroup": GROUP}),
    )
    .await;
    let bytes = match found["objects"]["objectId"].as_str() {
        Some(array_id) => {
            let sum = devtools(
                browser,
                "Runtime.callFunctionOn",
                json!({"objectId": array_id, "returnByValue": true, "objectGroup": GROUP,
                       "functionDeclaration": "function () { return this.reduce(function (n, m) { \
                          try { return n + m.buffer.byteLength; } catch (e) { return n; } }, 0); }"}),
            )
            .await;
            sum["result"]["value"].as_u64().unwrap_or(0)
        }
        None => 0,
    };
    devtools(
        browser,
        "Runtime.releaseObjectGroup",
        json!({"objectGroup": GROUP}),
    )
    .await;
    bytes
}
