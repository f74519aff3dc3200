// The step list of the workout editor (templates/coaching/partials/_workout_editor.html).
// The text box is the source of truth: every change of the list is printed back to it by the
// server's canonical printer (POST workout_format), then previewed; typing in the text box
// rebuilds the list from the step JSON the preview returns. Values are SI in the tree
// (seconds, metres, m/s) and shown metric, as the text syntax prints them.
(() => {
  "use strict";

  const PACE_METRES = { swim: 100, row: 500 }; // a pace is per km otherwise
  const DEFAULT_PACE_S = { swim: 105, row: 120 }; // 5:00 otherwise
  const DEFAULT_TARGET = {
    zone: () => [2, 2],
    percent: () => [100, 100],
    hr: () => [150, 150],
    power: () => [200, 200],
    rpe: () => [5, 5],
    cadence: (sport) => (sport === "ride" ? [90, 90] : [170, 170]),
    pace: (sport) => {
      const speed = sport === "ride" ? 30 / 3.6 : perMetres(sport) / (DEFAULT_PACE_S[sport] || 300);
      return [speed, speed];
    },
  };

  const perMetres = (sport) => PACE_METRES[sport] || 1000;
  const number = (value) => String(Math.round(value * 100) / 100);

  function clock(seconds) {
    const total = Math.round(seconds * 100) / 100;
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total - hours * 3600) / 60);
    const rest = number(total - hours * 3600 - minutes * 60);
    const secs = (rest.split(".")[0].length < 2 ? "0" : "") + rest;
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
  }

  // "1:30:00", "4:30", "45s" or minutes ("10"); NaN when unreadable.
  function parseClock(text) {
    const value = text.trim().toLowerCase();
    if (/^\d+(\.\d+)?s$/.test(value)) return parseFloat(value);
    if (/^\d+(\.\d+)?$/.test(value)) return parseFloat(value) * 60;
    if (!/^\d+(:\d{1,2}){1,2}(\.\d+)?$/.test(value)) return NaN;
    return value.split(":").reduce((total, part) => total * 60 + parseFloat(part), 0);
  }

  const parseNumber = (text) => (/^\s*\d+(\.\d+)?\s*$/.test(text) ? parseFloat(text) : NaN);
  let editors = 0; // each editor drags within its own lists only

  class StepList {
    constructor(root) {
      this.root = root;
      this.text = root.querySelector("textarea");
      this.section = root.querySelector(".workout-list");
      this.list = this.section.querySelector(":scope > .wl-nodes");
      this.status = this.section.querySelector(".workout-list-status");
      this.words = JSON.parse(this.section.dataset.words);
      this.form = root.closest("form");
      this.fromList = false;
      this.timer = null;
      this.group = `workout-steps-${(editors += 1)}`;
      this.section.hidden = false;
      this.section.addEventListener("click", (event) => this.onClick(event));
      this.section.addEventListener("change", (event) => this.onChange(event));
      root.addEventListener("htmx:afterSwap", () => this.onPreview());
      // The sport changes what the text means, the day which thresholds estimate it.
      ["sport", "day"].forEach((name) => {
        const field = this.formField(name);
        if (field) field.addEventListener("change", () => htmx.trigger(root, "workout-changed"));
      });
    }

    formField(name) {
      const vals = JSON.parse(this.root.getAttribute("hx-vals") || "{}");
      return this.form ? this.form.elements.namedItem(vals[`${name}_field`] || name) : null;
    }

    sport() {
      const field = this.formField("sport");
      return (field && field.value) || "run";
    }

    say(message, isError) {
      this.status.textContent = message || "";
      this.status.classList.toggle("is-error", Boolean(isError));
    }

    // --- text → list ------------------------------------------------------------------------

    onPreview() {
      const data = this.root.querySelector(".workout-preview .workout-tree");
      if (this.fromList) {
        this.fromList = false;
        return;
      }
      if (!data) {
        this.say(this.words.stale, true);
        return;
      }
      this.render(JSON.parse(data.dataset.tree));
    }

    render(tree) {
      this.list.replaceChildren(...tree.map((node) => this.nodeElement(node)));
      this.bind();
      this.say(tree.length ? "" : this.words.empty);
    }

    nodeElement(node) {
      const kind = "repeat" in node ? "repeat" : "step";
      const template = this.section.querySelector(`template[data-wl-template="${kind}"]`);
      const item = template.content.firstElementChild.cloneNode(true);
      item.wlNode = node;
      if (kind === "repeat") {
        item.querySelector("[data-f=count]").value = node.repeat;
        const children = node.steps.map((child) => this.nodeElement(child));
        item.querySelector(".wl-nodes").replaceChildren(...children);
      } else {
        this.fill(item, node);
      }
      return item;
    }

    fill(item, node) {
      const field = (name) => item.querySelector(`[data-f=${name}]`);
      const target = node.target;
      field("intent").value = node.intent;
      field("dkind").value = node.duration.kind;
      field("dvalue").value = this.durationText(node.duration);
      field("tkind").value = target ? target.kind : "";
      field("tmode").value = target ? target.mode : "zone";
      field("low").value = target ? this.targetText(target, target.low) : "";
      const range = target && target.high !== target.low;
      field("high").value = range ? this.targetText(target, target.high) : "";
      field("note").value = node.note || "";
      this.showFields(item, node);
    }

    showFields(item, node) {
      const target = node.target;
      const open = node.duration.kind === "open";
      item.querySelector(".wl-dvalue").hidden = open;
      item.querySelector("[data-unit=duration]").textContent = this.words[node.duration.kind] || "";
      item.querySelectorAll(".wl-target").forEach((element) => { element.hidden = !target; });
      const fixed = target && (target.kind === "rpe" || target.kind === "cadence");
      item.querySelector("[data-f=tmode]").disabled = Boolean(fixed);
      item.querySelector("[data-unit=target]").textContent = target ? this.targetUnit(target) : "";
    }

    durationText(duration) {
      if (duration.kind === "time") return clock(duration.value);
      return duration.kind === "distance" ? number(duration.value) : "";
    }

    isPace(target) {
      return target.kind === "pace" && target.mode === "absolute";
    }

    targetText(target, value) {
      if (!this.isPace(target)) return number(value);
      return this.sport() === "ride" ? number(value * 3.6) : clock(perMetres(this.sport()) / value);
    }

    readTarget(target, text) {
      if (!this.isPace(target)) return parseNumber(text);
      if (this.sport() === "ride") return (parseNumber(text) * 1000) / 3600;
      return perMetres(this.sport()) / parseClock(text);
    }

    targetUnit(target) {
      const words = this.words;
      const sport = this.sport();
      if (target.mode === "zone") return words.zone;
      if (target.mode === "percent") return words.percent[target.kind] || "%";
      if (target.kind === "pace" && sport === "ride") return words.absolute.ride;
      if (target.kind === "pace") return words.pace[sport] || words.pace.other;
      if (target.kind === "cadence") return words.cadence[sport === "ride" ? "ride" : "other"];
      return words.absolute[target.kind];
    }

    // --- list → text ------------------------------------------------------------------------

    onClick(event) {
      const button = event.target.closest("button[data-wl]");
      if (!button) return;
      const item = button.closest(".wl-node");
      const action = button.dataset.wl;
      if (action === "add-step") {
        const list = item ? item.querySelector(".wl-nodes") : this.list;
        list.append(this.nodeElement(this.newStep("active")));
      } else if (action === "add-repeat") {
        const steps = [this.newStep("active"), this.newStep("recovery")];
        this.list.append(this.nodeElement({ repeat: 2, steps }));
      } else if (action === "duplicate") {
        item.after(this.nodeElement(JSON.parse(JSON.stringify(this.snapshot(item)))));
      } else if (action === "delete") {
        item.remove();
      } else if (action === "up" && item.previousElementSibling) {
        item.previousElementSibling.before(item);
      } else if (action === "down" && item.nextElementSibling) {
        item.nextElementSibling.after(item);
      }
      this.bind();
      this.changed();
    }

    newStep(intent) {
      return { intent, duration: { kind: "time", value: intent === "active" ? 300 : 120 } };
    }

    onChange(event) {
      const input = event.target.closest("[data-f]");
      const item = input && input.closest(".wl-node");
      if (!item) return;
      const valid = this.read(item, input.dataset.f);
      input.setAttribute("aria-invalid", valid ? "false" : "true");
      if (valid) this.changed();
      else this.say(this.words.invalid, true);
    }

    // Updates the item's node from the field `name` that changed; false when unreadable.
    read(item, name) {
      const node = item.wlNode;
      const value = item.querySelector(`[data-f=${name}]`).value;
      if (name === "count") {
        node.repeat = parseInt(value, 10);
        return node.repeat >= 1 && node.repeat <= 99;
      }
      if (name === "intent") node.intent = value;
      else if (name === "note") node.note = value.trim() || undefined;
      else if (name === "dkind" || name === "dvalue") return this.readDuration(item, node, name);
      else return this.readTargetField(item, node, name, value);
      return true;
    }

    readDuration(item, node, name) {
      const kind = item.querySelector("[data-f=dkind]").value;
      if (name === "dkind") {
        node.duration = { kind, value: { time: 600, distance: 1000 }[kind] || null };
        this.fill(item, node);
        return true;
      }
      const text = item.querySelector("[data-f=dvalue]").value;
      const value = kind === "time" ? parseClock(text) : parseNumber(text);
      if (!(value > 0)) return false;
      node.duration = { kind, value };
      return true;
    }

    readTargetField(item, node, name, value) {
      if (name === "tkind" || name === "tmode") {
        const kind = item.querySelector("[data-f=tkind]").value;
        const fixed = kind === "rpe" || kind === "cadence";
        const mode = fixed ? "absolute" : item.querySelector("[data-f=tmode]").value;
        const [low, high] = DEFAULT_TARGET[mode === "absolute" ? kind : mode]?.(this.sport()) || [];
        node.target = kind ? { kind, mode, low, high } : undefined;
        this.fill(item, node);
        return true;
      }
      const target = node.target;
      const low = this.readTarget(target, item.querySelector("[data-f=low]").value);
      const highText = item.querySelector("[data-f=high]").value.trim();
      const high = highText ? this.readTarget(target, highText) : low;
      if (!(low > 0 && high > 0)) return false;
      [target.low, target.high] = [Math.min(low, high), Math.max(low, high)];
      return true;
    }

    snapshot(item) {
      const node = item.wlNode;
      if ("repeat" in node) node.steps = this.collect(item.querySelector(".wl-nodes"));
      return node;
    }

    collect(list) {
      return Array.from(list.children, (item) => this.snapshot(item));
    }

    bind() {
      if (typeof Sortable === "undefined") return;
      this.section.querySelectorAll(".wl-nodes").forEach((list) => {
        if (list.wlSortable) return;
        list.wlSortable = Sortable.create(list, {
          group: this.group,
          handle: ".wl-handle",
          animation: 150,
          fallbackOnBody: true,
          swapThreshold: 0.65,
          onEnd: () => this.changed(),
        });
      });
    }

    changed() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.print(), 250);
    }

    async print() {
      const field = this.form && this.form.elements.namedItem("csrfmiddlewaretoken");
      const page = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      const token = field ? field.value : page["X-CSRFToken"];
      const body = JSON.stringify({ steps: this.collect(this.list), sport: this.sport() });
      try {
        const response = await fetch(this.root.dataset.formatUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body,
          credentials: "same-origin",
        });
        const data = await response.json();
        if (data.error) {
          this.say(data.error, true);
          return;
        }
        this.text.value = data.text;
        this.say(this.list.children.length ? "" : this.words.empty);
        this.fromList = true;
        htmx.trigger(this.root, "workout-changed");
      } catch (error) {
        this.say(this.words.failed, true);
      }
    }
  }

  function start(scope) {
    const roots = [...scope.querySelectorAll(".workout-editor")];
    if (scope.matches && scope.matches(".workout-editor")) roots.push(scope);
    roots.forEach((root) => {
      if (!root.workoutEditor) root.workoutEditor = new StepList(root);
    });
  }

  document.addEventListener("DOMContentLoaded", () => start(document));
  document.addEventListener("htmx:load", (event) => start(event.target));
})();
