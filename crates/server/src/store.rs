//! The record store: every call detail record and every stretch of an agent's state, in an embedded SQLite
//! database (`<data dir>/records.db`), so ListRecentCallDetailRecords and ListHistoricalAgentReport see
//! every call, across restarts, for [`EmulatorConfig::record_retention_days`](crate::EmulatorConfig).
//!
//! # Writing
//! The hub hands each operation's [`Finished`] to [`Store::keep`] under the emulator's lock (so the order is the order
//! of the changes); one writer thread commits them, gathering what arrives within [`GATHER`] into one commit, so no
//! request waits on the disk. The database is in WAL mode with `synchronous=NORMAL`: a commit is a write to the log,
//! fsync happens at checkpoints. Every read first waits until what was queued before it is written
//! ([`Store::written_through`], which tells the writer to stop gathering): an answer never misses a call that ended
//! before its request.
//!
//! # Schema
//! `PRAGMA user_version` is the schema's version; [`MIGRATIONS`](schema::MIGRATIONS) (`schema.rs`) are applied in order
//! from it on opening, each in its own transaction (a database newer than this server is refused). Version 1:
//! `call_records` and `call_participants`; version 2: `agent_states` (the agents' state timeline); version 3:
//! `agent_running` (each agent's running span) and `store_alive` (when the writer was last alive).
//!
//! # A server that dies
//! A running state span is in memory until it ends; a server that stops (SIGTERM, Ctrl-C) keeps every running
//! span as ending then. So that one that dies (SIGKILL, a crash, the power) loses none either, each span that
//! begins is also written as the agent's row in `agent_running`, and the writer stamps `store_alive` with
//! every commit and every [`ALIVE_EVERY`] while idle. A clean close empties `agent_running`; rows found there
//! on opening are an unclean stop's, and are kept as spans ending at the last stamp (so at most
//! [`ALIVE_EVERY`] of them is lost, never invented). An agent's first span since start-up (signed out) is not
//! written there.
//!
//! # Retention
//! Rows that ended more than `record_retention_days` ago (0: keep everything) are deleted on opening and then
//! hourly by the writer thread.
//!
//! Without a data directory (the library's default, e.g. servers started in-process by other crates' tests)
//! the database is in memory: the same rules, nothing kept after the server stops.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ccc_wire::ApiError;
use rusqlite::{params, Connection, OptionalExtension};

use crate::emulator::history::{CallRecord, Finished, StateSpan};
use crate::error::ConfigError;
use crate::ids::now_ms;

mod rows;
mod schema;

use rows::{
    handed_over_name, joined_name, record_row, span_row, with_participants, RECORD_COLUMNS,
    SPAN_COLUMNS,
};
use schema::{configure, migrate, open_file, store_error};

/// The database file in the data directory.
pub(crate) const DB_FILE: &str = "records.db";

/// How often the writer thread deletes expired rows.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How often the idle writer stamps `store_alive`.
pub(crate) const ALIVE_EVERY: Duration = Duration::from_secs(5);

/// How long the writer lets batches gather before it commits them (unless a reader waits for them): one
/// commit for a burst of changes, made away from the requests that caused them.
const GATHER: Duration = Duration::from_millis(20);

/// What the writer thread is handed.
enum Job {
    /// Batch number `.0` to write.
    Keep(u64, Finished),
    /// A reader waits: write what was handed so far now.
    Flush,
}

const DAY_MS: i64 = 86_400_000;

/// Which records ListRecentCallDetailRecords wants.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordQuery<'a> {
    /// An agent who took part.
    pub(crate) user: &'a str,
    /// Started within `[from, to]` (epoch ms).
    pub(crate) from: i64,
    pub(crate) to: i64,
    /// Substrings of the calling number, the called number, either (empty: any).
    pub(crate) calling: &'a str,
    pub(crate) called: &'a str,
    pub(crate) phone: &'a str,
}

