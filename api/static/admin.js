// Shared by the staff pages (admin.css, api/templates/admin/). The token stays in this tab only
// (sessionStorage) and goes with every call as a Bearer token. Text from the server is only ever set
// with textContent. Each page's own script (admin-<page>.js) runs after this one.
"use strict";

const admin = (() => {
  const KEY = "carecircle-token";
  const byId = (id) => document.getElementById(id);
  const token = () => sessionStorage.getItem(KEY) || "";
  // The page's words, from the server's message catalogue in the page's language (body data-messages).
  const MESSAGES = JSON.parse(document.body.dataset.messages || "{}");

  // t("sent_to", {n: 3}): the message with its {placeholders} filled; the key itself if it is missing.
  function t(key, values = {}) {
    const text = MESSAGES[key] ?? key;
    return text.replace(/\{([a-z_]+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  function show(message, ok) {
    const box = byId("status");
    box.hidden = false;
    box.className = ok ? "ok" : "error";
    box.textContent = message;
  }

  class ApiError extends Error {}

  // What went wrong: the page's language where the catalogue knows the case (401, 403); else the API's one error shape, {"error": {"code", "message", "field"}}.
  function problem(status, body) {
    if (status === 401 || status === 403) return t(`error_${status}`);
    const error = body && body.error;
    if (error && typeof error === "object") return error.field ? `${error.message}（${error.field}）` : error.message;
    if (typeof body.detail === "string") return body.detail;
    return (typeof error === "string" && error) || t("request_failed", {status});
  }

  // fetch with the token; JSON in and out. A failure is shown and thrown.
  async function api(path, {method = "GET", json, form} = {}) {
    const headers = {Authorization: "Bearer " + token()};
    let body = form;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    }
    const response = await fetch(path, {method, headers, body});
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const message = problem(response.status, answer);
      show(t("error_status", {status: response.status, message}), false);
      throw new ApiError(message);
    }
    return answer;
  }

  // A <td> (or any tag) holding `value` as text.
  function cell(row, value, tag = "td") {
    const element = document.createElement(tag);
    element.textContent = value ?? "";
    row.appendChild(element);
    return element;
  }

  // A button that runs `work` (async) as an action.
  function button(label, work) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.addEventListener("click", action(element, work));
    return element;
  }

  // "2025-03-01 02:00:00.123" (UTC, as SQLite keeps it) or ISO with a zone → "2025-03-01 10:00" Beijing time.
  const beijing = new Intl.DateTimeFormat("sv-SE", {timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
                                                    day: "2-digit", hour: "2-digit", minute: "2-digit"});
  function when(text) {
    if (!text) return "";
    let iso = String(text).replace(" ", "T").replace(/(\.\d{3})\d+/, "$1");
    if (!/(Z|[+-]\d\d:?\d\d)$/.test(iso)) iso += "Z";
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(text) : beijing.format(date);
  }

  const roleName = (role) => t("with_code", {name: t(`role_${role}`), code: role});
  const statusName = (status) => t(`status_${status}`);

  function signOut() {
    sessionStorage.removeItem(KEY);
    location.assign("/admin");
  }

  // Who is signed in, shown in the header; null (and the sign-in hint) without a valid token.
  async function whoAmI() {
    if (!token()) {
      byId("need-sign-in").hidden = document.body.dataset.page === "index";
      return null;
    }
    const me = await api("/api/admin/me");
    byId("who").textContent = `${me.name} · ${roleName(me.role)}`;
    byId("sign-out").hidden = false;
    return me;
  }

  // Run a page's start-up once the token is checked: start(me) only for a signed-in person.
  function onReady(start) {
    byId("sign-out").addEventListener("click", signOut);
    whoAmI().then((me) => me && start(me)).catch((error) => {
      if (!(error instanceof ApiError)) throw error;
    });
  }

  // Run an async action from a button or form, keeping the button disabled while it runs.
  function action(trigger, work) {
    return async (event) => {
      event.preventDefault();
      trigger.disabled = true;
      try {
        await work();
      } catch (error) {
        if (!(error instanceof ApiError)) {  // api() has shown its own errors
          show(t("page_error"), false);
          throw error;
        }
      } finally {
        trigger.disabled = false;
      }
    };
  }

  // An element with text (never HTML) and an optional class.
  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  return {KEY, ApiError, t, byId, token, show, api, cell, button, when, roleName, statusName, whoAmI, onReady, action,
          element};
})();
