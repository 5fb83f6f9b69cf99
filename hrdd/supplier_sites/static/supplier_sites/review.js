// The review queue's one-key answers: "y" presses the button marked data-key="y" (the same site), "n" the one
// marked data-key="n" (a different site). The buttons are ordinary POST forms, so the page works without this
// script; the keys are ignored while typing in a field or with a modifier key held.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var key = (event.key || "").toLowerCase();
    if (key !== "y" && key !== "n") { return; }
    var button = document.querySelector('button[data-key="' + key + '"]');
    if (!button || button.disabled) { return; }
    event.preventDefault();
    button.disabled = true;  // one key, one answer
    button.form.requestSubmit ? button.form.requestSubmit() : button.form.submit();
  });
})();
