// Paceline page behaviour that works without htmx: confirm destructive plain forms.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// The top bar's drop-down menus ("More", the account menu) close on a click elsewhere or Escape.
function closeMenus(except) {
  document.querySelectorAll("details.dropdown[open]").forEach((menu) => {
    if (menu !== except) menu.removeAttribute("open");
  });
}
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  closeMenus(target ? target.closest("details.dropdown") : null);
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeMenus(null);
});

// A form inside [data-swap-errors] answers a refusal (4xx) with itself and the reason: swap it
// in like a success, so the person reads why (htmx leaves error responses out by default).
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status >= 400 && status < 500 && event.detail.elt.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
