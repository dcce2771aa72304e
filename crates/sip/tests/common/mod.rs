//! Messages shared by the integration tests: a SIP-over-WebSocket call flow in the style of RFC 7118 §8,
//! JsSIP and Kamailio, and the RFC 4475 torture messages that apply to a UA.
//!
//! Texts are written with `\n`; [`wire`] turns them into CRLF and fills `{len}` with the body length.
#![allow(dead_code)]

/// CRLF line ends; `{len}` (in a Content-Length) becomes the length of the body after the empty line.
pub(crate) fn wire(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    match crlf.find("\r\n\r\n") {
        Some(i) => {
            let body_len = crlf.len() - (i + 4);
            crlf.replace("{len}", &body_len.to_string()).into_bytes()
        }
        None => crlf.into_bytes(),
    }
}

const SDP_OFFER: &str = "v=0
o=- 4611731400430051336 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0
a=msid-semantic: WMS
m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Hd3V
a=ice-pwd:0nwMqa9IJ+2SX8cvwxNvP4lr
a=fingerprint:sha-256 4C:1F:92:0D:5B:8A:52:3E:17:C4:77:AA:42:0E:9F:3C:0B:56:1D:7E:65:92:E1:AF:12:44:83:DE:C7:9A:34:C1
a=setup:actpass
a=mid:0
a=sendrecv
a=rtcp-mux
a=rtpmap:111 opus/48000/2
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:126 telephone-event/8000
";

