/*
 * WorkbenchSdk.d.ts: the TypeScript types of the WorkbenchSdk 2.7.0 contract as this SDK implements it —
 * every config option, hook and its payload, every public method, the status codes, the onErrorNotify codes —
 * and `WorkbenchSdk.createSipPhone`, this SDK's own stand-alone soft phone.
 *
 * Written by hand from the tables the code is tested against (spec/contract.json: configRequired,
 * configOptional, configHookOptions, hooks, hookPayloads, methods, methodDetails, statusCodes, errors,
 * hangUpTypes, workModes, deviceTypes, moreActionListValues, sideNavListValues) and the payloads the code builds
 * (src/sdk.rs, src/workbench.rs, crates/wire). tests/typings.rs fails when a name of those tables is
 * missing here (or one is declared the contract lacks); crates/e2e/tests/package.rs compiles a host file with `tsc --strict`.
 *
 * Public names follow the contract exactly, misspellings included (umMuteAgent, transferStatisfic,
 * isAvailBroswer, pollFrequence…).
 *
 * Two ways in:
 *   - <script src=".../sdk/workbenchSdk.min.js"> defines the global `WorkbenchSdk` (declared below in
 *     `declare global`), as the original SDK does;
 *   - `import type { WorkbenchSdkConfig, … } from "ccc-workbench-sdk"` for the types alone;
 *   - `import { loadWorkbenchSdk } from "ccc-workbench-sdk"` (index.mjs) in a bundled app.
 */
/// <reference lib="dom" />

// ---------------------------------------------------------------------------------------------------------
// Status codes (contract §7, statusCodes)

/**
 * The panel's status code (`getStatusCode().code`, `onStatusChange`'s `code`/`lastCode`,
 * `localStorage.workbenchSdkStatus`):
 * -1 未注册 unregistered · 0 注册中 registering · 1 离线 offline · 2 小休 break · 3 空闲 ready ·
 * 4 仅外呼 outbound only · 5 话后处理 after-call work · 6 振铃 ringing · 8 拨号 dialling ·
 * 9 呼入通话 inbound call · 10 呼出通话 outbound call · 11 内部通话 internal call · 12 通话保持 on hold ·
 * 16 发起三方 consultation initiated · 17 咨询通话 consultation call · 19 会议 conference ·
 * 20 被动求助 being consulted · 21 监听 monitoring · 24 发起监听 monitoring, not yet connected ·
 * 25 强插 barged in · 26 耳语 coaching · 30 会议中坐席状态变化 conference membership changed.
 */
export type StatusCode =
  | -1 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 8 | 9 | 10 | 11 | 12 | 16 | 17 | 19 | 20 | 21 | 24 | 25 | 26 | 30;

/** `getStatusCode()`: the current status and the previous one. */
export interface StatusCodeDetail {
  code: StatusCode;
  lastCode: StatusCode;
}

// ---------------------------------------------------------------------------------------------------------
// Error codes (contract §8, errors)

/** The SDK's own numeric `onErrorNotify` codes (there is no 9011). */
export type SdkErrorCode =
  | 5001 | 5002 | 5003 | 5004 | 5005 | 5006
  | 6001 | 6002
  | 7001 | 7002 | 7003 | 7004 | 7005 | 7006 | 7007 | 7008
  | 8001 | 8002 | 8003
  | 9001 | 9002 | 9003 | 9004 | 9005 | 9006 | 9007 | 9008 | 9009 | 9010 | 9012;

/** The named events among the `onErrorNotify` codes (以下为迁出的event事件), sent as strings. */
export type EventErrorCode = 'stream_local_refused' | 'get_lo_failed' | 'PollUserStatusErrorNotify';

/**
 * A backend API's own error code, passed through as the call center sent it (e.g.
 * `'InvalidOperation.UserState'`). `string & {}` keeps the literal codes above visible to editors.
 */
export type BackendErrorCode = string & {};

/** Every `errorCode` `onErrorNotify` can carry. */
export type ErrorCode = SdkErrorCode | EventErrorCode | BackendErrorCode;

/** The state of the device that holds the agent (7001's `errorMsg.userState`). */
export type UserState = 'TALKING' | 'DIALING' | 'RINGING' | 'WORKING' | 'READY' | 'BREAK' | 'OFFLINE';

