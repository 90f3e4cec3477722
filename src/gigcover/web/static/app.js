/* gigcover web advisor: optional niceties. Everything works without this file. */
(function () {
  "use strict";
  var form = document.getElementById("advisor-form");
  // Say that the advice is being worked out, and keep a double tap from sending twice.
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("submit");
      if (button && button.dataset.busy) {
        window.setTimeout(function () {
          button.disabled = true;
          button.textContent = button.dataset.busy;
        }, 0);
      }
    });
  }

  // Scroll to the first answer that needs fixing.
  var firstError = document.querySelector(".has-error");
  if (firstError && firstError.scrollIntoView) {
    firstError.scrollIntoView({ block: "center" });
  }
})();
