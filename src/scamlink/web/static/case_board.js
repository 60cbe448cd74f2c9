// Cases: drag cards between the board's columns and send the case pages' forms to the JSON
// API. The server enforces the workflow: a refused move leaves the card where it was and
// shows the server's message. No framework, no CDN.
(function () {
  "use strict";

  var root = document.getElementById("cases");
  if (!root) return;
  var csrf = root.getAttribute("data-csrf") || "";
  var needsReason = (root.getAttribute("data-needs-reason") || "").split(" ");

  function send(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function problem(data, status) {
    var error = (data && data.error) || {};
    var text = error.message || ("HTTP " + status);
    if (error.field) text += " (" + error.field + ")";
    if (error.details && error.details.length) {
      text += " — " + error.details.map(function (d) {
        return (d.location || []).slice(1).join(".") + ": " + d.message;
      }).join("; ");
    }
    return text;
  }

  function show(element, text) {
    if (!element) return;
    element.textContent = text;
    element.hidden = !text;
  }

  // --- the board: move a card by dragging it or with its "move to" menu ----------------------
  var board = document.getElementById("board");
  var boardError = document.getElementById("board-error");
  var boardStatus = document.getElementById("board-status");

  function columnName(column) {
    var title = column.querySelector("h2");
    var count = title.querySelector("[data-count]");
    var text = title.textContent;
    return (count ? text.replace(count.textContent, "") : text).trim();
  }

  // Rebuild a card's menu from the moves the server answered with (the case's new status).
  function refreshMenu(card, moves) {
    var select = card.querySelector(".move-select");
    if (!select) return;
    var holder = card.querySelector(".card-move");
    while (select.firstChild) select.removeChild(select.firstChild);
    (moves || []).forEach(function (status) {
      var column = document.getElementById("column-" + status);
      var option = document.createElement("option");
      option.value = status;
      option.textContent = column ? columnName(column) : status;
      select.appendChild(option);
    });
    holder.hidden = !select.options.length;
  }

  // Ask the server to move `card` to `column`; it answers with the case (and its new moves) or
  // with the reason it refused, and the card stays where it was.
  function move(card, column, done) {
    var from = card.closest(".board-column");
    var status = column.getAttribute("data-status");
    if (from === column) return;
    var body = { status: status };
    if (needsReason.indexOf(status) >= 0) {
      var reason = window.prompt(columnName(column) + ":");
      if (reason === null) return;
      body.reason = reason;
    }
    show(boardError, "");
    // A live region stays in the page (never hidden) so that screen readers announce it.
    if (boardStatus) boardStatus.textContent = "";
    card.classList.add("pending");
    send("/api/v1/cases/" + card.getAttribute("data-case") + "/transition", body).then(function (result) {
      card.classList.remove("pending");
      if (!result.ok) {
        // Snap back: the card never left its column; say why.
        show(boardError, problem(result.data, result.status));
        card.classList.add("refused");
        window.setTimeout(function () { card.classList.remove("refused"); }, 1500);
        if (done) done(false);
        return;
      }
      column.querySelector(".cards").appendChild(card);
      [from, column].forEach(function (c) {
        var count = c.querySelector("[data-count]");
        var n = parseInt(count.textContent.replace(/\D/g, ""), 10) || 0;
        count.textContent = String(c === column ? n + 1 : Math.max(0, n - 1));
      });
      refreshMenu(card, result.data.moves);
      var title = card.querySelector("a");
      if (boardStatus) {
        boardStatus.textContent = (title ? title.textContent.trim() + " → " : "") + columnName(column);
      }
      if (done) done(true);
    }, function () {
      card.classList.remove("pending");
      show(boardError, "network error");
      if (done) done(false);
    });
  }

  if (board) {
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest(".card");
      if (!card) return;
      dragged = card;
      event.dataTransfer.setData("text/plain", card.getAttribute("data-case"));
      event.dataTransfer.effectAllowed = "move";
      card.classList.add("dragging");
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
    });
    board.addEventListener("dragover", function (event) {
      if (event.target.closest && event.target.closest(".board-column")) event.preventDefault();
    });
    board.addEventListener("drop", function (event) {
      var column = event.target.closest && event.target.closest(".board-column");
      if (!column || !dragged) return;
      event.preventDefault();
      move(dragged, column);
    });
    // The keyboard's way: the card's menu names the moves the workflow allows; Move sends it.
    board.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest(".move-button");
      if (!button) return;
      var card = button.closest(".card");
      var select = card.querySelector(".move-select");
      var column = select && document.getElementById("column-" + select.value);
      if (!column) return;
      button.disabled = true;
      move(card, column, function () {
        button.disabled = false;
        // Moving the card in the page drops the focus: give it back to the card's menu.
        var next = card.querySelector(".card-move:not([hidden]) .move-select") || card.querySelector("a");
        if (next) next.focus();
      });
    });
  }

  // --- forms sent to the API ----------------------------------------------------------------
  function bodyOf(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled) return;
      var type = field.getAttribute("data-type");
      if (field.type === "checkbox") {
        if (type === "int-list") {
          body[field.name] = body[field.name] || [];
          if (field.checked) body[field.name].push(parseInt(field.value, 10));
        } else {
          body[field.name] = field.checked;
        }
        return;
      }
      var value = field.value;
      if (value === "") return;
      if (type === "int") value = /^\d+$/.test(value.trim()) ? parseInt(value, 10) : value;
      if (type === "time") value = new Date(value).toISOString();
      body[field.name] = value;
    });
    return body;
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-api]"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = form.querySelector(".form-error");
      show(error, "");
      var buttons = form.querySelectorAll("button");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      send(form.getAttribute("data-api"), bodyOf(form)).then(function (result) {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        if (!result.ok) {
          show(error, problem(result.data, result.status));
          return;
        }
        if (form.getAttribute("data-next") === "case" && result.data.id) {
          window.location.assign("/cases/" + result.data.id);
        } else {
          window.location.reload();
        }
      }, function () {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        show(error, "network error");
      });
    });
  });
})();
