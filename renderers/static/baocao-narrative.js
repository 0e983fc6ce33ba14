/* baocao narrative editor: one contenteditable box per outline section, a
 * minimal toolbar (paragraph, heading, bold, italic, underline, lists, table),
 * live word counts and autosave. Vanilla, no build step, no dependency. Its
 * words follow the page's language (#bc-i18n-narrative).
 *
 * The server is the only place HTML is trusted: it cleans every save with nh3.
 * Saves share the page's version counter with the data grid: both go through
 * window.BaocaoSaveQueue (one request at a time) and read the version from
 * #submission[data-version], so a linked report never conflicts with itself.
 */
(function () {
  "use strict";
  var WORD = /[\p{L}\p{N}_]+(?:[-'\u2019.,][\p{L}\p{N}_]+)*/gu;
  var queue = window.BaocaoSaveQueue = window.BaocaoSaveQueue || {
    tail: Promise.resolve(),
    run: function (task) {
      var next = this.tail.then(task, task);
      this.tail = next.catch(function () {});
      return next;
    }
  };
  var root = document.getElementById("narrative");
  var page = document.getElementById("submission");
  if (!root || !page) { return; }
  var status = document.getElementById("narrative-status");
  var token = document.getElementById("narrative-csrf").value;
  var timer = null, dirty = false, stopped = false;
  var TEXT = pageStrings("bc-i18n-narrative", {
    words: "từ",
    at_most: "tối đa",
    saved: "Đã lưu phần thuyết minh lúc",
    conflict: "Không lưu được: báo cáo đã được {actor} lưu lúc {time} sau khi anh/chị mở trang. Nội dung của anh/chị chưa ghi đè lên bản đó; hãy sao chép phần đã viết rồi tải lại trang.",
    not_saved: "Chưa lưu được phần thuyết minh:",
    server_error: "lỗi máy chủ",
    offline: "Chưa lưu được: mất kết nối tới máy chủ, sẽ thử lại khi có thay đổi.",
    waiting: "Đang chờ lưu…"
  });

  /* Words in the page's language, embedded by the page (#bc-i18n-narrative, from
   * baocao.platform.views.script_strings); Vietnamese when the page gives none. */
  function pageStrings(id, fallback) {
    var node = document.getElementById(id);
    var given = {};
    try { given = node ? JSON.parse(node.textContent) : {}; } catch (e) { given = {}; }
    var text = {};
    Object.keys(fallback).forEach(function (key) {
      text[key] = typeof given[key] === "string" ? given[key] : fallback[key];
    });
    return text;
  }

  function words(el) { var m = (el.innerText || "").match(WORD); return m ? m.length : 0; }
  function show(text, kind) { status.textContent = text; status.className = "text-" + kind; }
  function count(section) {
    var editor = section.querySelector(".bc-nar-editor");
    var n = words(editor), limit = +section.dataset.limit || 0;
    var label = section.querySelector(".bc-nar-count");
    label.textContent = n + " " + TEXT.words + (limit ? " / " + TEXT.at_most + " " + limit : "");
    label.classList.toggle("over", limit > 0 && n > limit);
    section.classList.toggle("is-missing", section.dataset.required === "true" && n === 0);
    return n;
  }
  function total() {
    var sum = 0;
    root.querySelectorAll(".bc-nar-section").forEach(function (s) { sum += count(s); });
    document.getElementById("narrative-total").textContent = sum;
  }
  function collect() {
    var sections = {};
    root.querySelectorAll(".bc-nar-editor").forEach(function (el) { sections[el.dataset.key] = el.innerHTML; });
    return sections;
  }
  function setVersion(version) {
    page.setAttribute("data-version", version);
    document.querySelectorAll("#submission [name=version]").forEach(function (el) { el.value = version; });
  }
  function save() {
    if (stopped) { return; }
    queue.run(function () {
      var body = {sections: collect(), version: +page.getAttribute("data-version")};
      return fetch(root.dataset.saveUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
        body: JSON.stringify(body)
      }).then(function (r) { return r.json().then(function (b) { return {status: r.status, body: b}; }); });
    }).then(function (res) {
      if (res.status === 200) {
        setVersion(res.body.version);
        dirty = false;
        var now = new Date();
        show(TEXT.saved + " " + String(now.getHours()).padStart(2, "0") + ":" +
          String(now.getMinutes()).padStart(2, "0"), "success");
      } else if (res.status === 409 && res.body.last_save) {
        stopped = true;
        var last = res.body.last_save;
        show(TEXT.conflict.split("{actor}").join(last.actor).split("{time}").join(last.time), "danger");
      } else {
        stopped = res.status === 409;
        show(TEXT.not_saved + " " + (res.body.message || TEXT.server_error), "danger");
      }
    }, function () { show(TEXT.offline, "danger"); });
  }
  function changed() {
    dirty = true;
    total();
    show(TEXT.waiting, "muted");
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }
  var TABLE = "<table><tbody><tr><th>&nbsp;</th><th>&nbsp;</th><th>&nbsp;</th></tr>" +
    "<tr><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr></tbody></table><p><br></p>";
  root.addEventListener("mousedown", function (event) {
    if (event.target.closest(".bc-nar-toolbar button")) { event.preventDefault(); }  // keep the selection
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest(".bc-nar-toolbar button");
    if (!button) { return; }
    var editor = button.closest(".bc-nar-section").querySelector(".bc-nar-editor");
    if (!editor.contains(document.activeElement) && document.activeElement !== editor) { editor.focus(); }
    var cmd = button.dataset.cmd;
    if (cmd === "table") { document.execCommand("insertHTML", false, TABLE); }
    else { document.execCommand(cmd, false, button.dataset.arg || null); }
    changed();
  });
  root.addEventListener("input", function (event) { if (event.target.closest(".bc-nar-editor")) { changed(); } });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  total();
})();
