// Presensi projector: fetch the current code and QR every few seconds and count down to the next one.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var url = root.getAttribute("data-code-url");
  var qr = document.getElementById("projector-qr");
  var code = document.getElementById("projector-code");
  var seconds = document.getElementById("projector-seconds");
  var openBox = document.getElementById("projector-open");
  var closedBox = document.getElementById("projector-closed");
  var left = parseInt(seconds ? seconds.textContent : "60", 10) || 60;

  function show(state) {
    openBox.hidden = !state.open;
    closedBox.hidden = !!state.open;
    if (!state.open) {
      closedBox.textContent = closedBox.getAttribute(state.not_yet ? "data-not-yet" : "data-closed");
      return;
    }
    if (code.textContent !== state.code) {
      code.textContent = state.code;
      qr.src = state.qr;
    }
    left = state.seconds_left;
    seconds.textContent = String(left);
  }

  function refresh() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (state) { if (state) { show(state); } })
      .catch(function () { /* Wi-Fi dropped: keep the last code, try again on the next tick */ });
  }

  setInterval(function () {
    left -= 1;
    if (left <= 0) { refresh(); left = 60; }
    seconds.textContent = String(Math.max(left, 0));
  }, 1000);
  setInterval(refresh, 15000);
})();
