// The registry: upload a filing list (rows rejected and fields left out are listed), then keep centres one at a
// time: find, edit (a reason for changes of standing), see the dated history, and remind a centre to update.
"use strict";

(() => {
  const {byId, api, show, cell, element, button, when, onReady, action} = admin;
  const STATUS = {active: "正常运营", suspended: "暂停服务", closed: "已关闭", revoked: "备案撤销"};
  let editing = null;  // the centre being edited, as the API gave it

  function rows(body, items, columns) {
    body.replaceChildren();
    for (const item of items) {
      const row = document.createElement("tr");
      for (const value of columns(item)) cell(row, value);
      body.appendChild(row);
    }
  }

  function report(result) {
    const {rejected, warnings} = result;
    byId("summary").textContent = (result.dry_run
      ? `检查完成（未保存）：可导入 ${result.accepted} 行，有问题 ${rejected.length} 行，提醒 ${warnings.length} 条。`
      : `已导入 ${result.accepted} 行，被拒绝 ${rejected.length} 行，提醒 ${warnings.length} 条。`)
      + ` Accepted ${result.accepted}, rejected ${rejected.length}, warnings ${warnings.length}`
      + `${result.dry_run ? " (dry run, nothing saved)" : ""}.`;
    rows(byId("rejected"), rejected, (r) => [r.row, r.id, r.errors.join("；")]);
    rows(byId("warnings"), warnings, (w) => [w.row, w.id, w.message]);
    byId("rejected-table").hidden = rejected.length === 0;
    byId("warnings-table").hidden = warnings.length === 0;
    byId("report").hidden = false;
    show(result.dry_run ? "检查完成 / checked" : "导入完成 / imported", true);
  }

  function tag(list, text, className) {
    list.appendChild(element("span", text, `tag ${className || ""}`));
  }

  async function find() {
    const params = new URLSearchParams();
    const q = byId("q").value.trim();
    if (q) params.set("q", q);
    if (byId("stale-only").checked) params.set("stale", "true");
    if (byId("flagged-only").checked) params.set("flagged", "true");
    const {centres} = await api(`/api/admin/centres?${params}`);
    const list = byId("centres");
    list.replaceChildren();
    for (const c of centres) {
      const item = element("li", null, "centre-row");
      item.appendChild(element("h3", `${c.name}（${c.id}）`));
      const tags = element("div", null, "tags");
      tag(tags, `${STATUS[c.status] || c.status} ${c.status}`);
      if (!c.open_to_public) tag(tags, "仅本单位职工 staff only");
      if (!c.offered) tag(tags, "不向家长推荐 not offered");
      if (c.open_serious_cases) tag(tags, `严重投诉未办结 ${c.open_serious_cases} open serious`, "flag");
      if (c.vacancies_stale) tag(tags, "空位可能过时 vacancies stale", "stale");
      if (c.is_sample) tag(tags, "示例 sample");
      item.appendChild(tags);
      const vacancies = c.vacancies === null ? "空位未登记 not recorded"
        : `空位 ${c.vacancies}${c.vacancies_updated_on ? `（${c.vacancies_updated_on} 更新）` : ""}`;
      item.appendChild(element("p", vacancies + (c.last_reminded ? ` · 上次提醒 reminded ${when(c.last_reminded)}` : ""),
                               "note"));
      const buttons = element("div", null, "actions");
      buttons.appendChild(button("修改 Edit", () => edit(c.id)));
      buttons.appendChild(button("提醒更新 Remind", () => remind(c.id)));
      item.appendChild(buttons);
      list.appendChild(item);
    }
    byId("no-centres").hidden = centres.length > 0;
  }

  function fill(centre) {
    editing = centre;
    byId("edit-title").textContent = `修改 Edit：${centre.name}（${centre.id}）`;
    for (const input of byId("edit").querySelectorAll("[name]")) {
      const value = centre[input.name];
      input.value = value === null || value === undefined ? "" : String(value);
    }
    byId("e-reason").value = "";
    const history = byId("history");
    history.replaceChildren();
    for (const e of centre.history) {
      const from = e.from === null ? "—" : String(e.from);
      const to = e.to === null ? "—" : String(e.to);
      history.appendChild(element("li", `${e.on} ${e.field}: ${from} → ${to}${e.reason ? `（${e.reason}）` : ""}`));
    }
    byId("edit-panel").hidden = false;
  }

  async function edit(id) {
    fill(await api(`/api/admin/centres/${encodeURIComponent(id)}`));
    byId("edit-panel").scrollIntoView();
  }

  function value(input) {
    const text = input.value.trim();
    if (text === "") return null;
    if (input.dataset.type === "bool") return text === "true";
    if (input.dataset.type === "int") return Number.parseInt(text, 10);
    return text;
  }

  async function save() {
    const body = {};
    for (const input of byId("edit").querySelectorAll("[name]")) {
      const now = value(input);
      const before = editing[input.name] === undefined ? null : editing[input.name];
      if (now !== before) body[input.name] = now;
    }
    const reason = byId("e-reason").value.trim();
    if (reason) body.reason = reason;
    if (Object.keys(body).filter((k) => k !== "reason").length === 0) {
      show("没有修改 / nothing changed", false);
      return;
    }
    await api(`/api/admin/centres/${encodeURIComponent(editing.id)}`, {method: "PATCH", json: body});
    show("已保存，家长端即时生效 / saved: in effect at once", true);
    await edit(editing.id);
    await find();
  }

  async function remind(id) {
    const answer = await api(`/api/admin/centres/${encodeURIComponent(id)}/reminder`, {method: "POST"});
    byId("reminder").textContent = answer.message;
    byId("reminder-panel").hidden = false;
    byId("reminder-panel").scrollIntoView();
    show("提醒已生成并记录 / reminder ready and logged", true);
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
    const finder = byId("find");
    finder.addEventListener("submit", action(finder.querySelector("button"), find));
    for (const box of [byId("stale-only"), byId("flagged-only")]) box.addEventListener("change", action(box, find));
    const editor = byId("edit");
    editor.addEventListener("submit", action(editor.querySelector("button[type=submit]"), save));
    byId("edit-cancel").addEventListener("click", () => { byId("edit-panel").hidden = true; });
    find().catch(() => {});
  });
})();
