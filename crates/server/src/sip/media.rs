//! Who hears whom in a call: a pure function from the emulator's call and supervision state
//! ([`CallView`]) to "listener → speakers", which the SIP service applies to the media bridge.
//!
//! - Talking (two or more connected parties: the customer legs and the agents' own legs, barge-in and
//!   intercept legs included): every party hears every other (agent to agent, conference: all hear all).
//! - Hold: a held customer hears the music and nobody hears it; the holding agent hears nothing from the
//!   held party. Two legs that both carry `HOLD` (the holder and the held) never hear each other; a held
//!   agent (the emulator's own rule for agent-to-agent hold) hears the parties that are not held.
//! - Monitor: the supervisor hears every party; nobody hears the supervisor.
//! - Coach: the supervisor hears every party; the coached agent also hears the supervisor; the customer
//!   does not.
//! - Legs not connected yet (ringing) hear nothing and are heard by nobody.

use crate::emulator::calls_view::{CallView, Role};

/// A media party of a call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Party {
    /// The simulated customer of this customer channel.
    Customer(String),
    /// The call's music-on-hold source.
    Music,
    /// An agent's soft phone (user id).
    Agent(String),
}

/// For each listener in `call` (every connected customer and agent; music listens to nobody), the parties it
/// hears, sorted. Parties not listed hear nothing.
pub(crate) fn hear_matrix(call: &CallView) -> Vec<(Party, Vec<Party>)> {
    // (party, held, is a talking party, coach target)
    struct P {
        party: Party,
        held: bool,
        customer: bool,
    }
    let mut talkers: Vec<P> = call
        .customers
        .iter()
        .filter(|c| c.connected)
        .map(|c| P {
            party: Party::Customer(c.channel_id.clone()),
            held: c.held,
            customer: true,
        })
        .collect();
    talkers.extend(
        call.agents
            .iter()
            .filter(|a| a.connected && a.role == Role::Party)
            .map(|a| P {
                party: Party::Agent(a.user_id.clone()),
                held: a.held,
                customer: false,
            }),
    );
    let coaches: Vec<(&str, &str)> = call
        .agents
        .iter()
        .filter(|a| a.connected)
        .filter_map(|a| match &a.role {
            Role::Coach { agent } => Some((a.user_id.as_str(), agent.as_str())),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for l in &talkers {
        let mut hears: Vec<Party> = if l.held && l.customer {
            vec![Party::Music]
        } else {
            talkers
                .iter()
                .filter(|s| s.party != l.party)
                .filter(|s| !(s.held && (l.held || s.customer)))
                .map(|s| s.party.clone())
                .collect()
        };
        if let Party::Agent(me) = &l.party {
            hears.extend(
                coaches
                    .iter()
                    .filter(|(_, coached)| coached == me)
                    .map(|(sup, _)| Party::Agent((*sup).to_owned())),
            );
        }
        hears.sort();
        out.push((l.party.clone(), hears));
    }
    for sup in call
        .agents
        .iter()
        .filter(|a| a.connected && matches!(a.role, Role::Monitor | Role::Coach { .. }))
    {
        let mut hears: Vec<Party> = talkers
            .iter()
            .filter(|s| !(s.held && s.customer))
            .map(|s| s.party.clone())
            .collect();
        hears.sort();
        out.push((Party::Agent(sup.user_id.clone()), hears));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::calls_view::{AgentLeg, CustomerLeg};

    fn agent(user: &str, role: Role) -> AgentLeg {
        AgentLeg {
            user_id: user.into(),
            extension: String::new(),
            peer: String::new(),
            offered: false,
            connected: true,
            held: false,
            role,
        }
    }

    fn talking() -> CallView {
        CallView {
            job_id: "j".into(),
            phase: "talking",
            conference: false,
            customers: vec![CustomerLeg {
                channel_id: "c".into(),
                connected: true,
                held: false,
            }],
            agents: vec![agent("a", Role::Party)],
        }
    }

    fn hears(m: &[(Party, Vec<Party>)], who: Party) -> Vec<Party> {
        m.iter()
            .find(|(l, _)| *l == who)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }

    fn c() -> Party {
        Party::Customer("c".into())
    }
    fn a(u: &str) -> Party {
        Party::Agent(u.into())
    }

    #[test]
    fn talking_customer_and_agent_hear_each_other() {
        let m = hear_matrix(&talking());
        assert_eq!(hears(&m, c()), [a("a")]);
        assert_eq!(hears(&m, a("a")), [c()]);
    }

    #[test]
    fn ringing_legs_hear_nothing() {
        let mut call = talking();
        call.agents[0].connected = false;
        let m = hear_matrix(&call);
        assert!(hears(&m, c()).is_empty());
        assert!(hears(&m, a("a")).is_empty());
    }

    #[test]
    fn hold_plays_music_to_the_customer_and_silence_to_the_agent() {
        let mut call = talking();
        call.customers[0].held = true;
        call.agents[0].held = true;
        let m = hear_matrix(&call);
        assert_eq!(hears(&m, c()), [Party::Music]);
        assert!(hears(&m, a("a")).is_empty());
    }

    #[test]
    fn agents_hear_each_other_and_conferences_hear_all() {
        let mut call = talking();
        call.customers.clear();
        call.agents.push(agent("b", Role::Party));
        let m = hear_matrix(&call);
        assert_eq!(hears(&m, a("a")), [a("b")]);
        assert_eq!(hears(&m, a("b")), [a("a")]);
        let mut conf = talking();
        conf.conference = true;
        conf.agents.push(agent("b", Role::Party));
        let m = hear_matrix(&conf);
        assert_eq!(hears(&m, c()), [a("a"), a("b")]);
        assert_eq!(hears(&m, a("b")), [c(), a("a")]);
    }

    #[test]
    fn monitor_hears_all_and_is_heard_by_none() {
        let mut call = talking();
        call.agents.push(agent("s", Role::Monitor));
        let m = hear_matrix(&call);
        assert_eq!(hears(&m, a("s")), [c(), a("a")]);
        assert_eq!(hears(&m, c()), [a("a")]);
        assert_eq!(hears(&m, a("a")), [c()]);
    }

    #[test]
    fn barge_in_everyone_hears_everyone() {
        let mut call = talking();
        call.agents.push(agent("s", Role::Party));
        let m = hear_matrix(&call);
        assert_eq!(hears(&m, c()), [a("a"), a("s")]);
        assert_eq!(hears(&m, a("s")), [c(), a("a")]);
    }

    #[test]
    fn coach_is_heard_by_the_agent_only() {
        let mut call = talking();
        call.agents
            .push(agent("s", Role::Coach { agent: "a".into() }));
        let m = hear_matrix(&call);
        assert_eq!(hears(&m, a("a")), [c(), a("s")]);
        assert_eq!(hears(&m, c()), [a("a")]);
        assert_eq!(hears(&m, a("s")), [c(), a("a")]);
    }

    #[test]
    fn a_consultation_plays_music_to_the_held_customer() {
        let mut call = talking();
        call.customers[0].held = true;
        call.agents.push(agent("b", Role::Party));
        let m = hear_matrix(&call);
        assert_eq!(hears(&m, c()), [Party::Music]);
        assert_eq!(hears(&m, a("a")), [a("b")]);
        assert_eq!(hears(&m, a("b")), [a("a")]);
    }

    #[test]
    fn intercept_replaces_the_agent() {
        // The emulator takes the agent out; the supervisor's INTERCEPT leg is a party.
        let mut call = talking();
        call.agents = vec![agent("s", Role::Party)];
        let m = hear_matrix(&call);
        assert_eq!(hears(&m, c()), [a("s")]);
        assert_eq!(hears(&m, a("s")), [c()]);
    }
}
