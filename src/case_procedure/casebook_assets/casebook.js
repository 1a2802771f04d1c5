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

/* The index of cases: search, filters and sorting over the rows' data-* attributes. Without JavaScript
   the controls stay hidden and the table lists every case. */
(function () {
  "use strict";
  var controls = document.getElementById("case-controls");
  var table = document.getElementById("case-index");
  if (!controls || !table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var count = document.getElementById("case-count");
  var field = function (id) { return document.getElementById(id); };
  var numeric = { year: true, hearings: true };

  function keep(row) {
    var words = field("case-search").value.trim().toLowerCase();
    var differs = field("filter-differs").value;
    return (!words || row.getAttribute("data-search").indexOf(words) !== -1) &&
      ["factory", "year", "fate"].every(function (key) {
        var wanted = field("filter-" + key).value;
        return !wanted || row.getAttribute("data-" + key) === wanted;
      }) &&
      (!differs || Number(row.getAttribute("data-differs-" + differs)) > 0);
  }

  function order(a, b) {
    var key = field("case-sort").value;
    var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
    if (numeric[key]) { x = Number(x); y = Number(y); }
    if (x < y) { return -1; }
    if (x > y) { return 1; }
    return a.getAttribute("data-accused") < b.getAttribute("data-accused") ? -1 : 1;
  }

  function update() {
    var shown = 0;
    rows.slice().sort(order).forEach(function (row) {
      body.appendChild(row);
      row.hidden = !keep(row);
      if (!row.hidden) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " cases shown";
  }

  controls.hidden = false;
  count.hidden = false;
  controls.addEventListener("input", update);
  controls.addEventListener("change", update);
  controls.addEventListener("submit", function (event) { event.preventDefault(); });
  update();
}());
