// Registry upload: send the file with its coordinate system; show how many rows were accepted and why
// the others were rejected.
"use strict";

(() => {
  const {t, byId, api, show, cell, onReady, action} = admin;

  function report(result) {
    const rejected = result.rejected;
    byId("summary").textContent = t(result.dry_run ? "import_checked" : "import_done",
                                    {accepted: result.accepted, rejected: rejected.length});
    const body = byId("rejected");
    body.replaceChildren();
    for (const r of rejected) {
      const row = document.createElement("tr");
      cell(row, r.row);
      cell(row, r.id);
      cell(row, r.errors.join(t("separator")));
      body.appendChild(row);
    }
    byId("rejected-table").hidden = rejected.length === 0;
    byId("report").hidden = false;
    show(t(result.dry_run ? "checked" : "imported"), true);
  }

  onReady(() => {
    const form = byId("upload");
    form.addEventListener("submit", action(form.querySelector("button[type=submit]"), async () => {
      const file = byId("file").files[0];
      if (!file) {
        show(t("choose_file"), false);
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
