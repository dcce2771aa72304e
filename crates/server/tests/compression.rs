//! How the built site goes on the wire: the build's post-step (`scripts/post-build.sh`, trunk's post_build
//! hook) run on a staged site, then the server over real HTTP — `Content-Encoding` negotiation over the
//! precompressed `.br`/`.gz` siblings, `Vary`, the original's `Content-Type`, `Content-Length`, `HEAD`, ranges,
//! `Cache-Control` for content-hashed names vs the loader's stable URL, 304 on revalidation, and the
//! fallback when a sibling is missing. Compressed bodies are decoded with the `brotli` and `gzip` tools the
//! build uses (scripts/setup.sh installs them).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;
use reqwest::header::HeaderMap;
use reqwest::Method;

const WASM: &[u8] = include_bytes!("compression.rs");

/// What stands for wasm-bindgen's glue: a module of 300 exported functions (valid JavaScript, which the
/// build's minifier parses), indented as the real one is.
fn fake_glue() -> String {
    (0..300)
        .map(|i| format!("export function setAssetBase{i}(base) {{\n    return base;\n}}\n"))
        .collect()
}

/// A staged site as trunk leaves it (pages, the glue and the wasm under `sdk/`), finished by the real
/// post-build script. Returns the directory and the content hash the script gave the glue and wasm.
fn built_site() -> (PathBuf, String) {
    let stage = temp_dir("dist");
    std::fs::create_dir_all(stage.join("sdk")).unwrap();
    let page = format!(
        "<!doctype html><html><body>{}</body></html>",
        "<p>workbench</p>".repeat(200)
    );
    std::fs::write(stage.join("index.html"), page).unwrap();
    std::fs::write(stage.join("sdk/workbench.js"), fake_glue()).unwrap();
    // Any compressible bytes stand for the wasm (this file's own source).
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend_from_slice(WASM);
    std::fs::write(stage.join("sdk/workbench_bg.wasm"), wasm).unwrap();

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(root.join("scripts/post-build.sh"))
        .arg(&stage)
        .current_dir(&root)
        .output()
        .expect("run scripts/post-build.sh");
    assert!(
        out.status.success(),
        "post-build.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loader = std::fs::read_to_string(stage.join("sdk/workbenchSdk.min.js")).unwrap();
    let hashed: Vec<String> = std::fs::read_dir(stage.join("sdk"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("workbench-") && n.ends_with("_bg.wasm"))
        .collect();
    assert_eq!(hashed.len(), 1, "one hashed wasm: {hashed:?}");
    let hash = hashed[0]["workbench-".len()..hashed[0].len() - "_bg.wasm".len()].to_owned();
    assert_eq!(hash.len(), 16, "{hash}");
    // The loader fetches the hashed names, so they can be cached for good (as a string literal in either
    // quote: the minifier chooses).
    let names = |file: &str| {
        loader.contains(&format!("'{file}'")) || loader.contains(&format!("\"{file}\""))
    };
    assert!(names(&format!("workbench-{hash}.js")), "{loader}");
    assert!(names(&format!("workbench-{hash}_bg.wasm")), "{loader}");
    assert!(
        !names("workbench.js") && !names("workbench_bg.wasm"),
        "{loader}"
    );
    for f in [
        "index.html".to_owned(),
        format!("sdk/workbench-{hash}.js"),
        format!("sdk/workbench-{hash}_bg.wasm"),
        "sdk/workbench.js".to_owned(),
        "sdk/workbench_bg.wasm".to_owned(),
        "sdk/workbenchSdk.min.js".to_owned(),
        "sdk/main.min.css".to_owned(),
    ] {
        for ext in ["br", "gz"] {
            assert!(stage.join(format!("{f}.{ext}")).is_file(), "{f}.{ext}");
        }
    }
    assert!(
        !stage.join("sdk/ringtone.wav.br").exists(),
        "audio is not precompressed"
    );
    (stage, hash)
}

/// `tool -d -c` over `bytes` (`brotli` or `gzip`).
fn decompress(tool: &str, bytes: &[u8]) -> Vec<u8> {
    let mut child = Command::new(tool)
        .args(["-d", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{tool} -d failed");
    out.stdout
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

async fn fetch(s: &Server, method: Method, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = s.http.request(method, format!("{}{path}", s.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.unwrap().to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(s: &Server, path: &str, accept_encoding: &str) -> Answer {
    fetch(
        s,
        Method::GET,
        path,
        &[("accept-encoding", accept_encoding)],
    )
    .await
}

/// The loader, the glue and the stylesheet are sent minified: comments and indentation gone, each
/// under four fifths of its source, the loader still defining `window.WorkbenchSdk`.
#[test]
fn the_build_minifies_the_loader_the_glue_and_the_stylesheet() {
    let (dist, hash) = built_site();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let built = |f: &str| std::fs::read_to_string(dist.join(f)).unwrap();
    let source = |f: &str| std::fs::read_to_string(root.join(f)).unwrap();
    for (name, min, src) in [
        (
            "loader",
            built("sdk/workbenchSdk.min.js"),
            source("js/workbench-sdk.js"),
        ),
        (
            "stylesheet",
            built("sdk/main.min.css"),
            source("styles/main.css"),
        ),
        (
            "glue",
            built(&format!("sdk/workbench-{hash}.js")),
            fake_glue(),
        ),
    ] {
        assert!(
            min.len() * 5 < src.len() * 4,
            "{name}: {} B minified of {} B",
            min.len(),
            src.len()
        );
        assert!(!min.contains("\n  "), "{name} keeps its indentation");
    }
    let loader = built("sdk/workbenchSdk.min.js");
    assert!(
        !loader.contains("sdk-contract.md"),
        "the loader keeps its comments"
    );
    assert!(loader.contains("window.WorkbenchSdk="), "{loader}");
}

#[tokio::test]
async fn negotiates_brotli_gzip_and_identity_over_the_precompressed_siblings() {
    let (dist, hash) = built_site();
    let s = start_with(fast_config(), dist.clone()).await;
    let wasm_path = format!("/sdk/workbench-{hash}_bg.wasm");
    let original = std::fs::read(dist.join(&wasm_path[1..])).unwrap();

    // A browser's header: brotli wins.
    let br = get(&s, &wasm_path, "gzip, deflate, br, zstd").await;
    assert_eq!(br.status, 200);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("content-type"), Some("application/wasm"));
    assert_eq!(br.header("vary"), Some("accept-encoding"));
    assert_eq!(br.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        br.header("content-length"),
        Some(br.body.len().to_string().as_str())
    );
    assert!(br.body.len() < original.len() / 2, "{}", br.body.len());
    assert_eq!(decompress("brotli", &br.body), original);

    let gz = get(&s, &wasm_path, "gzip").await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("content-type"), Some("application/wasm"));
    assert_eq!(gz.header("vary"), Some("accept-encoding"));
    assert_eq!(
        gz.header("content-length"),
        Some(gz.body.len().to_string().as_str())
    );
    assert_eq!(decompress("gzip", &gz.body), original);

    // No Accept-Encoding at all: the file itself.
    let plain = fetch(&s, Method::GET, &wasm_path, &[]).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.header("vary"), Some("accept-encoding"));
    assert_eq!(plain.body, original);
    assert_eq!(
        plain.header("content-length"),
        Some(original.len().to_string().as_str())
    );

    // q=0 refuses an encoding; a higher q wins over brotli's preference.
    let no_br = get(&s, &wasm_path, "br;q=0, gzip").await;
    assert_eq!(no_br.header("content-encoding"), Some("gzip"));
    let gzip_preferred = get(&s, &wasm_path, "br;q=0.5, gzip;q=1").await;
    assert_eq!(gzip_preferred.header("content-encoding"), Some("gzip"));
    let neither = get(&s, &wasm_path, "br;q=0, gzip;q=0").await;
    assert_eq!(neither.header("content-encoding"), None);
    assert_eq!(neither.body, original);

    // The loader, the glue, the stylesheet and the page keep their own types.
    for (path, file, kind) in [
        (
            "/sdk/workbenchSdk.min.js",
            "sdk/workbenchSdk.min.js",
            "javascript",
        ),
        (
            &format!("/sdk/workbench-{hash}.js"),
            "sdk/workbench.js",
            "javascript",
        ),
        ("/sdk/main.min.css", "sdk/main.min.css", "text/css"),
        ("/", "index.html", "text/html"),
    ] {
        let a = get(&s, path, "br").await;
        assert_eq!(a.status, 200, "{path}");
        assert_eq!(a.header("content-encoding"), Some("br"), "{path}");
        assert!(a.header("content-type").unwrap().contains(kind), "{path}");
        assert_eq!(
            decompress("brotli", &a.body),
            std::fs::read(dist.join(file)).unwrap(),
            "{path}"
        );
    }
    s.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test]
async fn head_and_ranges_follow_the_chosen_encoding() {
    let (dist, hash) = built_site();
    let s = start_with(fast_config(), dist.clone()).await;
    let path = format!("/sdk/workbench-{hash}_bg.wasm");
    let br_len = std::fs::metadata(dist.join(format!("sdk/workbench-{hash}_bg.wasm.br")))
        .unwrap()
        .len();

    let head = fetch(&s, Method::HEAD, &path, &[("accept-encoding", "br")]).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-encoding"), Some("br"));
    assert_eq!(
        head.header("content-length"),
        Some(br_len.to_string().as_str())
    );
    assert!(head.body.is_empty());

    let range = fetch(
        &s,
        Method::GET,
        &path,
        &[("accept-encoding", "br"), ("range", "bytes=0-9")],
    )
    .await;
    assert_eq!(range.status, 206);
    assert_eq!(range.header("content-encoding"), Some("br"));
    assert_eq!(
        range.header("content-range"),
        Some(format!("bytes 0-9/{br_len}").as_str())
    );
    let br_file = std::fs::read(dist.join(format!("sdk/workbench-{hash}_bg.wasm.br"))).unwrap();
    assert_eq!(range.body, br_file[..10]);
    s.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test]
async fn hashed_names_are_immutable_and_stable_names_revalidate() {
    let (dist, hash) = built_site();
    let s = start_with(fast_config(), dist.clone()).await;
    for path in [
        format!("/sdk/workbench-{hash}_bg.wasm"),
        format!("/sdk/workbench-{hash}.js"),
    ] {
        let a = get(&s, &path, "br").await;
        assert_eq!(
            a.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
    }
    // The loader's URL is the contract and never changes, so it is revalidated on every use; so are the
    // other stable names.
    for path in [
        "/sdk/workbenchSdk.min.js",
        "/sdk/main.min.css",
        "/sdk/workbench_bg.wasm",
        "/sdk/workbench.js",
        "/",
        "/index.html",
    ] {
        let a = get(&s, path, "br").await;
        assert_eq!(a.status, 200, "{path}");
        assert_eq!(a.header("cache-control"), Some("no-cache"), "{path}");
    }
    assert!(
        get(&s, "/sdk/nope-0123456789abcdef.js", "br")
            .await
            .header("cache-control")
            .is_none(),
        "a 404 is not cached for a year"
    );

    // Revalidation: the validator the answer carried gives a 304 with the same caching headers.
    let first = get(&s, "/sdk/workbenchSdk.min.js", "br").await;
    let last_modified = first
        .header("last-modified")
        .expect("last-modified")
        .to_owned();
    let again = fetch(
        &s,
        Method::GET,
        "/sdk/workbenchSdk.min.js",
        &[
            ("accept-encoding", "br"),
            ("if-modified-since", &last_modified),
        ],
    )
    .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("cache-control"), Some("no-cache"));
    assert_eq!(again.header("vary"), Some("accept-encoding"));
    assert_eq!(again.header("access-control-allow-origin"), Some("*"));
    s.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test]
async fn a_missing_sibling_falls_back_to_the_next_encoding_or_the_file() {
    let (dist, _) = built_site();
    // A dev build: no siblings at all for one file, only the gzip one for another.
    std::fs::write(dist.join("sdk/dev.js"), "console.log('dev');\n".repeat(50)).unwrap();
    std::fs::remove_file(dist.join("sdk/main.min.css.br")).unwrap();
    let s = start_with(fast_config(), dist.clone()).await;

    let css = get(&s, "/sdk/main.min.css", "br, gzip").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-encoding"), Some("gzip"));
    assert_eq!(
        decompress("gzip", &css.body),
        std::fs::read(dist.join("sdk/main.min.css")).unwrap()
    );
    let css_br_only = get(&s, "/sdk/main.min.css", "br").await;
    assert_eq!(css_br_only.status, 200);
    assert_eq!(css_br_only.header("content-encoding"), None);

    let dev = get(&s, "/sdk/dev.js", "br, gzip").await;
    assert_eq!(dev.status, 200);
    assert_eq!(dev.header("content-encoding"), None);
    assert!(dev.header("content-type").unwrap().contains("javascript"));
    assert_eq!(dev.body, std::fs::read(dist.join("sdk/dev.js")).unwrap());
    s.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}
