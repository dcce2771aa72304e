// A sample host page in TypeScript: every config option, every hook (reading its payload), every method of
// the contract and createSipPhone, against package/WorkbenchSdk.d.ts. crates/e2e/tests/package.rs compiles it
// with `tsc --strict --noEmit`; it is never run.
import type {
  CallDetail,
  ErrorNotify,
  SipPhone,
  StatusCode,
  WorkbenchSdk as Workbench,
  WorkbenchSdkConfig,
} from '../WorkbenchSdk';

declare function openCustomer(number: string): void;
declare function log(...what: unknown[]): void;

const statusNames: Partial<Record<StatusCode, string>> = { [-1]: '未注册', 3: '空闲', 9: '呼入通话' };

const config: WorkbenchSdkConfig = {
  dom: 'workbench-container',
  instanceId: 'ccc-demo',
  regionId: 'cn-shanghai',
  header: true,
  width: '320px',
  height: 580,
  defaultVisible: true,
  defaultMainContentVisible: false,
  offlineImage: 'https://crm.example/offline.png',
  breakImage: 'https://crm.example/break.png',
  afterCallRule: 'manual',
  autoAnswerCall: 8,
  isLoggedKeepBreak: false,
  isOutboundNotReceivedToBeProcessed: true,
  ajaxOrigin: 'https://crm.example',
  ajaxPath: '/aliyun/ccc/api',
  withCredentials: true,
  ajaxApiParamName: 'action',
  ajaxMethod: 'post',
  ajaxOtherParams: { tenant: 'acme', page: 1 },
  ajaxHeaders: { 'X-CCC-User': 'agent1@ccc-demo' },
  accessKeyId: 'LTAI-test',
  accessKeySecret: 'not-a-secret',
  RPCEndPoint: 'https://ccc.cn-shanghai.aliyuncs.com',
  apiVersion: 'aliyunrpc',
  exportErrorOfApi: true,
  moreActionList: ['online', 'ready', 'onlyCall', 'break', 'offline', 'adjustVolume', 'changeWorkMode'],
  useLocalStorageToCall: true,
  pollFrequenceWithoutWS: 1000,
  pollFrequenceWithWS: 10000,
  pollSaveWebRtcInfoFrequence: 2000,
  sideNavList: ['呼入', '呼出', '内部通话', '通话记录', '转接', '会议', '监听', '我的工作', '设备检测', '设置'],
  disableSaveStats: false,
  reducePanel: true,
  isEnableSwitchAdapter: true,
  customizedNotification: true,
  apiAxiosFunc: (apiName, params) =>
    fetch(`/aliyun/ccc/api?action=${apiName}`, {
      method: 'POST',
      body: new URLSearchParams({ request: JSON.stringify(params) }),
    }).then(async (r) => ({ data: await r.text(), status: r.status })),
  audioProcessing: true,
  language: 'en-US',
  focusOnRing: true,
  shortcuts: { answer: 'Ctrl+Enter', hangUp: 'Alt+Shift+E', mute: false, hold: 'F9' },
  useOpenApiSdk: false,

  onInit() {
    window.workbench?.register();
  },
  onRegister(login) {
    log(login.extension, login.sipServerUrl);
  },
  onLogIn() {},
  onLogOut() {},
  onBreak() {},
  onReady() {},
  onAgentOutboundScenario() {},
  onCallComing(call: CallDetail) {
    openCustomer(call.caller);
    const me = call.callContext.channelContexts.find((c) => c.userId !== '');
    log(call.callee, call.callType, call.jobId, me?.channelId);
  },
  onBeforeCallDialing({ callee, userId, callback }) {
    log(userId);
    if (callee.startsWith('0')) callback();
    else callback({ callee: `9${callee}` });
  },
  onCallDialing(call) {
    log(call.jobId);
  },
  onHangUp(type) {
    if (type === 'agentHeld' || type === 'bargedIn') log('hung up:', type);
  },
  onBeforeCallHangup(payload) {
    log(payload.jobId, payload.channelId, payload.userId);
    payload.callback();
  },
  onCallEstablish({ callContext }) {
    log(callContext?.jobId);
  },
  onCallRelease({ callContext }) {
    log(callContext?.callVariables);
  },
  onErrorNotify(error: ErrorNotify) {
    if (error.errorCode === 7001) {
      log(error.errorMsg.deviceId, error.errorMsg.userState);
      window.workbench?.forceToPrepareSignIn();
    } else if (error.errorCode === 5001) {
      const sipStatus: number = error.errorMsg;
      log(sipStatus, error.errorMsgTip);
    } else {
      log(error.errorCode, error.errorMsg, error.errorMsgTip, error.requestId);
    }
  },
  onStatusChange({ code, lastCode, context }) {
    log(statusNames[lastCode], '→', statusNames[code], context.userContext?.userState);
  },
  onWorkModeChange(workMode) {
    const offSite: boolean = workMode === 'OFF_SITE';
    log(offSite);
  },
  onDeviceTypeChange(deviceType) {
    log(deviceType === 1 ? 'SIP phone' : 'soft phone');
  },
  onGetStatsData({ callId, sender, receiver }) {
    sender.forEach((report) => log('sender', callId, report.type));
    receiver.forEach((report) => log('receiver', report.id, report.timestamp));
  },
  onSelectOutboundNumber(number) {
    log(number.length);
  },
  onSelectCurrentCallRecord({ record }) {
    log(record.contactId, record.callingNumber, record.startTime);
  },
};

