//! [`Headers`]: the header lines of a message in order, with the typed accessors a user agent needs.

use super::{Auth, CSeq, Contact, Header, MediaType, NameAddr, TokenParams, Via};
use crate::method::Method;

/// The header lines of a message, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Headers(Vec<Header>);

macro_rules! single {
    ($(#[$doc:meta])* $fn:ident, $variant:ident, $ty:ty) => {
        $(#[$doc])*
        pub fn $fn(&self) -> Option<&$ty> {
            self.0.iter().find_map(|h| match h {
                Header::$variant(v) => Some(v),
                _ => None,
            })
        }
    };
}

macro_rules! flat {
    ($(#[$doc:meta])* $fn:ident, $variant:ident, $ty:ty) => {
        $(#[$doc])*
        pub fn $fn(&self) -> impl Iterator<Item = &$ty> + '_ {
            self.0.iter().flat_map(|h| match h {
                Header::$variant(v) => v.as_slice(),
                _ => &[],
            })
        }
    };
}

macro_rules! each {
    ($(#[$doc:meta])* $fn:ident, $variant:ident, $ty:ty) => {
        $(#[$doc])*
        pub fn $fn(&self) -> impl Iterator<Item = &$ty> + '_ {
            self.0.iter().filter_map(|h| match h {
                Header::$variant(v) => Some(v),
                _ => None,
            })
        }
    };
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers(Vec::new())
    }

    /// Appends a header line.
    pub fn push(&mut self, h: Header) {
        self.0.push(h);
    }

    /// Inserts a header line at `index` (e.g. a new top Via at 0).
    pub fn insert(&mut self, index: usize, h: Header) {
        self.0.insert(index.min(self.0.len()), h);
    }

    /// Removes every line whose canonical name is `name` (case-insensitive); returns how many.
    pub fn remove(&mut self, name: &str) -> usize {
        let name = super::canonical_name(name);
        let before = self.0.len();
        self.0.retain(|h| !h.name().eq_ignore_ascii_case(&name));
        before - self.0.len()
    }

    /// The lines in order.
    pub fn iter(&self) -> impl Iterator<Item = &Header> {
        self.0.iter()
    }

    /// The lines, mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Header> {
        self.0.iter_mut()
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No line at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The printed value of the first line named `name` (any header, typed or not; compact forms and
    /// case ignored).
    pub fn get(&self, name: &str) -> Option<String> {
        let name = super::canonical_name(name);
        self.0
            .iter()
            .find(|h| h.name().eq_ignore_ascii_case(&name))
            .map(Header::value_string)
    }

    flat!(
        /// All Via entries, top first, across comma lists and repeated lines.
        vias, Via, Via
    );

    /// The topmost Via (the one a UAC added; RFC 3261 §8.1.3.3).
    pub fn top_via(&self) -> Option<&Via> {
        self.vias().next()
    }

    single!(
        /// The From address.
        from, From, NameAddr
    );
    single!(
        /// The To address.
        to, To, NameAddr
    );

    /// The Call-ID.
    pub fn call_id(&self) -> Option<&str> {
        self.0.iter().find_map(|h| match h {
            Header::CallId(v) => Some(v.as_str()),
            _ => None,
        })
    }

    single!(
        /// The CSeq.
        cseq, CSeq, CSeq
    );

    /// All Contact addresses across lines (empty for `Contact: *`).
    pub fn contacts(&self) -> impl Iterator<Item = &NameAddr> + '_ {
        self.0.iter().flat_map(|h| match h {
            Header::Contact(Contact::List(l)) => l.as_slice(),
            _ => &[],
        })
    }

    /// Whether a `Contact: *` line is present.
    pub fn contact_wildcard(&self) -> bool {
        self.0
            .iter()
            .any(|h| matches!(h, Header::Contact(Contact::Wildcard)))
    }

    fn number(&self, f: impl Fn(&Header) -> Option<u32>) -> Option<u32> {
        self.0.iter().find_map(f)
    }

    /// Max-Forwards.
    pub fn max_forwards(&self) -> Option<u8> {
        self.0.iter().find_map(|h| {
            if let Header::MaxForwards(n) = h {
                Some(*n)
            } else {
                None
            }
        })
    }

    /// Expires.
    pub fn expires(&self) -> Option<u32> {
        self.number(|h| {
            if let Header::Expires(n) = h {
                Some(*n)
            } else {
                None
            }
        })
    }

    /// Min-Expires.
    pub fn min_expires(&self) -> Option<u32> {
        self.number(|h| {
            if let Header::MinExpires(n) = h {
                Some(*n)
            } else {
                None
            }
        })
    }

    /// Content-Length as received (printing writes the real body length).
    pub fn content_length(&self) -> Option<u32> {
        self.number(|h| {
            if let Header::ContentLength(n) = h {
                Some(*n)
            } else {
                None
            }
        })
    }

    flat!(
        /// Route entries in order.
        routes, Route, NameAddr
    );
    flat!(
        /// Record-Route entries in order.
        record_routes, RecordRoute, NameAddr
    );
    each!(
        /// WWW-Authenticate challenges.
        www_authenticate, WwwAuthenticate, Auth
    );
    each!(
        /// Proxy-Authenticate challenges.
        proxy_authenticate, ProxyAuthenticate, Auth
    );
    each!(
        /// Authorization credentials.
        authorization, Authorization, Auth
    );
    each!(
        /// Proxy-Authorization credentials.
        proxy_authorization, ProxyAuthorization, Auth
    );
    single!(
        /// Content-Type.
        content_type, ContentType, MediaType
    );
    flat!(
        /// Allowed methods across lines.
        allow, Allow, Method
    );
    flat!(
        /// Supported option tags across lines.
        supported, Supported, String
    );
    flat!(
        /// Required option tags across lines.
        require, Require, String
    );

    /// User-Agent text.
    pub fn user_agent(&self) -> Option<&str> {
        self.0.iter().find_map(|h| {
            if let Header::UserAgent(s) = h {
                Some(s.as_str())
            } else {
                None
            }
        })
    }

    /// Server text.
    pub fn server(&self) -> Option<&str> {
        self.0.iter().find_map(|h| {
            if let Header::Server(s) = h {
                Some(s.as_str())
            } else {
                None
            }
        })
    }

    single!(
        /// Event package and parameters.
        event, Event, TokenParams
    );
    single!(
        /// Subscription-State.
        subscription_state, SubscriptionState, TokenParams
    );
}

impl FromIterator<Header> for Headers {
    fn from_iter<I: IntoIterator<Item = Header>>(iter: I) -> Self {
        Headers(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
