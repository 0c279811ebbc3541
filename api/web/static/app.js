// Shared by every page: a form with data-confirm asks first (no inline handlers: the CSP).
(function () {
  "use strict";
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  // A file field with data-max-bytes refuses a file over the server's limit before the form
  // is sent: the server would turn the whole body away unread, and what was typed with it.
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.maxBytes) return;
    const limit = Number(input.dataset.maxBytes);
    const big = Array.from(input.files || []).some((file) => file.size > limit);
    input.setCustomValidity(big ? input.dataset.tooLarge || "" : "");
    if (big) input.reportValidity();
  });
})();
