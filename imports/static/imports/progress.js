// Polls the upload's progress until it is finished, then reloads to show the result.
(function () {
  var box = document.getElementById("upload-progress");
  if (!box || box.dataset.finished === "true") return;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".progress-text");
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (p) {
      var total = p.rows_total || 0, done = p.rows_imported || p.rows_validated || 0;
      if (total) { bar.max = total; bar.value = done; }
      text.textContent = p.status_label + (total ? " — " + done + " / " + total : "");
      if (p.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
