//! Small message builders the transaction and dialog layers share: a response to a request
//! (RFC 3261 §8.2.6.2), the ACK for a non-2xx final response (§17.1.1.3) and a CANCEL (§9.1).

use crate::header::{CSeq, Header};
use crate::message::{Request, Response};
use crate::method::Method;
use crate::status::StatusCode;

/// The Max-Forwards a UA puts in a request it builds when the original had none (§8.1.1.6).
pub const DEFAULT_MAX_FORWARDS: u8 = 70;

/// A response to `request` with the default reason phrase (§8.2.6.2): every Via line, From, To,
/// Call-ID and CSeq copied in order, then `Content-Length: 0` (printing writes the real body length).
/// `to_tag` is added to the To when given and the To carries no tag yet.
pub fn response_to(request: &Request, status: StatusCode, to_tag: Option<&str>) -> Response {
    let mut response = Response::new(status);
    let h = &mut response.headers;
    for header in &request.headers {
        match header {
            Header::Via(_) | Header::From(_) | Header::CallId(_) | Header::CSeq(_) => {
                h.push(header.clone())
            }
            Header::To(to) => {
                let mut to = to.clone();
                if let Some(tag) = to_tag {
                    if to.tag().is_none() {
                        to.params.set("tag", Some(tag));
                    }
                }
                h.push(Header::To(to));
            }
            _ => {}
        }
    }
    h.push(Header::ContentLength(0));
    response
}

/// The request shape ACK and CANCEL share: Request-URI, the top Via alone, the Route lines as they were, Max-Forwards
/// (the original's or 70), From, the given To, Call-ID, CSeq with the original number and `method`,
/// `Content-Length: 0`.
fn same_transaction(original: &Request, method: Method, to: Option<Header>) -> Request {
    let mut req = Request::new(method.clone(), original.uri.clone());
    let src = &original.headers;
    let h = &mut req.headers;
    if let Some(via) = src.top_via() {
        h.push(Header::Via(vec![via.clone()]));
    }
    for route in src.iter().filter(|h| matches!(h, Header::Route(_))) {
        h.push(route.clone());
    }
    h.push(Header::MaxForwards(
        src.max_forwards().unwrap_or(DEFAULT_MAX_FORWARDS),
    ));
    if let Some(from) = src.from() {
        h.push(Header::From(from.clone()));
    }
    if let Some(to) = to.or_else(|| src.to().cloned().map(Header::To)) {
        h.push(to);
    }
    if let Some(id) = src.call_id() {
        h.push(Header::CallId(id.to_owned()));
    }
    if let Some(cseq) = src.cseq() {
        h.push(Header::CSeq(CSeq {
            seq: cseq.seq,
            method,
        }));
    }
    h.push(Header::ContentLength(0));
    req
}

/// The ACK for a non-2xx final response to `invite` (§17.1.1.3): the INVITE's Request-URI, top Via
/// (so the same branch), Route set, From, Call-ID and CSeq number, the To of the response (with its
/// tag), CSeq method ACK, no body.
pub fn ack_for_non_2xx(invite: &Request, response: &Response) -> Request {
    let to = response.headers.to().cloned().map(Header::To);
    same_transaction(invite, Method::Ack, to)
}

/// The CANCEL for `request` (§9.1): its Request-URI, top Via (same branch), Route set, From, To,
/// Call-ID and CSeq number, CSeq method CANCEL, no body. The caller sends it only after a provisional
/// response arrived, and in a client transaction of its own.
pub fn cancel_for(request: &Request) -> Request {
    same_transaction(request, Method::Cancel, None)
}

/// Sets the branch of the top Via of `request`; returns `false` if it has no Via.
pub fn set_branch(request: &mut Request, branch: &str) -> bool {
    for header in request.headers.iter_mut() {
        if let Header::Via(list) = header {
            if let Some(via) = list.first_mut() {
                via.params.set("branch", Some(branch));
                return true;
            }
        }
    }
    false
}
