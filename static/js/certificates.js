// Progress bars of certificate issue jobs: poll the job's JSON until it is done or failed.
(function () {
  "use strict";
  var jobs = document.querySelectorAll(".cert-job[data-job-url]");
  Array.prototype.forEach.call(jobs, function (el) {
    var status = el.getAttribute("data-status");
    if (status !== "queued" && status !== "running") { return; }
    var bar = el.querySelector("progress");
    var count = el.querySelector(".cert-job-count");
    var label = el.querySelector(".cert-job-status");
    function poll() {
      fetch(el.getAttribute("data-job-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          bar.value = job.percent;
          bar.textContent = job.percent + "%";
          count.textContent = job.done + "/" + job.total;
          label.textContent = el.getAttribute("data-label-" + job.status) || "";
          if (job.status === "done" || job.status === "failed") {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () { window.setTimeout(poll, 4000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
