/* gigcover web advisor: optional niceties. Everything works without this file. */
(function () {
  "use strict";
  // Say that the advice (or the lab's run) is being worked out, and keep a double tap from sending twice. Only the
  // form's own button: the language switch also submits the lab's form.
  [["advisor-form", "submit"], ["lab-form", "run"]].forEach(function (pair) {
    var form = document.getElementById(pair[0]);
    if (!form) {
      return;
    }
    form.addEventListener("submit", function (event) {
      var button = document.getElementById(pair[1]);
      if (event.submitter && event.submitter !== button) {
        return;
      }
      if (button && button.dataset.busy) {
        window.setTimeout(function () {
          button.disabled = true;
          button.textContent = button.dataset.busy;
        }, 0);
      }
    });
  });

  // Scroll to the first answer that needs fixing.
  var firstError = document.querySelector(".has-error");
  if (firstError && firstError.scrollIntoView) {
    firstError.scrollIntoView({ block: "center" });
  }
})();
