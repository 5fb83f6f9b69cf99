// Keeps the progress of background work up to date without a library: every element with data-poll fetches
// its fragment again every second and is replaced by it, until the fragment comes back without data-poll
// (the work is done or failed).
(function () {
  "use strict";
  if (window.hrddTaskPolling) { return; }
  window.hrddTaskPolling = true;
  var PERIOD = 1000;

  function poll(element, delay) {
    var url = element.getAttribute("data-poll");
    if (!url) { return; }
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (response.status === 404) { return null; }  // gone or walled: stop asking
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          if (html === null) { return; }
          var holder = document.createElement("template");
          holder.innerHTML = html.trim();
          var fresh = holder.content.firstElementChild;
          if (!fresh) { return; }
          element.replaceWith(fresh);
          poll(fresh, PERIOD);
        })
        .catch(function () { poll(element, Math.min(delay * 2, 30000)); });  // a hiccup: ask again, slower
    }, delay);
  }

  function start() {
    document.querySelectorAll("[data-poll]").forEach(function (element) { poll(element, PERIOD); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
