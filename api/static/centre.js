// A centre keeps its own data: sign in with the centre token (kept in this tab only), then update each centre's
// free places, fees, hours, phone, service forms and ages. Text from the server is only set with textContent.
"use strict";

(() => {
  const KEY = "carecircle-centre-token";
  const byId = (id) => document.getElementById(id);
  const root = byId("portal-centres");
  if (!root) return;
  const en = root.dataset.lang === "en";
  // The page's words, from the server's message catalogue in the page's language (data-messages).
  const MESSAGES = JSON.parse(root.dataset.messages || "{}");
  // t("saved", {name: "…"}): the message with its {placeholders} filled; the key itself if it is missing.
  const t = (key, values = {}) => (MESSAGES[key] ?? key)
    .replace(/\{([a-z_]+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  const modes = root.dataset.modes.split(",");
  const modeLabels = root.dataset.modeLabels.split(",");

  function say(message, ok) {
    const box = byId("portal-status");
    box.hidden = false;
    box.className = ok ? "card ok-box" : "card danger-box";
    box.textContent = message;
  }

  async function api(path, options = {}) {
    const headers = {Authorization: "Bearer " + (sessionStorage.getItem(KEY) || "")};
    if (options.json !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path + (path.includes("?") ? "&" : "?") + (en ? "lang=en" : "lang=zh"), {
      method: options.method || "GET", headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json)});
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = body.error || {};
      throw new Error(error.message || `${response.status}`);
    }
    return body;
  }

  function field(form, name, labelText, type, value, extra = {}) {
    const label = document.createElement("label");
    label.textContent = labelText;
    const input = document.createElement("input");
    input.type = type;
    input.name = name;
    input.id = `${form.dataset.centre}-${name}`;
    label.htmlFor = input.id;
    input.value = value === null || value === undefined ? "" : String(value);
    Object.assign(input, extra);
    const wrap = document.createElement("div");
    wrap.append(label, input);
    return wrap;
  }

  function centreForm(c) {
    const form = document.createElement("form");
    form.className = "card portal-centre";
    form.dataset.centre = c.id;
    form.id = `centre-${c.id}`;
    const title = document.createElement("h2");
    title.textContent = c.name;
    const status = document.createElement("p");
    status.className = "fine";
    status.textContent = t("filing_no", {id: c.id, status: en ? c.status_label.en : c.status_label.zh});
    const updated = document.createElement("p");
    updated.className = c.vacancies_stale ? "stale" : "fine";
    updated.textContent = c.vacancies_updated_on
      ? t("updated_on", {date: c.vacancies_updated_on}) + (c.vacancies_stale ? t("stale") : "")
      : t("not_recorded");
    form.append(title, status, updated);
    form.append(field(form, "vacancies", t("vacancies", {capacity: c.capacity ?? "?"}), "number", c.vacancies,
                      {min: 0, inputMode: "numeric", required: true}));
    const fees = document.createElement("div");
    fees.className = "pair";
    fees.append(field(form, "fee_min", t("fee_min"), "number", c.fee_min, {min: 0}),
                field(form, "fee_max", t("fee_max"), "number", c.fee_max, {min: 0}));
    const ages = document.createElement("div");
    ages.className = "pair";
    ages.append(field(form, "min_age_months", t("min_age"), "number", c.min_age_months,
                      {min: 0, max: 36}),
                field(form, "max_age_months", t("max_age"), "number", c.max_age_months,
                      {min: 0, max: 36}));
    form.append(fees, ages, field(form, "hours", t("hours"), "text", c.hours, {maxLength: 120}),
                field(form, "phone", t("phone"), "tel", c.phone, {maxLength: 64}));
    const set = document.createElement("fieldset");
    set.className = "modes";
    const legend = document.createElement("legend");
    legend.textContent = t("modes");
    set.append(legend);
    modes.forEach((mode, i) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "modes";
      box.value = mode;
      box.checked = (c.modes || []).includes(mode);
      label.append(box, document.createTextNode(modeLabels[i]));
      set.append(label);
    });
    const save = document.createElement("button");
    save.type = "submit";
    save.className = "button primary wide";
    save.textContent = t("save");
    form.append(set, save);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      save.disabled = true;
      try {
        const number = (name) => {
          const text = form.elements[name].value.trim();
          return text === "" ? null : Number(text);
        };
        const text = (name) => form.elements[name].value.trim() || null;
        const body = {vacancies: number("vacancies"), fee_min: number("fee_min"), fee_max: number("fee_max"),
                      min_age_months: number("min_age_months"), max_age_months: number("max_age_months"),
                      hours: text("hours"), phone: text("phone"),
                      modes: [...form.querySelectorAll("input[name=modes]:checked")].map((b) => b.value)};
        const answer = await api(`/api/centre/${encodeURIComponent(c.id)}`, {method: "PATCH", json: body});
        say(t("saved", {name: answer.name, vacancies: answer.vacancies ?? "—",
                        date: answer.vacancies_updated_on ?? ""}), true);
        await load();
      } catch (error) {
        say(error.message, false);
      } finally {
        save.disabled = false;
      }
    });
    return form;
  }

  async function load() {
    const me = await api("/api/centre/me");
    root.replaceChildren(...me.centres.map(centreForm));
    byId("portal-sign-in").hidden = true;
    byId("portal-sign-out-row").hidden = false;
    const wanted = new URLSearchParams(location.search).get("c");
    if (wanted && byId(`centre-${wanted}`)) byId(`centre-${wanted}`).scrollIntoView();
  }

  byId("portal-sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, byId("portal-token").value.trim());
    byId("portal-token").value = "";
    try {
      await load();
      say(t("signed_in"), true);
    } catch (error) {
      sessionStorage.removeItem(KEY);
      say(error.message, false);
    }
  });
  byId("portal-sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    location.reload();
  });
  if (sessionStorage.getItem(KEY)) load().catch((error) => say(error.message, false));
})();
