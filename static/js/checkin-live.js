/* Live check-in counts: refresh the numbers every 15 seconds from the stats API (session cookie). */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  function refresh() {
    fetch(root.dataset.stats, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.slots.forEach(function (s) {
          ["onsite", "online", "total"].forEach(function (mode) {
            var cell = root.querySelector('[data-slot-count="' + s.key + ":" + mode + '"]');
            if (cell) cell.textContent = String(s.checked_in[mode]);
            if (s.key === root.dataset.slot && mode !== "total") {
              var big = root.querySelector('[data-count="' + mode + '"]');
              if (big) big.textContent = String(s.checked_in[mode]);
            }
          });
        });
        var flagged = root.querySelector('[data-count="flagged"]');
        if (flagged) flagged.textContent = String(data.flagged);
      })
      .catch(function () { /* offline: keep the last numbers */ });
  }
  setInterval(refresh, 15000);
})();