/** 7001's `errorMsg`: the other device's ListDevices record (lowerCamel keys) and the agent's state. */
export interface DeviceConflict {
  callId: string;
  contact: string;
  deviceId: string;
  deviceType: string;
  expires: number;
  extension: string;
  instanceId: string;
  userId: string;
  userState?: UserState;
}

/** 7001 已有设备注册,软电话未初始化: another device holds the agent; `forceToPrepareSignIn()` takes it over. */
export interface DeviceConflictError {
  errorCode: 7001;
  errorMsg: DeviceConflict;
  errorMsgTip: string;
  requestId?: string;
}

/** 5001 外呼失败: `errorMsg` is the SIP status of the failed outbound call, `errorMsgTip` its meaning. */
export interface OutboundCallFailedError {
  errorCode: 5001;
  errorMsg: number;
  errorMsgTip: string;
  requestId?: string;
}

/** Every other error: `errorMsg` is the response's message or a detail text. */
export interface OtherError {
  errorCode: Exclude<SdkErrorCode, 7001 | 5001> | EventErrorCode | BackendErrorCode;
  errorMsg: unknown;
  /** The SDK's Chinese tip (contract §8.3, verbatim). */
  errorMsgTip: string;
  /** The failing backend call's request id, when there was one. */
  requestId?: string;
}

/** `onErrorNotify`'s payload; narrow it by `errorCode`. */
export type ErrorNotify = DeviceConflictError | OutboundCallFailedError | OtherError;

// ---------------------------------------------------------------------------------------------------------
// Enumerations of the contract

/** `onHangUp`'s `type` (contract §5.1, hangUpTypes). */
export type HangUpType =
  | 'ringing'
  | 'dialing'
  | 'inbound'
  | 'outbound'
  | 'agentHeld'
  | 'meeting'
  | 'consulted'
  | 'monitored'
  | 'monitoring'
  | 'bargedIn'
  | 'coached';

/** Work modes (contract §10): 场内 in the browser, 场外 on a mobile, a desk phone. */
export type WorkMode = 'ON_SITE' | 'OFF_SITE' | 'OFFICE_PHONE';

/** Device types (contract §10): 0 WebRTC soft phone, 1 SIP phone. */
export type DeviceType = 0 | 1;

/** `moreActionList` values (the header's buttons). */
export type MoreAction = 'online' | 'ready' | 'onlyCall' | 'break' | 'offline' | 'adjustVolume' | 'changeWorkMode';

/** `sideNavList` values: the side navigation's own Chinese labels. */
export type SideNavEntry = '呼入' | '呼出' | '内部通话' | '通话记录' | '转接' | '会议' | '监听' | '我的工作' | '设备检测' | '设置';

/** `CallContext.callType`; other values a newer call center sends are passed through. */
export type CallType =
  | 'INBOUND'
  | 'OUTBOUND'
  | 'INTERNAL'
  | 'CONSULTANT'
  | 'CONFERENCE'
  | 'MONITOR'
  | 'BARGE'
  | 'INTERCEPT'
  | 'COACH'
  | (string & {});

// ---------------------------------------------------------------------------------------------------------
// What the call center sends, as hooks receive it (lowerCamel keys of the CCC 2020-07-01 models)

/** One party (leg) of a call. */
export interface ChannelContext {
  channelId: string;
  jobId: string;
  callType: CallType;
  /** `NONE`, `CREATED`, `EARLY_MEDIA`, `RINGING`, `ANSWERED`, `RELEASED`, `RETIRED`. */
  channelState: string;
  /** `HOLD`, `MUTED`, `MONITORING`, …, comma-separated; empty when none. */
  channelFlags: string;
  originator: string;
  destination: string;
  /** The agent of an agent leg; empty for the customer's. */
  userId: string;
  userExtension: string;
  skillGroupId: string;
  index: number;
  /** Epoch ms of the leg's last change. */
  timestamp: number;
  releaseInitiator: string;
  /** e.g. `'200 - Okay'`. */
  releaseReason: string;
  channelVariables: string;
  /** `'AUDIO'` or `'VIDEO'`. */
  mediaType: string;
}

