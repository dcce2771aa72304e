//! The list/report actions and the number helpers over real HTTP: `Data` shapes against the spec's field names
//! (`ccc-api-2020-07-01.md` §4), filters, and ChangeWorkMode's rules. The tests that wait for a dialled
//! number to answer or fail (an emulator timer) run on held virtual time, at the timer's exact deadline.

mod common;

use common::virtual_time::{ms, HeldClock};
use common::*;
use serde_json::{json, Value};

fn list(data: &Value) -> &Vec<Value> {
    assert_eq!(
        keys(data),
        ["List", "PageNumber", "PageSize", "TotalCount"],
        "{data}"
    );
    data["List"].as_array().unwrap()
}

#[tokio::test(start_paused = true)]
async fn recent_call_detail_records_of_the_agent() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.register(A1).await;
    let inbound = s.talking_inbound(A1, "13800000011").await;
    s.ok(A1, "ReleaseCall", json!({"JobId": inbound})).await;
    s.ok(A1, "ReadyForService", json!({})).await;
    s.put_number("13900000002", json!({"answer": "busy", "delayMs": 5}))
        .await;
    let armed = clock.now();
    s.ok(A1, "MakeCall", json!({"Callee": "13900000002"})).await;
    clock
        .assert_fires_at(
            "the busy number failed (A1 WORKING)",
            armed,
            ms(5),
            async || s.agent(A1).await["state"] == "WORKING",
        )
        .await;

    let data = s
        .ok(
            A1,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    let items = list(&data);
    assert_eq!(data["TotalCount"], 2);
    assert_eq!(
        keys(&items[0]),
        [
            "AgentIds",
            "CallDuration",
            "CalledNumber",
            "CallingNumber",
            "ContactDisposition",
            "ContactId",
            "ContactType",
            "Duration",
            "InstanceId",
            "SkillGroupIds",
            "StartTime"
        ]
    );
    // Newest first.
    let out = &items[0];
    assert_eq!(out["ContactType"], "Outbound");
    assert_eq!(out["ContactDisposition"], "NoAnswer");
    assert_eq!(out["CalledNumber"], "13900000002");
    assert_eq!(out["CallDuration"], "0");
    let inn = &items[1];
    assert_eq!(inn["ContactId"], inbound);
    assert_eq!(inn["ContactType"], "Inbound");
    assert_eq!(inn["ContactDisposition"], "Success");
    assert_eq!(inn["CallingNumber"], "13800000011");
    assert_eq!(inn["CalledNumber"], "4008000000");
    assert_eq!(inn["AgentIds"], A1);
    assert_eq!(inn["SkillGroupIds"], "sales@ccc-demo");
    assert_eq!(inn["InstanceId"], "ccc-demo");
    assert!(inn["StartTime"].as_i64().unwrap() > 1_600_000_000_000);
    assert!(inn["Duration"].is_i64() && inn["CallDuration"].is_string());

    let filtered = s
        .ok(
            A1,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 10, "Criteria": "{\"phoneNumber\":\"13800000011\"}"}),
        )
        .await;
    assert_eq!(filtered["TotalCount"], 1);
    let later = s
        .ok(
            A1,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 10, "StartTime": "4102444800000"}),
        )
        .await;
    assert_eq!(later["TotalCount"], 0, "string numbers are read too");
    let other = s
        .ok(
            A2,
            "ListRecentCallDetailRecords",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    assert_eq!(other["TotalCount"], 0, "only the agent's own calls");
    s.expect_err(
        A1,
        "ListRecentCallDetailRecords",
        json!({"Criteria": "{oops"}),
        (
            400,
            "Parameter.Invalid",
            &["Criteria", "It must be a JSON object"],
        ),
    )
    .await;
}

