/* Reload a live page (a waiting ticket) every data-refresh seconds, so its status and the count
   ahead stay current without a meta refresh the visitor cannot stop. */
(function () {
  "use strict";
  var live = document.querySelector("[data-refresh]");
  if (!live) {
    return;
  }
  var seconds = parseInt(live.getAttribute("data-refresh"), 10) || 20;
  window.setTimeout(function () {
    window.location.reload();
  }, seconds * 1000);
})();
