// On a member's first page after signing in, tell the server the browser's time zone, so
// times are shown in it from then on (the member may change it on the Time zone page).
(function () {
  const body = document.body;
  if (body.dataset.timeZoneUnset !== "true") return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  const headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
  const data = new URLSearchParams({ time_zone: zone, from_browser: "on" });
  fetch(body.dataset.timeZoneUrl, {
    method: "POST",
    headers: { "X-CSRFToken": headers["x-csrftoken"] || "" },
    body: data,
    credentials: "same-origin",
  }).then(function (response) {
    // Times on this page were drawn in UTC: draw them again in the member's zone.
    if (response.ok && zone !== "UTC") window.location.reload();
  });
})();
