//! The TypeScript types and the npm package, with the real tools: `tsc --strict` (npm `typescript`, which
//! `scripts/setup.sh test` installs into `${CCC_TOOLS_DIR:-~/.cache/ccc-workbench}/typescript`) compiles the
//! sample host file that uses every option, hook and method, rejects each deliberate misuse on its own line,
//! and `scripts/package.sh` (`make package`) packs the release `dist/` into a tarball that `npm install
//! --offline` installs into a fresh project, where `import … from "ccc-workbench-sdk"` resolves the types.
//! That the declarations name everything of the contract is `tests/typings.rs` (no tools needed).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use workbench_e2e::temp_dir::TempDir;
use workbench_e2e::{dist, tool_file, workspace_root};

fn tsc() -> PathBuf {
    tool_file("typescript/node_modules/.bin/tsc")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `tsc --strict --noEmit` over `files` (relative to `dir`), with `extra` options.
fn strict_tsc(dir: &Path, files: &[&str], extra: &[&str]) -> Output {
    let mut cmd = Command::new(tsc());
    cmd.current_dir(dir)
        .args([
            "--strict", "--noEmit", "--pretty", "false", "--target", "es2020",
        ])
        .args(["--lib", "es2020,dom"])
        .args(extra)
        .args(files);
    run(&mut cmd)
}

const BUNDLER: &[&str] = &["--module", "esnext", "--moduleResolution", "bundler"];

#[test]
fn the_sample_host_and_its_misuses_compile_under_tsc_strict() {
    let package = workspace_root().join("package");
    let out = strict_tsc(&package, &["test/host.ts", "test/misuse.ts"], BUNDLER);
    assert!(
        out.status.success(),
        "tsc --strict rejects package/test/host.ts or misuse.ts (an unused @ts-expect-error is a misuse \
         the types let through):\n{}",
        text(&out)
    );
}

#[test]
fn each_misuse_is_a_type_error_on_its_own_line() {
    // Without the `@ts-expect-error` directives, tsc must fail exactly on the lines after them.
    let package = workspace_root().join("package");
    let misuse = std::fs::read_to_string(package.join("test/misuse.ts")).unwrap();
    let mut expected = BTreeSet::new();
    let bare: Vec<String> = misuse
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if line.trim_start().starts_with("// @ts-expect-error") {
                expected.insert(i + 2); // tsc counts lines from 1; the misuse is the next line
                String::new()
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert!(
        expected.len() >= 15,
        "misuse.ts has {} misuses",
        expected.len()
    );
    let dir = TempDir::new("misuse");
    std::fs::copy(
        package.join("WorkbenchSdk.d.ts"),
        dir.0.join("WorkbenchSdk.d.ts"),
    )
    .unwrap();
    std::fs::create_dir(dir.0.join("test")).unwrap();
    std::fs::write(dir.0.join("test/misuse.ts"), bare.join("\n")).unwrap();

    let out = strict_tsc(&dir.0, &["test/misuse.ts"], BUNDLER);
    assert!(
        !out.status.success(),
        "tsc accepted every misuse:\n{}",
        text(&out)
    );
    let report = text(&out);
    let errors: BTreeSet<usize> = report
        .lines()
        .filter_map(|l| l.strip_prefix("test/misuse.ts("))
        .filter(|l| l.contains("error TS"))
        .filter_map(|l| l.split(',').next()?.parse().ok())
        .collect();
    let let_through: Vec<_> = expected.difference(&errors).collect();
    let unexpected: Vec<_> = errors.difference(&expected).collect();
    assert!(
        let_through.is_empty() && unexpected.is_empty(),
        "misuses the types let through (lines) {let_through:?}; errors on other lines {unexpected:?}\n{report}"
    );
}

fn workspace_version() -> String {
    let cargo = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
    let section = &cargo[cargo
        .find("[workspace.package]")
        .expect("[workspace.package]")..];
    let line = section
        .lines()
        .find(|l| l.starts_with("version = "))
        .expect("a workspace version");
    line.trim_start_matches("version = ")
        .trim_matches('"')
        .to_owned()
}

#[test]
fn npm_pack_builds_a_package_that_installs_offline_with_its_types() {
    let dist = dist();
    let work = TempDir::new("package");
    let packed = run(Command::new(workspace_root().join("scripts/package.sh"))
        .arg(&dist)
        .arg(work.0.join("out")));
    assert!(
        packed.status.success(),
        "scripts/package.sh failed:\n{}",
        text(&packed)
    );
    let tgz = PathBuf::from(
        String::from_utf8_lossy(&packed.stdout)
            .trim()
            .lines()
            .last()
            .unwrap(),
    );
    let version = workspace_version();
    assert_eq!(
        tgz.file_name().unwrap().to_string_lossy(),
        format!("ccc-workbench-sdk-{version}.tgz")
    );

    // A host project installs the tarball with no registry.
    let host = work.0.join("host");
    std::fs::create_dir(&host).unwrap();
    std::fs::write(
        host.join("package.json"),
        r#"{ "name": "crm", "private": true }"#,
    )
    .unwrap();
    let installed = run(Command::new("npm")
        .current_dir(&host)
        .args([
            "install",
            "--offline",
            "--no-audit",
            "--no-fund",
            "--no-update-notifier",
        ])
        .arg(&tgz));
    assert!(
        installed.status.success(),
        "npm install --offline failed:\n{}",
        text(&installed)
    );

    let pkg = host.join("node_modules/ccc-workbench-sdk");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pkg.join("package.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["version"],
        version.as_str(),
        "the workspace's version"
    );
    assert_eq!(manifest["types"], "WorkbenchSdk.d.ts");
    assert_eq!(manifest["main"], "sdk/workbenchSdk.min.js");
    assert_eq!(manifest["browser"], "sdk/workbenchSdk.min.js");
    assert_eq!(manifest["module"], "index.mjs");
    assert_eq!(
        manifest["exports"]["."],
        serde_json::json!({"types": "./WorkbenchSdk.d.ts", "import": "./index.mjs",
            "default": "./sdk/workbenchSdk.min.js"})
    );

    // The files: exactly the SDK's, the types and the README; the loader's hashed files are the built ones.
    let loader = std::fs::read_to_string(pkg.join("sdk/workbenchSdk.min.js")).unwrap();
    assert!(
        loader
            .replace(char::is_whitespace, "")
            .contains("window.WorkbenchSdk="),
        "the loader itself"
    );
    let mut expected: BTreeSet<String> = [
        "package.json",
        "README.md",
        "WorkbenchSdk.d.ts",
        "index.mjs",
        "sdk/workbenchSdk.min.js",
        "sdk/main.min.css",
        "sdk/ringtone.wav",
    ]
    .map(String::from)
    .into();
    for name in std::fs::read_dir(dist.join("sdk")).unwrap() {
        let name = name.unwrap().file_name().to_string_lossy().into_owned();
        let hashed =
            name.starts_with("workbench-") && (name.ends_with("_bg.wasm") || name.ends_with(".js"));
        if hashed {
            assert!(
                loader.contains(&format!("'{name}'")) || loader.contains(&format!("\"{name}\"")),
                "the packed loader fetches {name}"
            );
            let built = std::fs::read(dist.join("sdk").join(&name)).unwrap();
            assert_eq!(
                std::fs::read(pkg.join("sdk").join(&name)).unwrap(),
                built,
                "{name} as built"
            );
            expected.insert(format!("sdk/{name}"));
        }
    }
    assert_eq!(expected.len(), 9, "two hashed files in dist/sdk");
    let mut found = BTreeSet::new();
    let mut stack = vec![pkg.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(
                    path.strip_prefix(&pkg)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    assert_eq!(found, expected, "the installed package's files");
    assert_eq!(
        std::fs::read(pkg.join("WorkbenchSdk.d.ts")).unwrap(),
        std::fs::read(workspace_root().join("package/WorkbenchSdk.d.ts")).unwrap()
    );

    // tsc resolves the package by name: types by import, the loader's global, and a script-only page.
    std::fs::write(
        host.join("app.ts"),
        r#"import 'ccc-workbench-sdk';
import type { WorkbenchSdkConfig, StatusCode, SipPhone } from 'ccc-workbench-sdk';
const config: WorkbenchSdkConfig = {
  dom: 'workbench-container', instanceId: 'ccc-demo', regionId: 'cn-shanghai',
  onStatusChange: ({ code }) => { const c: StatusCode = code; void c; },
};
window.workbench = new WorkbenchSdk(config);
window.workbench.umMuteAgent();
const phone: Promise<SipPhone> = WorkbenchSdk.createSipPhone({ url: 'wss://pbx/ws', user: '1', password: 'p' });
void phone;
"#,
    )
    .unwrap();
    std::fs::write(
        host.join("page.ts"),
        r#"/// <reference types="ccc-workbench-sdk" />
const wb: WorkbenchSdk = new WorkbenchSdk({ dom: 'wb', instanceId: 'i', regionId: 'cn-shanghai' });
wb.transferStatisfic();
"#,
    )
    .unwrap();
    // A bundled app: the ES module's loadWorkbenchSdk gives the constructor.
    std::fs::write(
        host.join("bundled.ts"),
        r#"import { loadWorkbenchSdk } from 'ccc-workbench-sdk';
import load from 'ccc-workbench-sdk';
loadWorkbenchSdk('/static/ccc/').then((Sdk) => {
  window.workbench = new Sdk({ dom: 'wb', instanceId: 'i', regionId: 'cn-shanghai',
    onInit: () => window.workbench?.register() });
});
void load(new URL('https://crm.example/static/ccc/'));
"#,
    )
    .unwrap();
    let out = strict_tsc(&host, &["bundled.ts"], BUNDLER);
    assert!(
        out.status.success(),
        "bundled.ts (loadWorkbenchSdk):\n{}",
        text(&out)
    );
    for resolution in [
        BUNDLER,
        &["--module", "commonjs", "--moduleResolution", "node10"],
    ] {
        let out = strict_tsc(&host, &["app.ts"], resolution);
        assert!(
            out.status.success(),
            "app.ts with {resolution:?}:\n{}",
            text(&out)
        );
    }
    let out = strict_tsc(&host, &["page.ts"], &[]);
    assert!(
        out.status.success(),
        "page.ts (script, reference types):\n{}",
        text(&out)
    );

    // And a misuse through the installed package is still an error (the types are really read).
    std::fs::write(
        host.join("wrong.ts"),
        "import type { WorkbenchSdkConfig } from 'ccc-workbench-sdk';\n\
         const c: WorkbenchSdkConfig = { dom: 'd', instanceId: 'i', regionId: 'r', afterCallRule: 'later' };\n\
         void c;\n",
    )
    .unwrap();
    let out = strict_tsc(&host, &["wrong.ts"], BUNDLER);
    assert!(
        !out.status.success() && text(&out).contains("wrong.ts(2,"),
        "tsc must reject afterCallRule: 'later' through the installed types:\n{}",
        text(&out)
    );
}
