// The registry: upload a filing list (rows rejected and fields left out are listed), then keep centres one at a
// time: find, edit (a reason for changes of standing), see the dated history, and remind a centre to update.
"use strict";

(() => {
  const {t, byId, api, show, cell, element, button, when, onReady, action} = admin;
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
    byId("summary").textContent = t(result.dry_run ? "import_checked_warned" : "import_done_warned",
                                    {accepted: result.accepted, rejected: rejected.length, warnings: warnings.length});
    rows(byId("rejected"), rejected, (r) => [r.row, r.id, r.errors.join(t("separator"))]);
    rows(byId("warnings"), warnings, (w) => [w.row, w.id, w.message]);
    byId("rejected-table").hidden = rejected.length === 0;
    byId("warnings-table").hidden = warnings.length === 0;
    byId("report").hidden = false;
    show(t(result.dry_run ? "checked" : "imported"), true);
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
      item.appendChild(element("h3", t("centre_title", {name: c.name, id: c.id})));
      const tags = element("div", null, "tags");
      tag(tags, t(`centre_status_${c.status}`));
      if (!c.open_to_public) tag(tags, t("staff_only"));
      if (!c.offered) tag(tags, t("not_offered"));
      if (c.open_serious_cases) tag(tags, t("open_serious", {n: c.open_serious_cases}), "flag");
      if (c.vacancies_stale) tag(tags, t("vacancies_stale"), "stale");
      if (c.is_sample) tag(tags, t("sample"));
      item.appendChild(tags);
      const vacancies = c.vacancies === null ? t("vacancies_not_recorded")
        : t("vacancies", {n: c.vacancies}) + (c.vacancies_updated_on ? t("vacancies_on", {date: c.vacancies_updated_on}) : "");
      item.appendChild(element("p", vacancies + (c.last_reminded ? t("last_reminded", {when: when(c.last_reminded)}) : ""),
                               "note"));
      const buttons = element("div", null, "actions");
      buttons.appendChild(button(t("edit"), () => edit(c.id)));
      buttons.appendChild(button(t("remind"), () => remind(c.id)));
      item.appendChild(buttons);
      list.appendChild(item);
    }
    byId("no-centres").hidden = centres.length > 0;
  }

  function fill(centre) {
    editing = centre;
    byId("edit-title").textContent = t("edit_title", {name: centre.name, id: centre.id});
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
      history.appendChild(element("li", `${e.on} ${e.field}: ${from} → ${to}` + (e.reason ? t("because", {reason: e.reason}) : "")));
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
      show(t("nothing_changed"), false);
      return;
    }
    await api(`/api/admin/centres/${encodeURIComponent(editing.id)}`, {method: "PATCH", json: body});
    show(t("saved_at_once"), true);
    await edit(editing.id);
    await find();
  }

  async function remind(id) {
    const answer = await api(`/api/admin/centres/${encodeURIComponent(id)}/reminder`, {method: "POST"});
    byId("reminder").textContent = answer.message;
    byId("reminder-panel").hidden = false;
    byId("reminder-panel").scrollIntoView();
    show(t("reminder_ready"), true);
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
    const finder = byId("find");
    finder.addEventListener("submit", action(finder.querySelector("button"), find));
    for (const box of [byId("stale-only"), byId("flagged-only")]) box.addEventListener("change", action(box, find));
    const editor = byId("edit");
    editor.addEventListener("submit", action(editor.querySelector("button[type=submit]"), save));
    byId("edit-cancel").addEventListener("click", () => { byId("edit-panel").hidden = true; });
    find().catch(() => {});
  });
})();