/** A call. */
export interface CallContext {
  instanceId: string;
  jobId: string;
  callType: CallType;
  /** `a=b;c=d` call-associated data. */
  callVariables: string;
  channelContexts: ChannelContext[];
}

/** The agent. */
export interface UserContext {
  userId: string;
  instanceId: string;
  extension: string;
  deviceId: string;
  userState: UserState;
  breakCode: string;
  workMode: WorkMode | '';
  outboundScenario: boolean;
  signedSkillGroupIdList: string[];
  jobId: string;
  heartbeat: number;
  mobile: string;
  deviceState: string;
  reserved: number;
  parallelJobList: Array<{ jobId: string; status: string; timestamp: number }>;
}

/** `onStatusChange`'s `context`: empty before the first answer of the call center. */
export interface StatusContext {
  userContext?: UserContext;
  callContext?: CallContext | null;
}

/** `onStatusChange(codeDetail)`. */
export interface StatusChange extends StatusCodeDetail {
  context: StatusContext;
}

/** `onCallComing(callDetail)` / `onCallDialing(callDetail)`. */
export interface CallDetail {
  /** Calling number. */
  caller: string;
  /** Called number. */
  callee: string;
  callType: CallType;
  /** The call's id. */
  jobId: string;
  callContext: CallContext;
}

/** `onCallEstablish(callDetail)` / `onCallRelease(callDetail)`. */
export interface CallContextDetail {
  callContext: CallContext | null;
}

/** `onRegister(config)`: GetLoginDetails' answer, lowerCamel (undocumented in the contract). */
export interface RegisterConfig {
  userId: string;
  displayName: string;
  nickname: string;
  avatarUrl?: string;
  extension: string;
  workMode: string;
  sipServerUrl: string;
  agentServerUrl: string;
  signature: string;
  signature2: string;
  userKey: string;
  userKey2: string;
  deviceId: string;
  deviceState: string;
  deviceExt: string;
}

/** The argument `onBeforeCallDialing`'s `callback` may be given: a new callee (prefix + number), or `{callee}`. */
export type DialingCallee = string | { callee: string };

/** `onBeforeCallDialing(payload)`: nothing is dialled until `payload.callback` is called. */
export interface BeforeCallDialing {
  callee: string;
  userId: string;
  /** Dial: with no argument the number given to `call()` / the panel; calling it again does nothing. */
  callback(callee?: DialingCallee): void;
}

/** `onBeforeCallHangup(payload)`: the call is not released until `payload.callback()` is called. */
export interface BeforeCallHangup {
  jobId: string;
  /** This agent's channel in the call. */
  channelId: string;
  userId: string;
  callback(): void;
}

/** One `RTCStats` dictionary of a sender's or receiver's `getStats()`. */
export interface StatsReportEntry {
  id: string;
  type: string;
  timestamp: number;
  [key: string]: unknown;
}

/** `onGetStatsData(payload)`, every second during a call. */
export interface StatsData {
  callId: string;
  sender: StatsReportEntry[];
  receiver: StatsReportEntry[];
}

/** An item of ListRecentCallDetailRecords, lowerCamel. */
export interface CallDetailRecord {
  agentIds: string;
  callDuration: string;
  calledNumber: string;
  callingNumber: string;
  contactDisposition: string;
  contactId: string;
  contactType: string;
  duration: number;
  instanceId: string;
  skillGroupIds: string;
  startTime: number;
}

/** `onSelectCurrentCallRecord(payload)`. */
export interface SelectedCallRecord {
  record: CallDetailRecord;
}

// ---------------------------------------------------------------------------------------------------------
// Hooks (contract §5): config keys whose values are functions

