// Coverage for health staff: ask for a region, show its figures, targets, map, gaps and suggested sites, and
// download the report. The map is SVG drawn by the server (no tiles); it is parsed as XML and adopted, never
// set as HTML. Downloads are fetched with the token and saved from a blob.
"use strict";

(() => {
  const {byId, api, show, cell, onReady, action, token, ApiError} = admin;
  const VERDICT = {true: ["达标 met", "met"], false: ["未达标 missed", "missed"], null: ["无法计算 n/a", ""]};
  const STOP = {
    target_met: "已达到覆盖目标，不再继续选址。Stopped: the coverage target is met.",
    limit: "已列满所要求的数量。Stopped at the number of sites asked for.",
    no_gain: "再选址也不能覆盖更多人口。Stopped: no further site adds anyone.",
  };
  const int = new Intl.NumberFormat("zh-CN");
  const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);
  const num = (v, digits = 2) => (v === null || v === undefined ? "—" : Number(v).toFixed(digits));
  let last = null;  // the query of the figures on screen: {region, minutes, sites}

  function query(q, extra = {}) {
    const params = new URLSearchParams({region: q.region, sites: String(q.sites), ...extra});
    if (q.minutes) params.set("minutes", String(q.minutes));
    return params.toString();
  }

  // fetch with the token, for answers that are not JSON (the SVG map, the downloads).
  async function fetchRaw(path) {
    const response = await fetch(path, {headers: {Authorization: "Bearer " + token()}});
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const error = body.error && typeof body.error === "object" ? body.error.message : body.error;  // /api/… error shape
      const message = typeof body.detail === "string" ? body.detail : (error || `请求失败 / request failed (${response.status})`);
      show(`${response.status}：${message}`, false);
      throw new ApiError(message);
    }
    return response;
  }

  function figure(list, label, value) {
    const box = document.createElement("div");
    cell(box, label, "dt");
    cell(box, value, "dd");
    list.appendChild(box);
  }

  function value(target, v) {
    if (v === null || v === undefined) return "—";
    if (["inclusive_share", "coverage", "urban_coverage", "area_coverage"].includes(target.measure)) return pct(v);
    if (target.measure === "towns_without_inclusive") return String(Math.round(v));
    return num(v);
  }

  function render(r) {
    byId("sample-banner").hidden = !r.sample;
    byId("title").textContent = `${r.full_name}（${r.region.code}）· ${r.computed_on}`;
    byId("walk").textContent = `步行范围 Walk: ${r.minutes} 分钟 min — ${r.walk}`;
    const figures = byId("figures");
    figures.replaceChildren();
    figure(figures, "常住人口 Population", int.format(r.population));
    figure(figures, "社区/村 Areas", int.format(r.areas));
    figure(figures, "托位 Places", int.format(r.places));
    figure(figures, "每千人托位 Per 1,000", num(r.places_per_1000));
    figure(figures, "普惠托位占比 Inclusive share", pct(r.inclusive_share));
    figure(figures, "人口覆盖率 Coverage", pct(r.coverage));
    figure(figures, "覆盖社区 Covered areas", `${r.covered_areas} / ${r.areas}`);
    figure(figures, "城市社区覆盖率 Urban coverage", `${pct(r.urban_coverage)}（${r.urban_covered_areas}/${r.urban_areas}）`);
    figure(figures, "普惠机构覆盖率 Inclusive coverage", pct(r.inclusive_coverage));

    const targets = byId("targets");
    targets.replaceChildren();
    for (const t of r.targets) {
      const row = document.createElement("tr");
      const name = cell(row, `${t.name} ${t.name_en}`);
      if (t.applies_to.code !== r.region.code) name.append(`（${t.applies_to.name}设定 set by ${t.applies_to.name}）`);
      cell(row, value(t, t.value)).className = "num";
      const goal = cell(row, `${t.compare === "at_most" ? "≤" : "≥"} ${value(t, t.target)}`);
      goal.className = "num";
      goal.title = t.unit + (t.unit_inferred ? "（单位为推定 unit inferred）" : "");
      if (t.unit_inferred) goal.append(" *");
      const [label, css] = VERDICT[String(t.met)];
      cell(row, label).className = css;
      cell(row, t.by || "—");
      const source = cell(row, t.source);
      source.className = "text";
      if (t.unit_inferred) source.append(`（* ${t.note || "单位为推定"}）`);
      targets.appendChild(row);
    }
    byId("no-targets").hidden = r.targets.length > 0;
    byId("targets-table").hidden = r.targets.length === 0;
    const unmeasured = byId("not-measured");
    unmeasured.replaceChildren();
    for (const u of r.targets_not_measured) {
      cell(unmeasured, `未测 Not measured: ${u.name}（${u.target}）— ${u.reason} ${u.reason_en} [${u.source}]`, "li");
    }

    const without = byId("towns-without");
    without.hidden = r.towns_without_inclusive.length === 0;
    without.textContent = `没有普惠托育机构的乡镇/街道 Towns with no inclusive centre（${r.towns_without_inclusive.length}/${r.towns}）：`
      + r.towns_without_inclusive.map((t) => t.town).join("、");

    const gaps = byId("gaps");
    gaps.replaceChildren();
    for (const g of r.gaps) {
      const row = document.createElement("tr");
      cell(row, g.name);
      cell(row, g.town || "—");
      cell(row, int.format(g.population)).className = "num";
      cell(row, g.nearest_m === null ? "无 none" : `${int.format(Math.round(g.nearest_m))} 米 m`).className = "num";
      gaps.appendChild(row);
    }
    byId("gaps-more").textContent = r.gaps_total > r.gaps.length
      ? `另有 ${r.gaps_total - r.gaps.length} 个未列出，见下载的报表。${r.gaps_total - r.gaps.length} more in the download.`
      : (r.gaps_total === 0 ? "没有缺口：每个社区/村都在步行范围内。No gaps." : "");

    const sites = byId("suggestions");
    sites.replaceChildren();
    r.suggestions.forEach((s, i) => {
      const row = document.createElement("tr");
      cell(row, String(i + 1));
      cell(row, `${s.near}附近 near（${s.lat.toFixed(5)}, ${s.lon.toFixed(5)}）`);
      cell(row, `+${int.format(s.adds_population)} 人 / ${s.adds_areas} 个社区`).className = "num";
      cell(row, pct(s.coverage_after)).className = "num";
      sites.appendChild(row);
    });
    byId("sites-basis").textContent = r.suggestion_basis === "under3"
      ? "每一步选覆盖最多未覆盖3岁以下儿童的位置。Each site covers the most uncovered children under three."
      : "每一步选覆盖最多未覆盖人口的位置。Each site covers the most uncovered people.";
    byId("sites-stop").textContent = STOP[r.suggestions_stop] || "";

    const access = r.accessibility;
    byId("access-note").textContent = (access.basis === "under3"
      ? "两步移动搜索法：步行范围内每千名3岁以下儿童可达的托位数。" : "两步移动搜索法：步行范围内每千人可达的托位数。")
      + ` 加权平均 Mean ${num(access.mean)}. Two-step floating catchment: places reachable per 1,000 `
      + (access.basis === "under3" ? "children under three." : "people.");
    const short = byId("short");
    short.replaceChildren();
    for (const a of access.short) {
      const row = document.createElement("tr");
      cell(row, a.name);
      cell(row, int.format(a.population)).className = "num";
      cell(row, num(a.score)).className = "num";
      short.appendChild(row);
    }
    const sources = byId("sources");
    sources.replaceChildren();
    for (const s of r.sources) cell(sources, s, "li");
  }

  async function drawMap(q) {
    const svgText = await (await fetchRaw(`/api/admin/coverage/map.svg?${query(q)}`)).text();
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    const svg = document.importNode(doc.documentElement, true);
    const box = byId("map");
    box.querySelector("svg")?.remove();
    box.prepend(svg);
  }

  async function compute(q) {
    const started = Date.now();
    byId("working").hidden = false;
    const tick = setInterval(() => {
      byId("elapsed").textContent = `${Math.round((Date.now() - started) / 1000)} 秒 s`;
    }, 500);
    try {
      const result = await api(`/api/admin/coverage?${query(q)}`);
      render(result);
      await drawMap(q);
      last = q;
      byId("result").hidden = false;
      show(`已计算 ${result.region.name} / computed` + (result.sample ? "（示例数据 sample data）" : ""), true);
      history.replaceState(null, "", `?${query(q)}`);
    } finally {
      clearInterval(tick);
      byId("working").hidden = true;
      byId("elapsed").textContent = "";
    }
  }

  async function download(kind) {
    if (!last) return;
    const response = await fetchRaw(`/api/admin/coverage.${kind}?${query(last)}`);
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = name ? name[1] : `coverage.${kind}`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    show(`已下载 ${link.download} / downloaded`, true);
  }

  function asked() {
    return {region: byId("region").value.trim(), minutes: byId("minutes").value.trim(),
            sites: byId("sites").value.trim() || "10"};
  }

  onReady(async () => {
    const {regions} = await api("/api/admin/coverage/regions");
    const list = byId("regions");
    for (const r of regions) {
      const option = document.createElement("option");
      option.value = r.code;
      option.label = `${r.full_name}（${r.areas} 个社区/村 areas）`;
      list.appendChild(option);
    }
    const form = byId("ask");
    form.addEventListener("submit", action(form.querySelector("button[type=submit]"), () => compute(asked())));
    byId("download-xlsx").addEventListener("click", action(byId("download-xlsx"), () => download("xlsx")));
    byId("download-csv").addEventListener("click", action(byId("download-csv"), () => download("csv")));
    const params = new URLSearchParams(location.search);
    // Without ?region=, the county with the most population data.
    const counties = regions.filter((r) => r.level === "county").sort((a, b) => b.areas - a.areas);
    const first = params.get("region") || (counties[0] || regions[0] || {}).code;
    if (params.get("minutes")) byId("minutes").value = params.get("minutes");
    if (params.get("sites")) byId("sites").value = params.get("sites");
    if (first) {
      byId("region").value = first;
      await action(form.querySelector("button[type=submit]"), () => compute(asked()))(new Event("submit"));
    } else {
      show("还没有人口数据：请用 carecircle population import 导入。No population data yet: import it with carecircle population import.", false);
    }
  });
})();
