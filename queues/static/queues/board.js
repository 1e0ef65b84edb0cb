/* Display board: fetch the board's JSON every few seconds and redraw the calls and the
   waiting counts. Text only (no HTML from the server), so nothing can inject markup. */
(function () {
  "use strict";
  var board = document.getElementById("queue-board");
  if (!board || !window.fetch) {
    return;
  }
  var url = board.getAttribute("data-url");
  var calls = document.getElementById("queue-calls");
  var lines = document.getElementById("queue-lines");
  var updated = document.getElementById("queue-updated");
  var latest = "";
  var INTERVAL = 4000;

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function drawCalls(items) {
    var fragment = document.createDocumentFragment();
    items.forEach(function (call, index) {
      var item = document.createElement("li");
      if (index === 0) {
        item.className = "queue-calls__latest";
      }
      item.appendChild(span("queue-code", call.code));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(span("queue-counter", call.counter));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(span("queue-line", call.line));
      fragment.appendChild(item);
    });
    if (items.length) {
      calls.replaceChildren(fragment);
    }
    var top = items.length ? items[0].code + "/" + items[0].called_at : "";
    if (top && latest && top !== latest) {
      board.classList.remove("queue-board--new");
      void board.offsetWidth;
      board.classList.add("queue-board--new");
    }
    latest = top;
  }

  function drawLines(items) {
    var fragment = document.createDocumentFragment();
    items.forEach(function (line) {
      var row = document.createElement("tr");
      var name = document.createElement("th");
      name.scope = "row";
      name.textContent = line.prefix + " · " + line.name;
      var count = document.createElement("td");
      count.textContent = String(line.waiting);
      row.appendChild(name);
      row.appendChild(count);
      fragment.appendChild(row);
    });
    lines.replaceChildren(fragment);
  }

  function refresh() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        drawCalls(data.calls);
        drawLines(data.lines);
        updated.textContent = new Date(data.updated_at).toLocaleTimeString();
      })
      .catch(function () {
        /* Keep the last board on screen; the next round tries again. */
      })
      .then(function () {
        window.setTimeout(refresh, INTERVAL);
      });
  }

  window.setTimeout(refresh, INTERVAL);
})();
