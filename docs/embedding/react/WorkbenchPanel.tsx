// The workbench as a React component (React 18+). The page includes the SDK's stylesheet and loader
// (<script src=".../sdk/workbenchSdk.min.js">, which defines the global WorkbenchSdk); the types come from the
// npm package `ccc-workbench-sdk`. crates/e2e/tests/embedding.rs compiles this file with `tsc --strict` and
// runs it, in <StrictMode>, against the real server.
import React, { useEffect, useId, useRef } from "react";
import type { CallDetail, StatusCodeDetail } from "ccc-workbench-sdk";

export interface WorkbenchPanelProps {
  instanceId: string;
  /** Your backend's path that forwards to the workbench server for the signed-in agent. */
  ajaxPath: string;
  onCallComing?: (call: CallDetail) => void;
  onStatusChange?: (status: StatusCodeDetail) => void;
}

export function WorkbenchPanel(props: WorkbenchPanelProps) {
  // The SDK mounts into an element by id; useId keeps two panels apart.
  const id = "workbench-" + useId().replace(/:/g, "");
  // The latest callbacks, so that a re-render with new ones does not mount a new panel.
  const hooks = useRef(props);
  hooks.current = props;

  useEffect(() => {
    const sdk = new WorkbenchSdk({
      dom: id,
      instanceId: props.instanceId,
      regionId: "cn-shanghai",
      ajaxPath: props.ajaxPath,
      onInit: () => sdk.register(),
      onCallComing: (call) => hooks.current.onCallComing?.(call),
      onStatusChange: (status) => hooks.current.onStatusChange?.(status),
    });
    window.workbench = sdk;
    // Unmounting (or StrictMode's trial unmount) removes the panel and stops its polling and sockets.
    return () => {
      sdk.unloadWorkbench();
      if (window.workbench === sdk) window.workbench = undefined;
    };
  }, [id, props.instanceId, props.ajaxPath]);

  return <div id={id} />;
}
