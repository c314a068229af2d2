// Pre-test/post-test page: autosave each answer, keep unsent answers on the device while offline,
// count down the time limit and submit at zero. The server checks the deadline on every save.
(function () {
  "use strict";
  var form = document.getElementById("test-form");
  if (!form) return;
  var d = form.dataset;
  var storeKey = "bimtek-test-" + d.attempt;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var state = document.getElementById("save-state");
  var timer = document.getElementById("timer");
  var pending = {};
  var sending = false;
  var finished = false;
  var retry = null;

  try { pending = JSON.parse(localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { pending = {}; }

  function remember() {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode: memory only */ }
  }
  function show(text, kind) { state.textContent = text; state.dataset.kind = kind || ""; }
  function valueOf(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) return checked.value;
    var text = form.querySelector('textarea[name="' + name + '"]');
    return text ? text.value : "";
  }

  // Answers kept on the device from an earlier visit go back into the page before anything is sent.
  Object.keys(pending).forEach(function (qid) {
    var v = pending[qid];
    var radio = form.querySelector('input[name="q' + qid + '"][value="' + CSS.escape(v) + '"]');
    if (radio) radio.checked = true;
    var text = form.querySelector('textarea[name="q' + qid + '"]');
    if (text) text.value = v;
  });

  function flush() {
    var keys = Object.keys(pending);
    if (!keys.length) return Promise.resolve(true);
    if (sending) return Promise.resolve(false);
    sending = true;
    var batch = {};
    keys.forEach(function (k) { batch[k] = pending[k]; });
    show(d.msgSaving, "saving");
    return fetch(d.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ answers: batch })
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        sending = false;
        if (resp.ok) {
          Object.keys(batch).forEach(function (k) { if (pending[k] === batch[k]) delete pending[k]; });
          remember();
          show(d.msgSaved + " " + new Date().toLocaleTimeString(), "saved");
          if (Object.keys(pending).length) return flush();
          return true;
        }
        if (resp.status === 409 && body.next) { finished = true; localStorage.removeItem(storeKey); window.location = body.next; return false; }
        show(body.message || d.msgOffline, "error");
        return false;
      });
    }).catch(function () {
      sending = false;
      show(d.msgOffline, "offline");
      clearTimeout(retry);
      retry = setTimeout(flush, 3000);
      return false;
    });
  }

  function changed(event) {
    var name = event.target.name || "";
    if (name.charAt(0) !== "q") return;
    pending[name.slice(1)] = valueOf(name);
    remember();
    if (event.type === "input") { clearTimeout(changed.t); changed.t = setTimeout(flush, 800); } else { flush(); }
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  window.addEventListener("online", flush);

  function submitNow(automatic) {
    if (finished) return;
    flush().then(function (ok) {
      if (!ok && !automatic) { show(d.msgSubmitOffline, "offline"); return; }
      finished = true;
      document.getElementById("auto-flag").value = automatic ? "1" : "0";
      try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
      HTMLFormElement.prototype.submit.call(form);
    });
  }
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.id === "save-btn") { event.preventDefault(); flush(); return; }
    event.preventDefault();
    submitNow(false);
  });

  var deadline = Date.now() + parseInt(d.secondsLeft, 10) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    timer.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    timer.dataset.low = left <= 60 ? "1" : "";
    if (left <= 0) { show(d.msgTimeup, "saving"); submitNow(true); return; }
    setTimeout(tick, 1000);
  }
  tick();
  if (Object.keys(pending).length) flush();
})();
