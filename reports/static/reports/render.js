// Downloads on the edition page: ask the server to render, then poll the job until the file is
// ready, showing its progress. Without this script the forms still work (the server redirects).
(function () {
  "use strict";
  var POLL_MS = 700;

  function show(form, job) {
    var status = form.querySelector(".render-status");
    if (job.status === "done" && job.file) {
      var link = document.createElement("a");
      link.href = job.file;
      link.className = "download";
      link.textContent = form.querySelector("[name=format]").value.toUpperCase();
      var button = form.querySelector("button");
      if (button) { button.replaceWith(link); }
      status.textContent = "✓";
      return true;
    }
    if (job.status === "failed" || job.error) {
      status.textContent = "✗ " + (job.error || "");
      var again = form.querySelector("button");
      if (again) { again.disabled = false; }
      return true;
    }
    var bar = status.querySelector("progress");
    if (!bar) {
      status.textContent = "";
      bar = document.createElement("progress");
      bar.max = 100;
      status.appendChild(bar);
    }
    bar.value = job.progress || 0;
    bar.textContent = (job.progress || 0) + "%";
    return false;
  }

  function poll(form, url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) { if (!show(form, job)) { setTimeout(function () { poll(form, url); }, POLL_MS); } })
      .catch(function () { setTimeout(function () { poll(form, url); }, POLL_MS * 3); });
  }

  document.querySelectorAll("form.render-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      show(form, { status: "queued", progress: 0 });
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (job) { if (!show(form, job)) { poll(form, job.status_url); } })
        .catch(function () { show(form, { status: "failed", error: "" }); });
    });
  });
})();
