// Misuses package/WorkbenchSdk.d.ts must reject: every line after a `// @ts-expect-error` is a type error, or
// `tsc --strict --noEmit` fails on the unused directive (crates/e2e/tests/package.rs compiles this file and
// also checks that tsc fails on such a line without the directive). Never run.
import type { WorkbenchSdkConfig } from '../WorkbenchSdk';

const base = { dom: 'workbench-container', instanceId: 'ccc-demo', regionId: 'cn-shanghai' };

// @ts-expect-error instanceId and regionId are required
const noInstance: WorkbenchSdkConfig = { dom: 'workbench-container' };

// @ts-expect-error a misspelled option is no option
const typo: WorkbenchSdkConfig = { ...base, pollFrequencyWithWS: 1000 };

// @ts-expect-error afterCallRule is seconds or 'manual'
const rule: WorkbenchSdkConfig = { ...base, afterCallRule: 'auto' };

// @ts-expect-error moreActionList takes the contract's values only
const actions: WorkbenchSdkConfig = { ...base, moreActionList: ['hangUp'] };

// @ts-expect-error sideNavList takes the Chinese labels
const nav: WorkbenchSdkConfig = { ...base, sideNavList: ['Inbound'] };

const wrongPayload: WorkbenchSdkConfig = {
  ...base,
  // @ts-expect-error onCallComing's callDetail has no `number`
  onCallComing: (call) => call.number,
  // @ts-expect-error onHangUp's type is a HangUpType string, not a number
  onHangUp: (type: number) => type,
  onStatusChange({ code }) {
    // @ts-expect-error 7 is not a status code
    const seven: typeof code = 7;
    void seven;
  },
  onErrorNotify(error) {
    if (error.errorCode === 7001) {
      // @ts-expect-error 7001's errorMsg is the device record, not a string
      error.errorMsg.toUpperCase();
    }
  },
  // @ts-expect-error onWorkModeChange's mode is one of the three work modes
  onWorkModeChange: (mode: 'REMOTE') => mode,
};

const wb = new WorkbenchSdk(base);
// @ts-expect-error the contract's spelling is umMuteAgent
wb.unMuteAgent();
// @ts-expect-error the contract's spelling is transferStatisfic
wb.transferSatisfaction();
// @ts-expect-error call needs a callee
wb.call();
// @ts-expect-error changeVisible takes a boolean
wb.changeVisible('yes');
// @ts-expect-error register's deviceType is 0 or 1
wb.register([], 'default', 2);
// @ts-expect-error getStatusCode's code is a status code, never a string
const text: string = wb.getStatusCode().code;
// @ts-expect-error getSoftPhoneDeviceId returns a string
const id: number = wb.getSoftPhoneDeviceId();

void WorkbenchSdk.createSipPhone({
  url: 'wss://pbx.example.com/ws',
  user: '1001',
  password: 'secret',
  onEvent(name, detail) {
    // @ts-expect-error a ringing event's detail has `from`, not `caller`
    if (name === 'ringing') void detail.caller;
  },
});
// @ts-expect-error createSipPhone needs url, user and password
void WorkbenchSdk.createSipPhone({ url: 'wss://pbx.example.com/ws' });

void [noInstance, typo, rule, actions, nav, wrongPayload, text, id];