window.workbench = new WorkbenchSdk(config);
const wb: Workbench = window.workbench;
const globalTyped: WorkbenchSdk = new window.WorkbenchSdk({ dom: document.body, instanceId: 'i', regionId: 'r' });
globalTyped.logOut();

const done = (result: unknown) => log(result);

wb.isAvailBroswer();
wb.checkNetwork();
wb.changeVisible(true);
wb.changeMainPaneVisible(false);
wb.changeWidth(360);
wb.changeWidth('360px');
wb.reRender();
wb.register();
wb.register([{ skillGroupId: 'sg1', skillGroupName: '售前', skillLevel: 5 }, 'sg2'], 'cn-shanghai', 0);
wb.register(null, 'default', 1);
wb.logIn([{ skillGroupId: 'sg1' }]);
wb.logOut();
wb.ready();
wb.applyForBreak();
wb.applyForBreak('lunch', done);
wb.applyForCallOnly(true);
wb.applyForOnSite();
wb.applyForOffSite();
wb.applyForOffSiteDirectly();
const { code, lastCode } = wb.getStatusCode();
log(code === 3, lastCode);
wb.hangUp();
wb.hangUp('job-1', 'ch-1', done);
wb.answer(done);
wb.call('13800000001');
wb.call('13800000001', 'auto', done, { TimeoutSeconds: 30, Tags: 'order=42', MaskedCallee: '1380000****' });
wb.stayAfterCall();
wb.sendDtmf('1');
wb.sendDtmf(5, done);
wb.sendDtmf('#', 'job-1', 'ch-1', done);
wb.callHold(done);
wb.callRetrieve(done);
wb.muteAgent();
wb.umMuteAgent();
wb.changeVolumeInCall(0.8);
wb.changeRingToneVolume(0.5);
wb.thirdCallTransfer('80001011', '', done);
wb.initiateAttendedTransfer('13800000002', 'auto', done);
wb.thirdCallRetrieve(done);
wb.thirdCallTransferFinished(done);
wb.switchToConference('job-1');
wb.startConference(JSON.stringify(['80001011', '13800000003']), { TimeoutSeconds: 20, Tags: 't' });
wb.startConference(['80001011', '13800000003']);
wb.monitor('agent2@ccc-demo', done);
wb.bargeIn('agent2@ccc-demo', 'job-2', done);
wb.bargeIn('agent2@ccc-demo', done);
wb.intercept('agent2@ccc-demo', 'job-2', done);
wb.coach('agent2@ccc-demo', done);
wb.agentToAgent('80001011', done);
wb.transferStatisfic();
wb.transferStatisfic('flow-1');
wb.launchShortMessageAppraise();
wb.launchShortMessageMissedCall();
wb.launchAuthentication('flow-2', { orderId: 42, name: 'x' }, done);
wb.launchAuthentication('flow-2', done);
wb.forceToPrepareSignIn();
wb.testTurnServers();
wb.testTurnServers({
  accessPoint: 'cn-shanghai',
  currentFrequence: 3,
  callback(results) {
    const fastest = results.filter((r) => r.ok).sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity))[0];
    if (fastest) wb.switchAccessPoint(fastest.accessPoint);
  },
});
wb.switchAccessPoint('default');
const deviceId: string = wb.getSoftPhoneDeviceId();
log(deviceId);
wb.getAudioDeviceList(({ audioInputs, audioOutputs }) => {
  if (audioInputs[0]) wb.setAudioInputDevice(audioInputs[0].deviceId);
  if (audioOutputs[0]) wb.setAudioOutputDevice(audioOutputs[0].label && audioOutputs[0].deviceId);
});
wb.unloadWorkbench();

async function plainPhone(): Promise<SipPhone> {
  const phone = await WorkbenchSdk.createSipPhone({
    url: 'wss://pbx.example.com:8089/ws',
    user: '1001',
    password: 'secret',
    domain: 'pbx.example.com',
    displayName: 'Agent 1001',
    microphone: '',
    speaker: '',
    audioProcessing: false,
    dtmf: 'info',
    onEvent(name, detail) {
      if (name === 'ringing') log(detail.from, detail.jobId);
      else if (name === 'ended') log(detail.reason);
      else if (name === 'registrationFailed' || name === 'mediaFailed') log(detail.toUpperCase());
    },
  });
  phone.call('1002');
  const answered: boolean = phone.answer();
  phone.mute(answered);
  phone.sendDtmf('12#');
  phone.setDevices('mic-id', 'speaker-id');
  phone.setVolumes(1, 0.5);
  const stream: MediaStream | null = phone.remoteStream();
  const stats = await phone.stats();
  log(stream, stats?.callId, stats?.sender.length, phone.isRegistered(), phone.inCall());
  phone.hangUp();
  phone.stop();
  return phone;
}
void plainPhone().then((p) => p.free());
