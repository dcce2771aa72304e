"""Drives a running emulator with Alibaba Cloud's official Python SDK and compares every answer with the SDK's
own response models.

    python oracle.py http://127.0.0.1:PORT v3|v1 ALLOWLIST

Every workbench action the SDK has (46 of the panel's 47; AddAgentDevice is not in the 2020-07-01 SDK) is
called through the SDK's own client — `POST /`, signed with V3 (ACS3-HMAC-SHA256) or V1 (HMAC-SHA1) — in an
order that gives each one something to act on: a ringing call to answer, a call to hold, transfer, monitor,
conference. Each raw answer is compared key by key with the model (`models.diff`). Missing keys are allowed
only when ALLOWLIST names them (`Action Path  # reason`); everything else — an unknown key, a wrong type, an
SDK error, an allow-list line that no longer matches anything — is a failure. Prints one line per call and a
summary; exits 1 on any failure.
"""

import json
import sys
import time
import urllib.request

from alibabacloud_ccc20200701 import models as sdk_models
from alibabacloud_ccc20200701.client import Client
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

import models

INSTANCE = "ccc-demo"
A1, A2, A3, SUP = (f"{n}@{INSTANCE}" for n in ("agent1", "agent2", "agent3", "supervisor"))
DEMO_KEY = ("emulator-demo-key-id", "emulator-demo-key-secret")


# The panel's actions (ccc-wire's `Action::ALL`) as the 2020-07-01 SDK names them: `Coach` is `CoachCall`
# there, and AddAgentDevice (a 2.x SDK call) is not in it.
WORKBENCH_ACTIONS = [
    "GetLoginDetails", "ListSkillLevelsOfUser", "ListOutboundNumbersOfUser", "ListConfigItems",
    "GetTurnServerList", "ListPrivilegesOfUser", "GetTurnCredentials", "ListDevices", "PickOutboundNumbers",
    "GetNumberLocation", "ListRealtimeAgentStates", "ListAgentStates", "ResetAgentState",
    "ListRecentCallDetailRecords", "ListSkillGroups", "ListBriefSkillGroups", "ListHistoricalAgentReport",
    "SaveTerminalLog", "SignInGroup", "PollUserStatus", "LaunchAuthentication", "SignOutGroup", "TakeBreak",
    "ReadyForService", "MakeCall", "AnswerCall", "ReleaseCall", "HoldCall", "RetrieveCall", "BlindTransfer",
    "InitiateAttendedTransfer", "CompleteAttendedTransfer", "CancelAttendedTransfer", "SendDtmfSignaling",
    "MonitorCall", "BargeInCall", "InterceptCall", "CoachCall", "MuteCall", "UnmuteCall", "LaunchSurvey",
    "ChangeWorkMode", "RedialCall", "SaveWebRtcInfo", "StartConference", "SwitchToConference",
]


def snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class Emulator:
    """The SDK client plus the emulator's control API (which plays the customer)."""

    def __init__(self, base, signature):
        self.base = base
        host = base.split("://", 1)[1]
        config = Config(
            access_key_id=DEMO_KEY[0],
            access_key_secret=DEMO_KEY[1],
            endpoint=host,
            protocol="http",
            region_id="cn-shanghai",
        )
        if signature == "v1":
            # The tea-openapi client signs the RPC style with V1 (HMAC-SHA1, `Signature` in the query) when
            # asked for the "v2" signature algorithm; anything else is V3.
            config.signature_algorithm = "v2"
        self.client = Client(config)
        self.signature = signature
        self.raw = None
        call_api = self.client.call_api

        def capture(params, request, runtime):
            # The SDK turns the answer into its model and drops what it does not know; keep the raw map.
            self.raw = call_api(params, request, runtime)
            return self.raw

        self.client.call_api = capture
        # Which of the SDK's signers ran: `do_request` signs V3, `do_rpcrequest` V1. Every call must use the
        # one asked for, so a silent fallback cannot pass for the other version.
        self.signers = set()
        for signer in ("do_request", "do_rpcrequest"):
            original = getattr(self.client, signer)

            def counted(*args, _original=original, _signer=signer):
                self.signers.add(_signer)
                return _original(*args)

            setattr(self.client, signer, counted)
        self.results = []
        self.documented = models.documented(WORKBENCH_ACTIONS)

    def call(self, user, action, **params):
        """Calls `action` as `user` through the SDK; returns the raw `Data`, records the comparison."""
        params.setdefault("InstanceId", INSTANCE)
        params.setdefault("UserId", user)
        request = getattr(sdk_models, action + "Request")().from_map(params)
        method = getattr(self.client, snake(action) + "_with_options")
        self.raw = None
        try:
            method(request, RuntimeOptions())
        except Exception as e:  # the SDK raises on any non-2xx answer
            self.results.append({"action": action, "error": f"{type(e).__name__}: {e}"})
            raise SystemExit(f"{action} as {user} failed through the SDK: {e}")
        body = self.raw["body"]
        self.results.append({"action": action, "diff": models.diff(action, body, self.documented[action])})
        if body.get("Code") != "OK":
            raise SystemExit(f"{action} as {user}: {json.dumps(body)}")
        return body.get("Data")

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    def inbound(self, caller, group="sales@ccc-demo"):
        return self.control("POST", "/emulator/v1/inbound-calls", {"caller": caller, "skillGroupId": group})

    def wait_state(self, user, state, seconds=10):
        """Waits until the emulator has `user` in `state` (e.g. a supervisor's leg answered)."""
        deadline = time.monotonic() + seconds
        while True:
            agents = self.control("GET", "/emulator/v1/state")["agents"]
            now = next(a["state"] for a in agents if a["userId"] == user)
            if now == state:
                return
            if time.monotonic() > deadline:
                raise SystemExit(f"{user} stayed {now}, not {state}, for {seconds} s")
            time.sleep(0.05)

    def sign_in(self, user):
        skills = self.call(user, "ListSkillLevelsOfUser", PageNumber=1, PageSize=100)
        groups = json.dumps([s["SkillGroupId"] for s in skills["List"]])
        self.call(user, "SignInGroup", DeviceId=f"oracle-{user}", SignedSkillGroupIdList=groups)
        self.call(user, "ReadyForService")


