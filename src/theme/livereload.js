// errdocs serve: live reload and the error overlay. Injected into served pages only.
(function () {
  "use strict";
  var script = document.currentScript;
  var generation = script ? script.getAttribute("data-generation") : null;
  var url = script ? script.getAttribute("data-events") : "/__errdocs/events";
  var overlay = null;
  var errorText = null;

  // The overlay lives in a shadow root, so no stylesheet of the site can restyle it; its own
  // colours are opaque and follow the colour scheme, readable in light and dark mode.
  var STYLE =
    ".box{box-sizing:border-box;min-height:100%;padding:2rem;font:14px/1.5 system-ui,sans-serif;" +
    "background:#fff8f7;color:#3b0c08;color-scheme:light}" +
    "p{margin:0 0 1rem;font-weight:bold;color:#1f0604}" +
    "pre{margin:0;padding:1rem;white-space:pre-wrap;overflow-wrap:anywhere;" +
    "font:13px/1.5 ui-monospace,monospace;background:#fdecea;color:#3b0c08;" +
    "border:1px solid #e6b3ad;border-radius:6px}" +
    "@media (prefers-color-scheme: dark){" +
    ".box{background:#1b1012;color:#ffd7d5;color-scheme:dark}" +
    "p{color:#ffffff}pre{background:#2a1517;color:#ffd7d5;border-color:#5c2a2a}}";

  function showErrors(text) {
    if (!overlay) {
      overlay = document.createElement("errdocs-error-overlay");
      overlay.id = "errdocs-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.setAttribute(
        "style",
        "all:initial;position:fixed;inset:0;z-index:2147483647;display:block;overflow:auto;",
      );
      var root = overlay.attachShadow({ mode: "open" });
      var style = document.createElement("style");
      style.textContent = STYLE;
      var box = document.createElement("div");
      box.className = "box";
      var title = document.createElement("p");
      title.textContent =
        "errdocs: the last rebuild failed. Fix the errors and save; this page reloads by itself.";
      errorText = document.createElement("pre");
      box.appendChild(title);
      box.appendChild(errorText);
      root.appendChild(style);
      root.appendChild(box);
      document.body.appendChild(overlay);
    }
    errorText.textContent = text;
  }

  var source = new EventSource(url);
  source.addEventListener("built", function (event) {
    if (overlay || event.data !== generation) {
      window.location.reload();
    }
  });
  source.addEventListener("failed", function (event) {
    // The errors come as one JSON string (so that no line break can end the event early).
    var text;
    try {
      text = JSON.parse(event.data);
    } catch (e) {
      text = String(event.data);
    }
    showErrors(String(text));
  });
})();
