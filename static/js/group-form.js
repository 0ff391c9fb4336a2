// The group form (templates/groups/form.html), on top of a form that works without it:
// Enter in the workspace search searches; leaving with unsaved changes asks first; Save is
// disabled while a save is in flight; a long list of choices gets a box that filters it.
(function () {
  "use strict";
  const form = document.querySelector("form[data-unsaved-guard]");
  if (!form) {
    return;
  }

  // --- unsaved changes ------------------------------------------------------------------
  // What the form would send, less boxes that only search or filter (they have no name,
  // or are the picker's search text).
  const typed = function () {
    const data = new FormData(form);
    data.delete("q");
    return new URLSearchParams(data).toString();
  };
  const opened = typed();
  let leaving = false;
  // A form drawn again after a refused save holds what the member typed, not yet saved.
  const changed = function () {
    return form.dataset.unsaved === "true" || typed() !== opened;
  };
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !changed()) {
      return;
    }
    event.preventDefault();
    event.returnValue = "";
  });

  // --- saving ---------------------------------------------------------------------------
  // A save with no answer after this long (a hung network or Kantata) gives Save back; the
  // form may set its own (data-save-timeout-ms).
  const SAVE_TIMEOUT_MS = 20000;
  const note = form.querySelector("[data-saving-note]");
  let giveBack = null;
  // The save is over without leaving the page (stopped, failed, or no answer yet): Save is
  // available again and leaving with unsaved changes asks again.
  const saveOver = function (message) {
    window.clearTimeout(giveBack);
    delete form.dataset.saving;
    leaving = false;
    form.querySelectorAll("[data-save]").forEach(function (button) {
      button.disabled = false;
    });
    if (note) {
      note.textContent = message;
    }
  };
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.name === "search_workspaces") {
      leaving = true; // a search without htmx: the form comes back as typed
      return;
    }
    if (form.dataset.saving === "true") {
      event.preventDefault(); // one save at a time
      return;
    }
    form.dataset.saving = "true";
    leaving = true;
    // After the browser has read the form (a disabled button would not be sent).
    window.setTimeout(function () {
      form.querySelectorAll("[data-save]").forEach(function (button) {
        button.disabled = true;
      });
      if (note) {
        note.textContent = "Saving…";
      }
    }, 0);
    giveBack = window.setTimeout(function () {
      saveOver("No answer yet: the save may still go through. Check before saving again.");
    }, Number(form.dataset.saveTimeoutMs) || SAVE_TIMEOUT_MS);
  });
  // A save stopped on its way (Esc, the browser's Stop) or failed: where the browser says so.
  if (window.navigation) {
    window.navigation.addEventListener("navigateerror", function () {
      if (form.dataset.saving === "true") {
        saveOver("The save was stopped before an answer came: it may have gone through.");
      }
    });
  }
  // Back to this page (from the browser's cache, or after a failed save's error page).
  window.addEventListener("pageshow", function () {
    saveOver("");
  });

  // --- Enter in the workspace search searches ---------------------------------------------
  const search = form.querySelector("#workspace-search-text");
  const searchButton = form.querySelector("button[name=search_workspaces]");
  if (search && searchButton) {
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        searchButton.click();
      }
    });
  }

  // --- a filter box for a long list of choices --------------------------------------------
  form.querySelectorAll("[data-choice-filter]").forEach(function (set) {
    const list = set.querySelector(".choice-list");
    if (!list) {
      return;
    }
    const box = document.createElement("input");
    box.type = "search";
    box.className = "choice-filter";
    box.placeholder = "Type to narrow the choices";
    box.setAttribute("aria-label", "Filter the " + set.dataset.choiceFilter + " choices");
    const shown = document.createElement("p");
    shown.className = "hint";
    shown.setAttribute("aria-live", "polite");
    list.before(box);
    list.after(shown);
    box.addEventListener("input", function () {
      const text = box.value.trim().toLowerCase();
      let count = 0;
      const labels = list.querySelectorAll("label");
      labels.forEach(function (label) {
        const hide = text !== "" && !label.textContent.toLowerCase().includes(text);
        label.hidden = hide;
        count += hide ? 0 : 1;
      });
      shown.textContent = text ? count + " of " + labels.length + " choices shown" : "";
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // narrowing the list, not saving
      }
    });
  });
})();
