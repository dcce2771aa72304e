//! The emulator's seed data: instance, agents, skill groups, numbers and timers.
//!
//! [`EmulatorConfig::default`] is the demo call center every test and `make run` starts with; a TOML file of the
//! same shape (see `crates/server/emulator.example.toml`) replaces any part of it. Keys the file leaves out keep
//! their default, and unknown keys are rejected so a typo never goes unnoticed.
//!
//! TURN access points (GetTurnServerList) are none by default — `make run` needs no TURN server and the soft
//! phone then connects directly; `[[access_points]]` plus `[turn]` (the static user GetTurnCredentials hands
//! out, an emulator rule) point the panel at a TURN server such as coturn.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;

/// The whole emulated call center.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmulatorConfig {
    /// Instance id every request must name (`InstanceId`).
    pub instance_id: String,
    /// Region id the SDK puts in `region=`.
    pub region: String,
    /// Number customers dial to reach the call center (the customer leg's destination of inbound calls).
    pub hotline: String,
    /// Agents, in the order "the first agent" is taken from.
    pub agents: Vec<AgentConfig>,
    /// Skill groups and their members.
    pub skill_groups: Vec<SkillGroupConfig>,
    /// Caller numbers agents may dial out with.
    pub outbound_numbers: Vec<OutboundNumberConfig>,
    /// Break codes offered to agents (ListConfigItems `BreakCodes`).
    pub break_codes: Vec<String>,
    /// How dialled external numbers behave, by number; numbers not listed answer after
    /// [`Timers::outbound_answer_delay_ms`].
    pub numbers: BTreeMap<String, NumberBehaviour>,
    /// Timings of the emulated network.
    pub timers: Timers,
    /// The satisfaction-survey IVR flow LaunchSurvey uses when the request names none (empty: none configured,
    /// such a request is `Parameter.Blank` `ContactFlowId`).
    pub survey_contact_flow_id: String,
    /// The AccessKey pair the OpenAPI face (`/openapi/`) accepts.
    pub openapi: OpenApiCredentials,
    /// The tone (Hz) a simulated customer plays into its call's media (the soft phone hears it).
    pub customer_tone_hz: f32,
    /// TURN access points GetTurnServerList offers (`接入点`). Empty by default: no TURN server runs with the
    /// emulator, so the soft phone connects its media directly (host candidates). Configure one when a TURN
    /// server (e.g. coturn on `127.0.0.1:3478`) runs beside it.
    pub access_points: Vec<AccessPointConfig>,
    /// The static TURN user GetTurnCredentials hands out (the emulator's own rule: the real service issues
    /// short-lived credentials; the TURN server must know this user).
    pub turn: TurnUser,
    /// How long a call waits for an agent whose soft-phone leg was lost (its SIP WebSocket closed, or the
    /// phone un-REGISTERed, with no BYE) to get a leg back (register again and take the new INVITE). After
    /// that the call is released as if the agent had hung up. Only legs the SIP side had count: an agent
    /// without a soft phone is never released by this. TOML key `agent_leg_grace_ms` (milliseconds);
    /// default 60 s; CLI `--agent-leg-grace-secs`.
    #[serde(rename = "agent_leg_grace_ms", with = "millis")]
    pub agent_leg_grace: Duration,
    /// Where the call detail records and the agents' state timeline are kept (`records.db`, SQLite; created
    /// if missing), so ListRecentCallDetailRecords and ListHistoricalAgentReport see every call, across
    /// restarts. `None` (the library's default): in memory, nothing kept after the server stops. The
    /// `workbench-server` binary defaults it to the per-user data directory (`$XDG_DATA_HOME/ccc-workbench`,
    /// else `~/.local/share/ccc-workbench`); CLI `--data-dir` overrides this key.
    pub data_dir: Option<PathBuf>,
    /// Records and state spans that ended more than this many days ago are deleted (at start, then
    /// hourly); 0 keeps everything. Default 90.
    pub record_retention_days: u32,
}

/// The default [`EmulatorConfig::record_retention_days`].
pub const DEFAULT_RECORD_RETENTION_DAYS: u32 = 90;

/// A [`Duration`] as whole milliseconds (TOML/JSON integers).
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// The default [`EmulatorConfig::agent_leg_grace`].
pub const DEFAULT_AGENT_LEG_GRACE: Duration = Duration::from_secs(60);

