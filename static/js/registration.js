// Registration form enhancements; the form works fully without them.
// 1) The kabupaten/kota select lists only the chosen province (fetched from /regions/<code>.json).
// 2) NIP and pangkat are shown only for PNS and PPPK.
(function () {
  "use strict";
  var form = document.getElementById("registration-form");
  if (!form) { return; }

  var province = form.querySelector("[name=province_code]");
  var regency = form.querySelector("[name=regency_code]");
  var urlTemplate = form.getAttribute("data-regions-url");
  var placeholder = regency ? regency.options[0].cloneNode(true) : null;

  function fillRegencies(items, keep) {
    regency.textContent = "";
    regency.appendChild(placeholder.cloneNode(true));
    items.forEach(function (item) {
      var opt = document.createElement("option");
      opt.value = item.code;
      opt.textContent = item.name;
      if (item.code === keep) { opt.selected = true; }
      regency.appendChild(opt);
    });
  }

  function loadRegencies() {
    var code = province.value;
    if (!code) { fillRegencies([], ""); return; }
    fetch(urlTemplate.replace("__CODE__", encodeURIComponent(code)), { headers: { "Accept": "application/json" } })
      .then(function (resp) { return resp.ok ? resp.json() : []; })
      .then(function (items) {
        // Keep the choice as it is when the list arrives (a person may pick from the full list meanwhile);
        // a late answer for a province no longer chosen is dropped.
        if (province.value === code) { fillRegencies(items, regency.value); }
      })
      .catch(function () { /* offline: keep the full list rendered by the server */ });
  }

  if (province && regency && urlTemplate) {
    province.addEventListener("change", loadRegencies);
    if (province.value) { loadRegencies(); }
  }

  var asn = form.querySelectorAll("[data-show-for]");
  function toggleAsn(clear) {
    var checked = form.querySelector("[name=employment_status]:checked");
    var status = checked ? checked.value : "";
    asn.forEach(function (block) {
      var show = block.getAttribute("data-show-for").split(" ").indexOf(status) !== -1;
      block.classList.toggle("is-hidden", !show);
      if (!show && clear === true) { block.querySelectorAll("input").forEach(function (i) { i.value = ""; }); }
    });
  }
  form.querySelectorAll("[name=employment_status]").forEach(function (r) { r.addEventListener("change", function () { toggleAsn(true); }); });
  toggleAsn();
})();