def customer_channel(data):
    return next(c for c in data["CallContext"]["ChannelContexts"] if not c["UserId"])


def conference(e, caller, invite, then=None, **params):
    """agent1 answers `caller`, brings agent3 in with `invite` (then `then`, e.g. SwitchToConference), and
    both leave."""
    for user in (A1, A3):
        e.call(user, "ReadyForService")
    job = e.inbound(caller)["jobId"]
    e.call(A1, "AnswerCall", JobId=job)
    e.call(A1, invite, JobId=job, **params)
    e.call(A3, "AnswerCall", JobId=job)
    if then:
        e.call(A1, then, JobId=job)
    for user in (A1, A3):
        e.call(user, "ReleaseCall", JobId=job)


def scenario(e):
    """Every action, each where it has something to act on."""
    # Directory and configuration.
    e.call(A1, "GetLoginDetails")
    e.call(A1, "ListOutboundNumbersOfUser", PageNumber=1, PageSize=100)
    e.call(A1, "ListConfigItems", ObjectId=INSTANCE, ObjectType="INSTANCE")
    e.call(A1, "GetTurnServerList")
    e.call(A1, "GetTurnCredentials")
    e.call(A1, "ListPrivilegesOfUser")
    e.call(A1, "PickOutboundNumbers", CalledNumber="13912345678", Count=1,
           CandidateNumber='["02180000001","01080000002"]')
    e.call(A1, "GetNumberLocation", Number="13912345678")
    e.call(SUP, "ListSkillGroups", PageNumber=1, PageSize=10)
    e.call(A1, "ListBriefSkillGroups", PageNumber=1, PageSize=10)
    e.call(A1, "SaveTerminalLog", Content="oracle", DataType=1, MethodName="register", Status="200",
           UniqueRequestId="oracle-1", JobId="", AppName="workbench")
    e.call(A1, "SaveWebRtcInfo", CallId="oracle-call", Content='{"rtt":1}', ContentType="stats")

    # Signing in, breaks, work modes.
    e.sign_in(A1)
    e.call(A1, "ListDevices")
    e.call(A1, "TakeBreak", Code="Rest")
    e.call(A1, "ReadyForService")
    e.call(A1, "ChangeWorkMode", WorkMode="ON_SITE")
    e.call(A1, "PollUserStatus")

    # An inbound call: answer, hold, mute, DTMF, an authentication IVR.
    job = e.inbound("13800000001")["jobId"]
    e.call(A1, "PollUserStatus")
    talk = e.call(A1, "AnswerCall", JobId=job)
    e.call(A1, "HoldCall", JobId=job)
    e.call(A1, "RetrieveCall", JobId=job)
    e.call(A1, "MuteCall", JobId=job)
    e.call(A1, "UnmuteCall", JobId=job)
    e.call(A1, "SendDtmfSignaling", JobId=job, ChannelId=customer_channel(talk)["ChannelId"], Dtmf="1")
    e.call(A1, "LaunchAuthentication", JobId=job, ContactFlowId="verify-id")
    e.control("POST", f"/emulator/v1/calls/{job}/ivr-return")

    # Supervision: a supervisor listens, coaches, barges in, then takes the call over.
    e.sign_in(SUP)
    e.call(SUP, "MonitorCall", MonitoredUserId=A1, JobId=job)
    e.wait_state(SUP, "TALKING")
    e.call(SUP, "CoachCall", CoachedUserId=A1, JobId=job)
    e.call(SUP, "BargeInCall", BargedUserId=A1, JobId=job)
    e.call(SUP, "ListAgentStates", PageNumber=1, PageSize=10)
    e.call(SUP, "ListRealtimeAgentStates", PageNumber=1, PageSize=10)
    e.call(SUP, "InterceptCall", InterceptedUserId=A1, JobId=job)
    e.call(SUP, "ReleaseCall", JobId=job)

    # Transfers: consult agent2 and go back, consult again and hand over; agent2 passes the customer on
    # blind to agent3, who ends with a survey.
    e.call(A1, "ReadyForService")
    job = e.inbound("13800000002")["jobId"]
    e.call(A1, "AnswerCall", JobId=job)
    e.sign_in(A2)
    e.call(A1, "InitiateAttendedTransfer", JobId=job, Transferee="8002")
    e.call(A1, "CancelAttendedTransfer", JobId=job)
    e.call(A1, "InitiateAttendedTransfer", JobId=job, Transferee="8002")
    e.call(A2, "AnswerCall", JobId=job)
    e.call(A1, "CompleteAttendedTransfer", JobId=job)
    e.sign_in(A3)
    e.call(A2, "BlindTransfer", JobId=job, Transferee="8003")
    e.call(A3, "AnswerCall", JobId=job)
    e.call(A3, "LaunchSurvey", JobId=job)

    # A conference from a call, and one from a consultation (agent3 is in no group the calls ring in).
    e.call(A2, "TakeBreak", Code="Rest")
    conference(e, "13800000003", "StartConference", ParticipantListJson='["8003"]')
    conference(e, "13800000004", "InitiateAttendedTransfer", Transferee="8003", then="SwitchToConference")

    # Outbound: dial, hang up, redial.
    e.call(A1, "ReadyForService")
    dialled = e.call(A1, "MakeCall", Callee="13912345678", Caller="02180000001",
                     DeviceId=f"oracle-{A1}")["CallContext"]["JobId"]
    e.wait_state(A1, "TALKING")
    e.call(A1, "ReleaseCall", JobId=dialled)
    e.call(A1, "ReadyForService")
    again = e.call(A1, "RedialCall", JobId=dialled)["CallContext"]["JobId"]
    e.wait_state(A1, "TALKING")
    e.call(A1, "ReleaseCall", JobId=again)

    # What the day left behind, then the end of it.
    e.call(A1, "ListRecentCallDetailRecords", PageNumber=1, PageSize=100)
    e.call(SUP, "ListHistoricalAgentReport", PageNumber=1, PageSize=10)
    e.call(A1, "ResetAgentState")
    e.call(A2, "SignOutGroup")


