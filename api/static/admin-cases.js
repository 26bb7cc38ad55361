// Complaint cases: flagged centres first, then each case with its steps (assign, note, rectify, resolve).
"use strict";

(() => {
  const {byId, api, show, element, when, onReady, action} = admin;
  const STATUS = {received: "已受理", in_progress: "处理中", rectifying: "限期整改", resolved: "已办结"};
  const CATEGORY = {harm: "伤害或虐待儿童", safety: "安全隐患", fees: "收费退费", unfiled: "未备案办托",
                    service: "服务质量", other: "其他"};

  function step(label, fields, send) {
    const form = element("form");
    const inputs = fields.map(([tag, type, placeholder]) => {
      const input = element(tag);
      if (type) input.type = type;
      input.placeholder = placeholder;
      input.setAttribute("aria-label", placeholder);
      form.appendChild(input);
      return input;
    });
    const submit = element("button", label);
    submit.type = "submit";
    form.appendChild(submit);
    form.addEventListener("submit", action(submit, async () => {
      if (inputs.some((input) => !input.value.trim())) {
        show("请先填写 / fill it in first", false);
        return;
      }
      await send(...inputs.map((input) => input.value.trim()));
    }));
    return form;
  }

  function caseCard(c) {
    const item = element("li", null, "case");
    item.id = `case-${c.number}`;
    item.appendChild(element("h3", `${c.number} · ${c.centre_name}${c.centre_id ? `（${c.centre_id}）` : "（不在名录）"}`));
    const tags = element("div", null, "tags");
    tags.appendChild(element("span", `${STATUS[c.status] || c.status} ${c.status}`, "tag"));
    tags.appendChild(element("span", CATEGORY[c.category] || c.category, "tag"));
    if (c.serious) tags.appendChild(element("span", "严重 serious", "tag serious"));
    if (c.rectify_by) tags.appendChild(element("span", `整改期限 ${c.rectify_by}`, "tag"));
    item.appendChild(tags);
    item.appendChild(element("p", c.what, "what"));
    const facts = [`登记 ${when(c.created_at)}`, `渠道 ${c.channel}`, c.contact ? `联系 ${c.contact}` : "未留联系方式",
                   c.assignee ? `经办 ${c.assignee}` : "未分派"];
    if (c.outcome) facts.push(`结果 ${c.outcome}`);
    item.appendChild(element("p", facts.join(" · "), "note"));
    const patch = async (body) => {
      await api(`/api/admin/cases/${encodeURIComponent(c.number)}`, {method: "PATCH", json: body});
      show(`已更新 ${c.number} / updated`, true);
      await load();
    };
    const steps = element("div", null, "steps");
    steps.appendChild(step("分派 Assign", [["input", "text", "经办人 assignee"]], (who) => patch({assignee: who})));
    steps.appendChild(step("记录 Note", [["textarea", null, "内部记录 internal note"]], (note) => patch({note})));
    steps.appendChild(step("限期整改 Rectify", [["input", "date", "整改期限 deadline"]],
                           (date) => patch({rectify_by: date})));
    steps.appendChild(step("办结 Resolve", [["textarea", null, "处理结果（告知投诉人） outcome"]],
                           (outcome) => patch({status: "resolved", outcome})));
    item.appendChild(steps);
    return item;
  }

  async function load() {
    const params = new URLSearchParams();
    if (byId("f-status").value) params.set("status", byId("f-status").value);
    if (byId("f-centre").value.trim()) params.set("centre_id", byId("f-centre").value.trim());
    if (byId("f-open").checked) params.set("open", "true");
    const answer = await api(`/api/admin/cases?${params}`);
    const flagged = byId("flagged");
    flagged.replaceChildren();
    for (const f of answer.flagged_centres) {
      const item = element("li", null, "centre-row");
      item.appendChild(element("h3", `${f.name}（${f.centre_id}）`));
      item.appendChild(element("span", `严重投诉未办结 ${f.open_serious_cases} open serious`, "tag flag"));
      flagged.appendChild(item);
    }
    byId("flagged-panel").hidden = answer.flagged_centres.length === 0;
    const list = byId("cases");
    list.replaceChildren(...answer.cases.map(caseCard));
    byId("empty").hidden = answer.cases.length > 0;
  }

  onReady(() => {
    const filters = byId("filters");
    filters.addEventListener("submit", action(filters.querySelector("button"), load));
    load().catch(() => {});
  });
})();