/// Canonical messages: each must print back byte for byte. (name, text)
pub(crate) fn canonical() -> Vec<(&'static str, String)> {
    let invite_body = format!(
        "INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks
From: sip:alice@example.com;tag=asdyka899
To: sip:bob@example.com
Call-ID: asidkj3ss
CSeq: 1 INVITE
Max-Forwards: 70
Supported: path, outbound, gruu
Route: <sip:proxy.example.com:443;transport=ws;lr>
Contact: <sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1;ob>
Content-Type: application/sdp
Content-Length: {{len}}

{SDP_OFFER}"
    );
    let answer = format!(
        "SIP/2.0 200 OK
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks
Record-Route: <sip:proxy.example.com;transport=udp;lr>, <sip:h7kjh12s@proxy.example.com:443;transport=wss;lr>
From: sip:alice@example.com;tag=asdyka899
To: sip:bob@example.com;tag=bmqkjhsd
Call-ID: asidkj3ss
CSeq: 1 INVITE
Contact: <sip:bob@203.0.113.22:5060;transport=udp>
Content-Type: application/sdp
Content-Length: {{len}}

{SDP_OFFER}"
    );
    vec![
        // RFC 7118 §8.1, F3 and F4 (Contact folded onto one line).
        (
            "rfc7118 REGISTER",
            "REGISTER sip:proxy.example.com SIP/2.0
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf
From: sip:alice@example.com;tag=65bnmj.34asd
To: sip:alice@example.com
Call-ID: aiuy7k9njasd
CSeq: 1 REGISTER
Max-Forwards: 70
Supported: path, outbound, gruu
Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;reg-id=1;+sip.instance=\"<urn:uuid:f81-7dec-14a06cf1>\"

"
            .into(),
        ),
        (
            "rfc7118 200 OK to REGISTER",
            "SIP/2.0 200 OK
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf
From: sip:alice@example.com;tag=65bnmj.34asd
To: sip:alice@example.com;tag=12isjljn8
Call-ID: aiuy7k9njasd
CSeq: 1 REGISTER
Supported: outbound, gruu
Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;reg-id=1;+sip.instance=\"<urn:uuid:f81-7dec-14a06cf1>\";pub-gruu=\"sip:alice@example.com;gr=urn:uuid:f81-7dec-14a06cf1\";temp-gruu=\"sip:87ash54=3dd.98a@example.com;gr\";expires=3600

"
            .into(),
        ),
        ("rfc7118 INVITE", invite_body),
        (
            "rfc7118 100 Trying",
            "SIP/2.0 100 Trying
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks
From: sip:alice@example.com;tag=asdyka899
To: sip:bob@example.com
Call-ID: asidkj3ss
CSeq: 1 INVITE

"
            .into(),
        ),
        ("rfc7118 200 OK to INVITE", answer),
        (
            "ACK",
            "ACK sip:bob@203.0.113.22:5060;transport=udp SIP/2.0
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKhgqqp090
Route: <sip:h7kjh12s@proxy.example.com:443;transport=wss;lr>, <sip:proxy.example.com;transport=udp;lr>
From: sip:alice@example.com;tag=asdyka899
To: sip:bob@example.com;tag=bmqkjhsd
Call-ID: asidkj3ss
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

"
            .into(),
        ),
        (
            "Kamailio 401",
            "SIP/2.0 401 Unauthorized
Via: SIP/2.0/WS k5v7qdhee21i.invalid;rport=53643;received=127.0.0.1;branch=z9hG4bK211693
From: \"Agent 1001\" <sip:1001@127.0.0.1>;tag=88kogfq6mh
To: <sip:1001@127.0.0.1>;tag=b27e1a1d33761e85846fc98f5f3a7e58.0c5b
Call-ID: ro5f0ohad43lkhevfara26
CSeq: 1 REGISTER
WWW-Authenticate: Digest realm=\"127.0.0.1\", nonce=\"ZRE5MWUBVl3Yf2UvAWfXmzKTSMOp7wP0\", qop=\"auth\"
Server: kamailio (5.6.3 (x86_64/linux))
Content-Length: 0

"
            .into(),
        ),
        (
            "JsSIP REGISTER with credentials",
            "REGISTER sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/WS k5v7qdhee21i.invalid;branch=z9hG4bK7418214
Max-Forwards: 69
To: <sip:1001@127.0.0.1>
From: \"Agent 1001\" <sip:1001@127.0.0.1>;tag=88kogfq6mh
Call-ID: ro5f0ohad43lkhevfara26
CSeq: 2 REGISTER
Authorization: Digest algorithm=MD5, username=\"1001\", realm=\"127.0.0.1\", nonce=\"ZRE5MWUBVl3Yf2UvAWfXmzKTSMOp7wP0\", uri=\"sip:127.0.0.1\", response=\"6d2d8d4b0ab26a5b7e5ad2a3f2f1b9a0\", qop=auth, cnonce=\"8dfl5ro2jlb2\", nc=00000001
Contact: <sip:k2not68h@k5v7qdhee21i.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:a384eef3-4ff1-4e4d-b5bb-14aa5620b252>\";expires=600
Expires: 600
Allow: INVITE, ACK, CANCEL, BYE, UPDATE, MESSAGE, OPTIONS, REFER, INFO, NOTIFY
Supported: path, gruu, outbound
User-Agent: JsSIP 3.13.0
Content-Length: 0

"
            .into(),
        ),
        (
            "BYE",
            "BYE sip:k2not68h@127.0.0.1:53643;transport=ws;alias=127.0.0.1~53643~5 SIP/2.0
Via: SIP/2.0/WS k5v7qdhee21i.invalid;branch=z9hG4bK2340193
Max-Forwards: 69
To: <sip:7002@127.0.0.1>;tag=as6151ad25
From: \"Agent 1001\" <sip:1001@127.0.0.1>;tag=1296642367
Call-ID: 97295390
CSeq: 21 BYE
Reason: SIP ;cause=200 ;text=\"Call completed elsewhere\"
Supported: outbound
User-Agent: JsSIP 3.13.0
Content-Length: 0

"
            .into(),
        ),
        (
            "INFO DTMF",
            "INFO sip:7002@127.0.0.1:5060 SIP/2.0
Via: SIP/2.0/WS k5v7qdhee21i.invalid;branch=z9hG4bK9012761
Max-Forwards: 69
To: <sip:7002@127.0.0.1>;tag=as6151ad25
From: \"Agent 1001\" <sip:1001@127.0.0.1>;tag=1296642367
Call-ID: 97295390
CSeq: 22 INFO
Content-Type: application/dtmf-relay
Content-Length: {len}

Signal=5
Duration=100
"
            .into(),
        ),
        (
            "NOTIFY",
            "NOTIFY sip:k2not68h@k5v7qdhee21i.invalid;transport=ws SIP/2.0
Via: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bK3d8a.2b1e0f6
Max-Forwards: 70
From: <sip:7002@127.0.0.1>;tag=as6151ad25
To: <sip:1001@127.0.0.1>;tag=1296642367
Call-ID: 97295390
CSeq: 3 NOTIFY
Event: refer;id=23
Subscription-State: terminated;reason=noresource
Content-Type: message/sipfrag;version=2.0
Content-Length: {len}

SIP/2.0 200 OK
"
            .into(),
        ),
        (
            "OPTIONS keep-alive",
            "OPTIONS sip:127.0.0.1;transport=ws SIP/2.0
Via: SIP/2.0/WS k5v7qdhee21i.invalid;rport;branch=z9hG4bK1181921
Max-Forwards: 70
To: <sip:127.0.0.1;transport=ws>
From: <sip:1001@127.0.0.1>;tag=m6tr5c2nue
Call-ID: uo6bmhu1cg7o2hj26lc4
CSeq: 1 OPTIONS
Accept: application/sdp
Allow-Events: talk, hold
Content-Length: 0

"
            .into(),
        ),
    ]
}

