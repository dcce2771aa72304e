//! SIP methods (RFC 3261 §7.1 and the extensions a soft phone meets). Methods are case-sensitive tokens.

use std::fmt;

use crate::error::{ErrorKind, ParseError, Result};
use crate::scan::is_token_str;

/// A request method. Unknown methods are kept as [`Method::Extension`] (RFC 3261 §8.2.1: answer 405).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// RFC 3261 registration.
    Register,
    /// RFC 3261 session set-up.
    Invite,
    /// RFC 3261 final-response acknowledgement.
    Ack,
    /// RFC 3261 cancellation of a pending request.
    Cancel,
    /// RFC 3261 session tear-down.
    Bye,
    /// RFC 3261 capability query (also a keep-alive).
    Options,
    /// RFC 6086 mid-dialog information (DTMF fallback).
    Info,
    /// RFC 3311 session update.
    Update,
    /// RFC 3428 instant message.
    Message,
    /// RFC 3515 transfer.
    Refer,
    /// RFC 6665 subscription.
    Subscribe,
    /// RFC 6665 notification.
    Notify,
    /// RFC 3262 provisional response acknowledgement.
    Prack,
    /// RFC 3903 event state publication.
    Publish,
    /// Any other token.
    Extension(String),
}

impl Method {
    /// Parses a method token (case-sensitive, as RFC 3261 requires).
    pub fn parse(s: &str) -> Result<Method> {
        if !is_token_str(s) {
            return Err(ParseError::new(
                ErrorKind::Syntax("method is not a token"),
                0,
            ));
        }
        Ok(match s {
            "REGISTER" => Method::Register,
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "CANCEL" => Method::Cancel,
            "BYE" => Method::Bye,
            "OPTIONS" => Method::Options,
            "INFO" => Method::Info,
            "UPDATE" => Method::Update,
            "MESSAGE" => Method::Message,
            "REFER" => Method::Refer,
            "SUBSCRIBE" => Method::Subscribe,
            "NOTIFY" => Method::Notify,
            "PRACK" => Method::Prack,
            "PUBLISH" => Method::Publish,
            other => Method::Extension(other.to_owned()),
        })
    }

    /// The method's name as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Register => "REGISTER",
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Cancel => "CANCEL",
            Method::Bye => "BYE",
            Method::Options => "OPTIONS",
            Method::Info => "INFO",
            Method::Update => "UPDATE",
            Method::Message => "MESSAGE",
            Method::Refer => "REFER",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Prack => "PRACK",
            Method::Publish => "PUBLISH",
            Method::Extension(s) => s,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_extension() {
        assert_eq!(Method::parse("INVITE").unwrap(), Method::Invite);
        assert_eq!(
            Method::parse("invite").unwrap(),
            Method::Extension("invite".into())
        );
        assert_eq!(
            Method::parse("RE%47IST%45R").unwrap().as_str(),
            "RE%47IST%45R"
        );
        assert!(Method::parse("IN VITE").is_err());
        assert!(Method::parse("").is_err());
    }
}
