// The workbench as a Vue 3 component (Vue 3.5+; a render function, so it needs no template compiler). The
// page includes the SDK's stylesheet and loader (<script src=".../sdk/workbenchSdk.min.js">, which defines
// the global WorkbenchSdk). crates/e2e/tests/embedding.rs runs it against the real server.
import { defineComponent, h, onBeforeUnmount, onMounted, useId } from "vue";

export const WorkbenchPanel = defineComponent({
  name: "WorkbenchPanel",
  props: {
    instanceId: { type: String, required: true },
    /** Your backend's path that forwards to the workbench server for the signed-in agent. */
    ajaxPath: { type: String, required: true },
  },
  emits: ["call-coming", "status-change"],
  setup(props, { emit }) {
    // The SDK mounts into an element by id; useId keeps two panels apart.
    const id = "workbench-" + useId().replace(/[^\w-]/g, "");
    let sdk = null;
    onMounted(() => {
      sdk = new WorkbenchSdk({
        dom: id,
        instanceId: props.instanceId,
        regionId: "cn-shanghai",
        ajaxPath: props.ajaxPath,
        onInit: () => sdk.register(),
        onCallComing: (call) => emit("call-coming", call),
        onStatusChange: (status) => emit("status-change", status),
      });
      window.workbench = sdk;
    });
    // Unmounting removes the panel and stops its polling and sockets.
    onBeforeUnmount(() => {
      sdk.unloadWorkbench();
      if (window.workbench === sdk) window.workbench = undefined;
    });
    return () => h("div", { id });
  },
});
