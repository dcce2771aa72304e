// ccc-workbench-sdk as an ES module, for bundlers (Vite, webpack, esbuild…):
//
//   import { loadWorkbenchSdk } from 'ccc-workbench-sdk';
//   const WorkbenchSdk = await loadWorkbenchSdk('/static/ccc/');   // where this package's sdk/ is served
//   window.workbench = new WorkbenchSdk(config);
//
// The panel's core (wasm) cannot be bundled: the loader fetches it from the folder it was itself loaded from.
// So this module adds the loader's <script> from `base` once — the same classic script a <script> tag would
// run, defining the global WorkbenchSdk — and resolves with that constructor. A page that already has the
// global (its own <script> tag) gets it at once.

let loading = null;

export function loadWorkbenchSdk(base) {
  if (typeof window.WorkbenchSdk === 'function') {
    return Promise.resolve(window.WorkbenchSdk);
  }
  if (!loading) {
    loading = new Promise(function (resolve, reject) {
      const folder = new URL(String(base), document.baseURI);
      if (!folder.pathname.endsWith('/')) {
        folder.pathname += '/';
      }
      const script = document.createElement('script');
      script.src = new URL('workbenchSdk.min.js', folder).href;
      script.onload = function () {
        if (typeof window.WorkbenchSdk === 'function') {
          resolve(window.WorkbenchSdk);
        } else {
          loading = null;
          reject(new Error('WorkbenchSdk: ' + script.src + ' did not define WorkbenchSdk'));
        }
      };
      script.onerror = function () {
        loading = null;
        script.remove();
        reject(new Error('WorkbenchSdk: cannot load ' + script.src));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}

export default loadWorkbenchSdk;
