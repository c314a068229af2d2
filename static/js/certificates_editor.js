// Visual field editor for an uploaded certificate background.
// The millimetre table of the settings form stays the source of truth (and the accessible fallback): dragging a
// field writes its x_mm / y_mm inputs, typing in the table moves the field, and the live PDF preview is the
// same form posted to the preview endpoint into an iframe.
(function () {
  "use strict";
  var editor = document.getElementById("cert-editor");
  var form = document.getElementById("settings-form");
  if (!editor || !form) { return; }
  var stage = editor.querySelector(".cert-stage");
  var previewButton = document.getElementById("cert-preview-live");
  var pageW = parseFloat(editor.getAttribute("data-page-w"));
  var pageH = parseFloat(editor.getAttribute("data-page-h"));
  var GRID = 1;          // mm: positions snap to a 1 mm grid
  var CENTRE_SNAP = 3;   // mm: a field whose centre comes this close to the page's centre line snaps onto it
  var MM_PER_PT = 25.4 / 72;
  var previewTimer = null;

  function field(name, key) { return form.elements["lf-" + name + "-" + key]; }

  function number(name, key, fallback) {
    var el = field(name, key);
    var value = el ? parseFloat(String(el.value).replace(",", ".")) : NaN;
    return isNaN(value) ? fallback : value;
  }

  function format(mm) { return String(Math.round(mm * 10) / 10); }

  function geometry(box) {
    var name = box.getAttribute("data-field");
    var graphic = box.getAttribute("data-graphic") === "1";
    var x = number(name, "x_mm", 0), y = number(name, "y_mm", 0), w = number(name, "width_mm", 50);
    var size = number(name, "size_pt", 12) * MM_PER_PT;
    // y is the first baseline of a text field (the top edge of a graphic): draw the box around the line.
    var top = graphic ? y : y - size * 0.8;
    var h = graphic ? w * (name === "signature" ? 0.45 : 1) : size * 1.1;
    return { name: name, graphic: graphic, x: x, y: y, w: w, top: top, h: h };
  }

  function place(box) {
    var on = field(box.getAttribute("data-field"), "on");
    box.hidden = !(on && on.checked);
    var g = geometry(box);
    box.style.left = (100 * g.x / pageW) + "%";
    box.style.top = (100 * g.top / pageH) + "%";
    box.style.width = (100 * g.w / pageW) + "%";
    box.style.height = (100 * g.h / pageH) + "%";
  }

  function placeAll() { Array.prototype.forEach.call(stage.querySelectorAll(".cert-field"), place); }

  function snap(x, y, w) {
    x = Math.round(x / GRID) * GRID;
    y = Math.round(y / GRID) * GRID;
    if (Math.abs(x + w / 2 - pageW / 2) <= CENTRE_SNAP) { x = pageW / 2 - w / 2; }
    x = Math.min(Math.max(x, 0), Math.max(0, pageW - w));
    y = Math.min(Math.max(y, 0), pageH);
    return { x: x, y: y };
  }

  function move(box, x, y) {
    var g = geometry(box);
    var p = snap(x, y, g.w);
    field(g.name, "x_mm").value = format(p.x);
    field(g.name, "y_mm").value = format(p.y);
    place(box);
    box.classList.toggle("centred", Math.abs(p.x + g.w / 2 - pageW / 2) < 0.05);
  }

  function refreshPreview() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(function () {
      if (previewButton) { previewButton.click(); }
    }, 400);
  }

  Array.prototype.forEach.call(stage.querySelectorAll(".cert-field"), function (box) {
    var start = null;
    box.addEventListener("pointerdown", function (e) {
      var g = geometry(box);
      start = { px: e.clientX, py: e.clientY, x: g.x, y: g.y };
      box.setPointerCapture(e.pointerId);
      box.classList.add("dragging");
      e.preventDefault();
    });
    box.addEventListener("pointermove", function (e) {
      if (!start) { return; }
      var mmPerPx = pageW / stage.clientWidth;
      move(box, start.x + (e.clientX - start.px) * mmPerPx, start.y + (e.clientY - start.py) * mmPerPx);
    });
    function end() {
      if (!start) { return; }
      start = null;
      box.classList.remove("dragging");
      refreshPreview();
    }
    box.addEventListener("pointerup", end);
    box.addEventListener("pointercancel", end);
    box.addEventListener("keydown", function (e) {
      var steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
      if (!steps) { return; }
      var g = geometry(box), k = e.shiftKey ? 5 : 1;
      move(box, g.x + steps[0] * k, g.y + steps[1] * k);
      refreshPreview();
      e.preventDefault();
    });
  });

  form.addEventListener("input", function (e) {
    if (e.target.name && e.target.name.indexOf("lf-") === 0) { placeAll(); }
  });
  form.addEventListener("change", function (e) {
    if (e.target.name && e.target.name.indexOf("lf-") === 0) { placeAll(); refreshPreview(); }
  });
  editor.classList.add("ready");
  placeAll();
})();
