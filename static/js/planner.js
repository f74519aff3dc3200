// Paceline weekly planner: the dialog (add, edit, copy week, day card), drag and drop of
// sessions between days (SortableJS → the move endpoint) and the session clipboard (copy on
// one day, paste on another — kept in sessionStorage so it survives going to another week or
// another athlete's planner).
(() => {
  "use strict";

  const CLIPBOARD_KEY = "paceline.planner.clipboard";

  // --- dialog ---------------------------------------------------------------------------------
  const dialog = () => document.getElementById("planner-dialog");

  function openDialog() {
    const box = dialog();
    if (box && !box.open) box.showModal();
  }

  function closeDialog() {
    const box = dialog();
    if (box && box.open) box.close();
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "planner-dialog-body") openDialog();
  });
  document.body.addEventListener("planner-saved", closeDialog);
  document.addEventListener("click", (event) => {
    if (event.target.closest(".js-dialog-close")) closeDialog();
  });
  document.addEventListener("close", (event) => {
    if (event.target.id === "planner-dialog") {
      const body = document.getElementById("planner-dialog-body");
      if (body) body.replaceChildren();
    }
  }, true);

  // --- clipboard ------------------------------------------------------------------------------
  function clipboard() {
    try {
      return JSON.parse(window.sessionStorage.getItem(CLIPBOARD_KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  function showClipboard(root) {
    const copied = clipboard();
    root.querySelectorAll(".js-clipboard-id").forEach((input) => {
      input.value = copied ? String(copied.id) : "";
    });
    root.querySelectorAll(".plan-paste").forEach((form) => { form.hidden = !copied; });
    root.querySelectorAll(".planner-clipboard").forEach((bar) => {
      bar.hidden = !copied;
      const title = bar.querySelector(".js-clipboard-title");
      if (title) title.textContent = copied ? copied.title : "";
    });
  }

  document.addEventListener("click", (event) => {
    const copy = event.target.closest(".js-copy");
    if (copy) {
      const value = { id: Number(copy.dataset.id), title: copy.dataset.title };
      window.sessionStorage.setItem(CLIPBOARD_KEY, JSON.stringify(value));
      showClipboard(document);
      return;
    }
    if (event.target.closest(".js-clipboard-clear")) {
      window.sessionStorage.removeItem(CLIPBOARD_KEY);
      showClipboard(document);
    }
  });

  // Week copy: a group's button ticks every athlete of the group offered as a target.
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".js-select-group");
    if (!button) return;
    const ids = button.dataset.athletes.split(",");
    button.form.querySelectorAll("input[name=athletes]").forEach((box) => {
      if (ids.includes(box.value)) box.checked = true;
    });
  });

  // --- drag and drop --------------------------------------------------------------------------
  function onDrop(event) {
    const item = event.item;
    if (event.from === event.to && event.oldIndex === event.newIndex) return;
    const week = document.getElementById("planner-week");
    htmx.ajax("POST", item.dataset.moveUrl, {
      source: item,
      target: "#planner-week",
      swap: "outerHTML",
      values: {
        day: event.to.dataset.day,
        position: String(event.newIndex),
        week: week ? week.dataset.week : "",
      },
    });
  }

  function startSorting(root) {
    if (typeof Sortable === "undefined") return;
    root.querySelectorAll(".planner-week.is-editable .plan-sessions").forEach((list) => {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "on";
      Sortable.create(list, {
        group: "planner-sessions",
        handle: ".plan-handle",
        draggable: ".plan-session",
        animation: 150,
        ghostClass: "is-ghost",
        // The same pointer-driven dragging with a mouse, a pen or a finger.
        forceFallback: true,
        fallbackOnBody: true,
        onEnd: onDrop,
      });
    });
  }

  // Idempotent: lists already sortable are skipped; runs on load and after every swap.
  function start() {
    startSorting(document);
    showClipboard(document);
  }

  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:load", start);
})();
