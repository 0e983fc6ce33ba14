/*
 * baocao-grid.js: spreadsheet behaviour of the data-entry grid drawn by
 * baocao.renderers.render_entry_form. Vanilla JavaScript, no build step.
 *
 * - keyboard moves like Excel: Tab / Shift+Tab, Enter / Shift+Enter, arrow keys;
 * - paste of a tab-separated block copied from Excel, from the focused cell;
 * - Vietnamese numbers (1.234,5), formatted back on leaving the cell;
 * - recalculation while typing: POST {"changed": {...}} to data-recalc-url
 *   (debounced, one request in flight) and apply {"computed": {...},
 *   "errors": {...}}; or a calculator function set with BaocaoGrid.get(root).setCalculator(fn);
 * - a "baocao:change" event on the form element for autosave, a dirty flag and
 *   a warning before leaving with unsaved changes;
 * - sheet tabs and adding / removing rows of repeatable groups.
 *
 * Every [data-baocao-form] element is initialised on DOMContentLoaded; the
 * platform may also call BaocaoGrid.init(element) for forms added later.
 */
(function (global) {
  "use strict";

  var NUMERIC = { integer: true, decimal: true, percent: true, number: true };

  /* ---------- numbers (mirror of baocao/renderers/numbers.py) ---------- */

  /** Number typed by a Vietnamese user; null when blank, NaN when not a number. */
  function parseNumber(text) {
    var s = String(text == null ? "" : text).replace(/[\s\u00a0]/g, "");
    if (s === "") return null;
    var negative = s.charAt(0) === "(" && s.charAt(s.length - 1) === ")";
    s = s.replace(/^\(|\)$/g, "");
    var hasComma = s.indexOf(",") >= 0;
    var hasDot = s.indexOf(".") >= 0;
    if (hasComma && hasDot) {
      var decimalMark = s.lastIndexOf(",") > s.lastIndexOf(".") ? "," : ".";
      var groupMark = decimalMark === "," ? "." : ",";
      s = s.split(groupMark).join("").replace(decimalMark, ".");
    } else if (hasComma) {
      s = (s.split(",").length === 2) ? s.replace(",", ".") : s.split(",").join("");
    } else if (s.split(".").length > 2 || /^-?\d{1,3}\.\d{3}$/.test(s)) {
      s = s.split(".").join("");
    }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) return NaN;
    var n = parseFloat(s);
    return negative ? -n : n;
  }

  function roundHalfAway(value, decimals) {
    var sign = value < 0 ? -1 : 1;
    var shifted = Number(Math.abs(value) + "e" + decimals);
    var rounded = Number(Math.round(shifted) + "e-" + decimals);
    if (!isFinite(rounded)) rounded = Number(Math.abs(value).toFixed(decimals));
    return sign * rounded;
  }

  function groupThousands(digits) {
    var head = digits.length % 3 || 3;
    var parts = [digits.slice(0, head)];
    for (var i = head; i < digits.length; i += 3) parts.push(digits.slice(i, i + 3));
    return parts.join(".");
  }

  function formatDecimal(value, decimals, grouping) {
    var rounded = roundHalfAway(value, decimals);
    var text = Math.abs(rounded).toFixed(decimals);
    var dot = text.indexOf(".");
    var integer = dot >= 0 ? text.slice(0, dot) : text;
    var fraction = dot >= 0 ? text.slice(dot + 1) : "";
    if (grouping) integer = groupThousands(integer);
    var sign = rounded < 0 ? "-" : "";
    return sign + integer + (fraction ? "," + fraction : "");
  }

  function formatGeneral(value) {
    if (Number.isInteger(value) && Math.abs(value) < 1e11) return String(value);
    var text = Number(value.toPrecision(10)).toString();
    if (text.indexOf("e") >= 0) {
      var parts = value.toPrecision(10).split("e");
      var mantissa = parts[0].replace(/\.?0+$/, "");
      return mantissa.replace(".", ",") + "E" + (parts[1].charAt(0) === "-" ? "" : "+") + parts[1].replace("+", "");
    }
    return text.replace(".", ",");
  }

  /** Display text of a value for a format code written by the server (data-fmt). */
  function formatValue(value, code) {
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
    code = code || "g";
    if (code === "d" && typeof value === "string") {
      var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
      return m ? m[3] + "/" + m[2] + "/" + m[1] : value;
    }
    if (typeof value !== "number") return String(value);
    var spec = /^([np])(\d+)(,?)$/.exec(code);
    if (spec && spec[1] === "n") return formatDecimal(value, +spec[2], spec[3] === ",");
    if (spec && spec[1] === "p") return formatDecimal(value * 100, +spec[2], spec[3] === ",") + "%";
    return formatGeneral(value);
  }

  function parseDate(text) {
    var s = String(text || "").trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
    var m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(s);
    if (!m) return null;
    var pad = function (x) { return (x.length < 2 ? "0" : "") + x; };
    return m[3] + "-" + pad(m[2]) + "-" + pad(m[1]);
  }

  /* ---------- the grid controller ---------- */

  function Grid(root) {
    this.root = root;
    this.url = root.getAttribute("data-recalc-url");
    var delay = parseInt(root.getAttribute("data-recalc-delay"), 10);
    this.delay = isNaN(delay) ? 0 : delay;
    this.pending = {};
    this.timer = null;
    this.inFlight = false;
    this.calculator = null;
    this.dirty = false;
    this.counter = 0;
    this.indexComputed();
    this.bind();
    this.fixSticky();
  }

  Grid.prototype.message = function (name, fields) {
    var text = this.root.getAttribute("data-msg-" + name) || name;
    Object.keys(fields || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(fields[key]);
    });
    return text;
  };

  /** Maps from data key to computed cell and to control; dropped caches of positions. */
  Grid.prototype.indexComputed = function () {
    var map = {};
    var controls = {};
    this.root.querySelectorAll("td.bc-c[data-key]").forEach(function (td) {
      map[td.getAttribute("data-key")] = td;
    });
    this.root.querySelectorAll(".bc-in").forEach(function (el) {
      controls[el.getAttribute("data-key")] = el;
    });
    this.computedCells = map;
    this.controlsByKey = controls;
    this.layouts = new Map();
  };

  Grid.prototype.bind = function () {
    var self = this;
    var root = this.root;
    root.addEventListener("keydown", function (e) { self.onKeyDown(e); });
    root.addEventListener("input", function (e) {
      if (isControl(e.target) && e.target.tagName !== "SELECT") self.onEdit(e.target);
    });
    root.addEventListener("change", function (e) {
      if (isControl(e.target) && (e.target.tagName === "SELECT" || e.target.type === "date")) self.onEdit(e.target);
    });
    root.addEventListener("focusout", function (e) { if (isControl(e.target)) self.reformat(e.target); });
    root.addEventListener("paste", function (e) { if (isControl(e.target)) self.onPaste(e); });
    root.addEventListener("click", function (e) { self.onClick(e); });
  };

  function isControl(el) { return el && el.classList && el.classList.contains("bc-in"); }

  Grid.prototype.kind = function (el) { return el.getAttribute("data-kind") || "text"; };

  /** Value of a control as data: number, boolean, ISO date, text, or null when blank. */
  Grid.prototype.readValue = function (el) {
    var kind = this.kind(el);
    if (kind === "narrative") return el.innerHTML.trim() === "" ? null : el.innerHTML;
    var raw = el.value;
    if (kind === "boolean") return raw === "" ? null : raw === "true";
    if (NUMERIC[kind]) {
      var n = parseNumber(String(raw).replace(/%$/, ""));
      if (n === null || isNaN(n)) return n;
      if (kind === "percent") n = n / 100;
      return n;
    }
    return raw === "" ? null : raw;
  };

  /** Client-side check of one control; returns the message or "". */
  Grid.prototype.check = function (el, value) {
    var kind = this.kind(el);
    if (NUMERIC[kind] && typeof value === "number" && isNaN(value)) return this.message("not-number");
    if (typeof value !== "number") return "";
    var min = el.getAttribute("data-min");
    var max = el.getAttribute("data-max");
    if (min !== null && value < Number(min)) return this.message("below-min", { min: formatGeneral(Number(min)) });
    if (max !== null && value > Number(max)) return this.message("above-max", { max: formatGeneral(Number(max)) });
    return "";
  };

  Grid.prototype.showError = function (td, messages) {
    td.querySelectorAll(".bc-err").forEach(function (node) { node.remove(); });
    var control = td.querySelector(".bc-in");
    if (!messages || !messages.length) {
      td.classList.remove("bc-invalid");
      if (control) control.removeAttribute("aria-invalid");
      return;
    }
    var box = document.createElement("div");
    box.className = "bc-err";
    box.setAttribute("role", "alert");
    box.textContent = messages.join(" ");
    td.appendChild(box);
    td.classList.add("bc-invalid");
    if (control) control.setAttribute("aria-invalid", "true");
  };

  Grid.prototype.onEdit = function (el) {
    var value = this.readValue(el);
    var problem = this.check(el, value);
    this.showError(el.closest("td"), problem ? [problem] : []);
    var changed = {};
    changed[el.getAttribute("data-key")] = (typeof value === "number" && isNaN(value)) ? el.value : value;
    this.changed(changed);
  };

  /** Record changes: dirty flag, "baocao:change" event, recalculation. */
  Grid.prototype.changed = function (changed) {
    var self = this;
    var keys = Object.keys(changed);
    if (!keys.length) return;
    this.dirty = true;
    this.root.setAttribute("data-dirty", "true");
    keys.forEach(function (key) {
      var value = changed[key];
      if (!(typeof value === "string" && self.isNumericKey(key) && isNaN(parseNumber(value)))) {
        self.pending[key] = value;
      }
    });
    this.root.dispatchEvent(new CustomEvent("baocao:change", {
      bubbles: true,
      detail: { key: keys.length === 1 ? keys[0] : null, value: keys.length === 1 ? changed[keys[0]] : undefined, changed: changed }
    }));
    this.schedule();
  };

  Grid.prototype.isNumericKey = function (key) {
    var el = this.control(key);
    return !!el && !!NUMERIC[this.kind(el)];
  };

  Grid.prototype.control = function (key) {
    return this.controlsByKey[key] || null;
  };

  Grid.prototype.schedule = function () {
    var self = this;
    if (!this.url && !this.calculator) return;
    clearTimeout(this.timer);
    if (this.delay > 0) {
      this.timer = setTimeout(function () { self.flush(); }, this.delay);
    } else {
      // Before the next frame: rendering a large grid must not delay the request.
      // Bursts still coalesce: changes made while a request is in flight wait for it.
      Promise.resolve().then(function () { self.flush(); });
    }
  };

  /** Send the pending changes; one request at a time keeps the server state in order. */
  Grid.prototype.flush = function () {
    var self = this;
    if (this.inFlight || !Object.keys(this.pending).length) return;
    var changed = this.pending;
    this.pending = {};
    this.inFlight = true;
    var result;
    if (this.calculator) {
      result = Promise.resolve().then(function () { return self.calculator(changed, self); });
    } else {
      var headers = { "Content-Type": "application/json", "Accept": "application/json" };
      var token = this.root.getAttribute("data-csrf-token");
      if (token) headers["X-CSRFToken"] = token;
      result = fetch(this.url, {
        method: "POST", headers: headers, credentials: "same-origin",
        body: JSON.stringify({ changed: changed })
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
    }
    result.then(function (body) {
      self.status("");
      self.apply(body || {});
    }, function () {
      self.status(self.message("recalc-failed"));
    }).then(function () {
      self.inFlight = false;
      if (Object.keys(self.pending).length) self.flush();
    });
  };

  Grid.prototype.status = function (text) {
    var node = this.root.querySelector(".bc-recalc-status");
    if (node) node.textContent = text;
  };

  /** Apply {"computed": {key: value}, "errors": {key: [messages]}} (a bare map is "computed"). */
  Grid.prototype.apply = function (body) {
    var self = this;
    var computed = body.computed || (body.errors ? {} : body);
    Object.keys(computed).forEach(function (key) {
      var td = self.computedCells[key];
      if (!td) return;
      var span = td.querySelector(".bc-v");
      var text = formatValue(computed[key], td.getAttribute("data-fmt"));
      if (span.textContent !== text) {
        span.textContent = text;
        if (td.animate) {
          td.animate([{ backgroundColor: "#fff3b0" }],
            { duration: 600, easing: "ease-out" });
        }
      }
    });
    Object.keys(body.errors || {}).forEach(function (key) {
      var el = self.control(key);
      var td = el ? el.closest("td") : self.computedCells[key];
      var messages = body.errors[key];
      if (td) self.showError(td, typeof messages === "string" ? [messages] : messages);
    });
    this.root.dispatchEvent(new CustomEvent("baocao:recalc", { bubbles: true, detail: body }));
  };

  Grid.prototype.reformat = function (el) {
    var kind = this.kind(el);
    if (!NUMERIC[kind] || el.readOnly) return;
    var value = this.readValue(el);
    if (typeof value === "number" && !isNaN(value)) {
      el.value = formatValue(value, el.getAttribute("data-fmt"));
    }
  };

  /* ---------- navigation ---------- */

  /** Controls of el's sheet in document order, with their grid positions (cached). */
  Grid.prototype.sheetLayout = function (el) {
    var sheet = el.closest(".bc-sheet");
    var layout = this.layouts.get(sheet);
    if (!layout) {
      // Rows are counted over the whole sheet: a long sheet is several tables.
      var rowIndex = new Map();
      Array.prototype.forEach.call(sheet.querySelectorAll("tr"), function (tr, i) {
        rowIndex.set(tr, i);
      });
      var list = Array.prototype.slice.call(sheet.querySelectorAll(".bc-in"));
      var at = {};
      var positions = new Map();
      list.forEach(function (control) {
        var td = control.closest("td");
        var p = { row: rowIndex.get(td.parentElement), col: parseInt(td.getAttribute("data-c"), 10) };
        positions.set(control, p);
        at[p.row + ":" + p.col] = control;
      });
      layout = { list: list, at: at, positions: positions };
      this.layouts.set(sheet, layout);
    }
    return layout;
  };

  Grid.prototype.controls = function (el) { return this.sheetLayout(el).list; };

  Grid.prototype.cellAt = function (el, row, col) {
    return this.sheetLayout(el).at[row + ":" + col] || null;
  };

  /** Nearest control in a direction: same column for up/down, same row for left/right. */
  Grid.prototype.neighbour = function (el, dRow, dCol) {
    var layout = this.sheetLayout(el);
    var here = layout.positions.get(el);
    var best = null;
    var bestDistance = Infinity;
    layout.list.forEach(function (other) {
      if (other === el) return;
      var p = layout.positions.get(other);
      var distance;
      if (dRow !== 0) {
        if (p.col !== here.col || (p.row - here.row) * dRow <= 0) return;
        distance = Math.abs(p.row - here.row);
      } else {
        if (p.row !== here.row || (p.col - here.col) * dCol <= 0) return;
        distance = Math.abs(p.col - here.col);
      }
      if (distance < bestDistance) { best = other; bestDistance = distance; }
    });
    return best;
  };

  Grid.prototype.move = function (target) {
    if (!target) return false;
    target.focus();
    if (target.select && target.type !== "date") target.select();
    if (target.scrollIntoView) target.scrollIntoView({ block: "nearest", inline: "nearest" });
    return true;
  };

  function atEdge(el, forward) {
    if (el.tagName !== "INPUT" || el.type === "date") return el.tagName !== "SELECT" && el.type !== "date";
    var length = el.value.length;
    var start = el.selectionStart;
    var end = el.selectionEnd;
    if (start === 0 && end === length) return true;
    return start === end && (forward ? end === length : start === 0);
  }

  Grid.prototype.onKeyDown = function (e) {
    var el = e.target;
    if (!isControl(el)) { this.onTabKey(e); return; }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var narrative = this.kind(el) === "narrative";
    var list = this.controls(el);
    var index = list.indexOf(el);
    var target = null;
    if (e.key === "Tab") {
      target = list[index + (e.shiftKey ? -1 : 1)] || null;
    } else if (e.key === "Enter" && !narrative) {
      target = this.neighbour(el, e.shiftKey ? -1 : 1, 0) || (e.shiftKey ? null : list[index + 1]);
    } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && !narrative && el.tagName !== "SELECT" && el.type !== "date") {
      target = this.neighbour(el, e.key === "ArrowDown" ? 1 : -1, 0);
    } else if ((e.key === "ArrowRight" || e.key === "ArrowLeft") && !narrative && atEdge(el, e.key === "ArrowRight")) {
      target = this.neighbour(el, 0, e.key === "ArrowRight" ? 1 : -1);
    } else {
      return;
    }
    if (target) {
      e.preventDefault();
      this.move(target);
    } else if (e.key === "Enter") {
      e.preventDefault();
    }
  };

  /* ---------- paste from Excel ---------- */

  Grid.prototype.onPaste = function (e) {
    var el = e.target;
    var text = (e.clipboardData || global.clipboardData).getData("text");
    var block = text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
    if (block.indexOf("\t") < 0 && block.indexOf("\n") < 0) return;
    e.preventDefault();
    var start = this.sheetLayout(el).positions.get(el);
    var self = this;
    var changed = {};
    block.split("\n").forEach(function (line, i) {
      line.split("\t").forEach(function (cellText, j) {
        var target = self.cellAt(el, start.row + i, start.col + j);
        if (!target || target.readOnly || target.disabled) return;
        self.setText(target, cellText.trim());
        var value = self.readValue(target);
        var problem = self.check(target, value);
        self.showError(target.closest("td"), problem ? [problem] : []);
        changed[target.getAttribute("data-key")] = (typeof value === "number" && isNaN(value)) ? target.value : value;
      });
    });
    this.changed(changed);
  };

  /** Put pasted text into a control, converting it to what the control holds. */
  Grid.prototype.setText = function (el, text) {
    var kind = this.kind(el);
    if (el.tagName === "SELECT") {
      Array.prototype.forEach.call(el.options, function (option, i) {
        if (option.text === text || option.value === text) el.selectedIndex = i;
      });
    } else if (kind === "date") {
      el.value = parseDate(text) || "";
    } else if (kind === "narrative") {
      el.textContent = text;
    } else if (NUMERIC[kind]) {
      var n = parseNumber(text.replace(/%$/, ""));
      el.value = (typeof n === "number" && !isNaN(n)) ? formatValue(kind === "percent" ? n / 100 : n, el.getAttribute("data-fmt")) : text;
    } else {
      el.value = text;
    }
  };

  /* ---------- tabs, repeat groups, error links ---------- */

  Grid.prototype.onTabKey = function (e) {
    var tab = e.target.closest && e.target.closest(".bc-tab");
    if (!tab || (e.key !== "ArrowRight" && e.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(this.root.querySelectorAll(".bc-tab"));
    var next = tabs[(tabs.indexOf(tab) + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    this.selectTab(next);
    next.focus();
  };

  Grid.prototype.selectTab = function (tab) {
    var root = this.root;
    root.querySelectorAll(".bc-tab").forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      var panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
    this.fixSticky();
  };

  Grid.prototype.onClick = function (e) {
    var tab = e.target.closest(".bc-tab");
    if (tab) { this.selectTab(tab); return; }
    var add = e.target.closest(".bc-add");
    if (add) { this.addRow(add.getAttribute("data-repeat"), add.closest("tbody")); return; }
    var remove = e.target.closest(".bc-del");
    if (remove) { this.removeRow(remove.closest("tr")); return; }
    var link = e.target.closest("[data-focus]");
    if (link) {
      var target = document.getElementById(link.getAttribute("data-focus"));
      if (target) {
        e.preventDefault();
        var panel = target.closest(".bc-sheet");
        var owner = panel && this.root.querySelector('.bc-tab[aria-controls="' + panel.id + '"]');
        if (owner) this.selectTab(owner);
        this.move(target);
      }
    }
  };

  Grid.prototype.groupRows = function (name, tbody) {
    return Array.prototype.filter.call(tbody.querySelectorAll("tr.bc-rep"), function (tr) {
      return tr.getAttribute("data-repeat") === name;
    });
  };

  /** The group's min/max rows set by the designer (schema minItems/maxItems). */
  Grid.prototype.rowLimit = function (name, tbody, which) {
    var add = tbody.querySelector('.bc-add[data-repeat="' + name + '"]');
    var value = add && add.getAttribute("data-" + which + "-rows");
    return value === null || value === undefined ? null : parseInt(value, 10);
  };

  Grid.prototype.addRow = function (name, tbody) {
    var rows = this.groupRows(name, tbody);
    var max = this.rowLimit(name, tbody, "max");
    if (max !== null && rows.length >= max) return;
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    copy.querySelectorAll(".bc-in").forEach(function (el) {
      if (el.tagName === "SELECT") el.selectedIndex = 0;
      else if (el.getAttribute("contenteditable")) el.innerHTML = "";
      else el.value = "";
    });
    copy.querySelectorAll(".bc-err").forEach(function (node) { node.remove(); });
    copy.querySelectorAll(".bc-invalid").forEach(function (node) { node.classList.remove("bc-invalid"); });
    copy.querySelectorAll(".bc-v").forEach(function (node) { node.textContent = ""; });
    last.parentNode.insertBefore(copy, last.nextSibling);
    this.renumber(name, tbody);
    var first = copy.querySelector(".bc-in");
    if (first) this.move(first);
  };

  Grid.prototype.removeRow = function (tr) {
    var name = tr.getAttribute("data-repeat");
    var tbody = tr.parentNode;
    var min = Math.max(this.rowLimit(name, tbody, "min") || 0, 1);
    if (this.groupRows(name, tbody).length > min) {
      tr.remove();
    } else {
      tr.querySelectorAll(".bc-in").forEach(function (el) { el.value = ""; });
    }
    this.renumber(name, tbody);
  };

  /** Keys follow the row order: group[i].D; template rows keep their computed addresses. */
  Grid.prototype.renumber = function (name, tbody) {
    var self = this;
    var add = tbody.querySelector('.bc-add[data-repeat="' + name + '"]');
    var templateRows = parseInt(add.getAttribute("data-template-rows"), 10) || 0;
    var firstRow = parseInt(add.getAttribute("data-first-row"), 10) || 0;
    var sheet = tbody.closest(".bc-sheet").getAttribute("data-sheet");
    var rows = this.groupRows(name, tbody);
    rows.forEach(function (tr, index) {
      tr.setAttribute("data-index", index);
      tr.querySelectorAll(".bc-in").forEach(function (el) {
        var key = name + "[" + index + "]." + el.getAttribute("data-col");
        el.setAttribute("data-index", index);
        el.setAttribute("data-key", key);
        el.setAttribute("name", key);
        if (!el.id || self.root.querySelectorAll("#" + CSS.escape(el.id)).length > 1) {
          self.counter += 1;
          el.id = self.root.id + "-n" + self.counter;
        }
      });
      tr.querySelectorAll("td.bc-c[data-col]").forEach(function (td) {
        var letter = td.getAttribute("data-col");
        td.setAttribute("data-key", index < templateRows ? sheet + "!" + letter + (firstRow + index) : name + "[" + index + "]." + letter);
      });
    });
    this.indexComputed();
    var max = this.rowLimit(name, tbody, "max");
    var addButton = tbody.querySelector('.bc-add[data-repeat="' + name + '"]');
    if (addButton && max !== null) addButton.disabled = rows.length >= max;
    var change = {};
    change[name] = this.collectGroup(name, tbody);
    this.changed(change);
  };

  Grid.prototype.collectGroup = function (name, tbody) {
    var self = this;
    return this.groupRows(name, tbody).map(function (tr) {
      var item = {};
      tr.querySelectorAll(".bc-in").forEach(function (el) {
        var value = self.readValue(el);
        item[el.getAttribute("data-col")] = (typeof value === "number" && isNaN(value)) ? el.value : value;
      });
      return item;
    });
  };

  /** All data of the form: addresses, and arrays for repeatable groups. */
  Grid.prototype.collect = function () {
    var self = this;
    var data = {};
    this.root.querySelectorAll(".bc-in").forEach(function (el) {
      var value = self.readValue(el);
      if (typeof value === "number" && isNaN(value)) value = el.value;
      var group = el.getAttribute("data-repeat");
      if (group) {
        var list = data[group] || (data[group] = []);
        var index = parseInt(el.getAttribute("data-index"), 10);
        list[index] = list[index] || {};
        list[index][el.getAttribute("data-col")] = value;
      } else {
        data[el.getAttribute("data-key")] = value;
      }
    });
    return data;
  };

  Grid.prototype.setCalculator = function (fn) { this.calculator = fn; };

  Grid.prototype.markSaved = function () {
    this.dirty = false;
    this.root.removeAttribute("data-dirty");
  };

  /** Row labels stick only when the sheet is wider than its box: thousands of
   * sticky cells cost the browser time on every frame. (The frozen header rows
   * are one sticky box, drawn by the server.) */
  Grid.prototype.fixSticky = function () {
    this.root.querySelectorAll(".bc-scroll").forEach(function (box) {
      if (box.offsetParent === null) return;
      box.classList.toggle("bc-hscroll", box.scrollWidth > box.clientWidth + 1);
    });
  };

  /* ---------- registry ---------- */

  var grids = [];

  function init(root) {
    if (root.__baocaoGrid) return root.__baocaoGrid;
    var grid = new Grid(root);
    root.__baocaoGrid = grid;
    grids.push(grid);
    return grid;
  }

  global.addEventListener("beforeunload", function (e) {
    var dirty = grids.filter(function (g) { return g.dirty && document.body.contains(g.root); });
    if (!dirty.length) return undefined;
    e.preventDefault();
    e.returnValue = dirty[0].message("unsaved");
    return e.returnValue;
  });

  var resizeTimer = null;
  global.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { grids.forEach(function (g) { g.fixSticky(); }); }, 150);
  });

  function initAll() {
    document.querySelectorAll("[data-baocao-form]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();

  global.BaocaoGrid = {
    init: init,
    get: function (root) { return root.__baocaoGrid || null; },
    parseNumber: parseNumber,
    formatValue: formatValue
  };
})(window);
