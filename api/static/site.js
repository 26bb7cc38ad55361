// A little progressive enhancement: "use my location", sharing. Every page works without it.
(function () {
  "use strict";

  function locate(button, onPoint) {
    var status = document.getElementById(button.getAttribute("data-status") || "locate-status");
    if (!navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) { status.textContent = button.getAttribute("data-wait") || ""; }
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        onPoint(pos.coords.latitude.toFixed(6), pos.coords.longitude.toFixed(6));
      }, function () {
        button.disabled = false;
        if (status) { status.textContent = button.getAttribute("data-denied") || ""; }
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  function setUp() {
    var finder = document.getElementById("locate");
    if (finder) {
      locate(finder, function (lat, lon) {
        var form = finder.form;
        form.elements.lat.value = lat;
        form.elements.lon.value = lon;
        form.elements.place.value = "";
        form.elements.at.value = "";
        form.submit();
      });
    }
    var chatLocate = document.getElementById("chat-locate");
    if (chatLocate) {
      locate(chatLocate, function (lat, lon) {
        var form = document.getElementById("chat-location-form");
        form.elements.lat.value = lat;
        form.elements.lon.value = lon;
        form.submit();
      });
    }
    var share = document.getElementById("share-button");
    if (share && (navigator.share || navigator.clipboard)) {
      share.hidden = false;
      share.addEventListener("click", function () {
        var title = share.getAttribute("data-title"), url = share.getAttribute("data-url");
        if (navigator.share) {
          navigator.share({ title: title, url: url }).catch(function () {});
        } else {
          navigator.clipboard.writeText(url).then(function () { share.textContent = share.getAttribute("data-copied"); });
        }
      });
    }
    var latest = document.getElementById("latest");
    if (latest) { latest.scrollIntoView({ block: "end" }); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
})();