/// One TURN access point of GetTurnServerList.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessPointConfig {
    /// Region id the SDK's `register(…, accessPoint)` / `switchAccessPoint` name (e.g. `local`).
    pub region: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The TURN server, `host` or `host:port` (port 3478 when left out).
    pub domain: String,
    /// The relay network (informational).
    #[serde(default)]
    pub cidr: String,
}

/// The static TURN user of GetTurnCredentials. Test credentials, never a real secret; `Debug` hides the
/// password all the same.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TurnUser {
    /// TURN user name (`UserName`).
    pub username: String,
    /// TURN password (`Password`).
    pub password: String,
}

impl Default for TurnUser {
    fn default() -> Self {
        TurnUser {
            username: "ccc-emulator".into(),
            password: "ccc-emulator-turn".into(),
        }
    }
}

impl std::fmt::Debug for TurnUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnUser")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// The emulator-only AccessKey pair of the OpenAPI face. Test credentials, published in the README: never a
/// real key. `Debug` hides the secret all the same.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenApiCredentials {
    /// AccessKeyId.
    pub access_key_id: String,
    /// AccessKeySecret.
    pub access_key_secret: String,
}

/// The demo AccessKeyId of the OpenAPI face.
pub const DEMO_ACCESS_KEY_ID: &str = "emulator-demo-key-id";
/// The demo AccessKeySecret of the OpenAPI face (emulator only).
pub const DEMO_ACCESS_KEY_SECRET: &str = "emulator-demo-key-secret";

impl Default for OpenApiCredentials {
    fn default() -> Self {
        OpenApiCredentials {
            access_key_id: DEMO_ACCESS_KEY_ID.into(),
            access_key_secret: DEMO_ACCESS_KEY_SECRET.into(),
        }
    }
}

impl std::fmt::Debug for OpenApiCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenApiCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"***")
            .finish()
    }
}

/// One agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// `<loginName>@<instanceId>`.
    pub user_id: String,
    /// SIP extension; also what other agents dial to reach it.
    pub extension: String,
    /// Display name.
    pub display_name: String,
    /// Nickname (GetLoginDetails `Nickname`); the display name when left out.
    #[serde(default)]
    pub nickname: Option<String>,
    /// URL of the agent's profile picture (GetLoginDetails `AvatarUrl`); none when left out.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// `agent`, `supervisor` or `admin`.
    #[serde(default = "default_role")]
    pub role: String,
    /// Mobile number for the off-site work mode.
    #[serde(default)]
    pub mobile: String,
}

fn default_role() -> String {
    "agent".into()
}

/// One skill group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillGroupConfig {
    /// `<name>@<instanceId>`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Member user ids.
    pub members: Vec<String>,
    /// Skill level of the members (1–10, smaller is stronger).
    #[serde(default = "default_level")]
    pub skill_level: u8,
}

fn default_level() -> u8 {
    5
}

/// A caller number of the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundNumberConfig {
    /// The number.
    pub number: String,
    /// Its province.
    #[serde(default)]
    pub province: String,
    /// Its city.
    #[serde(default)]
    pub city: String,
}

/// What a dialled external number does (also the body of `PUT /emulator/v1/numbers/{number}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NumberBehaviour {
    /// How the far end reacts.
    pub answer: Answer,
    /// Milliseconds of ringing before it answers (`auto`) or rejects (`busy`); `no-answer` rings until the
    /// no-answer timeout instead. Defaults to [`Timers::outbound_answer_delay_ms`].
    #[serde(default, alias = "delay_ms", skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

/// The far end's reaction to an outbound call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    /// Picks up.
    Auto,
    /// Rejects the call (`486 - Busy Here`).
    Busy,
    /// Rings until the no-answer timeout.
    NoAnswer,
}

/// Timings, in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timers {
    /// An agent that does not answer a ringing call within this time goes to BREAK `RingingTimeout`.
    pub ringing_timeout_ms: u64,
    /// Default ringing time before an external number answers.
    pub outbound_answer_delay_ms: u64,
    /// An outbound call nobody answers fails after this time (or the request's `TimeoutSeconds`, if shorter).
    pub no_answer_timeout_ms: u64,
    /// A customer sent to the satisfaction survey (LaunchSurvey) hangs up after this time.
    pub survey_duration_ms: u64,
    /// A customer in an authentication IVR (LaunchAuthentication) comes back to the agent after this time.
    pub authentication_duration_ms: u64,
}

