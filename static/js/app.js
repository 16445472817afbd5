// The web app's small enhancements: keyboard shortcuts, select-all, copying a saved filter link, showing the
// message of a refused htmx request, and a slow form sent once. Every page works without this file.
(function () {
  "use strict";

  function typing(event) {
    var target = event.target;
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function showMessage(text, kind) {
    var list = document.getElementById("messages");
    if (!list || !text) return;
    var item = document.createElement("li");
    item.className = "message-" + (kind || "error");
    item.textContent = text;
    list.appendChild(item);
  }

  // A refused htmx request (403, 409) is not swapped in: show its text as a message instead.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    showMessage(type.indexOf("text/plain") === 0 ? xhr.responseText : xhr.status + " " + xhr.statusText);
  });

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var field = document.querySelector(copy.getAttribute("data-copy"));
      if (!field) return;
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value);
      } else {
        document.execCommand("copy");
      }
      copy.setAttribute("data-copied", "true");
    }
  });

  // The bulk actions that at least one ticked claim allows stay enabled, each with how many of the ticked claims
  // allow it; the server applies it to those and reports every claim it skipped, with the reason.
  function updateBulkActions(form) {
    var select = form && form.querySelector("[data-bulk-action]");
    if (!select) return;
    var ticked = Array.prototype.slice.call(form.querySelectorAll("input[name=claims]:checked"));
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.hasAttribute("data-label")) option.setAttribute("data-label", option.textContent);
      var label = option.getAttribute("data-label");
      if (option.hasAttribute("data-always") || !ticked.length) {
        option.disabled = false;
        option.textContent = label;
        return;
      }
      var allowing = ticked.filter(function (box) {
        var row = box.closest("[data-actions]");
        return row && row.getAttribute("data-actions").split(" ").indexOf(option.value) !== -1;
      }).length;
      option.disabled = allowing === 0;
      option.textContent = allowing === ticked.length ? label : label + " (" + allowing + "/" + ticked.length + ")";
    });
    if (select.selectedOptions.length && select.selectedOptions[0].disabled) {
      var first = Array.prototype.find.call(select.options, function (option) {
        return !option.disabled;
      });
      if (first) select.value = first.value;
    }
    var none = !Array.prototype.some.call(select.options, function (option) {
      return !option.disabled;
    });
    var apply = form.querySelector("[data-bulk-apply]");
    if (apply) apply.disabled = none;
    var note = form.querySelector("[data-bulk-none]");
    if (note) note.hidden = !none;
  }

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    var form = event.target.form || event.target.closest("form");
    if (all) {
      form.querySelectorAll("input[name=claims]").forEach(function (box) {
        box.checked = all.checked;
      });
    }
    if (event.target.name === "claims" || all) updateBulkActions(form);
  });

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  }

  function currentRow(list) {
    var active = document.activeElement;
    for (var i = 0; i < list.length; i++) {
      if (list[i].contains(active)) return i;
    }
    return -1;
  }

  function moveRow(step) {
    var list = rows();
    if (!list.length) return false;
    var index = Math.min(list.length - 1, Math.max(0, currentRow(list) + step));
    if (currentRow(list) === -1) index = step > 0 ? 0 : list.length - 1;
    var link = list[index].querySelector(".claim-link");
    if (link) link.focus();
    return true;
  }

  function proposals() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-proposal]"));
  }

  function focusedProposal() {
    var active = document.activeElement && document.activeElement.closest("[data-proposal]");
    if (active) return active;
    return proposals().find(function (row) {
      return row.querySelector("[data-accept]");
    });
  }

  // A correction swapped in carries the claim's new version: the page's other forms act on that one now (the
  // correction succeeded on the version they were showing, so nothing else has changed under them).
  document.addEventListener("htmx:afterSwap", function () {
    var facts = document.querySelector("[data-claim-version]");
    if (!facts) return;
    document.querySelectorAll("form input[name=version]").forEach(function (input) {
      input.value = facts.getAttribute("data-claim-version");
    });
  });

  // After a decision is swapped in, go on to the next undecided proposal.
  document.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail.elt;
    if (!row || !row.matches || !row.matches("[data-proposal]")) return;
    var next = proposals().find(function (other) {
      return other.querySelector("[data-accept]");
    });
    if (next) next.focus();
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event)) return;
    var key = event.key;
    var link;
    if (key === "j" || key === "n" || key === "k" || key === "p") {
      var forward = key === "j" || key === "n";
      if (rows().length) {
        if (moveRow(forward ? 1 : -1)) event.preventDefault();
        return;
      }
      link = document.querySelector(forward ? "[data-key-next]" : "[data-key-prev]");
      if (link) {
        event.preventDefault();
        window.location.href = link.href;
      }
    } else if (key === "x") {
      var list = rows();
      var index = currentRow(list);
      if (index >= 0) {
        var box = list[index].querySelector("input[name=claims]");
        if (box) {
          box.checked = !box.checked;
          updateBulkActions(box.form);
          event.preventDefault();
        }
      }
    } else if (key === "a" || key === "r") {
      var proposal = focusedProposal();
      var button = proposal && proposal.querySelector(key === "a" ? "[data-accept]" : "[data-reject]");
      if (button) {
        event.preventDefault();
        proposal.focus();
        button.click();
      }
    }
  });

  // A form that takes a while (an article fetched or stored): sent once, and the button says it is working.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-busy]") || event.defaultPrevented) return;
    var button = form.querySelector("button[type=submit]");
    if (!button) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "true";
    button.textContent = form.dataset.busy;
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
  });
  // Back to a page the browser kept: its form can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = false;
    });
  });
})();
