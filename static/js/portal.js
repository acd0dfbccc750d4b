// Behaviour every page shares, as a file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  // The language switch submits itself when a language is picked (the button is for no-script).
  document.querySelectorAll("form.lang select[name=language]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Read-only fields meant for copying (a new token) select their text when clicked.
  document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
    input.addEventListener("click", function () { input.select(); });
  });
  // A table wider than the screen scrolls inside itself (portal.css): let the keyboard reach it too.
  function focusableWhenScrolling() {
    document.querySelectorAll("table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.setAttribute("tabindex", "0");
      else if (table.getAttribute("tabindex") === "0") table.removeAttribute("tabindex");
    });
  }
  focusableWhenScrolling();
  window.addEventListener("resize", focusableWhenScrolling);
})();