#[tokio::test]
async fn realtime_agent_states_for_the_transfer_view() {
    let s = start().await;
    s.register(A1).await;
    s.register(A3).await;
    let job = s.talking_inbound(A1, "13800000012").await;
    let data = s
        .ok(
            A2,
            "ListRealtimeAgentStates",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    let items = list(&data);
    assert_eq!(items.len(), 4);
    assert_eq!(
        keys(&items[0]),
        [
            "AgentId",
            "AgentName",
            "BreakCode",
            "CallType",
            "CounterParty",
            "Duration",
            "Extension",
            "InstanceId",
            "Mobile",
            "OutboundScenario",
            "SkillGroupIdList",
            "SkillGroupNameList",
            "State",
            "StateCode",
            "StateTime",
            "WorkMode"
        ]
    );
    let a1 = &items[0];
    assert_eq!(a1["AgentId"], A1);
    assert_eq!(a1["State"], "Talking");
    assert_eq!(a1["CallType"], "INBOUND");
    assert_eq!(a1["CounterParty"], "13800000012");
    assert_eq!(a1["Extension"], "8001");
    assert_eq!(a1["SkillGroupIdList"], json!(["sales@ccc-demo"]));
    assert_eq!(a1["SkillGroupNameList"], json!(["销售 Sales"]));
    assert_eq!(items[1]["State"], "Offline");
    assert_eq!(items[2]["State"], "Ready");

    let ready = s
        .ok(
            A2,
            "ListRealtimeAgentStates",
            json!({"StateList": "[\"Ready\"]", "SkillGroupId": "support@ccc-demo"}),
        )
        .await;
    let ids: Vec<&Value> = list(&ready).iter().map(|i| &i["AgentId"]).collect();
    assert_eq!(ids, [A3]);
    let by_id = s
        .ok(
            A2,
            "ListRealtimeAgentStates",
            json!({"AgentIdList": format!("[\"{SUP}\"]")}),
        )
        .await;
    assert_eq!(by_id["TotalCount"], 1);
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    let acw = s
        .ok(A2, "ListRealtimeAgentStates", json!({"Query": "8001"}))
        .await;
    assert_eq!(list(&acw)[0]["State"], "ACW");
    s.expect_err(
        A2,
        "ListRealtimeAgentStates",
        json!({"StateList": "[Ready"}),
        (
            400,
            "Parameter.Invalid",
            &["StateList", "It must be a JSON array of strings"],
        ),
    )
    .await;
}

#[tokio::test]
async fn agent_states_for_the_monitor_view() {
    let s = start().await;
    s.register(A2).await;
    let data = s
        .ok(
            SUP,
            "ListAgentStates",
            json!({"PageNumber": 1, "PageSize": 100}),
        )
        .await;
    let items = list(&data);
    assert_eq!(items.len(), 4);
    assert_eq!(
        keys(&items[0]),
        [
            "AgentId",
            "AgentName",
            "BreakCode",
            "Dn",
            "InstanceId",
            "LoginName",
            "OutboundScenario",
            "State",
            "StateDuration"
        ]
    );
    let online = s
        .ok(
            SUP,
            "ListAgentStates",
            json!({"ExcludeOfflineUsers": "true"}),
        )
        .await;
    let items = list(&online);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["AgentId"], A2);
    assert_eq!(items[0]["LoginName"], "agent2");
    assert_eq!(items[0]["Dn"], "8002");
    assert_eq!(items[0]["State"], "Ready");
    assert!(items[0]["StateDuration"].is_string());
    let none = s
        .ok(SUP, "ListAgentStates", json!({"State": "Talking"}))
        .await;
    assert_eq!(none["TotalCount"], 0);
}

#[tokio::test]
async fn skill_groups_brief_and_full() {
    let s = start().await;
    for action in ["ListSkillGroups", "ListBriefSkillGroups"] {
        let data = s
            .ok(A1, action, json!({"PageNumber": 1, "PageSize": 10}))
            .await;
        let items = list(&data);
        assert_eq!(items.len(), 2, "{action}");
        assert_eq!(
            keys(&items[0]),
            [
                "Description",
                "DisplayName",
                "InstanceId",
                "MediaType",
                "PhoneNumberCount",
                "SkillGroupId",
                "SkillGroupName",
                "UserCount"
            ]
        );
        assert_eq!(items[0]["SkillGroupId"], "sales@ccc-demo");
        assert_eq!(items[0]["UserCount"], 3);
        assert_eq!(items[0]["MediaType"], "TELEPHONE");
    }
    let found = s
        .ok(
            A1,
            "ListBriefSkillGroups",
            json!({"SearchPattern": "support"}),
        )
        .await;
    assert_eq!(found["TotalCount"], 1);
}

