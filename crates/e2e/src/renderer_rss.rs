//! The Chromium renderer processes this process started (through ChromeDriver) and their resident memory,
//! read from `/proc` — what the browser bench plots per call beside the page's own counts (`census.rs`).

/// The Chromium renderer processes started by this process (through ChromeDriver), as `(pid, RSS bytes)`:
/// every descendant whose command line has `--type=renderer` (extensions' renderers left out).
pub fn renderers() -> Vec<(u32, u64)> {
    let mut children: std::collections::HashMap<u32, Vec<u32>> = Default::default();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some(parent) = parent_of(pid) {
                children.entry(parent).or_default().push(pid);
            }
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![std::process::id()];
    while let Some(pid) = stack.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            stack.push(child);
            let cmdline = std::fs::read(format!("/proc/{child}/cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline);
            if cmdline.contains("--type=renderer") && !cmdline.contains("--extension-process") {
                if let Some(rss) = rss_bytes(child) {
                    out.push((child, rss));
                }
            }
        }
    }
    out
}

/// The RSS of the tab's renderer: the largest renderer this process started (the page with the panel;
/// a spare renderer is small).
pub fn renderer_rss() -> Option<(u32, u64)> {
    renderers().into_iter().max_by_key(|(_, rss)| *rss)
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split(' ').nth(1)?.parse().ok()
}

fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