export interface WorkbenchSdkHooks {
  /** The instance is ready (always after the constructor returned); call `register()` here to sign in. */
  onInit?(): void;
  /** SIP registration succeeded. */
  onRegister?(config: RegisterConfig): void;
  /** Signed in (签入、上线). */
  onLogIn?(): void;
  /** Signed out (签出、下线). */
  onLogOut?(): void;
  /** Entered break (小休). */
  onBreak?(): void;
  /** Entered ready (空闲). */
  onReady?(): void;
  /** Entered outbound only (仅外呼). */
  onAgentOutboundScenario?(): void;
  /** An incoming call rings (30 s unanswered puts the agent on break). */
  onCallComing?(callDetail: CallDetail): void;
  /** Before a call is dialled (`call()` or the panel): configured, it must call `payload.callback`. */
  onBeforeCallDialing?(payload: BeforeCallDialing): void;
  /** An outgoing call is dialling / ringing at the far end. */
  onCallDialing?(callDetail: CallDetail): void;
  /** A call was hung up. */
  onHangUp?(type: HangUpType): void;
  /** Before `hangUp()` (or the panel's) runs: configured, it must call `payload.callback()`. */
  onBeforeCallHangup?(payload: BeforeCallHangup): void;
  /** The call is connected. */
  onCallEstablish?(callDetail: CallContextDetail): void;
  /** The call ended. */
  onCallRelease?(callDetail: CallContextDetail): void;
  /** An operational error (methods never throw for these). */
  onErrorNotify?(error: ErrorNotify): void;
  /** Any status change, after `getStatusCode()` is updated and before the new state's own hook. */
  onStatusChange?(codeDetail: StatusChange): void;
  /** The work mode changed. */
  onWorkModeChange?(workMode: WorkMode): void;
  /** The device in use changed. */
  onDeviceTypeChange?(deviceType: DeviceType): void;
  /** Call-quality data, every second during a call. */
  onGetStatsData?(payload: StatsData): void;
  /** The agent chose a caller number in the panel. */
  onSelectOutboundNumber?(number: string): void;
  /** A call record was clicked in 通话记录. */
  onSelectCurrentCallRecord?(payload: SelectedCallRecord): void;
}

// ---------------------------------------------------------------------------------------------------------
// Config (contract §3)

/** A size in px: a number, or the CSS text the document's own example passes (`"320px"`). */
export type PxSize = number | `${number}px` | `${number}`;

/** The call center's answer as `apiAxiosFunc` resolves it (CCC's public-cloud envelope). */
export interface ApiEnvelope {
  /** `'OK'` on success, a dotted error code otherwise. */
  code?: string;
  data?: unknown;
  httpStatusCode?: number;
  message?: string;
  requestId?: string;
}

/** What `apiAxiosFunc`'s promise resolves to: the envelope wrapped once more in `data` (axios' shape). */
export interface ApiAxiosResponse {
  data: ApiEnvelope | string;
  status?: number;
}

export interface WorkbenchSdkConfig extends WorkbenchSdkHooks {
  /** Id of the mount element (or the element itself). */
  dom: string | HTMLElement;
  /** The call-center instance's domain name (not a UUID). */
  instanceId: string;
  /** Where the call center is deployed, normally `'cn-shanghai'`. */
  regionId: string;

