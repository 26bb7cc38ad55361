// The audit log, newest first.
"use strict";

(() => {
  const {byId, api, cell, when, onReady} = admin;
  const ACTIONS = {
    "token.create": "创建令牌", "token.revoke": "撤销令牌", "broadcast.create": "新建群发", "broadcast.send": "发送群发",
    "broadcast.cancel": "取消群发", "registry.import": "导入名录", "share_link.create": "生成推广链接",
    "centre.edit": "修改机构", "centre.update": "机构更新自身信息", "centre.remind": "提醒机构更新",
    "case.file": "登记投诉", "case.assign": "分派案件", "case.note": "案件记录", "case.rectify": "责令限期整改",
    "case.resolve": "办结案件", "case.status": "案件状态", "case.outcome": "处理结果", "case.serious": "严重程度",
    "case.status_read": "家长查询案件", "case.forget": "家长删除联系方式",
  };

  // {"accepted": 4, "rejected": 0} → "accepted: 4；rejected: 0"
  function detail(values) {
    if (!values) return "";
    return Object.entries(values)
      .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`).join("；");
  }

  onReady(async () => {
    const {entries} = await api("/api/admin/audit");
    const list = byId("list");
    list.replaceChildren();
    for (const e of entries) {
      const row = document.createElement("tr");
      cell(row, when(e.at)).className = "when";
      cell(row, e.actor).className = "who";
      cell(row, ACTIONS[e.action] ? `${ACTIONS[e.action]} ${e.action}` : e.action);
      cell(row, e.target);
      cell(row, detail(e.detail)).className = "detail";
      list.appendChild(row);
    }
    byId("empty").hidden = entries.length > 0;
  });
})();