impl Default for Timers {
    fn default() -> Self {
        Timers {
            ringing_timeout_ms: 30_000,
            outbound_answer_delay_ms: 1_000,
            no_answer_timeout_ms: 60_000,
            survey_duration_ms: 10_000,
            authentication_duration_ms: 5_000,
        }
    }
}

impl Timers {
    /// [`Timers::ringing_timeout_ms`] as a duration.
    pub fn ringing_timeout(&self) -> Duration {
        Duration::from_millis(self.ringing_timeout_ms)
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        let agent = |user: &str, ext: &str, name: &str, role: &str| AgentConfig {
            user_id: format!("{user}@ccc-demo"),
            extension: ext.into(),
            display_name: name.into(),
            nickname: None,
            avatar_url: None,
            role: role.into(),
            mobile: String::new(),
        };
        let group = |id: &str, name: &str, members: &[&str]| SkillGroupConfig {
            id: format!("{id}@ccc-demo"),
            name: name.into(),
            members: members.iter().map(|m| format!("{m}@ccc-demo")).collect(),
            skill_level: 5,
        };
        let number = |n: &str, province: &str, city: &str| OutboundNumberConfig {
            number: n.into(),
            province: province.into(),
            city: city.into(),
        };
        EmulatorConfig {
            instance_id: "ccc-demo".into(),
            region: "cn-shanghai".into(),
            hotline: "4008000000".into(),
            agents: vec![
                agent("agent1", "8001", "坐席一 Agent 1", "agent"),
                agent("agent2", "8002", "坐席二 Agent 2", "agent"),
                agent("agent3", "8003", "坐席三 Agent 3", "agent"),
                agent("supervisor", "8009", "班长 Supervisor", "supervisor"),
            ],
            skill_groups: vec![
                group("sales", "销售 Sales", &["agent1", "agent2", "supervisor"]),
                group(
                    "support",
                    "客服 Support",
                    &["agent2", "agent3", "supervisor"],
                ),
            ],
            outbound_numbers: vec![
                number("02180000001", "上海", "上海"),
                number("01080000002", "北京", "北京"),
                number("057180000003", "浙江", "杭州"),
            ],
            break_codes: vec![
                "Rest".into(),
                "Meal".into(),
                "Meeting".into(),
                "Training".into(),
            ],
            numbers: BTreeMap::new(),
            timers: Timers::default(),
            survey_contact_flow_id: "survey-flow@ccc-demo".into(),
            openapi: OpenApiCredentials::default(),
            customer_tone_hz: 440.0,
            access_points: Vec::new(),
            turn: TurnUser::default(),
            agent_leg_grace: DEFAULT_AGENT_LEG_GRACE,
            data_dir: None,
            record_retention_days: DEFAULT_RECORD_RETENTION_DAYS,
        }
    }
}

