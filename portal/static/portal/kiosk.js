/* Kiosk mode: sign the resident out after a spell without touch or typing, and never let the
   back button show a page from the browser's memory. The server enforces the same limit. */
(function () {
  "use strict";
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 90;
  var pingUrl = body.getAttribute("data-ping-url");
  var startUrl = body.getAttribute("data-start-url");
  var lastActivity = Date.now();
  var lastPing = Date.now();
  var PING_EVERY_MS = 30000;

  function finish() {
    var form = document.getElementById("kiosk-finish");
    if (form) {
      form.submit();
    } else if (window.location.pathname !== startUrl) {
      window.location.replace(startUrl);
    } else {
      window.location.reload();
    }
  }

  function activity() {
    lastActivity = Date.now();
    // Typing a long form makes no request: tell the server the resident is still here.
    if (pingUrl && document.getElementById("kiosk-finish") && Date.now() - lastPing > PING_EVERY_MS) {
      lastPing = Date.now();
      fetch(pingUrl, { credentials: "same-origin", cache: "no-store" }).catch(function () {});
    }
  }

  ["pointerdown", "keydown", "input", "touchstart", "scroll"].forEach(function (name) {
    window.addEventListener(name, activity, { passive: true, capture: true });
  });

  window.setInterval(function () {
    if (Date.now() - lastActivity > idleSeconds * 1000) {
      finish();
    }
  }, 1000);

  // A page restored from the back-forward cache is reloaded, so the server decides what shows.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  // Print buttons print the document frame; after printing the task is done.
  Array.prototype.forEach.call(document.querySelectorAll("[data-print-frame]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.getElementById(button.getAttribute("data-print-frame"));
      if (frame && frame.contentWindow) {
        frame.contentWindow.focus();
        frame.contentWindow.print();
      }
    });
  });
})();
