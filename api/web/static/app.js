// Shared by every page: a form with data-confirm asks first (no inline handlers: the CSP).
(function () {
  "use strict";
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