  /** Show the header (default `true`). */
  header?: boolean;
  /** Panel width in px (default 320). */
  width?: PxSize;
  /** Panel height in px (default 580, the recommended minimum). */
  height?: PxSize;
  /** Panel shown initially (default `true`; `changeVisible` at run time). */
  defaultVisible?: boolean;
  /** Panel expanded initially (default `true`; `changeMainPaneVisible` at run time). */
  defaultMainContentVisible?: boolean;
  /** Image shown while offline (URL). */
  offlineImage?: string;
  /** Image shown while on break (URL). */
  breakImage?: string;
  /** Seconds of after-call work before ready again (default 15), or `'manual'`. */
  afterCallRule?: number | 'manual';
  /** Answer an incoming call by itself after this many seconds of ringing (absent: answer by hand). */
  autoAnswerCall?: number;
  /** Stay on break when signing in (default `false`). */
  isLoggedKeepBreak?: boolean;
  /** An unanswered outbound call goes to after-call work too (default `false`). */
  isOutboundNotReceivedToBeProcessed?: boolean;
  /** Origin of the requests (default: the page's). */
  ajaxOrigin?: string;
  /** Path of the requests (default `'/data/api.json'`). */
  ajaxPath?: string;
  /** Send cookies cross-origin (default `false`). */
  withCredentials?: boolean;
  /** Query parameter naming the API (default `'action'`). */
  ajaxApiParamName?: string;
  /** HTTP method (default `'post'`; compared case-insensitively). */
  ajaxMethod?: 'post' | 'get' | 'POST' | 'GET';
  /** Extra parameters beside `request`. */
  ajaxOtherParams?: Record<string, string | number | boolean>;
  /** Extra request headers. */
  ajaxHeaders?: Record<string, string>;
  /** AK/SK direct mode, for trying the workbench out only: the secret is readable in the page. */
  accessKeyId?: string;
  /** AK/SK direct mode. */
  accessKeySecret?: string;
  /** AK/SK direct mode: the endpoint, e.g. `'https://ccc.cn-shanghai.aliyuncs.com'`. */
  RPCEndPoint?: string;
  /** AK/SK direct mode: `'aliyunrpc'`. */
  apiVersion?: 'aliyunrpc' | (string & {});
  /** Toast backend API errors (default `false`). */
  exportErrorOfApi?: boolean;
  /** The header's buttons, in this order (default `['break', 'offline', 'adjustVolume', 'changeWorkMode']`). */
  moreActionList?: MoreAction[];
  /** Calling through other tabs of the page (localStorage, default `false`). */
  useLocalStorageToCall?: boolean;
  /** Poll interval while the push socket is down, ms (default 1000). */
  pollFrequenceWithoutWS?: number;
  /** Poll interval while the push socket is up, ms (default 10000). */
  pollFrequenceWithWS?: number;
  /** SaveWebRtcInfo interval, ms (default 10000, at least 2000). */
  pollSaveWebRtcInfoFrequence?: number;
  /** The side navigation's entries (default all, shown in the canonical order). */
  sideNavList?: SideNavEntry[];
  /** Do not upload call-quality statistics (default `false`; `onGetStatsData` still fires). */
  disableSaveStats?: boolean;
  /** Offer the minimise icon (default `true`). */
  reducePanel?: boolean;
  /** Use the access points (TURN relays) (default `true`). */
  isEnableSwitchAdapter?: boolean;
  /** The host shows its own incoming-call notification (default `false`). */
  customizedNotification?: boolean;
  /** The host's transport for every backend call; replaces the `ajax*` options and AK/SK mode. */
  apiAxiosFunc?(apiName: string, params: Record<string, unknown>): PromiseLike<ApiAxiosResponse>;

  /** This SDK's own option: the soft phone's echo cancellation, noise suppression and gain (default `true`). */
  audioProcessing?: boolean;
  /** This SDK's own option: the panel's language, `'zh-CN'` (default, the original's) or `'en-US'`; hook payloads stay as they are. */
  language?: 'zh-CN' | 'en-US' | 'zh' | 'en';
  /** This SDK's own option: move the keyboard focus to the answer button when a call rings, also when the focus is outside the panel (default `false`: only when it is inside). */
  focusOnRing?: boolean;
  /**
   * This SDK's own option: keyboard shortcuts, anywhere in the page, each only where the status allows it.
   * Defaults: answer `Alt+Shift+A`, hangUp `Alt+Shift+E`, mute (and unmute) `Alt+Shift+M`, hold (and
   * retrieve) `Alt+Shift+H`. `false` turns them all off; in the object a combo string replaces one, `false`
   * removes it. A combo: `Alt`, `Ctrl`, `Shift`, `Meta` and one key (a letter or digit by position, `F1`–`F12`,
   * `Enter`, `Space`, `Escape`) joined by `+`.
   */
  shortcuts?: false | { answer?: string | false; hangUp?: string | false; mute?: string | false; hold?: string | false };

  /** @deprecated Removed since 1.x; ignored. */
  useOpenApiSdk?: unknown;
  /** @deprecated Removed since 1.x; ignored. */
  enableRecord?: unknown;
  /** @deprecated Referenced by the document but undocumented; ignored. */
  ajaxType?: unknown;
}

// ---------------------------------------------------------------------------------------------------------
// Methods (contract §6)

/**
 * A method's `callback`: called once after its backend call succeeded, with the answer's `Data` (lowerCamel
 * keys). On failure it is not called; `onErrorNotify` is.
 */
export type Callback = (result: unknown) => void;

/** An item of `register`/`logIn`'s `loginSkillGroupArray` (plain skill-group ids are accepted too). */
export interface LoginSkillGroup {
  skillGroupId: string;
  skillGroupName?: string;
  skillLevel?: number;
}