/// The shared part: the connections and how far the writer got.
struct Shared {
    /// The writer's connection (in memory: the only one). `None` once closed.
    writer: Mutex<Option<Connection>>,
    /// A second connection for reads while the writer writes (file databases only).
    reader: Option<Mutex<Option<Connection>>>,
    progress: Mutex<Progress>,
    advanced: Condvar,
    /// Rows that ended longer ago than this are deleted; `None`: kept forever.
    retention_ms: Option<i64>,
}

#[derive(Debug, Default)]
struct Progress {
    /// Batches handed to the writer.
    queued: u64,
    /// Batches committed (or given up on).
    written: u64,
}

/// The record store (see the module doc).
pub(crate) struct Store {
    shared: Arc<Shared>,
    queue: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A store failure as the API answers it.
fn read_error(e: impl std::fmt::Display) -> ApiError {
    ApiError {
        http_status: 500,
        code: "InternalError".into(),
        message: format!("The call records could not be read: {e}"),
        params: Vec::new(),
        request_id: String::new(),
    }
}

impl Store {
    /// Opens the store in `data_dir` (created, owner-only, if missing), or in memory without one, keeping
    /// rows for `retention_days` (0: forever); deletes what expired.
    pub(crate) fn open(data_dir: Option<&Path>, retention_days: u32) -> Result<Store, ConfigError> {
        let retention_ms = (retention_days > 0).then(|| i64::from(retention_days) * DAY_MS);
        let (writer, reader, path) = match data_dir {
            Some(dir) => {
                create_dir(dir).map_err(|e| store_error(dir, e))?;
                let path = dir.join(DB_FILE);
                let writer = open_file(&path)?;
                let reader = open_file(&path)?;
                (writer, Some(Mutex::new(Some(reader))), Some(path))
            }
            None => {
                let conn = Connection::open_in_memory()
                    .map_err(|e| ConfigError::Records(format!("in memory: {e}")))?;
                configure(&conn, false)
                    .and_then(|()| migrate(&conn))
                    .map_err(|e| ConfigError::Records(format!("in memory: {e}")))?;
                (conn, None, None)
            }
        };
        match recover_running(&writer) {
            Ok(0) => {}
            Ok(kept) => tracing::warn!(
                kept,
                "records: the server before this one stopped without closing the store; its agents' \
                 running state spans are kept as ending at its last sign of life"
            ),
            Err(e) => tracing::error!("records: the last run's running state spans are lost: {e}"),
        }
        let shared = Arc::new(Shared {
            writer: Mutex::new(Some(writer)),
            reader,
            progress: Mutex::default(),
            advanced: Condvar::new(),
            retention_ms,
        });
        if let Some(pruned) = shared.prune(now_ms()) {
            if pruned > 0 {
                tracing::info!(pruned, "records: deleted rows past the retention");
            }
        }
        let (tx, rx) = mpsc::channel();
        let worker = shared.clone();
        let thread = std::thread::Builder::new()
            .name("records-writer".into())
            .spawn(move || worker.write_loop(&rx))
            .map_err(|e| ConfigError::Records(format!("cannot start the writer: {e}")))?;
        if let Some(p) = &path {
            tracing::info!(path = %p.display(), "records: kept in");
        }
        Ok(Store {
            shared,
            queue: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
            path,
        })
    }

    /// Hands `finished` to the writer (nothing when it is empty or the store is closed). Call it under the
    /// emulator's lock, so batches are queued in the order of the changes.
    pub(crate) fn keep(&self, finished: Finished) {
        if finished.is_empty() {
            return;
        }
        let queue = lock(&self.queue);
        let Some(tx) = queue.as_ref() else {
            tracing::debug!("records: closed, a batch is dropped");
            return;
        };
        let mut progress = lock(&self.shared.progress);
        progress.queued += 1;
        let seq = progress.queued;
        if tx.send(Job::Keep(seq, finished)).is_err() {
            // The writer is gone: count the batch as done, so readers never wait for it.
            progress.written = seq;
        }
    }

    /// How many batches were queued so far.
    pub(crate) fn queued(&self) -> u64 {
        lock(&self.shared.progress).queued
    }

