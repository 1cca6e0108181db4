// Downloads on the edition page: ask the server to render, then follow the rendering until the
// file is ready, showing a bar that moves with it and its step in words; at the end, plainly ready
// (the link replaces the button) or failed, with the reason. Without this script the forms still
// work (the server redirects). The words come from the server, in the reader's language.
//
// While the request to render is under way, the page follows the newest rendering of that file
// (with Celery eager, as in `make run`, the request returns only once the file is made); once the
// request answers, it follows the job it names.
(function () {
  "use strict";
  var POLL_MS = 700;
  var panel = document.querySelector(".downloads-panel");
  if (!panel) { return; }
  var lastJob = Number(panel.dataset.lastJob || 0);

  function parts(form) {
    var status = form.querySelector(".render-status");
    var bar = status.querySelector("progress");
    var words = status.querySelector(".render-step");
    if (!bar) {
      bar = document.createElement("progress");
      bar.max = 100;
      words = document.createElement("span");
      words.className = "render-step";
      status.textContent = "";
      status.appendChild(bar);
      status.appendChild(words);
    }
    return { status: status, bar: bar, words: words };
  }

  function finish(form, text, state) {
    var status = form.querySelector(".render-status");
    status.textContent = text;
    status.className = "render-status " + state;
  }

  // Shows the job; answers true when there is nothing more to wait for.
  function show(form, job) {
    var button = form.querySelector("button");
    if (job.status === "done" && job.file) {
      var link = document.createElement("a");
      link.href = job.file;
      link.className = "download";
      link.textContent = form.querySelector("[name=format]").value.toUpperCase();
      if (button) { button.replaceWith(link); }
      finish(form, "✓ " + job.label, "done");
      return true;
    }
    if (job.status === "failed" || job.error) {
      finish(form, "✗ " + (job.error || job.label || ""), "failed");
      if (button) { button.disabled = false; }
      return true;
    }
    var p = parts(form);
    p.status.className = "render-status running";
    if (job.indeterminate) {
      p.bar.removeAttribute("value"); // an animated bar: waiting, nothing measured yet
      p.words.textContent = job.label;
    } else {
      p.bar.value = job.progress || 0;
      p.words.textContent = job.label + " · " + (job.progress || 0) + "\u00a0%";
    }
    p.bar.textContent = (job.progress || 0) + "\u00a0%";
    return false;
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.status === 204 ? null : response.json(); });
  }

  function follow(form) {
    var state = { job: null, over: false };
    var newest = panel.dataset.statusUrl + "?" + new URLSearchParams({
      language: form.querySelector("[name=language]").value,
      format: form.querySelector("[name=format]").value,
      after: String(lastJob),
    });
    function tick() {
      if (state.over) { return; }
      getJson(state.job ? state.job.status_url : newest)
        .then(function (job) {
          if (state.over) { return; }
          if (job && show(form, job)) { state.over = true; return; }
          setTimeout(tick, POLL_MS);
        })
        .catch(function () { if (!state.over) { setTimeout(tick, POLL_MS * 3); } });
    }
    setTimeout(tick, POLL_MS);
    return state;
  }

  document.querySelectorAll("form.render-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      show(form, { status: "queued", indeterminate: true, label: panel.dataset.textAsking });
      var state = follow(form);
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (state.over) { return; }
          if (job.id) { lastJob = Math.max(lastJob, job.id); state.job = job; }
          if (show(form, job)) { state.over = true; }
        })
        .catch(function () {
          if (!state.over) {
            state.over = true;
            show(form, { status: "failed", error: panel.dataset.textUnreachable });
          }
        });
    });
  });
})();
