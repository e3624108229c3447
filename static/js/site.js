// Every page: the copy buttons of the share and cite tools.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector(".copy-status");
    input.select();
    var done = function () { if (status) status.textContent = input.dataset.citable !== undefined ? "Citable link copied." : "Link copied."; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected link.";
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
