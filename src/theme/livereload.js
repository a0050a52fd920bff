// errdocs serve: live reload and the error overlay. Injected into served pages only.
(function () {
  "use strict";
  var script = document.currentScript;
  var generation = script ? script.getAttribute("data-generation") : null;
  var url = script ? script.getAttribute("data-events") : "/__errdocs/events";
  var overlay = null;

  function showErrors(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "errdocs-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,24,0.94);color:#ffd7d5;font:14px/1.5 ui-monospace,monospace;";
      var title = document.createElement("p");
      title.textContent = "errdocs: the last rebuild failed. Fix the errors and save; this page reloads by itself.";
      title.style.cssText = "color:#fff;font-weight:bold;margin:0 0 1rem;font-family:system-ui,sans-serif;";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0;";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = text;
  }

  var source = new EventSource(url);
  source.addEventListener("built", function (event) {
    if (overlay || event.data !== generation) {
      window.location.reload();
    }
  });
  source.addEventListener("failed", function (event) {
    showErrors(event.data);
  });
})();