def read_allowlist(path):
    """`Action Path  # reason` lines; a line without a reason is an error (the reason is the point)."""
    allowed = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            entry, _, reason = line.partition("#")
            parts = entry.split()
            if len(parts) != 2 or not reason.strip():
                raise SystemExit(f"{path}:{number}: expected `Action Path  # reason`, got: {line}")
            allowed[tuple(parts)] = reason.strip()
    return allowed


def verdict(results, allowed, signature, signers):
    """The failures: SDK errors, unknown keys, wrong types, missing keys not allowed, stale allow-list lines,
    actions never called."""
    failures = []
    used = set()
    called = set()
    for r in results:
        action = r["action"]
        called.add(action)
        if "error" in r:
            failures.append(f"{action}: {r['error']}")
            continue
        d = r["diff"]
        failures += [f"{action}: unknown key {p} (in no official model of it)" for p in d["unknown"]]
        failures += [f"{action}: type of {p}" for p in d["type"]]
        for p in d["missing"]:
            if (action, p) in allowed:
                used.add((action, p))
            else:
                failures.append(f"{action}: missing key {p} (not in the allow-list)")
    failures += [f"never called: {a}" for a in WORKBENCH_ACTIONS if a not in called]
    expected = {"v3": {"do_request"}, "v1": {"do_rpcrequest"}}[signature]
    if signers != expected:
        failures.append(f"the SDK signed with {sorted(signers)}, not {sorted(expected)}")
    failures += [f"allow-list line matches nothing: {a} {p}" for (a, p) in allowed if (a, p) not in used]
    return [f"[{signature}] {f}" for f in failures]


def main():
    base, signature, allowlist = sys.argv[1:4]
    allowed = read_allowlist(allowlist)
    e = Emulator(base, signature)
    try:
        scenario(e)
    finally:
        failures = verdict(e.results, allowed, signature, e.signers)
        for f in failures:
            print(f)
        print(f"[{signature}] {len(e.results)} calls of {len({r['action'] for r in e.results})} actions "
              f"through the official SDK; {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
