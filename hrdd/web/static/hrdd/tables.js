// On a phone every table row reads as a card: each cell is labelled with its column's heading (data-label, shown
// by hrdd.css under 600 px). Without JavaScript the table scrolls inside itself instead. A table marked
// class="no-stack" keeps its grid.
(function () {
  "use strict";

  function headings(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) { return null; }
    var names = [];
    Array.prototype.forEach.call(head.rows[head.rows.length - 1].cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i += 1) { names.push(cell.textContent.replace(/\s+/g, " ").trim()); }
    });
    return names;
  }

  function label(table) {
    if (table.classList.contains("no-stack") || table.classList.contains("stackable")) { return; }
    var names = headings(table);
    if (!names) { return; }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var span = cell.colSpan || 1;
          if (span === 1 && names[column]) { cell.setAttribute("data-label", names[column]); }
          column += span;
        });
      });
    });
    table.classList.add("stackable");
  }

  function labelAll() { document.querySelectorAll("main table").forEach(label); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", labelAll);
  } else {
    labelAll();
  }
})();

