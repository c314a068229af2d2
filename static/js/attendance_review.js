// Review queue: search registrations as the organizer types. Without this script the same search is a
// plain GET form and the page comes back with the results under the identity.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.review-search[data-results]");
  Array.prototype.forEach.call(forms, function (form) {
    var box = document.getElementById(form.getAttribute("data-results"));
    var input = form.querySelector("input[name=q]");
    if (!box || !input) { return; }
    var timer = null;
    var pending = null;

    function run() {
      var q = input.value.trim();
      if (q.length < 2) { box.innerHTML = ""; return; }
      var params = new URLSearchParams(new FormData(form));
      params.set("partial", "1");
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(form.action.split("#")[0] + "?" + params.toString(), {
        credentials: "same-origin", signal: pending.signal, headers: { Accept: "text/html" }
      }).then(function (resp) {
        return resp.text();
      }).then(function (html) {
        box.innerHTML = html;  // rendered by the server's template, every value escaped there
      }).catch(function (err) {
        if (err.name !== "AbortError") { form.submit(); }
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      run();
    });
  });
})();
