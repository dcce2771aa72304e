/*
 * workbenchSdk.min.js: the loader a host page includes with a classic <script> tag.
 *
 * It defines `window.WorkbenchSdk` synchronously, so `window.workbench = new WorkbenchSdk(config)` works
 * right after the tag, exactly as with the original SDK. The constructor validates what the contract says
 * must throw (sdk-contract.md §3.9), then loads the wasm core from next to this script (its own URL, so a
 * host only changes the base URL) and hands it the config. `onInit` fires once the core is ready, always
 * after the constructor has returned. Methods called before that are queued and replayed in order;
 * `getStatusCode()` answers `{code: -1, lastCode: -1}` until then.
 *
 * Every public method of the contract exists on the instance. A method the loaded core lacks (a core older
 * than this loader) reports error 9003 through `onErrorNotify` instead of throwing, so host pages keep running.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var base = new URL('.', (script && script.src) || location.href);

  // sdk-contract.md §5: the 21 hooks; apiAxiosFunc must be a function too (§3.9).
  var FUNCTION_OPTIONS = [
    'onInit', 'onRegister', 'onLogIn', 'onLogOut', 'onBreak', 'onReady', 'onAgentOutboundScenario',
    'onCallComing', 'onBeforeCallDialing', 'onCallDialing', 'onHangUp', 'onBeforeCallHangup',
    'onCallEstablish', 'onCallRelease', 'onErrorNotify', 'onStatusChange', 'onWorkModeChange',
    'onDeviceTypeChange', 'onGetStatsData', 'onSelectOutboundNumber', 'onSelectCurrentCallRecord',
    'apiAxiosFunc'
  ];

  // sdk-contract.md §6: the 50 public methods, spelled as the contract spells them.
  var METHODS = [
    'isAvailBroswer', 'checkNetwork', 'changeVisible', 'changeMainPaneVisible', 'changeWidth', 'reRender',
    'register', 'logIn', 'logOut', 'ready', 'applyForBreak', 'applyForCallOnly', 'applyForOnSite',
    'applyForOffSite', 'applyForOffSiteDirectly', 'getStatusCode', 'hangUp', 'answer', 'call',
    'stayAfterCall', 'sendDtmf', 'callHold', 'callRetrieve', 'muteAgent', 'umMuteAgent',
    'changeVolumeInCall', 'changeRingToneVolume', 'thirdCallTransfer', 'initiateAttendedTransfer',
    'thirdCallRetrieve', 'thirdCallTransferFinished', 'switchToConference', 'startConference', 'monitor',
    'bargeIn', 'intercept', 'coach', 'agentToAgent', 'transferStatisfic', 'launchShortMessageAppraise',
    'launchShortMessageMissedCall', 'launchAuthentication', 'forceToPrepareSignIn', 'testTurnServers',
    'switchAccessPoint', 'getSoftPhoneDeviceId', 'getAudioDeviceList', 'setAudioInputDevice',
    'setAudioOutputDevice', 'unloadWorkbench'
  ];

  var corePromise = null;

  function loadCore() {
    if (!corePromise) {
      corePromise = import(new URL('workbench.js', base).href).then(function (mod) {
        return mod.default({ module_or_path: new URL('workbench_bg.wasm', base) }).then(function () {
          mod.setAssetBase(base.href);
          return mod;
        });
      });
    }
    return corePromise;
  }

  function validate(config) {
    if (config === null || typeof config !== 'object') {
      throw new Error('config must be an object');
    }
    if (!config.dom) {
      throw new Error('dom is required');
    }
    if (!config.instanceId) {
      throw new Error('instanceId is required');
    }
    FUNCTION_OPTIONS.forEach(function (name) {
      var value = config[name];
      if (value !== undefined && value !== null && typeof value !== 'function') {
        throw new Error(name + ' must be a function');
      }
    });
  }

  function WorkbenchSdk(config) {
    if (!(this instanceof WorkbenchSdk)) {
      throw new TypeError("Class constructor WorkbenchSdk cannot be invoked without 'new'");
    }
    validate(config);
    var self = this;
    var queue = [];
    var core = null;
    var failed = null;
    // unloadWorkbench() before the core was ready: it is never made (no panel, no onInit, no sign-in). A
    // framework that mounts, unmounts and mounts again at once (React's StrictMode) leaves one live panel.
    var unloaded = false;

    function invoke(name, args) {
      if (typeof core[name] === 'function') {
        return core[name].apply(core, args);
      }
      core.notImplemented(name);
      return undefined;
    }

    METHODS.forEach(function (name) {
      self[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        if (core) {
          return invoke(name, args);
        }
        if (name === 'getStatusCode') {
          return { code: -1, lastCode: -1 };
        }
        if (failed) {
          console.error('WorkbenchSdk: ' + name + '() ignored, the workbench failed to load:', failed);
          return undefined;
        }
        if (name === 'unloadWorkbench') {
          unloaded = true;
          queue.length = 0;
        }
        if (unloaded) {
          return undefined;
        }
        queue.push([name, args]);
        return undefined;
      };
    });

    loadCore()
      .then(function (mod) {
        if (unloaded) {
          return;
        }
        core = new mod.WorkbenchCore(config);
        core.init();
        queue.splice(0).forEach(function (call) {
          invoke(call[0], call[1]);
        });
      })
      .catch(function (error) {
        failed = error;
        console.error('WorkbenchSdk: the workbench failed to load', error);
      });
  }

  // Harmless shim for 1.x host code that tore the SDK down this way (sdk-contract.md §2).
  if (!window._AgentBarSdk) {
    window._AgentBarSdk = {
      DestroyPhoneSdk: function () {
        if (window.workbench && typeof window.workbench.unloadWorkbench === 'function') {
          window.workbench.unloadWorkbench();
        }
      }
    };
  }

  // This SDK's own addition: the soft phone alone, for any SIP-over-WebSocket server (README, "A plain SIP
  // soft phone"). Resolves once the core is loaded; the phone registers on its own.
  WorkbenchSdk.createSipPhone = function (options) {
    return loadCore().then(function (mod) {
      return new mod.SipPhone(options || {});
    });
  };

  window.WorkbenchSdk = WorkbenchSdk;
})();
