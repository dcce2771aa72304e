//! The published test vectors of `ccc-api-2020-07-01.md` §2, byte for byte, and the verifier.

use std::collections::HashSet;

use ccc_sign::encode::form_string;
use ccc_sign::verify::{self, Clock, V3Request, VerifyError, Version};
use ccc_sign::{time, v1, v3, AccessKeySecret, Credentials};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

const V1_PARAMS: &[(&str, &str)] = &[
    ("AccessKeyId", "testid"),
    ("Action", "DescribeRegions"),
    ("Format", "XML"),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
    ("SignatureVersion", "1.0"),
    ("Timestamp", "2016-02-23T12:46:24Z"),
    ("Version", "2014-05-26"),
];

#[test]
fn v1_published_vector_get_and_post() {
    let secret = AccessKeySecret::new("testsecret");
    let sts = v1::string_to_sign("GET", &pairs(V1_PARAMS));
    assert_eq!(
        sts,
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    );
    assert_eq!(v1::signature(&secret, &sts), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    let post = v1::string_to_sign("POST", &pairs(V1_PARAMS));
    assert_eq!(post, sts.replacen("GET", "POST", 1));
    assert_eq!(
        v1::signature(&secret, &post),
        "MxbnVAM4w6sft9xjVpe/GCKueuk="
    );
    // Order of the input does not matter.
    let mut reversed = pairs(V1_PARAMS);
    reversed.reverse();
    assert_eq!(v1::string_to_sign("GET", &reversed), sts);
}

#[test]
fn v1_sign_builds_the_common_parameters() {
    let creds = Credentials::new("testid", "testsecret");
    let common = v1::CommonParams {
        action: "DescribeRegions",
        version: "2014-05-26",
        format: "XML",
        nonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        timestamp: time::parse_iso8601("2016-02-23T12:46:24Z").unwrap(),
    };
    let signed = v1::sign(&creds, "GET", &common, &[]);
    assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    let mut expected = pairs(V1_PARAMS);
    expected.push(("Signature".into(), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=".into()));
    assert_eq!(signed.common, expected);
    // As sent: the signature percent-encoded (`+` → %2B, `=` → %3D, `/` → %2F).
    assert!(form_string(&signed.common).ends_with("Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"));
    assert_eq!(
        v1::sign(&creds, "POST", &common, &[]).signature,
        "MxbnVAM4w6sft9xjVpe/GCKueuk="
    );
}

const V3_QUERY: &[(&str, &str)] = &[
    (
        "ImageId",
        "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
    ),
    ("RegionId", "cn-shanghai"),
];

fn v3_vector_request(query: &[(String, String)]) -> v3::Request<'_> {
    v3::Request {
        method: "POST",
        host: "ecs.cn-shanghai.aliyuncs.com",
        path: "/",
        action: "RunInstances",
        version: "2014-05-26",
        query,
        body: b"",
        content_type: None,
        date: time::parse_iso8601("2023-10-26T10:22:32Z").unwrap(),
        nonce: "3156853299f313e23d1673dc12e1703d",
    }
}

#[test]
fn v3_published_vector() {
    let creds = Credentials::new("YourAccessKeyId", "YourAccessKeySecret");
    let query = pairs(V3_QUERY);
    let signed = v3::sign(&creds, &v3_vector_request(&query));
    assert_eq!(
        signed.canonical_request,
        "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n\
         host:ecs.cn-shanghai.aliyuncs.com\n\
         x-acs-action:RunInstances\n\
         x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         x-acs-date:2023-10-26T10:22:32Z\n\
         x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n\
         x-acs-version:2014-05-26\n\n\
         host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        v3::string_to_sign(&signed.canonical_request),
        "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    );
    assert_eq!(
        signed.signature,
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
    let auth = &signed.headers.last().unwrap();
    assert_eq!(auth.0, "authorization");
    assert_eq!(
        auth.1,
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
    assert_eq!(v3::sha256_hex(b""), v3::EMPTY_SHA256);
}

#[test]
fn v3_canonical_edge_cases() {
    // Header names lower-cased, values trimmed, sorted; query values encoded per §2.1.
    let query = pairs(&[("b", "a b*~"), ("a", "坐席"), ("c", "")]);
    let headers = pairs(&[
        ("X-Acs-Version", " 2020-07-01 "),
        ("Host", "h"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ]);
    let (canonical, signed) = v3::canonical_request("post", "/", &query, &headers, "abc");
    assert_eq!(signed, "content-type;host;x-acs-version");
    assert_eq!(
        canonical,
        "POST\n/\na=%E5%9D%90%E5%B8%AD&b=a%20b%2A~&c=\ncontent-type:application/x-www-form-urlencoded\nhost:h\nx-acs-version:2020-07-01\n\ncontent-type;host;x-acs-version\nabc"
    );
    assert_eq!(v3::canonical_uri("/openapi/"), "/openapi/");
    assert_eq!(v3::canonical_uri("/a b/"), "/a%20b/");
    assert_eq!(v3::canonical_uri(""), "/");
}

// ---- verification ----

const NOW: i64 = 1_700_000_000;

fn lookup(id: &str) -> Option<AccessKeySecret> {
    (id == "ak-test").then(|| AccessKeySecret::new("sk-test"))
}

fn creds() -> Credentials {
    Credentials::new("ak-test", "sk-test")
}

fn v1_request(
    nonce: &str,
    timestamp: i64,
    action_params: &[(&str, &str)],
) -> Vec<(String, String)> {
    let action = pairs(action_params);
    let signed = v1::sign(
        &creds(),
        "POST",
        &v1::CommonParams {
            action: "MakeCall",
            version: "2020-07-01",
            format: "JSON",
            nonce,
            timestamp,
        },
        &action,
    );
    signed.common.into_iter().chain(action).collect()
}

#[test]
fn v1_verify_accepts_and_rejects_like_the_gateway() {
    let mut seen = HashSet::new();
    let odd = &[
        ("Callee", "138 0000 0001"),
        ("UserId", "坐席@ccc-demo"),
        ("Tags", "[\"a*b\",\"~c\"]"),
        ("Empty", ""),
    ];
    let params = v1_request("n-1", NOW, odd);
    let ok = verify::verify_v1("POST", &params, lookup, Clock::at(NOW), &mut seen).unwrap();
    assert_eq!(
        (ok.access_key_id.as_str(), ok.version, ok.timestamp),
        ("ak-test", Version::V1, NOW)
    );
    // The same request again: nonce reuse.
    let err = verify::verify_v1("POST", &params, lookup, Clock::at(NOW), &mut seen).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("SignatureNonceUsed", 400));
    // Another method than signed.
    let params = v1_request("n-2", NOW, odd);
    let err = verify::verify_v1("GET", &params, lookup, Clock::at(NOW), &mut seen).unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        ("SignatureDoesNotMatch", 403)
    );
    // A failed signature does not burn the nonce.
    verify::verify_v1("POST", &params, lookup, Clock::at(NOW), &mut seen).unwrap();
    // Tampered parameter.
    let mut tampered = v1_request("n-3", NOW, odd);
    tampered.iter_mut().find(|(k, _)| k == "Callee").unwrap().1 = "999".into();
    let err = verify::verify_v1("POST", &tampered, lookup, Clock::at(NOW), &mut seen).unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    // Wrong secret.
    let wrong = |_: &str| Some(AccessKeySecret::new("other"));
    let err = verify::verify_v1(
        "POST",
        &v1_request("n-4", NOW, odd),
        wrong,
        Clock::at(NOW),
        &mut seen,
    )
    .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    // Unknown key id.
    let none = |_: &str| None;
    let err = verify::verify_v1(
        "POST",
        &v1_request("n-5", NOW, odd),
        none,
        Clock::at(NOW),
        &mut seen,
    )
    .unwrap_err();
    assert_eq!(err.code(), "InvalidAccessKeyId.NotFound");
    // Timestamp 16 minutes old / ahead; 14 minutes is fine.
    for skew in [-16 * 60, 16 * 60] {
        let err = verify::verify_v1(
            "POST",
            &v1_request("n-6", NOW + skew, odd),
            lookup,
            Clock::at(NOW),
            &mut seen,
        )
        .unwrap_err();
        assert_eq!((err.code(), err.http_status()), ("IllegalTimestamp", 400));
    }
    verify::verify_v1(
        "POST",
        &v1_request("n-7", NOW - 14 * 60, odd),
        lookup,
        Clock::at(NOW),
        &mut seen,
    )
    .unwrap();
    // Missing pieces, repeated parameters, other methods.
    let mut missing = v1_request("n-8", NOW, odd);
    missing.retain(|(k, _)| k != "SignatureNonce");
    let err = verify::verify_v1("POST", &missing, lookup, Clock::at(NOW), &mut seen).unwrap_err();
    assert_eq!(err, VerifyError::MissingParameter("SignatureNonce".into()));
    let mut twice = v1_request("n-9", NOW, odd);
    twice.push(("Callee".into(), "1".into()));
    let err = verify::verify_v1("POST", &twice, lookup, Clock::at(NOW), &mut seen).unwrap_err();
    assert_eq!(err.code(), "InvalidParameter");
    let mut sha256 = v1_request("n-10", NOW, odd);
    sha256
        .iter_mut()
        .find(|(k, _)| k == "SignatureMethod")
        .unwrap()
        .1 = "HMAC-SHA256".into();
    let err = verify::verify_v1("POST", &sha256, lookup, Clock::at(NOW), &mut seen).unwrap_err();
    assert_eq!(err.code(), "InvalidParameter");
}

struct V3Sent {
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Vec<u8>,
}

fn v3_request(nonce: &str, date: i64, body: &[u8]) -> V3Sent {
    let query = pairs(&[("Note", "a b*~/坐席")]);
    let signed = v3::sign(
        &creds(),
        &v3::Request {
            method: "POST",
            host: "127.0.0.1:8080",
            path: "/openapi/",
            action: "MakeCall",
            version: "2020-07-01",
            query: &query,
            body,
            content_type: (!body.is_empty()).then_some(v3::FORM_CONTENT_TYPE),
            date,
            nonce,
        },
    );
    V3Sent {
        headers: signed.headers,
        query,
        body: body.to_vec(),
    }
}

fn check(
    sent: &V3Sent,
    seen: &mut HashSet<String>,
    clock: Clock,
) -> Result<verify::Verified, VerifyError> {
    verify::verify_v3(
        &V3Request {
            method: "POST",
            path: "/openapi/",
            query: &sent.query,
            headers: &sent.headers,
            body: &sent.body,
        },
        lookup,
        clock,
        seen,
    )
}

#[test]
fn v3_verify_accepts_and_rejects_like_the_gateway() {
    let mut seen = HashSet::new();
    let body = form_string(&pairs(&[("Callee", "138 0000 0001"), ("UserId", "坐席@x")]));
    let sent = v3_request("n-1", NOW, body.as_bytes());
    let ok = check(&sent, &mut seen, Clock::at(NOW)).unwrap();
    assert_eq!(
        (ok.access_key_id.as_str(), ok.version),
        ("ak-test", Version::V3)
    );
    assert_eq!(
        check(&sent, &mut seen, Clock::at(NOW)).unwrap_err().code(),
        "SignatureNonceUsed"
    );
    // Empty body.
    check(&v3_request("n-empty", NOW, b""), &mut seen, Clock::at(NOW)).unwrap();
    // Body changed after signing (hash header kept).
    let mut sent = v3_request("n-2", NOW, body.as_bytes());
    sent.body = b"Callee=1".to_vec();
    let err = check(&sent, &mut seen, Clock::at(NOW)).unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        ("SignatureDoesNotMatch", 403)
    );
    // Query changed after signing.
    let mut sent = v3_request("n-3", NOW, body.as_bytes());
    sent.query[0].1 = "x".into();
    assert_eq!(
        check(&sent, &mut seen, Clock::at(NOW)).unwrap_err().code(),
        "SignatureDoesNotMatch"
    );
    // A signed header changed.
    let mut sent = v3_request("n-4", NOW, body.as_bytes());
    sent.headers
        .iter_mut()
        .find(|(k, _)| k == "x-acs-action")
        .unwrap()
        .1 = "DeleteInstance".into();
    assert_eq!(
        check(&sent, &mut seen, Clock::at(NOW)).unwrap_err().code(),
        "SignatureDoesNotMatch"
    );
    // An x-acs-* header added without signing it.
    let mut sent = v3_request("n-5", NOW, body.as_bytes());
    sent.headers
        .push(("X-Acs-Security-Token".into(), "t".into()));
    assert_eq!(
        check(&sent, &mut seen, Clock::at(NOW)).unwrap_err().code(),
        "InvalidParameter"
    );
    // Old date.
    let err = check(
        &v3_request("n-6", NOW - 3600, b""),
        &mut seen,
        Clock::at(NOW),
    )
    .unwrap_err();
    assert_eq!(err.code(), "IllegalTimestamp");
    // Narrower window.
    let clock = Clock {
        now: NOW,
        window_seconds: 10,
    };
    assert_eq!(
        check(&v3_request("n-7", NOW - 11, b""), &mut seen, clock)
            .unwrap_err()
            .code(),
        "IllegalTimestamp"
    );
    // Unknown key, wrong secret.
    let sent = v3_request("n-8", NOW, b"");
    let err = verify::verify_v3(
        &V3Request {
            method: "POST",
            path: "/openapi/",
            query: &sent.query,
            headers: &sent.headers,
            body: b"",
        },
        |_| Some(AccessKeySecret::new("nope")),
        Clock::at(NOW),
        &mut seen,
    )
    .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    let err = verify::verify_v3(
        &V3Request {
            method: "POST",
            path: "/openapi/",
            query: &sent.query,
            headers: &sent.headers,
            body: b"",
        },
        |_| None,
        Clock::at(NOW),
        &mut seen,
    )
    .unwrap_err();
    assert_eq!(err.code(), "InvalidAccessKeyId.NotFound");
    // Another path than signed.
    let err = verify::verify_v3(
        &V3Request {
            method: "POST",
            path: "/",
            query: &sent.query,
            headers: &sent.headers,
            body: b"",
        },
        lookup,
        Clock::at(NOW),
        &mut seen,
    )
    .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    // No Authorization / a malformed one.
    let mut sent = v3_request("n-9", NOW, b"");
    sent.headers.retain(|(k, _)| k != "authorization");
    assert_eq!(
        check(&sent, &mut seen, Clock::at(NOW)).unwrap_err(),
        VerifyError::MissingParameter("authorization".into())
    );
    sent.headers.push((
        "Authorization".into(),
        "ACS3-HMAC-SHA256 Credential=ak-test".into(),
    ));
    assert_eq!(
        check(&sent, &mut seen, Clock::at(NOW)).unwrap_err().code(),
        "InvalidParameter"
    );
}

#[test]
fn authorization_parsing() {
    let a = verify::parse_authorization(
        "ACS3-HMAC-SHA256 Credential=id, SignedHeaders=Host;x-acs-date ,Signature=abc",
    )
    .unwrap();
    assert_eq!(a.credential, "id");
    assert_eq!(a.signed_headers, vec!["host", "x-acs-date"]);
    assert_eq!(a.signature, "abc");
    for bad in [
        "",
        "ACS3-HMAC-SHA1 Credential=id,SignedHeaders=host,Signature=abc",
        "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host",
        "ACS3-HMAC-SHA256 Credential=id,Credential=id2,SignedHeaders=host,Signature=a",
        "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=a",
        "ACS3-HMAC-SHA256 Foo=1,Credential=id,SignedHeaders=host,Signature=a",
    ] {
        assert!(verify::parse_authorization(bad).is_err(), "{bad}");
    }
}

#[test]
fn errors_never_echo_signatures() {
    let mut seen = HashSet::new();
    let params = v1_request("n-x", NOW, &[]);
    let sig = params
        .iter()
        .find(|(k, _)| k == "Signature")
        .unwrap()
        .1
        .clone();
    let wrong = |_: &str| Some(AccessKeySecret::new("other"));
    let err = verify::verify_v1("POST", &params, wrong, Clock::at(NOW), &mut seen).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(&sig) && !text.contains("sk-test"), "{text}");
}