/** `call`'s `otherParams`. */
export interface CallOtherParams {
  /** Hang up when not connected within this many seconds. */
  TimeoutSeconds?: number;
  /** Associated (随路) data. */
  Tags?: string;
  /** The masked callee to show, e.g. `'1318888****'`. */
  MaskedCallee?: string;
}

/** `startConference`'s `otherParams`. */
export interface ConferenceOtherParams {
  TimeoutSeconds?: number;
  Tags?: string;
  [key: string]: unknown;
}

/** A microphone or speaker. */
export interface AudioDevice {
  deviceId: string;
  /** Empty until the page has microphone permission. */
  label: string;
}

/** `getAudioDeviceList`'s answer. */
export interface AudioDeviceList {
  audioInputs: AudioDevice[];
  audioOutputs: AudioDevice[];
}

/** One access point's measurement (`testTurnServers`). */
export interface TurnServerTest {
  /** The region: what `switchAccessPoint` takes. */
  accessPoint: string;
  region: string;
  name: string;
  /** The TURN server. */
  domain: string;
  /** Mean ms to the first relay candidate over the successful rounds; `null` when none succeeded. */
  time: number | null;
  /** Ms per round; `null` for a round with no relay candidate before the deadline. */
  times: Array<number | null>;
  /** Every round gathered a relay candidate. */
  ok: boolean;
}

/** `testTurnServers`' argument. */
export interface TestTurnServersArgs {
  /** Only this access point (default: all). */
  accessPoint?: string;
  /** Rounds (default 1). */
  currentFrequence?: number;
  callback?(results: TurnServerTest[]): void;
}

