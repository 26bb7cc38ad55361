// Broadcasts: compose with a segment, preview the count and the text, save a draft, send or cancel it,
// and read its report.
"use strict";

(() => {
  const {t, byId, api, show, cell, button, when, statusName, onReady, action} = admin;
  const languageName = (code) => t(`language_${code}`);

  function segmentOf() {
    const segment = {};
    const regions = byId("regions").value.split(/[,，、\s]+/).filter(Boolean);
    if (regions.length) segment.regions = regions;
    const from = byId("age-from").value, to = byId("age-to").value;
    if (from !== "" || to !== "") segment.age_months = [Number(from || 0), Number(to || 36)];
    if (byId("language").value) segment.language = byId("language").value;
    return segment;
  }

  function broadcastOf() {
    const body = {text: byId("text").value, segment: segmentOf()};
    if (byId("at").value) body.scheduled_at = byId("at").value;  // Beijing time; the server assumes it
    return body;
  }

  function describe(segment) {
    const parts = [];
    if (segment.regions && segment.regions.length) {
      parts.push(t("segment_regions", {regions: segment.regions.join(t("list_separator"))}));
    }
    if (segment.age_months) parts.push(t("segment_ages", {from: segment.age_months[0], to: segment.age_months[1]}));
    if (segment.language) parts.push(languageName(segment.language));
    return parts.length ? parts.join(t("separator")) : t("segment_everyone");
  }

  function showPreview(result) {
    byId("count").textContent = t("preview_count", {n: result.recipients});
    const box = byId("preview-messages");
    box.replaceChildren();
    for (const [language, text] of Object.entries(result.messages)) {
      cell(box, languageName(language), "h3");
      cell(box, text, "pre").className = "message";
    }
    byId("preview-box").hidden = false;
  }

  function showReport(b) {
    const fields = byId("report-fields");
    fields.replaceChildren();
    const rows = [
      [t("report_status"), statusName(b.status)], [t("report_text"), b.text], [t("report_segment"), describe(b.segment)],
      [t("report_recipients"), b.recipients], [t("report_queued"), b.queued], [t("report_sent"), b.sent],
      [t("report_failed"), b.failed], [t("report_blocked"), b.blocked], [t("report_cancelled"), b.cancelled],
      [t("report_created"), `${when(b.created_at)} · ${b.created_by}`],
      [t("report_scheduled"), b.scheduled_at ? when(b.scheduled_at) : t("report_now")],
    ];
    for (const [label, value] of rows) {
      cell(fields, label, "dt");
      cell(fields, value, "dd");
    }
    byId("report").dataset.id = b.id;
    byId("report").hidden = false;
  }

  async function report(id) {
    showReport(await api(`/api/admin/broadcasts/${encodeURIComponent(id)}`));
    byId("report").scrollIntoView({block: "nearest"});
  }

  async function act(b, what) {
    const question = what === "send" ? t("confirm_send", {n: b.recipients}) : t("confirm_cancel");
    if (!confirm(question)) return;
    const result = await api(`/api/admin/broadcasts/${encodeURIComponent(b.id)}/${what}`, {method: "POST"});
    show(what === "send" ? t("queued_for", {n: result.recipients}) : t("cancelled"), true);
    await Promise.all([load(), report(b.id)]);
  }

  async function load() {
    const {broadcasts} = await api("/api/admin/broadcasts");
    const list = byId("list");
    list.replaceChildren();
    for (const b of broadcasts) {
      const row = document.createElement("tr");
      row.dataset.id = b.id;
      cell(row, when(b.created_at)).className = "when";
      cell(row, b.text.length > 60 ? b.text.slice(0, 60) + "…" : b.text).className = "text";
      cell(row, describe(b.segment)).className = "segment";
      cell(row, statusName(b.status) + (b.scheduled_at ? ` · ${when(b.scheduled_at)}` : ""));
      for (const n of [b.recipients, b.queued, b.sent, b.failed, b.blocked]) cell(row, n).className = "num";
      const actions = cell(row, "");
      actions.className = "row-actions";
      actions.appendChild(button(t("button_report"), () => report(b.id)));
      if (b.status === "draft") actions.appendChild(button(t("button_send"), () => act(b, "send")));
      if (["draft", "queued", "sending"].includes(b.status)) actions.appendChild(button(t("button_cancel"), () => act(b, "cancel")));
      list.appendChild(row);
    }
    byId("empty").hidden = broadcasts.length > 0;
  }

  onReady(() => {
    const form = byId("compose");
    byId("preview").addEventListener("click", action(byId("preview"), async () => {
      if (!form.reportValidity()) return;
      showPreview(await api("/api/admin/broadcasts/preview", {method: "POST", json: broadcastOf()}));
    }));
    form.addEventListener("submit", action(form.querySelector("button[type=submit]"), async () => {
      const made = await api("/api/admin/broadcasts", {method: "POST", json: broadcastOf()});
      show(t("draft_saved", {n: made.recipients}), true);
      await Promise.all([load(), report(made.id)]);
    }));
    return load();
  });
})();
