// Upload page: drag-and-drop and one request per file with a progress bar.
// Without this script the page is a plain multi-file form that posts every file at once.
(() => {
  const form = document.getElementById("upload-form");
  const zone = document.getElementById("upload-dropzone");
  const results = document.getElementById("upload-results");
  if (!form || !zone || !results || !window.FormData || !window.XMLHttpRequest) return;
  const input = form.querySelector('input[type="file"]');
  const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  zone.hidden = false;

  const resultList = () => {
    let list = results.querySelector("ul.upload-results");
    if (!list) {
      list = document.createElement("ul");
      list.className = "stack upload-results";
      results.appendChild(list);
    }
    results.hidden = false;
    return list;
  };

  // A row the server could not produce (refused request, network error): badge and reason.
  const failed = (item, title, reason) => {
    const badge = document.createElement("span");
    badge.className = "badge badge-a";
    badge.textContent = form.dataset.failedBadge;
    item.replaceChildren(title, document.createTextNode(" "), badge, document.createTextNode(` ${reason}`));
  };

  // Refuse at once what the server would refuse (same limits, zip told by its first bytes).
  const tooLarge = async (file) => {
    const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
    const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
    const limit = Number(zip ? form.dataset.maxArchiveBytes : form.dataset.maxFileBytes);
    if (!limit || file.size <= limit) return "";
    return zip ? form.dataset.archiveLimit : form.dataset.fileLimit;
  };

  const uploadOne = async (file) => {
    const refusal = await tooLarge(file);
    if (refusal) {
      const item = document.createElement("li");
      item.className = "upload-result";
      const title = document.createElement("strong");
      title.textContent = file.name;
      resultList().appendChild(item);
      failed(item, title, refusal);
      return;
    }
    await send(file);
  };

  const send = (file) => new Promise((resolve) => {
    const item = document.createElement("li");
    item.className = "upload-result";
    const title = document.createElement("strong");
    title.textContent = file.name;
    const status = document.createElement("span");
    status.className = "muted";
    status.textContent = ` ${form.dataset.uploading}`;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    item.append(title, status, bar);
    resultList().appendChild(item);

    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("uploads", file, file.name);
    // XMLHttpRequest, not fetch: only it reports upload progress in every browser.
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
    });
    request.upload.addEventListener("load", () => {
      bar.removeAttribute("value");
      status.textContent = ` ${form.dataset.reading}`;
    });
    request.addEventListener("load", () => {
      const html = request.responseText.trim();
      if (html && request.status < 500) {
        const holder = document.createElement("div");
        holder.innerHTML = html;
        const rows = holder.querySelectorAll("li.upload-result");
        if (rows.length) {
          item.replaceWith(...rows);
          // Rows of imports still running poll their progress (htmx attributes).
          if (window.htmx) rows.forEach((row) => window.htmx.process(row));
        } else failed(item, title, holder.textContent.trim());
      } else {
        failed(item, title, request.status === 413 ? form.dataset.tooLarge : form.dataset.failed);
      }
      resolve();
    });
    request.addEventListener("error", () => {
      failed(item, title, form.dataset.failed);
      resolve();
    });
    request.send(body);
  });

  const uploadAll = async (files) => {
    for (const file of files) await uploadOne(file);
    input.value = "";
  };

  form.addEventListener("submit", (event) => {
    if (!input.files.length) return; // let the server say that a file is required
    event.preventDefault();
    uploadAll(Array.from(input.files));
  });
  ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
    event.preventDefault();
    zone.classList.add("is-over");
  }));
  ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, (event) => {
    event.preventDefault();
    zone.classList.remove("is-over");
  }));
  zone.addEventListener("drop", (event) => {
    if (event.dataTransfer && event.dataTransfer.files.length) uploadAll(Array.from(event.dataTransfer.files));
  });
})();