/** A DTMF key. */
export type DtmfKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** An instance: `window.workbench = new WorkbenchSdk(config)`. Methods never throw for operational problems. */
export interface WorkbenchSdk {
  /** Whether the browser can run the soft phone: if not, a 3 s hint and 7006 (or 7005) via `onErrorNotify`. */
  isAvailBroswer(): void;
  /** Whether the call center can be reached: 9007 when not. */
  checkNetwork(): void;
  /** Show or hide the panel. */
  changeVisible(visible: boolean): void;
  /** Expand or collapse the panel. */
  changeMainPaneVisible(visible: boolean): void;
  /** The panel's width in px. */
  changeWidth(width: PxSize): void;
  /** Mount the panel again into `dom` (an SPA replaced it); state and the call survive. */
  reRender(): void;
  /** First sign-in after the page loaded (after `onInit`): SIP registration, sign-in, ready. */
  register(
    loginSkillGroupArray?: Array<LoginSkillGroup | string> | null,
    accessPoint?: string | null,
    deviceType?: DeviceType,
  ): void;
  /** Sign in again (status 1). */
  logIn(loginSkillGroupArray?: Array<LoginSkillGroup | string> | null): void;
  /** Sign out. */
  logOut(): void;
  /** Become ready. */
  ready(): void;
  /** Take a break (`breakReason` default `'default'`). */
  applyForBreak(breakReason?: string | null, callback?: Callback): void;
  /** Outbound only (`true`) or not. */
  applyForCallOnly(isCallOnly: boolean): void;
  /** On-site mode (answer in the browser). */
  applyForOnSite(): void;
  /** Off-site mode (answer on a mobile), with a confirmation. */
  applyForOffSite(): void;
  /** Off-site mode without the confirmation. */
  applyForOffSiteDirectly(): void;
  /** The current status and the previous one (synchronous; `{code: -1, lastCode: -1}` before `onInit`). */
  getStatusCode(): StatusCodeDetail;
  /** Hang up the current call, or the given call / party. Gated by `onBeforeCallHangup`. */
  hangUp(releaseJobId?: string | null, releaseChannelId?: string | null, callback?: Callback): void;
  /** Answer the ringing call. */
  answer(callback?: Callback): void;
  /** Dial `callee`; `caller` omitted, `''` or `'auto'` picks a number. Gated by `onBeforeCallDialing`. */
  call(callee: string, caller?: string | null, callback?: Callback | null, otherParams?: CallOtherParams): void;
  /** Stay in after-call work (stop the countdown back to ready). */
  stayAfterCall(): void;
  /** Send DTMF; the callback may come second. */
  sendDtmf(number: DtmfKey | string, callback?: Callback): void;
  /** Send DTMF on a given call and channel (required in three-party calls). */
  sendDtmf(number: DtmfKey | string, jobId?: string, channelId?: string, callback?: Callback): void;
  /** Hold (the customer hears music). */
  callHold(callback?: Callback): void;
  /** Retrieve from hold. */
  callRetrieve(callback?: Callback): void;
  /** Mute the microphone in the call. */
  muteAgent(): void;
  /** Unmute (the contract's spelling). */
  umMuteAgent(): void;
  /** In-call volume in [0, 1]. */
  changeVolumeInCall(volumeInCall: number): void;
  /** Ringtone volume in [0, 1] (the parameter's name as documented). */
  changeRingToneVolume(volumeInCall: number): void;
  /** Blind transfer to an extension (`caller` `''`), a skill group (`''`) or a number (`'auto'`). */
  thirdCallTransfer(callee: string, caller?: string | null, callback?: Callback): void;
  /** Consult transfer: the customer waits while the agent consults `callee`. */
  initiateAttendedTransfer(callee: string, caller?: string | null, callback?: Callback): void;
  /** End the consultation, back to the customer. */
  thirdCallRetrieve(callback?: Callback): void;
  /** Hand the customer to the consulted party. */
  thirdCallTransferFinished(callback?: Callback): void;
  /** Turn the consultation into a conference. */
  switchToConference(jobId?: string): void;
  /** Start a conference: `JSON.stringify(['1234567', '7654321'])` (the array itself is accepted too). */
  startConference(participantListJson: string | readonly string[], otherParams?: ConferenceOtherParams): void;
  /** Listen to agent `userId`'s call. */
  monitor(userId: string, callback?: Callback): void;
  /** Barge in on agent `userId`'s call; the callback may come second. */
  bargeIn(userId: string, callback?: Callback): void;
  bargeIn(userId: string, jobId?: string, callback?: Callback): void;
  /** Take agent `userId`'s call over; the callback may come second. */
  intercept(userId: string, callback?: Callback): void;
  intercept(userId: string, jobId?: string, callback?: Callback): void;
  /** Whisper to agent `userId`; the callback may come second. */
  coach(userId: string, callback?: Callback): void;
  coach(userId: string, jobId?: string, callback?: Callback): void;
  /** Internal call to the agent with the 8-digit extension `userDN`. */
  agentToAgent(userDN: string, callback?: Callback): void;
  /** Voice satisfaction survey (or the given IVR flow); the agent's leg is hung up (the contract's spelling). */
  transferStatisfic(contactFlowId?: string): void;
  /** Satisfaction text message, in after-call work. */
  launchShortMessageAppraise(): void;
  /** Missed-call text message, while dialling. */
  launchShortMessageMissedCall(): void;
  /** Start IVR flow `contactFlowId` (identity check); the agent stays; the variables may be left out. */
  launchAuthentication(contactFlowId: string, callback?: Callback): void;
  launchAuthentication(
    contactFlowId: string,
    contactFlowVariables?: Record<string, string | number>,
    callback?: Callback,
  ): void;
  /** After a 7001: take the agent over from the other device and sign in. */
  forceToPrepareSignIn(): void;
  /** Measure the access points (all, or the one named). */
  testTurnServers(args?: TestTurnServersArgs): void;
  /** Use access point `accessPoint` (a `region`), or `'default'` (automatic). */
  switchAccessPoint(accessPoint: 'default' | (string & {})): void;
  /** The device id this panel registers and calls with. */
  getSoftPhoneDeviceId(): string;
  /** The microphones and speakers. */
  getAudioDeviceList(callbackFunction: (devices: AudioDeviceList) => void): void;
  /** Use microphone `device_id` (also during a call). */
  setAudioInputDevice(device_id: string): void;
  /** Use speaker `device_id` (also during a call). */
  setAudioOutputDevice(device_id: string): void;
  /**
   * Remove the panel and stop its timers, sockets and phone (does not sign out). Called before the SDK has
   * loaded, the panel is never made (no `onInit`): a component's cleanup can always call it.
   */
  unloadWorkbench(): void;
}

// ---------------------------------------------------------------------------------------------------------
// createSipPhone: this SDK's own API (README, "A plain SIP soft phone")

