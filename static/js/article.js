// Adding a claim by selecting text: the selection's character offsets in the article's text fill the form's
// start and end fields. Offsets count Unicode code points, as Python's string indices do. Without this file,
// the form takes the offsets typed in.
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function update() {
    var container = document.querySelector("[data-article-text]");
    var form = document.getElementById("add-claim");
    var selection = window.getSelection();
    if (!container || !form || !selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return;
    var start = offsetIn(container, range.startContainer, range.startOffset);
    var end = offsetIn(container, range.endContainer, range.endOffset);
    if (end <= start) return;
    form.querySelector("[name=start]").value = start;
    form.querySelector("[name=end]").value = end;
    var preview = form.querySelector("[data-selection-preview]");
    if (preview) {
      var text = range.toString();
      preview.textContent = "“" + (text.length > 160 ? text.slice(0, 160) + "…" : text) + "” (" + start + "–" + end + ")";
    }
  }

  document.addEventListener("mouseup", update);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") update();
  });
})();

// While background work runs the page reloads itself every few seconds, but never under a reader's hands: not
// while text is selected or a form field has the focus (without JavaScript, a plain meta refresh does it).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="auto-refresh"]');
  if (!meta) return;
  var seconds = parseInt(meta.getAttribute("content"), 10) || 3;

  function busy() {
    var selection = window.getSelection();
    var active = document.activeElement;
    var typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
    return typing || (selection && !selection.isCollapsed);
  }

  function tick() {
    if (busy()) {
      window.setTimeout(tick, seconds * 1000);
    } else {
      window.location.reload();
    }
  }

  window.setTimeout(tick, seconds * 1000);
})();
