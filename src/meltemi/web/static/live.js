// Live pages: while <body data-live="ms"> is set, fetch this page again every few
// seconds and swap each [data-region] element whose HTML changed. A region that holds
// the focus or a form field someone is editing is left alone. No library, no build.
(function () {
  "use strict";
  function editing(region) {
    if (region.contains(document.activeElement) && document.activeElement !== document.body) {
      return true;
    }
    var fields = region.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if ((f.type === "text" || f.tagName === "TEXTAREA") && f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }
  function openDetails(region) {
    var open = {};
    region.querySelectorAll("details[id]").forEach(function (d) { open[d.id] = d.open; });
    return open;
  }
  function swap(fresh) {
    document.querySelectorAll("[data-region]").forEach(function (old) {
      var next = fresh.getElementById(old.id);
      if (!next || next.innerHTML === old.innerHTML || editing(old)) { return; }
      var open = openDetails(old);
      old.replaceWith(next);
      next.querySelectorAll("details[id]").forEach(function (d) {
        if (d.id in open) { d.open = open[d.id]; }
      });
    });
    document.title = fresh.title;
  }
  function tick() {
    var every = parseInt(document.body.dataset.live || "0", 10);
    if (!every) { return; }
    setTimeout(function () {
      fetch(window.location.href, { cache: "no-store", headers: { "X-Meltemi-Live": "1" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html");
          swap(fresh);
          document.body.dataset.live = fresh.body.dataset.live || "";
          document.body.dataset.updated = String(Date.now());
          tick();
        })
        .catch(function () { setTimeout(tick, every * 2); });
    }, every);
  }
  document.addEventListener("DOMContentLoaded", tick);
}());
