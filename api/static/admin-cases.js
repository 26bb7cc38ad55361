// Complaint cases: flagged centres first, then each case with its steps (assign, note, rectify, resolve).
"use strict";

(() => {
  const {t, byId, api, show, element, when, onReady, action} = admin;

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
        show(t("fill_in_first"), false);
        return;
      }
      await send(...inputs.map((input) => input.value.trim()));
    }));
    return form;
  }

  function caseCard(c) {
    const item = element("li", null, "case");
    item.id = `case-${c.number}`;
    const centre = c.centre_id ? t("centre_title", {name: c.centre_name, id: c.centre_id}) : c.centre_name + t("not_in_registry");
    item.appendChild(element("h3", t("case_title", {number: c.number, centre})));
    const tags = element("div", null, "tags");
    tags.appendChild(element("span", t(`case_status_${c.status}`), "tag"));
    tags.appendChild(element("span", t(`case_category_${c.category}`), "tag"));
    if (c.serious) tags.appendChild(element("span", t("serious"), "tag serious"));
    if (c.rectify_by) tags.appendChild(element("span", t("rectify_by", {date: c.rectify_by}), "tag"));
    item.appendChild(tags);
    item.appendChild(element("p", c.what, "what"));
    const facts = [t("filed_at", {when: when(c.created_at)}), t("channel", {channel: c.channel}),
                   c.contact ? t("contact", {contact: c.contact}) : t("no_contact"),
                   c.assignee ? t("assignee", {who: c.assignee}) : t("unassigned")];
    if (c.outcome) facts.push(t("outcome", {outcome: c.outcome}));
    item.appendChild(element("p", facts.join(" · "), "note"));
    const patch = async (body) => {
      await api(`/api/admin/cases/${encodeURIComponent(c.number)}`, {method: "PATCH", json: body});
      await load();  // the list first, then the word that it is done: what follows reads the new list
      show(t("case_updated", {number: c.number}), true);
    };
    const steps = element("div", null, "steps");
    steps.appendChild(step(t("assign"), [["input", "text", t("assignee_hint")]], (who) => patch({assignee: who})));
    steps.appendChild(step(t("note"), [["textarea", null, t("note_hint")]], (note) => patch({note})));
    steps.appendChild(step(t("rectify"), [["input", "date", t("deadline_hint")]],
                           (date) => patch({rectify_by: date})));
    steps.appendChild(step(t("resolve"), [["textarea", null, t("outcome_hint")]],
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
      item.appendChild(element("h3", t("centre_title", {name: f.name, id: f.centre_id})));
      item.appendChild(element("span", t("open_serious", {n: f.open_serious_cases}), "tag flag"));
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
