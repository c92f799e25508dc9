// Lava's web UI: live rows and facts over Server-Sent Events, and the log viewer. No framework, no build step.
"use strict";

// Rows and facts marked data-job / data-device follow /ui/live/jobs and /ui/live/devices.
function liveFields(selector, key, data) {
  document.querySelectorAll(selector).forEach(function (el) {
    el.querySelectorAll("[data-field]").forEach(function (field) {
      var name = field.getAttribute("data-field");
      if (!(name in data) || data[name] === null) return;
      var value = String(data[name]);
      if (name === "currentJob") { field.innerHTML = ""; var a = document.createElement("a"); a.href = "/jobs/" + value; a.textContent = value; field.appendChild(a); return; }
      if (field.textContent === value) return;
      field.textContent = value;
      field.className = field.className.replace(/\b[sh]-\w+/g, "") + (name === "state" ? " s-" + value : name === "health" ? " h-" + value : "");
    });
  });
}

// The unfiltered first page of the job list shows new jobs at its top as they are submitted.
function addJobRow(job) {
  var table = document.querySelector("table.jobs[data-live=jobs]");
  if (!table || location.pathname !== "/jobs" || location.search !== "") return;
  var body = table.tBodies[0], first = body.rows[0];
  if (first && parseInt(first.getAttribute("data-job"), 10) > job.id) return;
  var row = body.insertRow(0);
  row.setAttribute("data-job", job.id);
  var cells = [["", ""], ["", job.description], ["state", job.state], ["health", job.health], ["tests", job.tests], ["device", job.device || job.deviceType], ["", job.submitter], ["", job.submitTime]];
  cells.forEach(function (c, k) {
    var cell = row.insertCell();
    if (c[0]) cell.setAttribute("data-field", c[0]);
    if (k === 0) { var a = document.createElement("a"); a.href = "/jobs/" + job.id; a.textContent = job.displayId; cell.appendChild(a); }
    else cell.textContent = c[1];
  });
}

// The job page's action timings come from results stored as actions end: fetched again, at most a few times a second.
var timingsPending = null;
function refreshTimings() {
  var table = document.getElementById("timings");
  if (!table || timingsPending) return;
  timingsPending = setTimeout(function () {
    fetch(location.pathname + "?handler=Timings", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { timingsPending = null; if (html) document.getElementById("timings").outerHTML = html; });
  }, 300);
}

// The lab page's counts: read again (as the viewer may see them) when a job or a device changes. A change that comes
// while a read is under way is followed by another read: the one under way may have been answered before it.
var countsPending = null, countsAgain = false;
function refreshCounts() {
  if (!document.querySelector("[data-live=counts]")) return;
  if (countsPending) { countsAgain = true; return; }
  countsPending = setTimeout(function () {
    countsAgain = false;
    fetch("/?handler=Counts", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; })
      .then(function (counts) {
        countsPending = null;
        if (counts) {
          Object.keys(counts).forEach(function (key) {
            var el = document.querySelector("[data-count='" + key + "']");
            if (el) el.textContent = String(counts[key]);
          });
        }
        if (countsAgain) refreshCounts();
      });
  }, 300);
}

function followLive() {
  var jobs = document.querySelectorAll("[data-job], table.jobs[data-live=jobs], [data-live=counts]");
  var devices = document.querySelectorAll("[data-device]");
  if (jobs.length > 0) {
    var single = document.querySelector("[data-live=job]");
    // The unfinished jobs a list shows: their state as of the connection comes first, so that a row rendered just
    // before a change it would otherwise miss does not stay stale.
    var shown = [];
    document.querySelectorAll("tr[data-job]").forEach(function (row) {
      var state = row.querySelector("[data-field=state]");
      if (shown.length < 100 && (!state || state.textContent.trim() !== "Finished")) shown.push(row.getAttribute("data-job"));
    });
    var source = new EventSource("/ui/live/jobs" + (single ? "?job=" + single.getAttribute("data-job")
      : shown.length > 0 ? "?shown=" + shown.join(",") : ""));
    // A change between the page's render (or a lost connection) and this connection: counts are read again.
    source.addEventListener("open", refreshCounts);
    source.addEventListener("job", function (e) {
      var job = JSON.parse(e.data);
      if (!document.querySelector("[data-job='" + job.id + "']")) addJobRow(job);
      liveFields("[data-job='" + job.id + "']:not(.log)", job.id, job);
      // A job that is ending or ended can no longer be canceled.
      var cancel = document.getElementById("cancel-form");
      if (cancel && single && (job.state === "Canceling" || job.state === "Finished")) cancel.remove();
      if (single) refreshTimings();
      refreshCounts();
    });
  }
  if (devices.length > 0) {
    var one = document.querySelector("[data-live=device]");
    var deviceSource = new EventSource("/ui/live/devices" + (one ? "?device=" + encodeURIComponent(one.getAttribute("data-device")) : ""));
    deviceSource.addEventListener("open", refreshCounts);
    deviceSource.addEventListener("device", function (e) {
      var device = JSON.parse(e.data);
      liveFields("[data-device='" + device.hostname + "']", device.hostname, device);
      refreshCounts();
    });
  }
}

