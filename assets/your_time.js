// A venue's time, also on the reader's own clock when that reads differently.
// Pages render <span data-utc="ISO" data-zone="Europe/Vienna"></span> next to a time shown on
// the venue's clock; this fills it with " · 13:30 your time" (nothing when both clocks agree).
(function () {
  "use strict";
  var mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var options = { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

  function clock(date, zone) {
    return new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: zone }, options)).format(date);
  }

  function fill() {
    document.querySelectorAll("span[data-utc][data-zone]").forEach(function (el) {
      var key = el.dataset.utc + "|" + el.dataset.zone;
      if (el.dataset.filled === key) return;
      el.dataset.filled = key;
      var date = new Date(el.dataset.utc);
      var text = "";
      try {
        if (el.dataset.utc && !isNaN(date) && clock(date, el.dataset.zone) !== clock(date, mine)) {
          text = " · " + clock(date, mine) + " your time (" + mine.replace(/_/g, " ") + ")";
        }
      } catch (e) {
        text = ""; // an unknown zone: show the venue's time alone
      }
      el.textContent = text;
    });
  }

  new MutationObserver(fill).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-utc", "data-zone"],
  });
  document.addEventListener("DOMContentLoaded", fill);
})();
