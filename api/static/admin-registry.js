// Registry upload: send the file with its coordinate system; show how many rows were accepted and why
// the others were rejected.
"use strict";

(() => {
  const {byId, api, show, cell, onReady, action} = admin;

  function report(result) {
    const rejected = result.rejected;
    byId("summary").textContent = (result.dry_run
      ? `检查完成（未保存）：可导入 ${result.accepted} 行，有问题 ${rejected.length} 行。`
      : `已导入 ${result.accepted} 行，被拒绝 ${rejected.length} 行。`)
      + ` Accepted ${result.accepted}, rejected ${rejected.length}${result.dry_run ? " (dry run, nothing saved)" : ""}.`;
    const body = byId("rejected");
    body.replaceChildren();
    for (const r of rejected) {
      const row = document.createElement("tr");
      cell(row, r.row);
      cell(row, r.id);
      cell(row, r.errors.join("；"));
      body.appendChild(row);
    }
    byId("rejected-table").hidden = rejected.length === 0;
    byId("report").hidden = false;
    show(result.dry_run ? "检查完成 / checked" : "导入完成 / imported", true);
  }

  onReady(() => {
    const form = byId("upload");
    form.addEventListener("submit", action(form.querySelector("button[type=submit]"), async () => {
      const file = byId("file").files[0];
      if (!file) {
        show("请选择文件 / choose a file", false);
        return;
      }
      const data = new FormData();
      data.append("file", file);
      data.append("crs", byId("crs").value);
      data.append("dry_run", byId("dry-run").checked ? "true" : "false");
      report(await api("/api/admin/registry/import", {method: "POST", form: data}));
    }));
  });
})();
