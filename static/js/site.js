// What every page shares on small screens: the header's menu folds behind a button, and every
// table sits in a box that scrolls sideways and says so when the table is wider than the box.
// Without this script the menu stays open and wide tables still scroll in their boxes.
(function () {
  "use strict";
  // Loaded in <head>, before the first paint: site.css folds the menu only on scripted pages.
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var header = document.querySelector("header.site");
    var button = header && header.querySelector(".menu-toggle");
    if (!button) { return; }
    function show(open) {
      button.setAttribute("aria-expanded", String(open));
      header.classList.toggle("menu-open", open);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        show(false);
        button.focus();
      }
    });
  }

  // Tables the templates did not put in a box get one: the rule holds for every page, staff
  // pages and the report included, whoever writes the next table.
  function box(table) {
    var existing = table.parentElement.closest(".scroll");
    if (existing) { return existing; }
    var wrapper = document.createElement("div");
    wrapper.className = "scroll";
    table.parentNode.insertBefore(wrapper, table);
    wrapper.appendChild(table);
    return wrapper;
  }

  function watch(wrapper, template) {
    var table = wrapper.querySelector("table");
    // The cue sits inside the box, held at its left edge while the table scrolls.
    var cue = template.content.firstElementChild.cloneNode(true);
    cue.hidden = true;
    wrapper.insertBefore(cue, wrapper.firstChild);
    var caption = table && table.querySelector("caption");
    function update() {
      // A closed <details> has no width: nothing overflows until it opens.
      var scrollable = wrapper.clientWidth > 0 && wrapper.scrollWidth > wrapper.clientWidth + 1;
      wrapper.classList.toggle("is-scrollable", scrollable);
      cue.hidden = !scrollable;
      if (scrollable) {
        // A scrolling box must be reachable with the keyboard (arrow keys scroll it) and named.
        wrapper.tabIndex = 0;
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", caption ? caption.textContent.trim() : cue.textContent.trim());
      } else {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    }
    update();
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(update);
      observer.observe(wrapper);
      if (table) { observer.observe(table); }
    } else {
      window.addEventListener("resize", update);
    }
  }

  // A stacked table (site.css turns its rows into cards on a phone) names each cell by its
  // column; cells the template did not label take their column header's text.
  function label(table) {
    if (!table.tHead || !table.tHead.rows.length || table.querySelector("[rowspan]")) { return; }
    var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
      return cell.colSpan > 1 ? "" : cell.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (tbody) {
      Array.prototype.forEach.call(tbody.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (cell.tagName === "TD" && cell.colSpan === 1 && headers[index] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headers[index]);
          }
        });
      });
    });
  }

  function setUpTables() {
    var template = document.getElementById("scroll-cue");
    var main = document.querySelector("main");
    if (!template || !main) { return; }
    var boxes = [];
    main.querySelectorAll("table").forEach(function (table) {
      if (table.classList.contains("stack")) { label(table); }
      var wrapper = box(table);
      if (boxes.indexOf(wrapper) < 0) { boxes.push(wrapper); }
    });
    boxes.forEach(function (wrapper) { watch(wrapper, template); });
  }

  function ready() {
    setUpMenu();
    setUpTables();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