/// RFC 4475 §3.1.1 and §3.3 messages a parser must accept. (name, wire bytes)
pub(crate) fn torture_valid() -> Vec<(&'static str, Vec<u8>)> {
    let sdp = |ip: &str| {
        format!("v=0\no=mhandley 29739 7272939 IN IP4 {ip}\ns=-\nc=IN IP4 {ip}\nt=0 0\nm=audio 49217 RTP/AVP 0 12\nm=video 3227 RTP/AVP 31\na=rtpmap:31 LPC\n")
    };
    let mut v: Vec<(&'static str, Vec<u8>)> = Vec::new();
    v.push((
        "wsinv",
        wire(
            r#"INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0
TO :
 sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n
from   : "J Rosenberg \\\""       <sip:jdrosen@example.com>
  ;
  tag = 98asjd8
MaX-fOrWaRdS: 0068
Call-ID: wsinv.ndaksdj@192.0.2.1
Content-Length   : 150
cseq: 0009
  INVITE
Via  : SIP  /   2.0
 /UDP
    192.0.2.2;branch=390skdjuw
s :
NewFangledHeader:   newfangled value
 continued newfangled value
UnknownHeaderWithUnusualValue: ;;,,;;,;
Content-Type: application/sdp
Route:
 <sip:services.example.com;lr;unknownwith=value;unknown-no-value>
v:  SIP  / 2.0  / TCP     spindle.example.com   ;
  branch  =   z9hG4bK9ikj8  ,
 SIP  /    2.0   / UDP  192.168.255.111   ; branch=
 z9hG4bK30239
m:"Quoted string \"\"" <sip:jdrosen@example.com> ; newparam =
      newvalue ;
  secondparam ; q = 0.33

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.3
s=-
c=IN IP4 192.0.2.4
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
"#,
        ),
    ));
    let mut intmeth = wire("!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0
Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~
To: \"BEL:\\\x07 NUL:\\\0 DEL:\\\x7F\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>
From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\u{440}\u{430}\u{431}\u{43e}\u{442}\u{430}\u{44e}\u{449}\u{438}\u{439}\";tag=_token~1'+`*%!-.
Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{
CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~
Max-Forwards: 255
extensionHeader-!.%*+_`'~: \u{feff}\u{5927}\u{505c}\u{96fb}
Content-Length: 0

");
    intmeth.shrink_to_fit();
    v.push(("intmeth", intmeth));
    v.push((
        "esc01",
        wire(&format!(
            "INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0
To: sip:%75se%72@example.com
From: <sip:I%20have%20spaces@example.net>;tag=938
Max-Forwards: 87
i: esc01.239409asdfakjkn23onasd0-3234
CSeq: 234234 INVITE
Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw
C: application/sdp
Contact:
  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>
Content-Length: 150

{}",
            sdp("192.0.2.1")
        )),
    ));
    v.push((
        "escnull",
        wire(
            "REGISTER sip:example.com SIP/2.0
To: sip:null-%00-null@example.com
From: sip:null-%00-null@example.com;tag=839923423
Max-Forwards: 70
Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd
CSeq: 14398234 REGISTER
Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw
Contact: <sip:%00@host5.example.com>
Contact: <sip:%00%00@host5.example.com>
L:0

",
        ),
    ));
    v.push((
        "esc02",
        wire(
            "RE%47IST%45R sip:registrar.example.com SIP/2.0
To: \"%Z%45\" <sip:resource@example.com>
From: \"%Z%45\" <sip:resource@example.com>;tag=f232jadfj23
Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf
Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209%fzsnel234
CSeq: 29344 RE%47IST%45R
Max-Forwards: 70
Contact: <sip:alias1@host1.example.com>
C%6Fntact: <sip:alias2@host2.example.com>
Contact: <sip:alias3@host3.example.com>
l: 0

",
        ),
    ));
    v.push((
        "lwsdisp",
        wire(
            "OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: caller<sip:caller@example.com>;tag=323
Max-Forwards: 70
Call-ID: lwsdisp.1234abcd@funky.example.com
CSeq: 60 OPTIONS
Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw
l: 0

",
        ),
    ));
    v.push(("longreq", longreq()));
    v.push((
        "dblreq",
        wire(&format!(
            "REGISTER sip:example.com SIP/2.0
To: sip:j.user@example.com
From: sip:j.user@example.com;tag=43251j3j324
Max-Forwards: 8
I: dblreq.0ha0isndaksdj99sdfafnl3lk233412
Contact: sip:j.user@host.example.com
CSeq: 8 REGISTER
Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492
Content-Length: 0

INVITE sip:joe@example.com SIP/2.0
t: sip:joe@example.com
From: sip:caller@example.net;tag=141334
Max-Forwards: 8
Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15
CSeq: 8 INVITE
Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234
Content-Type: application/sdp
Content-Length: 150

{}",
            sdp("192.0.2.15")
        )),
    ));
    v.push((
        "semiuri",
        wire(
            "OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0
To: sip:j_user@example.com
From: sip:caller@example.org;tag=33242
Max-Forwards: 3
Call-ID: semiuri.0ha0isndaksdj
CSeq: 8 OPTIONS
Accept: application/sdp, application/pkcs7-mime,
        multipart/mixed, multipart/signed,
        message/sip, message/sipfrag
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw
l: 0

",
        ),
    ));
    v.push((
        "transports",
        wire(
            "OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: <sip:caller@example.com>;tag=323
Max-Forwards: 70
Call-ID:  transports.kijh4akdnaqjkwendsasfdj
Accept: application/sdp
CSeq: 60 OPTIONS
Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw
Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf
Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj
Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en
Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee
l: 0

",
        ),
    ));
    v.push((
        "mpart01",
        wire("MESSAGE sip:kumiko@example.org SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport
Max-Forwards: 70
Route: <sip:127.0.0.1:5080>
Identity: r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=
Contact: <sip:fluffy@127.0.0.1:5070>
To: <sip:kumiko@example.org>
From: <sip:fluffy@example.com>;tag=2fb0dcc9
Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..
CSeq: 1 MESSAGE
Content-Transfer-Encoding: binary
Content-Type: multipart/mixed;boundary=7a9cbec02ceef655
Date: Sat, 15 Oct 2005 04:44:56 GMT
User-Agent: SIPimp.org/0.2.5 (curses)
Content-Length: {len}

--7a9cbec02ceef655
Content-Type: text/plain
Content-Transfer-Encoding: binary

Hello
--7a9cbec02ceef655--
"),
    ));
    v.push((
        "unreason",
        wire(&format!(
            "SIP/2.0 200 = 2**3 * 5**2 \u{43d}\u{43e} \u{441}\u{442}\u{43e} \u{434}\u{435}\u{432}\u{44f}\u{43d}\u{43e}\u{441}\u{442}\u{43e} \u{434}\u{435}\u{432}\u{44f}\u{442}\u{44c} - \u{43f}\u{440}\u{43e}\u{441}\u{442}\u{43e}\u{435}
Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923
Call-ID: unreason.1234ksdfak3j2erwedfsASdf
CSeq: 35 INVITE
From: sip:user@example.com;tag=11141343
To: sip:user@example.edu;tag=2229
Content-Length: 154
Content-Type: application/sdp
Contact: <sip:user@host198.example.com>

{}",
            sdp("192.0.2.198")
        )),
    ));
    v.push((
        "noreason",
        wire(
            "SIP/2.0 100 \nVia: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe
Call-ID: noreason.asndj203insdf99223ndf
CSeq: 35 INVITE
From: <sip:user@example.com>;tag=39ansfi3
To: <sip:user@example.edu>;tag=902jndnke3
Content-Length: 0
Contact: <sip:user@host105.example.com>

",
        ),
    ));
    // §3.3: syntactically valid; the application layer rejects or handles them.
    for (name, text) in [
        ("unkscm", "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=384\nMax-Forwards: 3\nCall-ID: unkscm.nasdfasser0q239nwsdfasdkl34\nCSeq: 3923423 OPTIONS\nVia: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\nContent-Length: 0\n\n"),
        ("novelsc", "OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=384\nMax-Forwards: 3\nCall-ID: novelsc.asdfasser0q239nwsdfasdkl34\nCSeq: 3923423 OPTIONS\nVia: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\nContent-Length: 0\n\n"),
        ("unksm2", "REGISTER sip:example.com SIP/2.0\nTo: isbn:2983792873\nFrom: <http://www.example.com>;tag=3234233\nCall-ID: unksm2.daksdj@hyphenated-host.example.com\nCSeq: 234902 REGISTER\nMax-Forwards: 70\nVia: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw\nContact: <name:John_Smith>\nl: 0\n\n"),
        ("bext01", "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:j_user@example.com\nFrom: sip:caller@example.net;tag=242etr\nMax-Forwards: 6\nCall-ID: bext01.0ha0isndaksdj\nRequire: nothingSupportsThis, nothingSupportsThisEither\nProxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis\nCSeq: 8 OPTIONS\nVia: SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKkdjuw\nContent-Length: 0\n\n"),
        ("invut", "INVITE sip:user@example.com SIP/2.0\nContact: <sip:caller@host5.example.net>\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=8392034\nMax-Forwards: 70\nCall-ID: invut.0ha0isndaksdjadsfij34n23d\nCSeq: 235448 INVITE\nVia: SIP/2.0/UDP somehost.example.com;branch=z9hG4bKkdjuw\nContent-Type: application/unknownformat\nContent-Length: 40\n\n<audio>\n <pcmu port=\"443\"/>\n</audio>\n"),
        ("regaut01", "REGISTER sip:example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:j.user@example.com;tag=87321hj23128\nMax-Forwards: 8\nCall-ID: regaut01.0ha0isndaksdj\nCSeq: 9338 REGISTER\nVia: SIP/2.0/TCP 192.0.2.253;branch=z9hG4bKkdjuw\nAuthorization: NoOneKnowsThisScheme opaque-data=here\nContent-Length:0\n\n"),
        ("bcast", "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\nVia: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23\nCall-ID: bcast.0384840201234ksdfak3j2erwedfsASdf\nCSeq: 35 INVITE\nFrom: sip:user@example.com;tag=11141343\nTo: sip:user@example.edu;tag=2229\nContent-Length: 0\nContact: <sip:user@host28.example.com>\n\n"),
        ("zeromf", "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=3ghsd41\nCall-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas\nCSeq: 39234321 OPTIONS\nVia: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i\nMax-Forwards: 0\nContent-Length: 0\n\n"),
        ("cparam01", "REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw\nMax-Forwards: 70\nFrom: sip:watson@example.com;tag=DkfVgjkrtMwaerKKpe\nTo: sip:watson@example.com\nCall-ID: cparam01.70710@saturn.example.com\nCSeq: 2 REGISTER\nContact: sip:+19725552222@gw1.example.net;unknownparam\nl: 0\n\n"),
        ("cparam02", "REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw\nMax-Forwards: 70\nFrom: sip:watson@example.com;tag=838293\nTo: sip:watson@example.com\nCall-ID: cparam02.70710@saturn.example.com\nCSeq: 3 REGISTER\nContact: <sip:+19725552222@gw1.example.net;unknownparam>\nl: 0\n\n"),
        ("regescrt", "REGISTER sip:example.com SIP/2.0\nTo: sip:user@example.com\nFrom: sip:user@example.com;tag=8\nMax-Forwards: 70\nCall-ID: regescrt.k345asrl3fdbv@192.0.2.1\nCSeq: 14398234 REGISTER\nVia: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\nM: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>\nL:0\n\n"),
        ("sdp01", "INVITE sip:user@example.com SIP/2.0\nTo: sip:j_user@example.com\nContact: <sip:caller@host15.example.net>\nFrom: sip:caller@example.net;tag=234\nMax-Forwards: 5\nCall-ID: sdp01.ndaksdj9342dasdd\nAccept: text/nobodyKnowsThis\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw\nContent-Length: 0\n\n"),
        ("inv2543", "INVITE sip:UserB@example.com SIP/2.0\nVia: SIP/2.0/UDP iftgw.example.com\nFrom: <sip:+13035551111@ift.client.example.net;user=phone>\nRecord-Route: <sip:UserB@example.com;maddr=ss1.example.com>\nTo: sip:+16505552222@ss1.example.net;user=phone\nCall-ID: inv2543.1717@ift.client.example.com\nCSeq: 56 INVITE\nContent-Type: application/sdp\n\n"),
    ] {
        v.push((name, wire(text)));
    }
    v
}

fn longreq() -> Vec<u8> {
    let mut vias = String::new();
    for (i, name) in [
        "Via", "v", "V", "Via", "ViA", "VIa", "VIA", "via", "viA", "vIa", "vIA", "V ", "v ", "V  ",
        "v  ", "Via ", "Via  ",
    ]
    .iter()
    .enumerate()
    {
        vias.push_str(&format!("{name}: SIP/2.0/TCP sip{}.example.com\n", 33 - i));
    }
    for i in (1..=16).rev() {
        vias.push_str(&format!("Via: SIP/2.0/TCP sip{i}.example.com\n"));
    }
    let caller = "amazinglylongcallername".repeat(5);
    wire(&format!(
        "INVITE sip:user@example.com SIP/2.0
To: \"I have a user name of {} proportion\" <sip:user@example.com:6000;unknownparam1=very{}value;longparam{}=shortvalue;very{}ParameterNameWithNoValue>
F: sip:{caller}@example.net;tag=12{}424;unknownheaderparam{}=unknowheaderparam{};unknownValueless{}
Call-ID: longreq.one{}longcallid
CSeq: 3882340 INVITE
Unknown-{}-Name: unknown-{}-value;unknown-{}-parameter-name=unknown-{}-parameter-value
{vias}Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=very{}branchvalue
Max-Forwards: 70
Contact: <sip:{caller}@host5.example.net>
Content-Type: application/sdp
l: {{len}}

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.1
s=-
c=IN IP4 192.0.2.1
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
",
        "extreme".repeat(10),
        "long".repeat(20),
        "name".repeat(25),
        "long".repeat(25),
        "982".repeat(50),
        "name".repeat(20),
        "value".repeat(15),
        "paramname".repeat(10),
        "really".repeat(20),
        "Long".repeat(20),
        "long".repeat(20),
        "long".repeat(20),
        "long".repeat(20),
        "long".repeat(50),
    ))
}

/// RFC 4475 messages that must be rejected by [`ccc_sip::Message::parse`] (or, for the semantic ones,
/// by `validate`). (name, wire bytes, whether `parse` itself must fail)
pub(crate) fn torture_invalid() -> Vec<(&'static str, Vec<u8>, bool)> {
    let sdp = "v=0\no=mhandley 29739 7272939 IN IP4 192.0.2.15\ns=-\nc=IN IP4 192.0.2.15\nt=0 0\nm=audio 49217 RTP/AVP 0 12\nm=video 3227 RTP/AVP 31\na=rtpmap:31 LPC\n";
    let mk = |head: &str| wire(&format!("{head}\n{sdp}"));
    vec![
        ("badinv01", mk("INVITE sip:user@example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=134161461246\nMax-Forwards: 7\nCall-ID: badinv01.0ha0isndaksdjasdf3234nas\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP 192.0.2.15;;,;,,\nContact: \"Joe\" <sip:joe@example.org>;;;;\nContent-Length: 152\nContent-Type: application/sdp\n"), true),
        ("clerr", mk("INVITE sip:user@example.com SIP/2.0\nMax-Forwards: 80\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=93942939o2\nContact: <sip:caller@hungry.example.net>\nCall-ID: clerr.0ha0isndaksdjweiafasdk3\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523\nContent-Type: application/sdp\nContent-Length: 9999\n"), true),
        ("ncl", mk("INVITE sip:user@example.com SIP/2.0\nMax-Forwards: 254\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=32394234\nCall-ID: ncl.0ha0isndaksdj2193423r542w35\nCSeq: 0 INVITE\nVia: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw\nContact: <sip:caller@example53.example.net>\nContent-Type: application/sdp\nContent-Length: -999\n"), true),
        ("scalar02", wire("REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3\nTo: <sip:user@example.com>\nFrom: <sip:user@example.com>;tag=239232jh3\nCSeq: 36893488147419103232 REGISTER\nCall-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32\nMax-Forwards: 300\nExpires: 1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\nContact: <sip:user@host129.example.com>;expires=280297596632815\nContent-Length: 0\n\n"), true),
        ("scalarlg", wire("SIP/2.0 503 Service Unavailable\nVia: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\nTo: <sip:user@example.com>\nFrom: <sip:other@example.net>;tag=2easdjfejw\nCSeq: 9292394834772304023312 OPTIONS\nCall-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r\nRetry-After: 949302838503028349304023988\nWarning: 1812 overture \"In Progress\"\nContent-Length: 0\n\n"), true),
        ("quotbal", mk("INVITE sip:user@example.com SIP/2.0\nTo: \"Mr. J. User <sip:j.user@example.com>\nFrom: sip:caller@example.net;tag=93334\nMax-Forwards: 10\nCall-ID: quotbal.aksdj\nContact: <sip:caller@host59.example.net>\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234\nContent-Type: application/sdp\nContent-Length: 152\n"), true),
        ("ltgtruri", mk("INVITE <sip:user@example.com> SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=39291\nMax-Forwards: 23\nCall-ID: ltgtruri.1@192.0.2.5\nCSeq: 1 INVITE\nVia: SIP/2.0/UDP 192.0.2.5\nContact: <sip:caller@host5.example.net>\nContent-Type: application/sdp\nContent-Length: 152\n"), true),
        ("lwsruri", mk("INVITE sip:user@example.com; lr SIP/2.0\nTo: sip:user@example.com;tag=3xfe-9921883-z9f\nFrom: sip:caller@example.net;tag=231413434\nMax-Forwards: 5\nCall-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423\nCSeq: 2130706432 INVITE\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395\nContact: <sip:caller@host1.example.net>\nContent-Type: application/sdp\nContent-Length: 152\n"), true),
        ("lwsstart", mk("INVITE  sip:user@example.com  SIP/2.0\nMax-Forwards: 8\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=8814\nCall-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com\nCSeq: 1893884 INVITE\nVia: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923\nContact: <sip:caller@host1.example.net>\nContent-Type: application/sdp\nContent-Length: 152\n"), true),
        ("trws", wire("OPTIONS sip:remote-target@example.com SIP/2.0  \nVia: SIP/2.0/TCP host1.example.com;branch=z9hG4bK299342093\nTo: <sip:remote-target@example.com>\nFrom: <sip:local-resource@example.com>;tag=329429089\nCall-ID: trws.oicu34958239neffasdhr2345r\nAccept: application/sdp\nCSeq: 238923 OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n"), true),
        ("escruri", mk("INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=341518\nMax-Forwards: 7\nContact: <sip:caller@host39923.example.net>\nCall-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5\nCSeq: 149209342 INVITE\nVia: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw\nContent-Type: application/sdp\nContent-Length: 152\n"), true),
        ("regbadct", wire("REGISTER sip:example.com SIP/2.0\nTo: sip:user@example.com\nFrom: sip:user@example.com;tag=998332\nMax-Forwards: 70\nCall-ID: regbadct.k345asrl3fdbv@10.0.0.1\nCSeq: 1 REGISTER\nVia: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw\nContact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\nl: 0\n\n"), true),
        ("badaspec", wire("OPTIONS sip:user@example.org SIP/2.0\nVia: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234\nMax-Forwards: 70\nFrom: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423\nTo: \"Watson, Thomas\" < sip:t.watson@example.org >\nCall-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3\nAccept: application/sdp\nCSeq: 3923239 OPTIONS\nl: 0\n\n"), true),
        ("baddn", wire("OPTIONS sip:t.watson@example.org SIP/2.0\nVia:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw\nMax-Forwards:      70\nFrom:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43\nTo:      Watson, Thomas <sip:t.watson@example.org>\nCall-ID: baddn.31415@c.example.com\nAccept: application/sdp\nCSeq:    3923239 OPTIONS\nl: 0\n\n"), true),
        ("badvers", wire("OPTIONS sip:t.watson@example.org SIP/7.0\nVia:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw\nMax-Forwards:     70\nFrom:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe\nTo:      T. Watson <sip:t.watson@example.org>\nCall-ID: badvers.31417@c.example.com\nCSeq:    1 OPTIONS\nl: 0\n\n"), true),
        ("bigcode", wire("SIP/2.0 4294967301 better not break the receiver\nVia: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\nCall-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i\nCSeq: 353494 INVITE\nFrom: <sip:user@example.com>;tag=39ansfi3\nTo: <sip:user@example.edu>;tag=902jndnke3\nContent-Length: 0\nContact: <sip:user@host105.example.com>\n\n"), true),
        ("multi01", mk("INVITE sip:user@company.com SIP/2.0\nContact: <sip:caller@host25.example.net>\nVia: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw\nMax-Forwards: 70\nCSeq: 5 INVITE\nCall-ID: multi01.98asdh@192.0.2.1\nCSeq: 59 INVITE\nCall-ID: multi01.98asdh@192.0.2.2\nFrom: sip:caller@example.com;tag=3413415\nTo: sip:user@example.com\nTo: sip:other@example.net\nFrom: sip:caller@example.net;tag=2923420123\nContent-Type: application/sdp\nl: 152\nContact: <sip:caller@host36.example.net>\nMax-Forwards: 5\n"), true),
        ("mcl01", wire("OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423\nTo: sip:user@example.com\nFrom: sip:other@example.net;tag=3923942\nCall-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf\nCSeq: 15932 OPTIONS\nContent-Length: 13\nMax-Forwards: 60\nContent-Length: 5\nContent-Type: text/plain\n\nThere's no way to know how many octets are supposed to be here.\n"), true),
        // Syntactically fine; `validate` rejects them.
        ("mismatch01", wire("OPTIONS sip:user@example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=34525\nMax-Forwards: 6\nCall-ID: mismatch01.dj0234sxdfl3\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw\nl: 0\n\n"), false),
        ("mismatch02", mk("NEWMETHOD sip:user@example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=34525\nMax-Forwards: 6\nCall-ID: mismatch02.dj0234sxdfl3\nCSeq: 8 INVITE\nContact: <sip:caller@host.example.net>\nVia: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw\nContent-Type: application/sdp\nl: 152\n"), false),
        ("insuf", mk("INVITE sip:user@example.com SIP/2.0\nCSeq: 193942 INVITE\nVia: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\nContent-Type: application/sdp\nl: 152\n"), false),
    ]
}
