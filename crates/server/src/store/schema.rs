//! The record store's schema: the migrations `PRAGMA user_version` counts, applied forward on opening (a
//! database newer than this server is refused), and how a connection is set up (WAL, `synchronous=NORMAL`).

use std::path::Path;

use rusqlite::Connection;

use crate::error::ConfigError;

/// The schema's migrations: `MIGRATIONS[n]` takes a database from version `n` to `n + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: call detail records and who took part.
    "CREATE TABLE call_records (
        id          INTEGER PRIMARY KEY,
        job_id      TEXT NOT NULL,
        call_type   TEXT NOT NULL,
        caller      TEXT NOT NULL,
        callee      TEXT NOT NULL,
        skill_group TEXT NOT NULL,
        start_ms    INTEGER NOT NULL,
        end_ms      INTEGER NOT NULL,
        answered_ms INTEGER,
        surveys     TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX call_records_job ON call_records (job_id);
    CREATE INDEX call_records_end ON call_records (end_ms);
    CREATE TABLE call_participants (
        record_id   INTEGER NOT NULL REFERENCES call_records (id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        user_id     TEXT NOT NULL,
        joined      TEXT NOT NULL,
        talked      INTEGER NOT NULL,
        talk_ms     INTEGER NOT NULL,
        holds       INTEGER NOT NULL,
        hold_ms     INTEGER NOT NULL,
        max_hold_ms INTEGER NOT NULL,
        handed_over TEXT,
        attended_in INTEGER NOT NULL,
        PRIMARY KEY (record_id, seq)
    );
    CREATE INDEX call_participants_user ON call_participants (user_id, record_id);",
    // 2: the agents' state timeline (the agent report's ringing, dialling, after-call work, ready, break and
    // signed-in times).
    "CREATE TABLE agent_states (
        id                INTEGER PRIMARY KEY,
        user_id           TEXT NOT NULL,
        state             TEXT NOT NULL,
        break_code        TEXT NOT NULL,
        work_mode         TEXT NOT NULL,
        outbound_scenario INTEGER NOT NULL,
        job_id            TEXT NOT NULL,
        start_ms          INTEGER NOT NULL,
        end_ms            INTEGER NOT NULL
    );
    CREATE INDEX agent_states_user_end ON agent_states (user_id, end_ms);
    CREATE INDEX agent_states_job ON agent_states (job_id) WHERE job_id != '';",
    // 3: each agent's running span and the writer's last sign of life (see "A server that dies").
    "CREATE TABLE agent_running (
        user_id           TEXT PRIMARY KEY,
        state             TEXT NOT NULL,
        break_code        TEXT NOT NULL,
        work_mode         TEXT NOT NULL,
        outbound_scenario INTEGER NOT NULL,
        job_id            TEXT NOT NULL,
        start_ms          INTEGER NOT NULL
    );
    CREATE TABLE store_alive (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        at_ms INTEGER NOT NULL
    );",
];

/// The schema version this server writes.
pub(super) const SCHEMA_VERSION: usize = MIGRATIONS.len();

pub(super) fn store_error(path: &Path, e: impl std::fmt::Display) -> ConfigError {
    ConfigError::Records(format!("{}: {e}", path.display()))
}

/// Opens (creating it if needed) the database at `path` and brings its schema up to [`SCHEMA_VERSION`].
pub(super) fn open_file(path: &Path) -> Result<Connection, ConfigError> {
    let conn = Connection::open(path).map_err(|e| store_error(path, e))?;
    configure(&conn, true).map_err(|e| store_error(path, e))?;
    migrate(&conn).map_err(|e| store_error(path, e))?;
    Ok(conn)
}

pub(super) fn configure(conn: &Connection, file: bool) -> rusqlite::Result<()> {
    if file {
        // WAL: readers do not block the writer; NORMAL: commits are not fsynced (checkpoints are).
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(refused(format!(
                "the database cannot use WAL (journal_mode {mode})"
            )));
        }
    }
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    )
}

/// An error of ours, as SQLite's generic one.
fn refused(message: String) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(message),
    )
}

/// Applies the migrations the database does not have yet.
pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > SCHEMA_VERSION {
        return Err(refused(format!(
            "the database has schema version {version}, newer than this server's {SCHEMA_VERSION}"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "records: schema migrated");
    }
    Ok(())
}
