// Share links: create one, list them with their QR codes and how far they reached.
"use strict";

(() => {
  const {t, byId, api, show, cell, onReady, action} = admin;

  function link(href, text) {
    const a = document.createElement("a");
    if (/^(https?:\/\/|\/(?!\/))/.test(href)) a.href = href;  // only our own kind of address
    a.textContent = text;
    a.target = "_blank";
    a.rel = "noopener";
    return a;
  }

  async function load() {
    const {links} = await api("/api/admin/share-links");
    const list = byId("list");
    list.replaceChildren();
    for (const l of links) {
      const row = document.createElement("tr");
      row.dataset.code = l.code;
      cell(row, "").appendChild(link(l.url, l.url));
      const qrPath = `/s/${encodeURIComponent(l.code)}/qr.png`;
      const qr = cell(row, "");
      qr.className = "qr";
      const image = document.createElement("img");
      image.src = `${qrPath}?scale=2`;
      image.alt = t("qr_of", {url: l.url});
      qr.appendChild(link(qrPath, "")).appendChild(image);
      const poster = qr.appendChild(link(`/s/${encodeURIComponent(l.code)}/poster`, t("poster")));
      if (!l.public_url_set) {
        // Printed without a public address, the QR code leads nowhere for the people who scan it.
        poster.addEventListener("click", (event) => {
          if (!confirm(t("poster_without_public_url"))) event.preventDefault();
        });
      }
      cell(row, t(`kind_${l.kind}`));
      cell(row, l.target);
      cell(row, l.title);
      cell(row, l.opened).className = "num";
      cell(row, l.bot_started).className = "num";
      list.appendChild(row);
    }
    byId("empty").hidden = links.length > 0;
  }

  onReady(() => {
    const form = byId("create");
    form.addEventListener("submit", action(form.querySelector("button[type=submit]"), async () => {
      const made = await api("/api/admin/share-links", {method: "POST", json: {
        kind: byId("kind").value, target: byId("target").value.trim(), title: byId("title").value.trim() || null}});
      show(t("created", {url: made.url}), true);
      form.reset();
      await load();
    }));
    return load();
  });
})();
