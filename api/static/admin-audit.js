// The audit log, newest first.
"use strict";

(() => {
  const {t, byId, api, cell, when, onReady} = admin;
  // "token.create" → the catalogue's action_token_create; an action without a name shows its code.
  const actionName = (action) => {
    const key = "action_" + action.replace(/\./g, "_");
    const name = t(key);
    return name === key ? action : t("with_code", {name, code: action});
  };

  // {"accepted": 4, "rejected": 0} → "accepted: 4；rejected: 0"
  function detail(values) {
    if (!values) return "";
    return Object.entries(values)
      .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`).join(t("separator"));
  }

  onReady(async () => {
    const {entries} = await api("/api/admin/audit");
    const list = byId("list");
    list.replaceChildren();
    for (const e of entries) {
      const row = document.createElement("tr");
      cell(row, when(e.at)).className = "when";
      cell(row, e.actor).className = "who";
      cell(row, actionName(e.action));
      cell(row, e.target);
      cell(row, detail(e.detail)).className = "detail";
      list.appendChild(row);
    }
    byId("empty").hidden = entries.length > 0;
  });
})();
