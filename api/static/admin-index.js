// Sign in: keep the token in this tab, check it with /api/admin/me, and show what this role can do.
"use strict";

(() => {
  const {KEY, t, byId, show, roleName, whoAmI, onReady, action} = admin;

  function welcome(me) {
    for (const item of byId("welcome").querySelectorAll("li")) {
      item.hidden = Boolean(item.dataset.role) && !item.dataset.role.split(" ").includes(me.role);
    }
    byId("welcome").hidden = false;
    byId("sign-in-panel").hidden = true;
  }

  const form = byId("sign-in");
  form.addEventListener("submit", action(form.querySelector("button"), async () => {
    sessionStorage.setItem(KEY, byId("token").value.trim());
    let me;
    try {
      me = await whoAmI();
    } catch (error) {
      sessionStorage.removeItem(KEY);
      throw error;
    }
    byId("token").value = "";
    show(t("signed_in", {name: me.name, role: roleName(me.role)}), true);
    welcome(me);
  }));

  onReady(welcome);
})();