// LAVA's log line: `- {"dt": "...", "lvl": "...", "msg": ...}`, YAML flow style with double-quoted scalars,
// !!int/!!float tags and nested maps. A small reader for exactly that; anything else is shown as it is.
function parseLogLine(text) {
  var i = text.indexOf("{"), s = text;
  function ws() { while (s[i] === " ") i++; }
  function str() {
    var out = ""; i++;
    while (i < s.length && s[i] !== '"') {
      var c = s[i++];
      if (c !== "\\") { out += c; continue; }
      var e = s[i++];
      var simple = { "0": "\0", a: "\x07", b: "\b", t: "\t", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1b", '"': '"', "\\": "\\", "/": "/", " ": " ", N: "\x85", _: "\xa0", L: "\u2028", P: "\u2029" };
      if (e in simple) out += simple[e];
      else { var n = e === "x" ? 2 : e === "u" ? 4 : 8; out += String.fromCodePoint(parseInt(s.substr(i, n), 16)); i += n; }
    }
    i++;
    return out;
  }
  function value() {
    ws();
    if (s.startsWith("!!", i)) { while (s[i] !== " ") i++; ws(); }
    if (s[i] === '"') return str();
    if (s[i] === "{") return map();
    var start = i; while (i < s.length && s[i] !== "," && s[i] !== "}") i++;
    return s.slice(start, i).trim();
  }
  function map() {
    var m = {}; i++; ws();
    while (i < s.length && s[i] !== "}") {
      ws(); var k = s[i] === '"' ? str() : value(); ws(); i++; // ':'
      m[k] = value(); ws();
      if (s[i] === ",") i++;
      ws();
    }
    i++;
    return m;
  }
  try { if (i < 0) throw 0; var r = map(); return r.lvl ? r : null; } catch (err) { return null; }
}

function LogViewer(root) {
  var job = root.getAttribute("data-job");
  var lines = root.querySelector("#log-lines");
  var follow = root.querySelector("#follow");
  var count = root.querySelector("#log-count");
  var lo = 0, hi = 0, total = 0, live = null, loading = false, stack = [];
  var top = document.createElement("div"); top.className = "more"; top.textContent = "…";
  lines.appendChild(top);

  function render(n, text, frag) {
    var rec = parseLogLine(text);
    var row = document.createElement("div");
    var lvl = rec ? rec.lvl : "target";
    var msg = !rec ? text : typeof rec.msg === "string" ? rec.msg
      : lvl === "results" && rec.msg.case ? "results: " + rec.msg.definition + " " + rec.msg.case + " " + rec.msg.result + (rec.msg.measurement ? " " + rec.msg.measurement + " " + (rec.msg.units || "") : "")
      : JSON.stringify(rec.msg);
    row.className = "l lvl-" + lvl;
    row.id = "L" + n;
    var a = document.createElement("a"); a.href = "#L" + n; a.textContent = n;
    var span = document.createElement("span"); span.textContent = msg;
    row.appendChild(a); row.appendChild(span);
    var m = /^start: ([0-9.]+) /.exec(msg);
    if (m) { row.classList.add("start"); row.setAttribute("data-action", m[1]); }
    // Timing per action: an end line's duration is shown on its start line too, where the fold is.
    var end = /^end: ([0-9.]+) \S+ \(duration ([0-9:]+)\)/.exec(msg);
    if (end) {
      var selector = ".l.start[data-action='" + end[1] + "']";
      var start = frag.querySelector(selector) || lines.querySelector(selector);
      if (start && !start.querySelector(".took")) { var took = document.createElement("span"); took.className = "took"; took.textContent = end[2]; start.appendChild(took); }
    }
    return row;
  }

  // Folding: a start line hides the lines after it up to the end line of its action.
  lines.addEventListener("click", function (e) {
    var row = e.target.closest(".l.start");
    if (!row || e.target.tagName === "A") return;
    var action = row.getAttribute("data-action");
    var fold = !row.classList.contains("folded");
    row.classList.toggle("folded", fold);
    for (var next = row.nextElementSibling; next; next = next.nextElementSibling) {
      var text = next.children[1] ? next.children[1].textContent : "";
      if (text.indexOf("end: " + action + " ") === 0) break;
      next.classList.toggle("hidden", fold);
    }
  });

  // Line ranges come from the master's line index: opening any log reads only the lines shown.
  function fetchRange(query) {
    return fetch("/ui/jobs/" + job + "/log?" + query, { credentials: "same-origin" }).then(function (r) { return r.json(); });
  }

  function append(from, texts) {
    var frag = document.createDocumentFragment();
    texts.forEach(function (t, k) { frag.appendChild(render(from + k, t, frag)); });
    lines.appendChild(frag);
    hi = from + texts.length;
    total = Math.max(total, hi);
    showCount();
    if (follow.checked) lines.scrollTop = lines.scrollHeight;
  }

  function prepend(from, texts) {
    var before = lines.scrollHeight;
    var frag = document.createDocumentFragment();
    texts.forEach(function (t, k) { frag.appendChild(render(from + k, t, frag)); });
    lines.insertBefore(frag, top.nextSibling);
    lo = from;
    lines.scrollTop += lines.scrollHeight - before;
    top.textContent = lo > 0 ? "… " + lo + " earlier lines" : "start of log";
  }

  function showCount() { count.textContent = total + " lines"; }

  function loadEarlier() {
    if (loading || lo === 0) return;
    loading = true;
    var from = Math.max(0, lo - 500);
    fetchRange("start=" + from + "&end=" + lo).then(function (r) { prepend(from, r.lines); loading = false; });
  }

  function loadLater() {
    if (loading || live || hi >= total) return;
    loading = true;
    fetchRange("start=" + hi + "&end=" + (hi + 500)).then(function (r) {
      total = Math.max(total, r.total);
      append(r.start, r.lines);
      loading = false;
      if (hi >= total) goLive();
    });
  }

  function goLive() {
    if (root.getAttribute("data-finished") === "true" && hi >= total) return;
    live = new EventSource("/ui/jobs/" + job + "/log/live?start=" + hi);
    live.onmessage = function (e) {
      var n = parseInt(e.lastEventId, 10);
      if (n !== hi) return;
      append(n, [e.data]);
      if (/"msg": "end: /.test(e.data)) refreshTimings();
    };
    live.addEventListener("end", function () { live.close(); root.setAttribute("data-finished", "true"); });
  }

  lines.addEventListener("scroll", function () {
    if (lines.scrollTop < 200) loadEarlier();
    if (lines.scrollTop + lines.clientHeight > lines.scrollHeight - 200) loadLater();
    if (lines.scrollTop + lines.clientHeight < lines.scrollHeight - 20) follow.checked = false;
  });

  var target = /^#L(\d+)$/.exec(location.hash);
  var first = target ? fetchRange("start=" + Math.max(0, parseInt(target[1], 10) - 100) + "&end=" + (parseInt(target[1], 10) + 400)) : fetchRange("tail=500");
  first.then(function (r) {
    total = r.total; lo = r.start; hi = r.start;
    top.textContent = lo > 0 ? "… " + lo + " earlier lines" : "start of log";
    if (target) follow.checked = false;
    append(r.start, r.lines);
    if (target) {
      var row = document.getElementById("L" + target[1]);
      if (row) { row.classList.add("hl"); row.scrollIntoView({ block: "center" }); }
      if (hi < total) return;
    }
    goLive();
  });
  window.addEventListener("hashchange", function () { location.reload(); });
}

document.addEventListener("DOMContentLoaded", function () {
  followLive();
  var log = document.getElementById("log");
  if (log) LogViewer(log);
});
