// A centre keeps its own data: sign in with the centre token (kept in this tab only), then update each centre's
// free places, fees, hours, phone, service forms and ages. Text from the server is only set with textContent.
"use strict";

(() => {
  const KEY = "carecircle-centre-token";
  const byId = (id) => document.getElementById(id);
  const root = byId("portal-centres");
  if (!root) return;
  const en = root.dataset.lang === "en";
  const t = (zh, english) => (en ? english : zh);
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
    status.textContent = `${t("备案编号", "Filing no.")} ${c.id} · ${en ? c.status_label.en : c.status_label.zh}`;
    const updated = document.createElement("p");
    updated.className = c.vacancies_stale ? "stale" : "fine";
    updated.textContent = c.vacancies_updated_on
      ? t(`空位上次更新：${c.vacancies_updated_on}`, `Free places last updated ${c.vacancies_updated_on}`)
        + (c.vacancies_stale ? t("（已超过 30 天，请更新）", " (over 30 days: please update)") : "")
      : t("还没有登记空位", "Free places not recorded yet");
    form.append(title, status, updated);
    form.append(field(form, "vacancies", t(`空余托位（共 ${c.capacity ?? "?"} 个托位）`,
                                            `Free places (of ${c.capacity ?? "?"})`),
                      "number", c.vacancies, {min: 0, inputMode: "numeric", required: true}));
    const fees = document.createElement("div");
    fees.className = "pair";
    fees.append(field(form, "fee_min", t("最低月费（元）", "Lowest monthly fee (CNY)"), "number", c.fee_min, {min: 0}),
                field(form, "fee_max", t("最高月费（元）", "Highest monthly fee (CNY)"), "number", c.fee_max, {min: 0}));
    const ages = document.createElement("div");
    ages.className = "pair";
    ages.append(field(form, "min_age_months", t("最小月龄", "Youngest (months)"), "number", c.min_age_months,
                      {min: 0, max: 36}),
                field(form, "max_age_months", t("最大月龄", "Oldest (months)"), "number", c.max_age_months,
                      {min: 0, max: 36}));
    form.append(fees, ages, field(form, "hours", t("服务时间", "Hours"), "text", c.hours, {maxLength: 120}),
                field(form, "phone", t("联系电话", "Phone"), "tel", c.phone, {maxLength: 64}));
    const set = document.createElement("fieldset");
    set.className = "modes";
    const legend = document.createElement("legend");
    legend.textContent = t("托育形式", "Service forms");
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
    save.textContent = t("保存（空位记为今天更新）", "Save (free places dated today)");
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
        say(t(`已保存：${answer.name}，空位 ${answer.vacancies ?? "—"}（${answer.vacancies_updated_on ?? ""} 更新）`,
              `Saved: ${answer.name}, ${answer.vacancies ?? "—"} free (updated ${answer.vacancies_updated_on ?? ""})`),
            true);
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
      say(t("已登录", "Signed in"), true);
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
