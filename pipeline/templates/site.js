// Sortable tables: click a header to sort (the page works without this script).
(function () {
  "use strict";
  function cellValue(row, i) {
    var cell = row.cells[i];
    var t = cell ? cell.textContent.trim() : "";
    var n = t.replace(/\./g, "").replace(",", ".");
    return /^-?\d+(\.\d+)?$/.test(n) ? { num: true, v: parseFloat(n) } : { num: false, v: t.toLowerCase() };
  }
  function sortBy(table, th, i) {
    var body = table.tBodies[0];
    if (!body) return;
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, i), y = cellValue(b, i), r;
      if (x.num && y.num) r = x.v - y.v; else r = String(x.v).localeCompare(String(y.v), "vi");
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    Array.prototype.forEach.call(head.cells, function (th, i) {
      th.tabIndex = 0;
      th.title = "Bấm để sắp xếp (click to sort)";
      th.addEventListener("click", function () { sortBy(table, th, i); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(table, th, i); });
    });
  });
})();
