// Using <WorkbenchPanel>: the CRM shows who is calling and can hide the panel (which unmounts it).
import React, { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { WorkbenchPanel } from "./WorkbenchPanel";

function App() {
  const [caller, setCaller] = useState("—");
  const [status, setStatus] = useState<number>(-1);
  const [shown, setShown] = useState(true);
  return (
    <main>
      <p>
        Caller: <b id="caller">{caller}</b> · status <b id="status">{status}</b>
      </p>
      <button id="toggle" onClick={() => setShown(!shown)}>
        {shown ? "Hide the panel" : "Show the panel"}
      </button>
      {shown && (
        <WorkbenchPanel
          instanceId="ccc-demo"
          ajaxPath="/aliyun/ccc/api"
          onCallComing={(call) => setCaller(call.caller)}
          onStatusChange={(s) => setStatus(s.code)}
        />
      )}
    </main>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
