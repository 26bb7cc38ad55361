// Broadcasts: compose with a segment, preview the count and the text, save a draft, send or cancel it,
// and read its report.
"use strict";

(() => {
  const {byId, api, show, cell, button, when, statusName, onReady, action} = admin;
  const LANGUAGES = {zh: "中文", en: "English"};

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
    if (segment.regions && segment.regions.length) parts.push(`地区 ${segment.regions.join("、")}`);
    if (segment.age_months) parts.push(`${segment.age_months[0]}–${segment.age_months[1]} 月龄`);
    if (segment.language) parts.push(LANGUAGES[segment.language] || segment.language);
    return parts.length ? parts.join("；") : "全部订阅家长 all subscribers";
  }

  function showPreview(result) {
    byId("count").textContent = `将发送给 ${result.recipients} 位家长 / ${result.recipients} recipients`;
    const box = byId("preview-messages");
    box.replaceChildren();
    for (const [language, text] of Object.entries(result.messages)) {
      cell(box, LANGUAGES[language] || language, "h3");
      cell(box, text, "pre").className = "message";
    }
    byId("preview-box").hidden = false;
  }

  function showReport(b) {
    const fields = byId("report-fields");
    fields.replaceChildren();
    const rows = [
      ["状态 Status", statusName(b.status)], ["内容 Text", b.text], ["对象 Segment", describe(b.segment)],
      ["收件人 Recipients", b.recipients], ["待发 Queued", b.queued], ["已发 Sent", b.sent],
      ["失败 Failed", b.failed], ["屏蔽 Blocked", b.blocked], ["已取消 Cancelled", b.cancelled],
      ["创建 Created", `${when(b.created_at)} · ${b.created_by}`],
      ["定时 Scheduled", b.scheduled_at ? when(b.scheduled_at) : "立即 now"],
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
    const question = what === "send"
      ? `确定发送给 ${b.recipients} 位家长？Send to ${b.recipients} recipients?`
      : "确定取消？尚未发出的消息将不再发送。Cancel? Nothing more will go out.";
    if (!confirm(question)) return;
    const result = await api(`/api/admin/broadcasts/${encodeURIComponent(b.id)}/${what}`, {method: "POST"});
    show(what === "send" ? `已排队发送给 ${result.recipients} 位家长 / queued for ${result.recipients}`
                         : "已取消 / cancelled", true);
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
      actions.appendChild(button("报告 Report", () => report(b.id)));
      if (b.status === "draft") actions.appendChild(button("发送 Send", () => act(b, "send")));
      if (["draft", "queued", "sending"].includes(b.status)) actions.appendChild(button("取消 Cancel", () => act(b, "cancel")));
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
      show(`草稿已保存，收件人 ${made.recipients} 位；请在下方核对后发送。Draft saved for ${made.recipients} recipients.`, true);
      await Promise.all([load(), report(made.id)]);
    }));
    return load();
  });
})();
