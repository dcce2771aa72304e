//! The Chromium renderer processes this process started (through ChromeDriver) and their resident memory,
//! read from `/proc` — what the browser bench plots per call beside the page's own counts (`census.rs`).
//! [`rss_parts`] splits it as the kernel counts it: anonymous memory (the heaps: what a page can hold on
//! to), file-backed pages (Chromium's own binary and libraries mapped in, shared with its other processes;
//! they grow as code runs for the first time) and shared memory (buffers shared with the browser and
//! GPU/audio processes).

/// The Chromium renderer processes started by this process (through ChromeDriver), with their resident
/// memory: every descendant whose command line has `--type=renderer` (extensions' renderers left out).
pub fn renderers() -> Vec<(u32, RssParts)> {
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
                if let Some(rss) = rss_parts(child) {
                    out.push((child, rss));
                }
            }
        }
    }
    out
}

/// The tab's renderer and its resident memory: the largest renderer this process started (the page with
/// the panel; a spare renderer is small).
pub fn renderer_rss() -> Option<(u32, RssParts)> {
    renderers().into_iter().max_by_key(|(_, rss)| rss.total)
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split(' ').nth(1)?.parse().ok()
}

/// A process's resident memory by kind, bytes (`/proc/PID/status`); `anon + file + shmem = total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RssParts {
    /// `VmRSS`.
    pub total: u64,
    /// `RssAnon`: heaps and other private memory.
    pub anon: u64,
    /// `RssFile`: mapped files (the browser's binary and libraries).
    pub file: u64,
    /// `RssShmem`: shared memory.
    pub shmem: u64,
}

/// The resident memory of `pid` by kind.
pub fn rss_parts(pid: u32) -> Option<RssParts> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    Some(RssParts {
        total: status_bytes(&status, "VmRSS:")?,
        anon: status_bytes(&status, "RssAnon:")?,
        file: status_bytes(&status, "RssFile:")?,
        shmem: status_bytes(&status, "RssShmem:")?,
    })
}

/// The `kB` value of `/proc/PID/status`'s line `name`, in bytes.
fn status_bytes(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(name))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_its_memory_split_by_kind() {
        let parts = rss_parts(std::process::id()).expect("/proc/self/status");
        assert!(parts.anon > 0 && parts.file > 0, "{parts:?}");
        // The three kinds are read at one instant from one file, so they add up to the total.
        assert_eq!(
            parts.anon + parts.file + parts.shmem,
            parts.total,
            "{parts:?}"
        );
    }
}
