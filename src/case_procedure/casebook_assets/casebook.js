/* Norm set switcher for a case page. Without JavaScript every norm set's replay is shown,
   one after the other, and the switcher stays hidden. */
(function () {
  "use strict";
  var switcher = document.getElementById("normset-switch");
  if (!switcher) { return; }
  var panels = Array.prototype.slice.call(document.querySelectorAll(".panel[data-normset]"));
  var cells = Array.prototype.slice.call(document.querySelectorAll("[data-normset-col]"));
  var radios = Array.prototype.slice.call(switcher.querySelectorAll("input[name=normset]"));
  var status = document.getElementById("switch-status");
  var current = null;

  function show(id) {
    current = id;
    panels.forEach(function (panel) { panel.hidden = panel.getAttribute("data-normset") !== id; });
    cells.forEach(function (cell) {
      cell.classList.toggle("selected", cell.getAttribute("data-normset-col") === id);
    });
    radios.forEach(function (radio) { radio.checked = radio.value === id; });
    var panel = document.getElementById("panel-" + id);
    if (status && panel) { status.textContent = panel.getAttribute("data-status"); }
  }

  switcher.hidden = false;
  if (status) { status.hidden = false; }
  switcher.addEventListener("change", function (event) {
    if (event.target && event.target.name === "normset") { show(event.target.value); }
  });
  var checked = radios.filter(function (radio) { return radio.checked; })[0] || radios[0];
  if (checked) { show(checked.value); }
  window.addEventListener("beforeprint", function () {
    panels.forEach(function (panel) { panel.hidden = false; });
  });
  window.addEventListener("afterprint", function () { if (current) { show(current); } });
}());
