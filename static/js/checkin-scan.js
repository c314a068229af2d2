/* Bimtek scanner page: camera (BarcodeDetector or jsQR), USB keyboard-wedge scanners and typed codes,
 * a full-screen answer with sound and vibration, and an offline mode that verifies ticket signatures with
 * the event's Ed25519 public key, remembers admits on this device and queues scans (with their nonces) until
 * the connection is back. No inline script: configuration comes from data attributes (CSP script-src 'self'). */
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) return;
  var T = JSON.parse(document.getElementById("scanner-texts").textContent);
  var eventId = Number(root.dataset.eventId);
  var csrf = root.dataset.csrf;
  var PREFIX = "bimtek.checkin." + eventId + ".";
  var CACHE = "bimtek-checkin-v1";
  var CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  var $ = function (id) { return document.getElementById(id); };
  var input = $("scan-input");
  var answer = $("answer");

  // ------------------------------------------------------------------ storage (localStorage, per event)
  function load(key, fallback) {
    try {
      var raw = localStorage.getItem(PREFIX + key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(PREFIX + key, JSON.stringify(value)); } catch (e) { /* storage full: keep going */ }
  }
  function deviceId() {
    var id = localStorage.getItem("bimtek.device");
    if (!id) {
      id = "web-" + Math.random().toString(36).slice(2, 8);
      localStorage.setItem("bimtek.device", id);
    }
    return id;
  }
  function newNonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var sync = load("sync", null);
  var queue = load("queue", []);
  var admits = load("admits", {});  // "<slot>|<key>" -> {at, gate}

  // ------------------------------------------------------------------ setup controls
  var slotSel = $("slot"), gateIn = $("gate"), kindSel = $("kind"), rapidBox = $("rapid");
  var setup = load("setup", {});
  if (setup.slot !== undefined) slotSel.value = setup.slot;
  if (setup.gate) gateIn.value = setup.gate;
  if (setup.kind) kindSel.value = setup.kind;
  rapidBox.checked = !!setup.rapid;
  function saveSetup() {
    save("setup", { slot: slotSel.value, gate: gateIn.value, kind: kindSel.value, rapid: rapidBox.checked });
  }
  [slotSel, gateIn, kindSel, rapidBox].forEach(function (el) { el.addEventListener("change", saveSetup); });

  function currentSlotKey() {
    if (slotSel.value) return "s" + slotSel.value;
    // A day slot is the day of the scan at the venue, as on the server.
    var today;
    try {
      today = new Intl.DateTimeFormat("en-CA", { timeZone: root.dataset.tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    } catch (e) {
      var d = new Date();
      today = d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
    }
    return "d" + today;
  }

  // ------------------------------------------------------------------ status line
  function showStatus() {
    var online = navigator.onLine;
    var net = $("net-status");
    net.textContent = online ? T.online : T.offline;
    net.className = "net " + (online ? "on" : "off");
    $("queue-count").textContent = String(queue.length);
    root.dataset.queue = String(queue.length);
    if (sync && sync.generated_at) {
      var t = new Date(sync.generated_at);
      $("sync-info").textContent = T.synced + " " + ("0" + t.getHours()).slice(-2) + "." + ("0" + t.getMinutes()).slice(-2);
    }
  }

  // ------------------------------------------------------------------ the answer: colour, sound, vibration
  var audioCtx = null;
  function beep(kind) {
    try {
      audioCtx = audioCtx || new (window.AudioContext || window.webkitAudioContext)();
      var tones = kind === "ok" ? [[880, 0, 0.12]] : kind === "warn" ? [[523, 0, 0.12], [523, 0.18, 0.12]]
        : [[196, 0, 0.45]];
      tones.forEach(function (t) {
        var osc = audioCtx.createOscillator(), gain = audioCtx.createGain();
        osc.type = kind === "bad" ? "sawtooth" : "sine";
        osc.frequency.value = t[0];
        gain.gain.value = 0.25;
        osc.connect(gain); gain.connect(audioCtx.destination);
        osc.start(audioCtx.currentTime + t[1]);
        osc.stop(audioCtx.currentTime + t[1] + t[2]);
      });
    } catch (e) { /* no audio: the colour still tells */ }
    if (navigator.vibrate) navigator.vibrate(kind === "ok" ? 80 : kind === "warn" ? [120, 80, 120] : [300, 100, 300]);
  }

  var hideTimer = null;
  var overrideText = null;
  function show(kind, title, name, detail, opts) {
    opts = opts || {};
    answer.className = "answer " + kind;
    answer.dataset.kind = kind;
    answer.dataset.reason = opts.reason || (kind === "ok" ? "ok" : "");
    $("answer-title").textContent = title;
    $("answer-name").textContent = name || "";
    $("answer-detail").textContent = detail || "";
    var ob = $("answer-override");
    overrideText = opts.overrideText || null;
    ob.hidden = !overrideText;
    answer.hidden = false;
    beep(kind);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, rapidBox.checked ? (kind === "ok" ? 1200 : 2500) : 6000);
    if (opts.t0) root.dataset.lastLatency = String(Math.round(performance.now() - opts.t0));
    root.dataset.answers = String(Number(root.dataset.answers || 0) + 1);
  }
  function hide() {
    clearTimeout(hideTimer);
    answer.hidden = true;
    lastHiddenAt = Date.now();
    input.focus();
  }
  answer.addEventListener("click", function (e) { if (e.target.id !== "answer-override") hide(); });
  $("answer-override").addEventListener("click", function () {
    var text = overrideText;
    hide();
    if (text) submitScan(text, "manual", { override: true });
  });

  function personLine(reg) {
    if (!reg) return "";
    return reg.name;
  }
  function personDetail(reg) {
    if (!reg) return "";
    return [reg.institution, T.modes[reg.mode] || reg.mode, reg.code].filter(Boolean).join(" · ");
  }
  function clock(iso) {
    var t = new Date(iso);
    return ("0" + t.getHours()).slice(-2) + "." + ("0" + t.getMinutes()).slice(-2);
  }
  function firstLine(first) {
    if (!first) return "";
    return T.first_scan + " " + clock(first.scanned_at) + (first.gate ? " · " + T.gate + " " + first.gate : "") +
      (first.staff ? " · " + T.by + " " + first.staff : "");
  }

  // ------------------------------------------------------------------ local log of admits on this device
  function rememberAdmit(slot, keys, at, gate) {
    keys.filter(Boolean).forEach(function (k) { admits[slot + "|" + k] = { at: at, gate: gate }; });
    save("admits", admits);
  }
  function knownAdmit(slot, keys) {
    for (var i = 0; i < keys.length; i++) {
      if (!keys[i]) continue;
      var hit = admits[slot + "|" + keys[i]];
      if (hit) return hit;
    }
    if (sync && sync.admitted) {
      for (var j = 0; j < sync.admitted.length; j++) {
        var a = sync.admitted[j];
        if (a.slot === slot && keys.indexOf("t:" + a.ticket_id) >= 0) return { at: sync.generated_at, gate: "" };
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ ticket format and signature (offline)
  function base32Decode(s) {
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    var bits = 0, value = 0, out = [];
    for (var i = 0; i < s.length; i++) {
      var idx = alphabet.indexOf(s[i]);
      if (idx < 0) return null;
      value = (value << 5) | idx; bits += 5;
      if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
    }
    return new Uint8Array(out);
  }
  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function parseTicket(text) {
    var t = text.trim().toUpperCase();
    if (t.length !== 131 || t.indexOf("BT1") !== 0) return null;
    var blob = base32Decode(t.slice(3));
    if (!blob || blob.length !== 80 || blob[0] !== 1 || (blob[5] !== 1 && blob[5] !== 2)) return null;
    var ev = ((blob[1] << 24) >>> 0) + (blob[2] << 16) + (blob[3] << 8) + blob[4];
    return { blob: blob, eventId: ev, mode: blob[5], ticketId: hex(blob.slice(6, 16)) };
  }
  function normalizeCode(text) {
    var t = text.normalize ? text.normalize("NFKC") : text;
    t = t.trim().toUpperCase().replace(/[\s\u00a0\-_.\u2010-\u2013]/g, "");
    if (t.length !== 8) return null;
    for (var i = 0; i < t.length; i++) if (CODE_ALPHABET.indexOf(t[i]) < 0) return null;
    return t;
  }
  var keyPromise = null;
  function publicKey() {
    if (!keyPromise && sync && sync.public_key && window.crypto && crypto.subtle) {
      var raw = Uint8Array.from(atob(sync.public_key), function (c) { return c.charCodeAt(0); });
      keyPromise = crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]).catch(function () {
        return null;  // no Ed25519 in this browser: fall back to the synced ticket list
      });
    }
    return keyPromise || Promise.resolve(null);
  }
  function ticketIndex() {
    var byTicket = {}, byCode = {}, refused = {};
    if (sync) {
      (sync.tickets || []).forEach(function (t) { byTicket[t.ticket_id] = t; byCode[t.code] = t; });
      (sync.revoked || []).forEach(function (t) { refused[t.ticket_id] = t; refused["c:" + t.code] = t; });
    }
    return { byTicket: byTicket, byCode: byCode, refused: refused };
  }
  function refusalReason(status) { return status === "cancelled" ? "cancelled" : "not_confirmed"; }

  // Decide a scan on this device alone. Resolves to {kind, reason, person, keys}.
  function decideOffline(text) {
    var idx = ticketIndex();
    var parsed = parseTicket(text);
    if (parsed) {
      if (parsed.eventId !== eventId) return Promise.resolve({ kind: "bad", reason: "wrong_event" });
      return publicKey().then(function (key) {
        var known = idx.byTicket[parsed.ticketId];
        var verified = key
          ? crypto.subtle.verify({ name: "Ed25519" }, key, parsed.blob.slice(16, 80), parsed.blob.slice(0, 16))
          : Promise.resolve(!!known);  // without WebCrypto Ed25519, only tickets from the last sync pass
        return verified.then(function (ok) {
          if (!ok) return { kind: "bad", reason: "invalid" };
          var refused = idx.refused[parsed.ticketId];
          if (refused) return { kind: "bad", reason: refusalReason(refused.status) };
          if (parsed.mode === 2 || (known && known.mode === "online")) return { kind: "bad", reason: "online_mode", person: known };
          return { kind: "ok", person: known, keys: ["t:" + parsed.ticketId, known ? "c:" + known.code : null] };
        });
      });
    }
    var code = normalizeCode(text);
    if (!code) return Promise.resolve({ kind: "bad", reason: "malformed" });
    if (idx.refused["c:" + code]) return Promise.resolve({ kind: "bad", reason: refusalReason(idx.refused["c:" + code].status) });
    var person = idx.byCode[code];
    if (!person) return Promise.resolve({ kind: "bad", reason: "invalid" });
    if (person.mode === "online") return Promise.resolve({ kind: "bad", reason: "online_mode", person: person });
    return Promise.resolve({ kind: "ok", person: person, keys: ["t:" + person.ticket_id, "c:" + code] });
  }

  function offlineScan(item, t0) {
    return decideOffline(item.ticket).then(function (d) {
      var person = d.person ? { name: d.person.name, institution: d.person.institution, mode: d.person.mode, code: d.person.code } : null;
      if (d.kind !== "ok") {
        show("bad", T[d.reason] || T.error, personLine(person), personDetail(person), { reason: d.reason, t0: t0 });
        return;
      }
      var slot = currentSlotKey();
      if (item.kind === "entry") {
        var seen = knownAdmit(slot, d.keys);
        if (seen) {
          show("warn", T.already_checked_in, personLine(person), firstLine({ scanned_at: seen.at, gate: seen.gate }),
            { reason: "already_checked_in", t0: t0 });
          return;
        }
        rememberAdmit(slot, d.keys, item.scanned_at, item.gate);
      }
      queue.push(item);
      save("queue", queue);
      showStatus();
      show("ok", T.ok_offline, person ? person.name : T.ok_unsynced, personDetail(person), { reason: "ok", t0: t0 });
    });
  }

  // ------------------------------------------------------------------ talking to the server
  function api(url, opts) {
    opts = opts || {};
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, opts.timeout || 5000) : null;
    return fetch(url, {
      method: opts.method || "GET",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: opts.body ? JSON.stringify(opts.body) : undefined,
      signal: ctrl ? ctrl.signal : undefined
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  function submitScan(text, source, extra) {
    var t0 = performance.now();
    var item = {
      ticket: text, event_id: eventId, session_id: slotSel.value ? Number(slotSel.value) : null,
      gate: gateIn.value.trim(), kind: kindSel.value, nonce: newNonce(), scanned_at: new Date().toISOString(),
      device: deviceId(), source: source
    };
    if (extra && extra.override) item.override = true;
    if (!navigator.onLine) return offlineScan(item, t0);
    return api(root.dataset.api, { method: "POST", body: item }).then(function (resp) {
      if (resp.status === 401 || resp.status === 403) {
        show("bad", T.error, "", T.session_expired, { reason: "forbidden", t0: t0 });
        return null;
      }
      if (resp.status >= 500) throw new Error("server");
      return resp.json().then(function (body) { handleAnswer(resp.status, body, item, t0); });
    }).catch(function () {
      return offlineScan(item, t0);  // network gone or server unreachable: decide here, send later
    });
  }

  function handleAnswer(status, body, item, t0) {
    var reg = body.registration;
    if (status === 201 && body.status === "ok") {
      if (item.kind === "entry") rememberAdmit(body.checkin.slot, ["c:" + reg.code], body.checkin.scanned_at, body.checkin.gate);
      show("ok", T.ok, personLine(reg), personDetail(reg), { reason: "ok", t0: t0 });
      if (queue.length) flushQueue();
      return;
    }
    var reason = body.reason || body.error || "error";
    if (reason === "already_checked_in") {
      show("warn", T.already_checked_in, personLine(reg), firstLine(body.first_checkin), { reason: reason, t0: t0 });
    } else if (reason === "online_mode" && root.dataset.canOverride === "1") {
      show("bad", T.online_mode, personLine(reg), personDetail(reg), { reason: reason, t0: t0, overrideText: item.ticket });
    } else if (reason === "online_mode") {
      show("bad", T.online_mode, personLine(reg), T.online_hint, { reason: reason, t0: t0 });
    } else {
      show("bad", T[reason] || T.error, personLine(reg), reg ? personDetail(reg) : (body.message || ""), { reason: reason, t0: t0 });
    }
  }

  var flushing = false;
  function flushQueue() {
    if (flushing || !queue.length || !navigator.onLine) return Promise.resolve();
    flushing = true;
    var batch = queue.slice(0, 200);
    return api(root.dataset.batch, { method: "POST", body: { event_id: eventId, items: batch }, timeout: 20000 })
      .then(function (resp) {
        if (resp.status !== 200) throw new Error("batch " + resp.status);
        return resp.json();
      })
      .then(function (body) {
        var answered = {};
        body.results.forEach(function (r) { if (r.nonce) answered[r.nonce] = r; });
        queue = load("queue", []).filter(function (it) { return !answered[it.nonce]; });
        save("queue", queue);
        root.dataset.sent = String(Number(root.dataset.sent || 0) + batch.length);
      })
      .catch(function () { /* still offline: try again later */ })
      .finally(function () { flushing = false; showStatus(); });
  }

  function refreshSync() {
    if (!navigator.onLine) return Promise.resolve();
    return api(root.dataset.sync, { timeout: 15000 }).then(function (resp) {
      if (resp.status !== 200) return;
      return resp.json().then(function (data) {
        if (!sync || sync.public_key !== data.public_key) keyPromise = null;
        sync = data;
        save("sync", sync);
        root.dataset.synced = "1";
        showStatus();
      });
    }).catch(function () { /* offline: keep the last sync */ });
  }

  // ------------------------------------------------------------------ manual search
  function renderResults(items, note) {
    var list = $("search-results");
    list.textContent = "";
    if (note) {
      var li0 = document.createElement("li");
      li0.className = "muted";
      li0.textContent = note;
      list.appendChild(li0);
    }
    if (!items.length) {
      var none = document.createElement("li");
      none.textContent = T.no_results;
      list.appendChild(none);
      return;
    }
    items.forEach(function (r) {
      var li = document.createElement("li");
      var text = document.createElement("span");
      // Only a confirmed registration gets a Check-in button; others show their status label instead.
      var usable = r.can_check_in !== false;
      text.textContent = r.name + " · " + (r.institution || "") + " · " + r.code;
      li.appendChild(text);
      if (usable) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.className = "btn small primary";
        btn.textContent = T.checkin;
        btn.addEventListener("click", function () { list.textContent = ""; submitScan(r.code, "manual"); });
        li.appendChild(btn);
      } else {
        var badge = document.createElement("span");
        badge.className = "badge status-closed";
        badge.textContent = r.status_label || T.not_usable;
        li.appendChild(badge);
      }
      list.appendChild(li);
    });
  }
  // The server's rule, offline: each typed word starts some word of the name or instansi, accents and case
  // ignored ("setia" finds "Sétiawan"), or the text is the code.
  function foldedWords(value) {
    return (value || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  function searchOffline(text) {
    var typed = foldedWords(text);
    var code = normalizeCode(text);
    var hits = ((sync && sync.tickets) || []).filter(function (t) {
      if (code && t.code === code) return true;
      if (!typed.length || !t.name) return false;
      var mine = foldedWords(t.name + " " + (t.institution || ""));
      return typed.every(function (w) { return mine.some(function (m) { return m.indexOf(w) === 0; }); });
    }).slice(0, 20).map(function (t) { return { name: t.name, institution: t.institution, code: t.code, mode: t.mode }; });
    renderResults(hits, T.offline_search);
  }
  function search(text) {
    if (!navigator.onLine) return searchOffline(text);
    $("search-results").textContent = T.searching;
    api(root.dataset.search + "?q=" + encodeURIComponent(text)).then(function (resp) { return resp.json(); })
      .then(function (body) { renderResults(body.items || []); })
      .catch(function () { searchOffline(text); });
  }

  // ------------------------------------------------------------------ typed / USB-wedge input
  $("scan-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    input.value = "";
    if (!text) { hide(); return; }
    hide();
    $("search-results").textContent = "";
    if (/^BT1/i.test(text) || normalizeCode(text)) submitScan(text, "scan");
    else search(text);
  });
  // Keep the focus on the input so a USB scanner's keystrokes always land there.
  function refocus() {
    var a = document.activeElement;
    if (!a || a === document.body || a === answer) input.focus();
  }
  input.addEventListener("blur", function () { setTimeout(refocus, 150); });
  document.addEventListener("keydown", function (e) {
    if (e.target === input || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(e.target.tagName)) return;
    if (e.key.length === 1 || e.key === "Enter") input.focus();
  });

  // ------------------------------------------------------------------ camera
  var video = $("video"), canvas = $("frame"), ctx2d = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null, facing = "environment", torchOn = false, detector = null, scanning = false, decoding = false;
  var lastText = "", lastAt = 0, lastHiddenAt = 0;
  if ("BarcodeDetector" in window) {
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
  }
  function stopCamera() {
    scanning = false;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    $("cam-stop").hidden = true; $("cam-switch").hidden = true; $("torch").hidden = true;
    $("cam-start").hidden = false;
  }
  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      $("camera-msg").textContent = T.camera_error;
      return Promise.resolve();
    }
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    return navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: facing, width: { ideal: 1280 }, height: { ideal: 720 } } })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        $("cam-start").hidden = true; $("cam-stop").hidden = false;
        $("camera-msg").textContent = "";
        return video.play();
      })
      .then(function () {
        var track = stream.getVideoTracks()[0];
        var caps = track.getCapabilities ? track.getCapabilities() : {};
        $("torch").hidden = !caps.torch;
        return navigator.mediaDevices.enumerateDevices();
      })
      .then(function (devices) {
        $("cam-switch").hidden = devices.filter(function (d) { return d.kind === "videoinput"; }).length < 2;
        scanning = true;
        root.dataset.camera = "on";
        tick();
      })
      .catch(function (err) {
        $("camera-msg").textContent = T.camera_error + " " + (err && err.name ? "(" + err.name + ")" : "");
      });
  }
  function decodeFrame() {
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return Promise.resolve(null);
    if (detector) {
      return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; })
        .catch(function () { detector = null; return null; });
    }
    var scale = Math.min(1, 800 / Math.max(w, h));
    canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
    ctx2d.drawImage(video, 0, 0, canvas.width, canvas.height);
    var img = ctx2d.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR ? window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" }) : null;
    return Promise.resolve(code ? code.data : null);
  }
  function tick() {
    if (!scanning) return;
    if (decoding || !answer.hidden || video.readyState < 2) { setTimeout(tick, 100); return; }
    decoding = true;
    var frameAt = performance.now();
    decodeFrame().then(function (text) {
      decoding = false;
      if (text) onDecoded(text, frameAt);
      setTimeout(tick, 80);
    });
  }
  function onDecoded(text, frameAt) {
    var now = Date.now();
    // The same code still in front of the camera: wait a moment before answering it again.
    var cooldown = rapidBox.checked ? 3000 : 1500;
    if (text === lastText && (now - lastAt < cooldown || now - lastHiddenAt < 1000)) return;
    lastText = text; lastAt = now;
    var t0 = frameAt;
    submitScan(text, "scan").then(function () {
      if (root.dataset.lastLatency) root.dataset.frameToAnswer = String(Math.round(performance.now() - t0));
    });
  }
  $("cam-start").addEventListener("click", startCamera);
  $("cam-stop").addEventListener("click", stopCamera);
  $("cam-switch").addEventListener("click", function () {
    facing = facing === "environment" ? "user" : "environment";
    startCamera();
  });
  $("torch").addEventListener("click", function () {
    if (!stream) return;
    torchOn = !torchOn;
    stream.getVideoTracks()[0].applyConstraints({ advanced: [{ torch: torchOn }] }).catch(function () {});
  });

  // ------------------------------------------------------------------ offline shell: service worker + cache
  function cacheShell() {
    if (!("caches" in window)) return Promise.resolve();
    var urls = [location.pathname].concat((root.dataset.assets || "").split(" ").filter(Boolean));
    return caches.open(CACHE).then(function (cache) { return cache.addAll(urls); })
      .then(function () { root.dataset.cached = "1"; })
      .catch(function () { /* offline already: the cached copy stays */ });
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { root.dataset.swState = "ready"; return navigator.onLine ? cacheShell() : null; })
      .catch(function () { /* no service worker (plain http on a LAN address): online use still works */ });
  }

  // Participant data kept for offline use stays on the device only as long as it is needed (UU PDP):
  // staff clear it after the event; pending scans must be sent first.
  $("clear-offline").addEventListener("click", function () {
    if (queue.length) { $("clear-msg").textContent = T.clear_pending; return; }
    if (!window.confirm(T.clear_confirm)) return;
    ["sync", "queue", "admits", "setup"].forEach(function (k) { localStorage.removeItem(PREFIX + k); });
    sync = null; admits = {}; keyPromise = null;
    var done = function () { $("clear-msg").textContent = T.cleared; root.dataset.cleared = "1"; };
    if ("caches" in window) caches.delete(CACHE).then(done, done); else done();
  });

  window.addEventListener("online", function () { showStatus(); flushQueue().then(refreshSync); });
  window.addEventListener("offline", showStatus);
  setInterval(function () { flushQueue(); }, 10000);
  setInterval(refreshSync, 60000);
  showStatus();
  refreshSync().then(flushQueue);
  input.focus();
})();