#[tokio::test]
async fn privileges_of_agents_and_supervisors() {
    let s = start().await;
    let agent = s.ok(A1, "ListPrivilegesOfUser", json!({})).await;
    let items = agent.as_array().expect("Data is the array itself");
    assert_eq!(keys(&items[0]), ["InstanceId", "Name", "Scope"]);
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p["Name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(names(&agent).contains(&"Workbench:Call".to_owned()));
    assert!(!names(&agent).contains(&"Workbench:Monitor".to_owned()));
    let sup = s.ok(SUP, "ListPrivilegesOfUser", json!({})).await;
    let monitor = sup
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Name"] == "Workbench:Monitor")
        .expect("supervisors may monitor");
    assert_eq!(monitor["Scope"], "SKILL_GROUP");
}

#[tokio::test]
async fn change_work_mode_rules() {
    let s = start().await;
    s.expect_err(
        A1,
        "ChangeWorkMode",
        json!({"WorkMode": "OFF_SITE"}),
        (400, "Parameter.Blank", &["Mobile"]),
    )
    .await;
    s.expect_err(
        A1,
        "ChangeWorkMode",
        json!({"WorkMode": "ON_MARS"}),
        (
            400,
            "Parameter.Enumeration",
            &["WorkMode", "ON_SITE,OFF_SITE,OFFICE_PHONE"],
        ),
    )
    .await;
    s.expect_err(
        A1,
        "ChangeWorkMode",
        json!({}),
        (400, "Parameter.Blank", &["WorkMode"]),
    )
    .await;
    let data = s
        .ok(
            A1,
            "ChangeWorkMode",
            json!({"WorkMode": "OFF_SITE", "Mobile": "13812345678"}),
        )
        .await;
    assert_eq!(data["WorkMode"], "OFF_SITE");
    assert_eq!(data["Mobile"], "13812345678");
    assert_eq!(data["UserState"], "OFFLINE");
    assert!(data.get("ContextId").is_none(), "{data}");
    assert_eq!(s.agent(A1).await["workMode"], "OFF_SITE");
    assert!(s.agent(A1).await["contextId"].as_u64().unwrap() > 0);
    let config = s
        .ok(
            A1,
            "ListConfigItems",
            json!({"ObjectId": A1, "ObjectType": "USER"}),
        )
        .await;
    assert_eq!(config[0]["Value"], "OFF_SITE");

    s.register(A1).await;
    s.talking_inbound(A1, "138").await;
    s.expect_err(
        A1,
        "ChangeWorkMode",
        json!({"WorkMode": "ON_SITE"}),
        (
            400,
            "InvalidOperation.UserState",
            &["TALKING", "OFFLINE,BREAK,READY,WORKING"],
        ),
    )
    .await;
}

#[tokio::test]
async fn pick_outbound_numbers_and_number_locations() {
    let s = start().await;
    let loc = s
        .ok(A1, "GetNumberLocation", json!({"Number": "057188889999"}))
        .await;
    assert_eq!(keys(&loc), ["City", "Number", "Province"]);
    assert_eq!(
        loc,
        json!({"City": "杭州", "Number": "057188889999", "Province": "浙江"})
    );
    let mobile = s
        .ok(A1, "GetNumberLocation", json!({"Number": "13812345678"}))
        .await;
    assert_eq!(
        (mobile["Province"].as_str(), mobile["City"].as_str()),
        (Some("广东"), Some("深圳"))
    );
    s.expect_err(
        A1,
        "GetNumberLocation",
        json!({"Number": " "}),
        (400, "Parameter.Blank", &["Number"]),
    )
    .await;

    let picked = s
        .ok(
            A1,
            "PickOutboundNumbers",
            json!({"CalledNumber": "01066667777", "SkillGroupIdList": "[\"sales@ccc-demo\"]"}),
        )
        .await;
    let items = picked.as_array().expect("Data is the array itself");
    assert_eq!(items.len(), 1);
    assert_eq!(keys(&items[0]), ["Callee", "Caller"]);
    assert_eq!(keys(&items[0]["Caller"]), ["City", "Number", "Province"]);
    assert_eq!(items[0]["Caller"]["Number"], "01080000002");
    assert_eq!(items[0]["Caller"]["City"], "北京");
    assert_eq!(items[0]["Callee"]["City"], "北京");
    let shanghai = s
        .ok(
            A1,
            "PickOutboundNumbers",
            json!({"CalledNumber": "02166667777", "Count": "2"}),
        )
        .await;
    assert_eq!(shanghai.as_array().unwrap().len(), 2);
    assert_eq!(shanghai[0]["Caller"]["Number"], "02180000001");
    let any = s
        .ok(
            A1,
            "PickOutboundNumbers",
            json!({"CalledNumber": "13912345678"}),
        )
        .await;
    assert_eq!(any[0]["Caller"]["Number"], "02180000001");
    s.expect_err(
        A1,
        "PickOutboundNumbers",
        json!({}),
        (400, "Parameter.Blank", &["CalledNumber"]),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn historical_agent_report_counts_todays_calls() {
    let clock = HeldClock::hold();
    let s = start().await;
    s.register(A1).await;
    let job = s.talking_inbound(A1, "13800000013").await;
    s.ok(A1, "HoldCall", json!({"JobId": job})).await;
    s.ok(A1, "RetrieveCall", json!({"JobId": job})).await;
    s.ok(A1, "ReleaseCall", json!({"JobId": job})).await;
    s.ok(A1, "ReadyForService", json!({})).await;
    let out_job = s.dial_answered(&clock, A1, "13912345678").await;
    s.ok(A1, "ReleaseCall", json!({"JobId": out_job})).await;

    let data = s
        .ok(
            A1,
            "ListHistoricalAgentReport",
            json!({"PageNumber": 1, "PageSize": 10}),
        )
        .await;
    let items = list(&data);
    assert_eq!(items.len(), 1);
    let r = &items[0];
    assert_eq!(
        keys(r),
        [
            "AgentId",
            "AgentName",
            "Back2Back",
            "DisplayId",
            "Inbound",
            "Internal",
            "Outbound",
            "Overall",
            "SkillGroupIds",
            "SkillGroupNames"
        ]
    );
    assert_eq!(r["AgentId"], A1);
    assert_eq!(r["DisplayId"], "8001");
    assert_eq!(r["SkillGroupIds"], "sales@ccc-demo");
    assert_eq!(r["Inbound"]["CallsOffered"], 1);
    assert_eq!(r["Inbound"]["CallsHandled"], 1);
    assert_eq!(r["Inbound"]["HandleRate"], 1.0);
    assert_eq!(r["Inbound"]["CallsHold"], 1);
    assert_eq!(r["Outbound"]["CallsDialed"], 1);
    assert_eq!(r["Outbound"]["CallsAnswered"], 1);
    assert_eq!(r["Overall"]["TotalCalls"], 2);
    assert!(r["Overall"]["TotalTalkTime"].is_u64());
    assert!(r["Inbound"]["AverageTalkTime"].is_f64());

    let both = s
        .ok(
            SUP,
            "ListHistoricalAgentReport",
            json!({"AgentIdList": format!("[\"{A1}\",\"{A2}\"]")}),
        )
        .await;
    let items = list(&both);
    assert_eq!(items[1]["AgentId"], A2);
    assert_eq!(items[1]["Overall"]["TotalCalls"], 0);
    let tomorrow = s
        .ok(
            A1,
            "ListHistoricalAgentReport",
            json!({"StartTime": 4_102_444_800_000_i64}),
        )
        .await;
    assert_eq!(list(&tomorrow)[0]["Overall"]["TotalCalls"], 0);
    s.expect_err(
        A1,
        "ListHistoricalAgentReport",
        json!({"AgentIdList": "[\"ghost@ccc-demo\"]"}),
        (404, "NotExists.UserId", &["ghost@ccc-demo", "ccc-demo"]),
    )
    .await;
}

#[tokio::test]
async fn newly_emulated_actions_no_longer_answer_501() {
    let s = start().await;
    for action in [
        "HoldCall",
        "RetrieveCall",
        "MuteCall",
        "UnmuteCall",
        "SendDtmfSignaling",
        "BlindTransfer",
        "InitiateAttendedTransfer",
        "CompleteAttendedTransfer",
        "CancelAttendedTransfer",
        "MonitorCall",
        "BargeInCall",
        "InterceptCall",
        "Coach",
        "CoachCall",
        "ChangeWorkMode",
        "PickOutboundNumbers",
        "GetNumberLocation",
        "ListRecentCallDetailRecords",
        "ListRealtimeAgentStates",
        "ListAgentStates",
        "ListSkillGroups",
        "ListBriefSkillGroups",
        "ListPrivilegesOfUser",
        "ListHistoricalAgentReport",
    ] {
        let (st, env) = s
            .api(action, json!({"InstanceId": "ccc-demo", "UserId": A1}))
            .await;
        assert_ne!(st, 501, "{action}: {env}");
        assert_ne!(env["Code"], "NotExists.Action", "{action}");
    }
}
