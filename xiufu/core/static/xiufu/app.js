// xiufu pages: small progressive enhancements. Everything works without JavaScript.
"use strict";

// Upload progress: a form with data-progress="ID" shows its upload progress in <progress id=ID>.
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target.closest("form[data-progress]");
  if (!form || !event.detail.lengthComputable) return;
  const bar = document.getElementById(form.dataset.progress);
  if (bar) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});

// Confirmation for buttons that carry data-confirm (no inline handlers: the CSP forbids them).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
