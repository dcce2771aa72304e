// Using <WorkbenchPanel>: the CRM shows who is calling and can hide the panel (which unmounts it).
import { createApp, h, ref } from "vue";
import { WorkbenchPanel } from "./WorkbenchPanel.js";

const App = {
  setup() {
    const caller = ref("—");
    const status = ref(-1);
    const shown = ref(true);
    return () =>
      h("main", [
        h("p", ["Caller: ", h("b", { id: "caller" }, caller.value), " · status ", h("b", { id: "status" }, status.value)]),
        h("button", { id: "toggle", onClick: () => (shown.value = !shown.value) }, shown.value ? "Hide the panel" : "Show the panel"),
        shown.value
          ? h(WorkbenchPanel, {
              instanceId: "ccc-demo",
              ajaxPath: "/aliyun/ccc/api",
              onCallComing: (call) => (caller.value = call.caller),
              onStatusChange: (s) => (status.value = s.code),
            })
          : null,
      ]);
  },
};

createApp(App).mount("#root");
