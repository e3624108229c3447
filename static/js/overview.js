// The overview strip under the timeline (events/overview.py): drag its window to move the
// range in view, drag an edge to widen or narrow it, tap the strip to centre it there, or use
// the keyboard. On release it asks the chart for the new range with a "newsdash:view" event,
// which timeline.js handles as it does a zoom (the address bar, then the server's drawing).
(function () {
  "use strict";

  var DAY = 24 * 3600 * 1000;
  var MIN_DAYS = 7; // the narrowest window: a week

  function strip(element) {
    var box = element.closest("[data-overview-for]");
    var first = Date.parse(box.dataset.first + "T00:00:00Z");
    var last = Date.parse(box.dataset.last + "T00:00:00Z");
    return {
      box: box,
      track: box.querySelector(".overview-track"),
      window: box.querySelector(".overview-window"),
      first: first,
      span: last - first,
    };
  }

  // The window's position, in percent of the strip, as its style holds it.
  function place(s) {
    return { left: parseFloat(s.window.style.left), width: parseFloat(s.window.style.width) };
  }

  function set(s, left, width) {
    var narrowest = (100 * MIN_DAYS * DAY) / s.span;
    width = Math.min(Math.max(width, narrowest), 100);
    left = Math.min(Math.max(left, 0), 100 - width);
    s.window.style.left = left + "%";
    s.window.style.width = width + "%";
    var range = [s.first + (left / 100) * s.span, s.first + ((left + width) / 100) * s.span];
    s.window.setAttribute("aria-valuetext", words(range));
    s.window.setAttribute("aria-valuenow", new Date(range[0]).getUTCFullYear());
    return range;
  }

  function words(range) {
    var options = { month: "long", year: "numeric", timeZone: "UTC" };
    return range.map(function (t) { return new Date(t).toLocaleDateString("en-GB", options); }).join(" to ");
  }

  function day(time) {
    return new Date(time).toISOString().slice(0, 10);
  }

  function show(s, range) {
    var chart = document.getElementById(s.box.dataset.overviewFor);
    if (!chart) return;
    chart.dispatchEvent(new CustomEvent("newsdash:view", { bubbles: true, detail: { from: day(range[0]), to: day(range[1]) } }));
  }

  function percentAt(s, clientX) {
    var box = s.track.getBoundingClientRect();
    return (100 * (clientX - box.left)) / box.width;
  }

  var drag = null;
  document.addEventListener("pointerdown", function (event) {
    var track = event.target.closest && event.target.closest(".overview-track");
    if (!track || event.button > 0) return;
    var s = strip(track);
    var at = percentAt(s, event.clientX);
    var now = place(s);
    var handle = event.target.closest(".overview-handle");
    var mode = handle ? handle.dataset.edge : event.target.closest(".overview-window") ? "move" : "centre";
    if (mode === "centre") {
      // A tap beside the window brings it there, keeping its width; dragging on goes on moving it.
      set(s, at - now.width / 2, now.width);
      now = place(s);
      mode = "move";
    }
    drag = { s: s, mode: mode, at: at, left: now.left, width: now.width, range: null, id: event.pointerId };
    track.setPointerCapture(event.pointerId);
    s.window.focus({ preventScroll: true });
    drag.range = set(s, now.left, now.width);
    event.preventDefault();
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.id) return;
    var moved = percentAt(drag.s, event.clientX) - drag.at;
    var right = drag.left + drag.width;
    if (drag.mode === "move") drag.range = set(drag.s, drag.left + moved, drag.width);
    else if (drag.mode === "start") {
      var left = Math.min(drag.left + moved, right);
      drag.range = set(drag.s, left, right - left);
    }
    else drag.range = set(drag.s, drag.left, drag.width + moved);
  });

  function release(event) {
    if (!drag || event.pointerId !== drag.id) return;
    var done = drag;
    drag = null;
    show(done.s, done.range);
  }
  document.addEventListener("pointerup", release);
  document.addEventListener("pointercancel", release);

  // Arrows move the window by a tenth of its width; with Shift they widen (→) or narrow (←)
  // it about its middle; Home and End take it to either end of the strip.
  document.addEventListener("keydown", function (event) {
    var element = event.target.closest && event.target.closest(".overview-window");
    if (!element) return;
    var s = strip(element);
    var now = place(s);
    var step = Math.max(now.width / 10, 0.5);
    var range;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      var sign = event.key === "ArrowRight" ? 1 : -1;
      if (event.shiftKey) range = set(s, now.left - sign * step, now.width + 2 * sign * step);
      else range = set(s, now.left + sign * step, now.width);
    }
    else if (event.key === "Home") range = set(s, 0, now.width);
    else if (event.key === "End") range = set(s, 100 - now.width, now.width);
    else return;
    event.preventDefault();
    show(s, range);
  });
})();