impl EmulatorConfig {
    /// Reads a TOML file of this shape; keys it leaves out keep their default.
    pub fn from_toml_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml_str(&text).map_err(|e| match e {
            ConfigError::Toml { source, .. } => ConfigError::Toml {
                path: path.display().to_string(),
                source,
            },
            other => other,
        })
    }

    /// Parses TOML text of this shape and validates it.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let config: EmulatorConfig = toml::from_str(text).map_err(|source| ConfigError::Toml {
            path: "<text>".into(),
            source,
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the references between agents, groups and numbers.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |msg: String| Err(ConfigError::Invalid(msg));
        if self.instance_id.is_empty() {
            return invalid("instance_id is empty".into());
        }
        if self.agents.is_empty() {
            return invalid("at least one agent is needed".into());
        }
        if !(20.0..=20_000.0).contains(&self.customer_tone_hz) {
            return invalid(format!(
                "customer_tone_hz {} is not an audible frequency (20-20000)",
                self.customer_tone_hz
            ));
        }
        let mut users = HashSet::new();
        let mut extensions = HashSet::new();
        for a in &self.agents {
            if a.user_id.is_empty() || !users.insert(a.user_id.as_str()) {
                return invalid(format!(
                    "agent user_id {:?} is empty or repeated",
                    a.user_id
                ));
            }
            if a.extension.is_empty() || !extensions.insert(a.extension.as_str()) {
                return invalid(format!(
                    "extension {:?} of {} is empty or repeated",
                    a.extension, a.user_id
                ));
            }
        }
        let mut regions = HashSet::new();
        for p in &self.access_points {
            if p.region.trim().is_empty()
                || p.region == "default"
                || !regions.insert(p.region.as_str())
            {
                return invalid(format!(
                    "access point region {:?} is empty, \"default\" or repeated",
                    p.region
                ));
            }
            if p.domain.trim().is_empty() {
                return invalid(format!("access point {} has no domain", p.region));
            }
        }
        let mut groups = HashSet::new();
        for g in &self.skill_groups {
            if !groups.insert(g.id.as_str()) {
                return invalid(format!("skill group {} is repeated", g.id));
            }
            if let Some(m) = g.members.iter().find(|m| !users.contains(m.as_str())) {
                return invalid(format!("skill group {} names unknown agent {m}", g.id));
            }
        }
        Ok(())
    }

    /// The agent `user_id`, if configured.
    pub fn agent(&self, user_id: &str) -> Option<&AgentConfig> {
        self.agents.iter().find(|a| a.user_id == user_id)
    }

    /// Skill groups `user_id` belongs to.
    pub fn groups_of<'a>(
        &'a self,
        user_id: &'a str,
    ) -> impl Iterator<Item = &'a SkillGroupConfig> + 'a {
        self.skill_groups
            .iter()
            .filter(move |g| g.members.iter().any(|m| m == user_id))
    }

    /// The behaviour of dialled number `number`.
    pub fn behaviour_of(&self, number: &str) -> NumberBehaviour {
        self.numbers
            .get(number)
            .cloned()
            .unwrap_or(NumberBehaviour {
                answer: Answer::Auto,
                delay_ms: None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_demo() {
        let c = EmulatorConfig::default();
        c.validate().unwrap();
        assert_eq!(c.instance_id, "ccc-demo");
        assert_eq!(c.agents[0].user_id, "agent1@ccc-demo");
        let groups: Vec<_> = c
            .groups_of("agent2@ccc-demo")
            .map(|g| g.id.as_str())
            .collect();
        assert_eq!(groups, ["sales@ccc-demo", "support@ccc-demo"]);
        assert_eq!(c.timers.ringing_timeout_ms, 30_000);
    }

    #[test]
    fn the_example_file_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("emulator.example.toml");
        let c = EmulatorConfig::from_toml_file(&path).unwrap();
        assert_eq!(c.instance_id, "ccc-demo");
        assert_eq!(c.behaviour_of("13900000002").answer, Answer::Busy);
        assert_eq!(c.behaviour_of("13900000099").answer, Answer::Auto);
    }

    #[test]
    fn access_points_are_empty_by_default_and_validated() {
        let c = EmulatorConfig::default();
        assert!(c.access_points.is_empty());
        assert!(!format!("{:?}", c.turn).contains(&c.turn.password));
        let one = "[[access_points]]\nregion = \"local\"\ndomain = \"127.0.0.1:3478\"\n\
                   [turn]\nusername = \"u\"\npassword = \"p\"\n";
        let c = EmulatorConfig::from_toml_str(one).unwrap();
        assert_eq!(c.access_points[0].domain, "127.0.0.1:3478");
        assert_eq!(c.turn.username, "u");
        let twice = format!("{one}[[access_points]]\nregion = \"local\"\ndomain = \"x\"\n");
        assert!(EmulatorConfig::from_toml_str(&twice).is_err());
        let reserved = "[[access_points]]\nregion = \"default\"\ndomain = \"x\"\n";
        assert!(EmulatorConfig::from_toml_str(reserved).is_err());
    }

    #[test]
    fn partial_files_keep_defaults_and_typos_are_rejected() {
        let c = EmulatorConfig::from_toml_str("[timers]\nringing_timeout_ms = 5\n").unwrap();
        assert_eq!(c.timers.ringing_timeout_ms, 5);
        assert_eq!(c.timers.outbound_answer_delay_ms, 1_000);
        assert_eq!(c.agent_leg_grace, DEFAULT_AGENT_LEG_GRACE);
        let c = EmulatorConfig::from_toml_str("agent_leg_grace_ms = 1500\n").unwrap();
        assert_eq!(c.agent_leg_grace, Duration::from_millis(1500));
        assert_eq!(c.agents.len(), 4);
        assert!(EmulatorConfig::from_toml_str("instance = \"x\"\n").is_err());
        let bad = "[[skill_groups]]\nid = \"g@x\"\nname = \"g\"\nmembers = [\"nobody@x\"]\n";
        assert!(matches!(
            EmulatorConfig::from_toml_str(bad),
            Err(ConfigError::Invalid(_))
        ));
    }
}
