/* gigcover web advisor: optional niceties. Everything works without this file. */
(function () {
  "use strict";
  var form = document.getElementById("advisor-form");
  var sw = document.getElementById("lang-switch");

  // The language switch keeps what has been typed but not yet sent: rebuild its link from the form.
  if (form && sw && window.URLSearchParams && window.FormData) {
    sw.addEventListener("click", function (event) {
      var target = new URL(sw.href, window.location.href);
      var lang = target.searchParams.get("lang") || "zh";
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (key !== "lang" && typeof value === "string" && value !== "") {
          params.append(key, value);
        }
      });
      params.append("lang", lang);
      event.preventDefault();
      window.location.href = target.pathname + "?" + params.toString();
    });
  }

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