    /// Waits until every batch queued before this call is written; returns how many that is.
    pub(crate) fn written_through(&self) -> u64 {
        let target = {
            let progress = lock(&self.shared.progress);
            if progress.written >= progress.queued {
                return progress.queued;
            }
            progress.queued
        };
        if let Some(tx) = lock(&self.queue).as_ref() {
            let _ = tx.send(Job::Flush);
        }
        loop {
            let progress = lock(&self.shared.progress);
            if progress.written >= target {
                return target;
            }
            let (progress, waited) = self
                .shared
                .advanced
                .wait_timeout(progress, Duration::from_secs(1))
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let done = progress.written >= target;
            drop(progress);
            if done {
                return target;
            }
            // (Never with `progress` held: `close` holds the thread's lock while the writer finishes.)
            let writer_gone = lock(&self.thread)
                .as_ref()
                .is_none_or(JoinHandle::is_finished);
            if waited.timed_out() && writer_gone {
                tracing::warn!("records: the writer is gone; reading without its last changes");
                return target;
            }
        }
    }

    /// Runs `f` on a connection for reading, after what was queued before is written.
    fn read<R>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<R>) -> Result<R, ApiError> {
        self.written_through();
        let slot = self.shared.reader.as_ref().unwrap_or(&self.shared.writer);
        let conn = lock(slot);
        let conn = conn
            .as_ref()
            .ok_or_else(|| read_error("the record store is closed"))?;
        f(conn).map_err(read_error)
    }

