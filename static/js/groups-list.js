// The group list's browser history: one entry per search the member settles on, not one
// per keystroke in "Name contains" or per arrow press on the Sort or Per page select.
// htmx pushes the list's address after every change (the server names it in HX-Push-Url);
// while the member is still typing in, or stepping through, the same control, the entry
// the burst began is replaced instead (as hx-replace-url would), so Back leaves the search
// rather than walking back through "b", "bi", "bio".
(function () {
  "use strict";
  // A pause longer than this ends a burst: the next change is a new search of its own.
  const SETTLE_MS = 1500;
  let burst = null;

  function burstingControl(event) {
    const config = event.detail.requestConfig;
    const control = config && config.triggeringEvent && config.triggeringEvent.target;
    if (!control || !control.form || control.form.id !== "group-filters") return null;
    // By id: the Sort select is drawn again (out of band) with every answer.
    return control.id === "id_matching" || control.tagName === "SELECT" ? control.id : null;
  }

  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    const history = event.detail.history;
    if (!history || history.type !== "push") return;
    const now = Date.now();
    const control = burstingControl(event);
    if (history.path === window.location.pathname + window.location.search) {
      history.type = "replace"; // the same list again (a change event after typing)
    } else if (control && burst && burst.control === control && now < burst.until) {
      history.type = "replace";
    }
    burst = control ? { control: control, until: now + SETTLE_MS } : null;
  });
})();