/** What `createSipPhone`'s `onEvent` receives, by event name. */
export interface SipPhoneEvents {
  registered: null;
  /** Why the registration failed. */
  registrationFailed: string;
  ringing: { jobId: string | null; from: string };
  connected: { jobId: string | null };
  ended: { jobId: string | null; reason: string };
  /** What failed (the microphone, the peer connection). */
  mediaFailed: string;
  ringtoneBlocked: null;
  microphoneLost: null;
}

/** `onEvent`'s arguments: checking `name` narrows `detail`. */
export type SipPhoneEventArgs = { [K in keyof SipPhoneEvents]: [name: K, detail: SipPhoneEvents[K]] }[keyof SipPhoneEvents];

/** `createSipPhone`'s options. */
export interface SipPhoneOptions {
  /** The server's SIP WebSocket, `ws://` or `wss://`. */
  url: string;
  user: string;
  password: string;
  /** The SIP domain (default: the URL's host). */
  domain?: string;
  displayName?: string;
  /** Microphone `deviceId` (default: the default one). */
  microphone?: string;
  /** Speaker `deviceId`. */
  speaker?: string;
  /** Echo cancellation, noise suppression and gain (default `true`). */
  audioProcessing?: boolean;
  /** `'info'`: DTMF by SIP INFO only (default RFC 4733 in the media, INFO when the connection cannot). */
  dtmf?: 'info';
  onEvent?(...args: SipPhoneEventArgs): void;
}

/** `stats()`: the call with media's `getStats()` reports. */
export interface SipPhoneStats {
  callId: string;
  sender: StatsReportEntry[];
  receiver: StatsReportEntry[];
}

/** A stand-alone soft phone: it registers on its own. */
export interface SipPhone {
  /** Answer the ringing call; `false` when none rings. */
  answer(): boolean;
  /** Call a SIP URI, or a user at the phone's domain. */
  call(target: string): void;
  /** End (or cancel, or reject) every call. */
  hangUp(): void;
  mute(muted: boolean): void;
  sendDtmf(digits: string): void;
  /** Microphone and speaker `deviceId`s (`''`: default), during a call too. */
  setDevices(microphone: string, speaker: string): void;
  /** In-call and ringtone volumes in [0, 1]. */
  setVolumes(inCall: number, ring: number): void;
  isRegistered(): boolean;
  /** Whether a call has media. */
  inCall(): boolean;
  /** The far party's audio, or `null`. */
  remoteStream(): MediaStream | null;
  stats(): Promise<SipPhoneStats | null>;
  /** Un-register and end every call. */
  stop(): void;
  /** Release the phone (its socket closes). */
  free(): void;
}

// ---------------------------------------------------------------------------------------------------------
// The constructor and the globals the loader defines

export interface WorkbenchSdkConstructor {
  /** Throws synchronously only for developer errors (`'dom is required'`, `'onInit must be a function'`). */
  new (config: WorkbenchSdkConfig): WorkbenchSdk;
  readonly prototype: WorkbenchSdk;
  /** The soft phone alone, for any SIP-over-WebSocket server; resolves once the core is loaded. */
  createSipPhone(options: SipPhoneOptions): Promise<SipPhone>;
}

/**
 * For bundlers (`import { loadWorkbenchSdk } from "ccc-workbench-sdk"`, the package's `index.mjs`): adds the
 * loader's <script> from `base` — the URL where the package's `sdk/` folder is served, since the loader fetches
 * the wasm from its own folder — once, and resolves with the constructor it defines (at once when the page
 * already has it). Rejects when the script cannot be loaded; a later call tries again.
 */
export declare function loadWorkbenchSdk(base: string | URL): Promise<WorkbenchSdkConstructor>;
export default loadWorkbenchSdk;

/** The instance type under a name the global block can see. */
type WorkbenchSdkInstance = WorkbenchSdk;

declare global {
  /** Defined by `workbenchSdk.min.js` as soon as its <script> tag has run. */
  var WorkbenchSdk: WorkbenchSdkConstructor;
  /** An instance (`let w: WorkbenchSdk`), for pages that use the global. */
  type WorkbenchSdk = WorkbenchSdkInstance;
  interface Window {
    /** The contract's conventional instance name: `window.workbench = new WorkbenchSdk(config)`. */
    workbench?: WorkbenchSdkInstance;
  }
}