    /// One page (`offset`, `limit`) of the records `q` asks for, newest ended first, and how many there are.
    pub(crate) fn list_records(
        &self,
        q: &RecordQuery<'_>,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<CallRecord>, u32), ApiError> {
        self.read(|conn| {
            const WHERE: &str = "FROM call_participants p JOIN call_records r ON r.id = p.record_id
                WHERE p.user_id = ?1 AND r.start_ms BETWEEN ?2 AND ?3
                  AND (?4 = '' OR instr(r.caller, ?4) > 0)
                  AND (?5 = '' OR instr(r.callee, ?5) > 0)
                  AND (?6 = '' OR instr(r.caller, ?6) > 0 OR instr(r.callee, ?6) > 0)";
            let args = params![q.user, q.from, q.to, q.calling, q.called, q.phone];
            let total: i64 = conn
                .prepare_cached(&format!("SELECT count(*) {WHERE}"))?
                .query_row(args, |r| r.get(0))?;
            let mut page = conn.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} {WHERE} ORDER BY r.id DESC LIMIT ?7 OFFSET ?8"
            ))?;
            let rows = page.query_map(
                params![q.user, q.from, q.to, q.calling, q.called, q.phone, limit, offset],
                record_row,
            )?;
            let records = with_participants(conn, rows)?;
            Ok((records, u32::try_from(total).unwrap_or(u32::MAX)))
        })
    }

    /// Every record of a call agent `user` took part in that started within `[from, to]`, oldest first.
    pub(crate) fn records_of(
        &self,
        user: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<CallRecord>, ApiError> {
        self.read(|conn| {
            let mut q = conn.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM call_participants p JOIN call_records r ON r.id = p.record_id
                 WHERE p.user_id = ?1 AND r.start_ms BETWEEN ?2 AND ?3 ORDER BY r.id"
            ))?;
            let rows = q.query_map(params![user, from, to], record_row)?;
            with_participants(conn, rows)
        })
    }

    /// The latest record of call `job_id`.
    pub(crate) fn record_of_job(&self, job_id: &str) -> Result<Option<CallRecord>, ApiError> {
        self.read(|conn| {
            let mut q = conn.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM call_records r WHERE r.job_id = ?1 ORDER BY r.id DESC LIMIT 1"
            ))?;
            let rows = q.query_map(params![job_id], record_row)?;
            Ok(with_participants(conn, rows)?.pop())
        })
    }

    /// Whether agent `user` took part in a recorded call `job_id`.
    pub(crate) fn has_record(&self, job_id: &str, user: &str) -> Result<bool, ApiError> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT 1 FROM call_records r JOIN call_participants p ON p.record_id = r.id
                 WHERE r.job_id = ?1 AND p.user_id = ?2 LIMIT 1",
            )?
            .query_row(params![job_id, user], |_| Ok(()))
            .optional()
            .map(|found| found.is_some())
        })
    }

    /// Agent `user`'s ended state spans the report of `[from, to]` needs, oldest first: those overlapping the
    /// period, and those of the calls that started in it (their after-call work may end after it).
    pub(crate) fn spans_of(
        &self,
        user: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<StateSpan>, ApiError> {
        self.read(|conn| {
            let mut q = conn.prepare_cached(&format!(
                "SELECT {SPAN_COLUMNS} FROM agent_states
                 WHERE user_id = ?1 AND end_ms >= ?2
                   AND (start_ms <= ?3 OR job_id IN (
                        SELECT r.job_id FROM call_participants p JOIN call_records r ON r.id = p.record_id
                        WHERE p.user_id = ?1 AND r.start_ms BETWEEN ?2 AND ?3))
                 ORDER BY start_ms, id"
            ))?;
            let rows = q.query_map(params![user, from, to], span_row)?;
            rows.collect()
        })
    }

    /// Writes what is queued, then closes the database (its WAL is checkpointed and removed); later batches
    /// are dropped and reads fail.
    pub(crate) fn close(&self) {
        drop(lock(&self.queue).take());
        if let Some(thread) = lock(&self.thread).take() {
            let _ = thread.join();
        }
        if let Some(reader) = &self.shared.reader {
            drop(lock(reader).take());
        }
        let Some(conn) = lock(&self.shared.writer).take() else {
            return;
        };
        // A clean close: what ran until now was kept (or, dropped without the hub's close, is not known).
        if let Err(e) = conn.execute("DELETE FROM agent_running", []) {
            tracing::warn!("records: clearing the running spans: {e}");
        }
        if let Err((_, e)) = conn.close() {
            tracing::warn!("records: closing the database: {e}");
        }
        if let Some(p) = &self.path {
            tracing::info!(path = %p.display(), "records: flushed and closed");
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.close();
    }
}

impl Shared {
    fn write_loop(&self, rx: &mpsc::Receiver<Job>) {
        let mut pruned_at = Instant::now();
        loop {
            match rx.recv_timeout(ALIVE_EVERY) {
                Ok(Job::Keep(seq, first)) => {
                    let (mut last, mut batch) = (seq, vec![first]);
                    // Gather what follows for a moment, unless a reader is waiting (or the store closes).
                    let until = Instant::now() + GATHER;
                    loop {
                        let left = until.saturating_duration_since(Instant::now());
                        match rx.recv_timeout(left) {
                            Ok(Job::Keep(seq, next)) => {
                                last = seq;
                                batch.push(next);
                            }
                            Ok(Job::Flush) | Err(_) => break,
                        }
                    }
                    // Whatever else is already there goes in the same commit.
                    while let Ok(job) = rx.try_recv() {
                        if let Job::Keep(seq, next) = job {
                            last = seq;
                            batch.push(next);
                        }
                    }
                    if let Err(e) = self.write(&batch) {
                        tracing::error!("records: could not write {} batch(es): {e}", batch.len());
                    }
                    let mut progress = lock(&self.progress);
                    progress.written = progress.written.max(last);
                    drop(progress);
                    self.advanced.notify_all();
                }
                Ok(Job::Flush) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(e) = self.write(&[]) {
                        tracing::warn!("records: could not stamp store_alive: {e}");
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
            if pruned_at.elapsed() >= PRUNE_EVERY {
                pruned_at = Instant::now();
                if let Some(pruned) = self.prune(now_ms()).filter(|n| *n > 0) {
                    tracing::info!(pruned, "records: deleted rows past the retention");
                }
            }
        }
    }

    fn write(&self, batch: &[Finished]) -> rusqlite::Result<()> {
        let mut conn = lock(&self.writer);
        let Some(conn) = conn.as_mut() else {
            return Ok(());
        };
        let tx = conn.transaction()?;
        {
            let mut record = tx.prepare_cached(
                "INSERT INTO call_records
                 (job_id, call_type, caller, callee, skill_group, start_ms, end_ms, answered_ms, surveys)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut participant = tx.prepare_cached(
                "INSERT INTO call_participants
                 (record_id, seq, user_id, joined, talked, talk_ms, holds, hold_ms, max_hold_ms, handed_over,
                  attended_in)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut span = tx.prepare_cached(
                "INSERT INTO agent_states
                 (user_id, state, break_code, work_mode, outbound_scenario, job_id, start_ms, end_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut running = tx.prepare_cached(
                "INSERT OR REPLACE INTO agent_running
                 (user_id, state, break_code, work_mode, outbound_scenario, job_id, start_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut survey = tx.prepare_cached(
                "UPDATE call_records SET surveys = json_insert(surveys, '$[#]', ?2)
                 WHERE id = (SELECT max(r.id) FROM call_records r JOIN call_participants p ON p.record_id = r.id
                             WHERE r.job_id = ?1 AND p.user_id = ?2)",
            )?;
            for finished in batch {
                for r in &finished.records {
                    let surveys = serde_json::to_string(&r.surveys).unwrap_or_else(|_| "[]".into());
                    record.execute(params![
                        r.job_id,
                        r.call_type.as_str(),
                        r.caller,
                        r.callee,
                        r.skill_group,
                        r.start_ms,
                        r.end_ms,
                        r.answered_ms,
                        surveys
                    ])?;
                    let id = tx.last_insert_rowid();
                    for (seq, p) in r.participants.iter().enumerate() {
                        participant.execute(params![
                            id,
                            seq as i64,
                            p.user_id,
                            joined_name(p.joined),
                            p.talked,
                            p.talk_ms,
                            p.holds,
                            p.hold_ms,
                            p.max_hold_ms,
                            p.handed_over.map(handed_over_name),
                            p.attended_in
                        ])?;
                    }
                }
                for (user, s) in &finished.spans {
                    span.execute(params![
                        user,
                        s.state.as_str(),
                        s.break_code,
                        s.work_mode,
                        s.outbound_scenario,
                        s.job_id,
                        s.start_ms,
                        s.end_ms.unwrap_or(s.start_ms)
                    ])?;
                }
                for (job, user) in &finished.surveys {
                    survey.execute(params![job, user])?;
                }
                for (user, s) in &finished.running {
                    running.execute(params![
                        user,
                        s.state.as_str(),
                        s.break_code,
                        s.work_mode,
                        s.outbound_scenario,
                        s.job_id,
                        s.start_ms
                    ])?;
                }
            }
            tx.prepare_cached("INSERT OR REPLACE INTO store_alive (id, at_ms) VALUES (1, ?1)")?
                .execute([now_ms()])?;
        }
        tx.commit()
    }

    /// Deletes what ended before the retention; how many records and spans (`None` when kept forever or
    /// closed).
    fn prune(&self, now: i64) -> Option<usize> {
        let before = now - self.retention_ms?;
        let conn = lock(&self.writer);
        let conn = conn.as_ref()?;
        let deleted = conn
            .execute("DELETE FROM call_records WHERE end_ms < ?1", [before])
            .and_then(|records| {
                let spans = conn.execute("DELETE FROM agent_states WHERE end_ms < ?1", [before])?;
                Ok(records + spans)
            });
        match deleted {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!("records: pruning failed: {e}");
                None
            }
        }
    }
}

/// Keeps the running spans an unclean stop left in `agent_running` as spans ending at the writer's last
/// stamp, and empties it; how many.
fn recover_running(conn: &Connection) -> rusqlite::Result<usize> {
    let tx = conn.unchecked_transaction()?;
    let kept = tx.execute(
        "INSERT INTO agent_states
         (user_id, state, break_code, work_mode, outbound_scenario, job_id, start_ms, end_ms)
         SELECT user_id, state, break_code, work_mode, outbound_scenario, job_id, start_ms,
                max(start_ms, coalesce((SELECT at_ms FROM store_alive WHERE id = 1), start_ms))
         FROM agent_running",
        [],
    )?;
    tx.execute("DELETE FROM agent_running", [])?;
    tx.commit()?;
    Ok(kept)
}

/// Creates the data directory (only its owner may enter it: the records hold phone numbers).
fn create_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::schema::{MIGRATIONS, SCHEMA_VERSION};
    use super::*;
    use crate::emulator::history::{HandedOver, Joined, Participant};
    use ccc_wire::context::CallType;
    use ccc_wire::UserState;

    fn temp_dir(tag: &str) -> PathBuf {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("wbs-store-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn record(job: &str, user: &str, start_ms: i64, end_ms: i64) -> CallRecord {
        let mut p = Participant::new(user, Joined::Offered);
        p.talked = true;
        p.talk_ms = 4_000;
        p.holds = 1;
        p.hold_ms = 1_000;
        p.max_hold_ms = 1_000;
        p.handed_over = Some(HandedOver::Blind);
        CallRecord {
            job_id: job.into(),
            call_type: CallType::Inbound,
            caller: "13800000001".into(),
            callee: "4008000000".into(),
            skill_group: "sales@ccc-demo".into(),
            start_ms,
            end_ms,
            answered_ms: Some(start_ms + 1_000),
            participants: vec![p],
            surveys: Vec::new(),
        }
    }

    fn span(state: UserState, job: &str, start_ms: i64, end_ms: i64) -> StateSpan {
        StateSpan {
            state,
            break_code: String::new(),
            work_mode: "ON_SITE".into(),
            outbound_scenario: false,
            job_id: job.into(),
            start_ms,
            end_ms: Some(end_ms),
        }
    }

    fn query(user: &str) -> RecordQuery<'_> {
        RecordQuery {
            user,
            from: 0,
            to: i64::MAX,
            calling: "",
            called: "",
            phone: "",
        }
    }

    #[test]
    fn a_store_that_dies_keeps_its_running_spans_as_ending_at_its_last_stamp() {
        let dir = temp_dir("dies");
        let now = now_ms();
        let store = Store::open(Some(&dir), 90).unwrap();
        let mut ready = span(UserState::Ready, "", now - 3_000, 0);
        ready.end_ms = None;
        store.keep(Finished {
            spans: vec![(
                "a1".into(),
                span(UserState::Break, "", now - 8_000, now - 3_000),
            )],
            running: vec![("a1".into(), ready)],
            ..Finished::default()
        });
        store.written_through();
        let stamped_by = now_ms();
        // It dies: neither the hub's close nor the store's runs (its writer thread is left behind).
        std::mem::forget(store);

        let store = Store::open(Some(&dir), 90).unwrap();
        let spans = store.spans_of("a1", 0, i64::MAX).unwrap();
        let got: Vec<_> = spans
            .iter()
            .map(|s| (s.state.as_str(), s.start_ms))
            .collect();
        assert_eq!(got, [("BREAK", now - 8_000), ("READY", now - 3_000)]);
        let end = spans[1].end_ms.unwrap();
        assert!(
            (now..=stamped_by).contains(&end),
            "the running span ends at the writer's last stamp: {end} not in {now}..={stamped_by}"
        );
        store.close();

        // Kept once: a clean close leaves nothing to recover.
        let store = Store::open(Some(&dir), 90).unwrap();
        assert_eq!(store.spans_of("a1", 0, i64::MAX).unwrap().len(), 2);
        store.close();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_clean_close_leaves_no_running_span_behind() {
        let dir = temp_dir("clean");
        let now = now_ms();
        let store = Store::open(Some(&dir), 90).unwrap();
        let mut ready = span(UserState::Ready, "", now - 1_000, 0);
        ready.end_ms = None;
        store.keep(Finished {
            running: vec![("a1".into(), ready)],
            ..Finished::default()
        });
        store.close();
        let conn = open_file(&dir.join(DB_FILE)).unwrap();
        let running: i64 = conn
            .query_row("SELECT count(*) FROM agent_running", [], |r| r.get(0))
            .unwrap();
        assert_eq!(running, 0);
        let alive: i64 = conn
            .query_row("SELECT at_ms FROM store_alive WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(alive >= now, "stamped with the commit: {alive}");
        drop(conn);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn records_and_spans_round_trip_and_survive_reopening() {
        let dir = temp_dir("reopen");
        let now = now_ms();
        let store = Store::open(Some(&dir), 90).unwrap();
        store.keep(Finished {
            records: vec![record("job-1", "a1", now - 10_000, now - 5_000)],
            spans: vec![(
                "a1".into(),
                span(UserState::Ringing, "job-1", now - 10_000, now - 9_000),
            )],
            surveys: vec![("job-1".into(), "a1".into())],
            ..Finished::default()
        });
        store.keep(Finished {
            records: vec![record("job-2", "a1", now - 4_000, now - 1_000)],
            ..Finished::default()
        });
        let (page, total) = store.list_records(&query("a1"), 0, 1).unwrap();
        assert_eq!((page.len(), total), (1, 2));
        assert_eq!(page[0].job_id, "job-2", "newest first");
        store.close();
        assert!(
            !dir.join(format!("{DB_FILE}-wal")).exists(),
            "the WAL is checkpointed on close"
        );

        let store = Store::open(Some(&dir), 90).unwrap();
        let all = store.records_of("a1", 0, i64::MAX).unwrap();
        let jobs: Vec<&str> = all.iter().map(|r| r.job_id.as_str()).collect();
        assert_eq!(jobs, ["job-1", "job-2"]);
        let p = &all[0].participants[0];
        assert_eq!(
            (
                p.talked,
                p.talk_ms,
                p.holds,
                p.hold_ms,
                p.handed_over,
                p.joined
            ),
            (
                true,
                4_000,
                1,
                1_000,
                Some(HandedOver::Blind),
                Joined::Offered
            )
        );
        assert_eq!(all[0].surveys, ["a1"]);
        assert_eq!(all[0].answered_ms, Some(now - 9_000));
        let spans = store.spans_of("a1", now - 60_000, now).unwrap();
        assert_eq!(spans.len(), 1);
        assert_eq!(
            (spans[0].state.as_str(), spans[0].job_id.as_str()),
            ("RINGING", "job-1")
        );
        assert!(store.has_record("job-1", "a1").unwrap());
        assert!(!store.has_record("job-1", "a2").unwrap());
        assert_eq!(
            store.record_of_job("job-2").unwrap().unwrap().start_ms,
            now - 4_000
        );
        assert!(store.record_of_job("job-3").unwrap().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn criteria_and_period_filter_in_the_database() {
        let store = Store::open(None, 0).unwrap();
        let mut other = record("job-b", "a1", 2_000, 3_000);
        other.caller = "13900000009".into();
        store.keep(Finished {
            records: vec![
                record("job-a", "a1", 1_000, 1_500),
                other,
                record("job-c", "a2", 1_000, 1_500),
            ],
            ..Finished::default()
        });
        let jobs = |q: RecordQuery<'_>| -> Vec<String> {
            let (page, total) = store.list_records(&q, 0, 100).unwrap();
            assert_eq!(page.len(), total as usize);
            page.into_iter().map(|r| r.job_id).collect()
        };
        assert_eq!(jobs(query("a1")), ["job-b", "job-a"]);
        assert_eq!(
            jobs(RecordQuery {
                from: 1_500,
                ..query("a1")
            }),
            ["job-b"]
        );
        assert_eq!(
            jobs(RecordQuery {
                to: 1_500,
                ..query("a1")
            }),
            ["job-a"]
        );
        assert_eq!(
            jobs(RecordQuery {
                calling: "0009",
                ..query("a1")
            }),
            ["job-b"]
        );
        assert_eq!(
            jobs(RecordQuery {
                phone: "400800",
                ..query("a1")
            }),
            ["job-b", "job-a"]
        );
        assert_eq!(
            jobs(RecordQuery {
                called: "nope",
                ..query("a1")
            }),
            Vec::<String>::new()
        );
        assert_eq!(jobs(query("a2")), ["job-c"]);
        // A `%` or `_` is a character like any other.
        assert!(jobs(RecordQuery {
            phone: "%",
            ..query("a1")
        })
        .is_empty());
    }

    #[test]
    fn a_version_1_database_opens_and_migrates() {
        let dir = temp_dir("v1");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(DB_FILE);
        {
            // A database as the first schema left it, with a record in it.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO call_records (job_id, call_type, caller, callee, skill_group, start_ms, end_ms)
                 VALUES ('job-v1', 'INBOUND', '138', '400', 'sales@ccc-demo', ?1, ?1)",
                [now_ms()],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO call_participants
                 (record_id, seq, user_id, joined, talked, talk_ms, holds, hold_ms, max_hold_ms, attended_in)
                 VALUES (1, 0, 'a1', 'offered', 0, 0, 0, 0, 0, 0)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(Some(&dir), 90).unwrap();
        let records = store.records_of("a1", 0, i64::MAX).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].job_id, "job-v1");
        // Version 2's table is there and used.
        let now = now_ms();
        store.keep(Finished {
            spans: vec![("a1".into(), span(UserState::Ready, "", now - 1_000, now))],
            ..Finished::default()
        });
        assert_eq!(store.spans_of("a1", 0, now).unwrap().len(), 1);
        store.close();
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION as i64);
        assert_eq!(SCHEMA_VERSION, 3);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(conn);

        // A database newer than this server is refused rather than misread.
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Store::open(Some(&dir), 90).unwrap_err().to_string();
        assert!(err.contains("newer"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn rows_past_the_retention_are_deleted_on_opening() {
        let dir = temp_dir("retention");
        let now = now_ms();
        let old = now - 91 * DAY_MS;
        let store = Store::open(Some(&dir), 90).unwrap();
        store.keep(Finished {
            records: vec![
                record("old", "a1", old, old + 1_000),
                record("new", "a1", now - 2_000, now),
            ],
            spans: vec![
                ("a1".into(), span(UserState::Ready, "", old, old + 1_000)),
                ("a1".into(), span(UserState::Ready, "", now - 2_000, now)),
            ],
            ..Finished::default()
        });
        // Written before it is pruned: still listed until the next pruning.
        assert_eq!(store.records_of("a1", 0, i64::MAX).unwrap().len(), 2);
        store.close();
        let store = Store::open(Some(&dir), 90).unwrap();
        let jobs: Vec<String> = store
            .records_of("a1", 0, i64::MAX)
            .unwrap()
            .into_iter()
            .map(|r| r.job_id)
            .collect();
        assert_eq!(jobs, ["new"]);
        assert_eq!(store.spans_of("a1", 0, now).unwrap().len(), 1);
        let participants: i64 = lock(store.shared.reader.as_ref().unwrap())
            .as_ref()
            .unwrap()
            .query_row("SELECT count(*) FROM call_participants", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            participants, 1,
            "the old record's participants went with it"
        );
        store.close();
        // 0 keeps everything.
        let store = Store::open(Some(&dir), 0).unwrap();
        assert_eq!(store.records_of("a1", 0, i64::MAX).unwrap().len(), 1);
        store.close();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_closed_store_drops_batches_and_fails_reads() {
        let store = Store::open(None, 90).unwrap();
        store.close();
        store.keep(Finished {
            records: vec![record("late", "a1", 0, 1)],
            ..Finished::default()
        });
        assert_eq!(
            store
                .list_records(&query("a1"), 0, 10)
                .unwrap_err()
                .http_status,
            500
        );
    }
}
