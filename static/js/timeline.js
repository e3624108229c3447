// Draws every [data-timeline] and [data-plotly] chart from the figure the server built, and
// keeps the URL in step with what the reader sees (zoom, open event), so the
// address bar is always the link to share.
(function () {
  "use strict";

  var PLOTLY = document.currentScript && document.currentScript.dataset.plotlySrc;

  function setParam(url, key, value) {
    if (value) url.searchParams.set(key, value);
    else url.searchParams.delete(key);
  }

  function pinnedTo(url, asOf) {
    var pinned = new URL(url.href);
    pinned.searchParams.set("as_of", asOf);
    // A colon needs no escaping in a query string; a citation reads better without.
    return new URL(pinned.href.replace(/%3A/g, ":"));
  }

  // The share and cite tools follow the address bar: live links, citable (pinned)
  // links, embed codes (with the open event and range) and the citations' text.
  function syncShareTools(url) {
    var share = document.getElementById("share-url");
    if (share) share.value = url.href;
    // Pinned to the latest moment a part of the page was drawn from: what the reader sees.
    var asOf = "";
    document.querySelectorAll("[data-as-of]").forEach(function (element) {
      if (!asOf || Date.parse(element.dataset.asOf) > Date.parse(asOf)) asOf = element.dataset.asOf;
    });
    document.querySelectorAll("[data-as-of]").forEach(function (element) { element.dataset.asOf = asOf; });
    document.querySelectorAll("input[data-citable]").forEach(function (input) {
      var before = input.value;
      input.value = pinnedTo(url, asOf).href;
      if (input.id !== "citable-url") return;
      document.querySelectorAll("[data-cite-text]").forEach(function (text) {
        text.textContent = text.textContent.replace(before, input.value);
      });
    });
    document.querySelectorAll("textarea[data-embed-base]").forEach(function (embed) {
      var src = new URL(embed.dataset.embedBase);
      src.search = url.search;
      if (embed.dataset.asOf) src = pinnedTo(src, embed.dataset.asOf);
      embed.value = embed.value.replace(/src="[^"]*"/, 'src="' + src.href.replace(/"/g, "&quot;") + '"');
    });
    var view = document.querySelector('#filters [data-state="view"]');
    if (view) view.value = url.searchParams.get("view") || "";
    // In an embed: the full page of the same view, to open or to copy.
    document.querySelectorAll("[data-share-base]").forEach(function (element) {
      var full = new URL(element.dataset.shareBase);
      full.search = url.search;
      if (element.tagName === "A") element.href = full.href;
      else element.value = full.href;
    });
  }

  // The days a date can be, here and on the server: 1 January of year 1 to 31 December 9999.
  // A zoom or a drag past them stops there, so the view in the link stays a date the server reads.
  var FIRST_DAY = Date.parse("0001-01-01T00:00:00Z");
  var LAST_DAY = Date.parse("9999-12-31T00:00:00Z");

  // A time (milliseconds) as a day the server reads (YYYY-MM-DD).
  function day(time) {
    return new Date(Math.min(Math.max(time, FIRST_DAY), LAST_DAY)).toISOString().slice(0, 10);
  }

  // The chart's range in milliseconds, through the axis's own reading of its dates: a browser
  // reads "0001-01-01 00:00", plotly's form, as the year 2001.
  function milliseconds(axis, range) {
    return range.map(function (value) { return axis.r2l(value); });
  }

  function openEvent(chart, slug) {
    var panel = document.getElementById("event-panel");
    if (!panel || !window.htmx) {
      window.open(chart.dataset.eventUrl.replace("__slug__", encodeURIComponent(slug)), "_blank", "noopener");
      return;
    }
    var url = new URL(window.location.href);
    url.searchParams.set("event", slug);
    window.htmx.ajax("GET", url.pathname + url.search, { target: "#event-panel", swap: "innerHTML" });
  }

  // The open event stands out on the chart: its marks ringed (the server's drawing) or the
  // others dimmed (plotly's), so the reader sees which one the panel is about.
  function markOpen(chart) {
    var open = new URL(window.location.href).searchParams.get("event") || "";
    chart.querySelectorAll(".chart-static .mark[data-slug]").forEach(function (mark) {
      mark.classList.toggle("open", mark.dataset.slug === open);
    });
    if (!chart._fullLayout || !chart.data) return;
    var traces = [];
    var selected = [];
    chart.data.forEach(function (trace, index) {
      if (!trace.mode || trace.mode.indexOf("markers") !== 0 || !trace.customdata) return;
      var points = [];
      trace.customdata.forEach(function (slug, i) { if (slug === open) points.push(i); });
      traces.push(index);
      selected.push(points);
    });
    var any = selected.some(function (points) { return points.length; });
    window.Plotly.restyle(chart, {
      selectedpoints: any ? selected : traces.map(function () { return null; }),
      unselected: { marker: { opacity: 0.35 }, textfont: { color: "#8c959f" } },
    }, traces);
  }

  // Titles beside their marks where they fit. The server fits them to a wide screen; on a
  // narrower one, or zoomed out, a title that would touch another title, a mark or the plot's
  // edge is hidden (the hover, the panel and the table still give it).
  function declutter(chart) {
    var area = chart.querySelector(".chart-static-plot, .cartesianlayer .bg, .nsewdrag");
    if (!area) return;
    var edge = area.getBoundingClientRect();
    var kept = [];
    chart.querySelectorAll(".chart-static .mark, .scatterlayer path.point").forEach(function (mark) {
      kept.push(mark.getBoundingClientRect());
    });
    chart.querySelectorAll(".chart-static .label, .scatterlayer .textpoint text").forEach(function (label) {
      label.style.visibility = "";
      var box = label.getBoundingClientRect();
      if (!box.width) return;
      var clash = box.right > edge.right + 1 || box.left < edge.left - 1 || kept.some(function (other) {
        return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
      });
      if (clash) label.style.visibility = "hidden";
      else kept.push(box);
    });
  }

  // Saves the server's image of the view in the address bar.
  function save(base, extra) {
    var url = new URL(base, window.location.href);
    url.search = window.location.search;
    url.searchParams.delete("event");
    url.searchParams.delete("page");
    if (extra) url.search += (url.search ? "&" : "?") + extra;
    var link = document.createElement("a");
    link.href = url.href;
    link.download = "";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function draw(chart) {
    if (chart.dataset.drawn || !window.Plotly) return;
    chart.dataset.drawn = "true";
    var spec = JSON.parse(document.getElementById(chart.dataset.figure).textContent);
    var config = spec.config;
    config.modeBarButtonsToAdd = [
      {
        name: "Download plot as SVG",
        icon: window.Plotly.Icons.camera,
        click: function (gd) {
          if (chart.dataset.svgUrl) save(chart.dataset.svgUrl, "");
          else window.Plotly.downloadImage(gd, { format: "svg", filename: config.toImageButtonOptions.filename });
        },
      },
    ];
    // A timeline view's images come from the server: drawn as its link preview is, with the
    // view's title, what it shows, our credit and the page's link.
    if (chart.dataset.pngUrl) {
      config.modeBarButtonsToRemove = config.modeBarButtonsToRemove.concat(["toImage"]);
      config.modeBarButtonsToAdd.unshift({
        name: "Download plot as a PNG",
        icon: window.Plotly.Icons.camera,
        click: function () { save(chart.dataset.pngUrl, "download=1"); },
      });
    }
    window.Plotly.newPlot(chart, spec.figure.data, spec.figure.layout, config).then(function () {
      var sketch = chart.querySelector(".chart-static");
      if (sketch) sketch.remove();
      declutter(chart);
      chart.on("plotly_afterplot", function () { declutter(chart); });
      if (chart.dataset.eventUrl) markOpen(chart);
      if (!chart.dataset.eventUrl) return;
      var controls = document.querySelector('[data-zoom-for="' + chart.id + '"]');
      if (controls && spec.figure.data.length) controls.hidden = false;
      if (pendingZoom) zoom(pendingZoom);
      pendingZoom = null;
      chart.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        if (!point || !point.customdata) return;
        var range = String(point.customdata).split("..");
        // A counted mark stands for a period: zoom into it to see its events.
        if (range.length === 2) window.Plotly.relayout(chart, { "xaxis.range": range });
        else {
          opener = chart;
          openEvent(chart, point.customdata);
        }
      });
      chart.on("plotly_relayout", function (change) {
        var range = change["xaxis.range"] || [change["xaxis.range[0]"], change["xaxis.range[1]"]];
        if (change["xaxis.autorange"]) showView("");
        else if (range[0] && range[1]) {
          var times = milliseconds(chart._fullLayout.xaxis, range);
          showView(day(times[0]) + ".." + day(times[1]));
        }
      });
    });
  }

  // A new range in view ("" for all dates): the address bar says it, then the server draws it.
  function showView(view) {
    var url = new URL(window.location.href);
    setParam(url, "view", view);
    url.searchParams.delete("page");
    window.history.replaceState(window.history.state, "", url);
    syncShareTools(url);
    refetch(url);
  }

  // The overview strip's window was moved (overview.js): the chart follows, plotly's at once.
  document.addEventListener("newsdash:view", function (event) {
    var chart = event.target;
    var range = [event.detail.from, event.detail.to];
    // The address bar first: plotly.js may still be drawing, its relayout not yet heard.
    showView(range.join(".."));
    if (chart._fullLayout) window.Plotly.relayout(chart, { "xaxis.range": range });
  });

  // After a zoom settles, ask the server for what the new range holds: the
  // events one by one once few enough, and the table and summary to match.
  var pending;
  function refetch(url) {
    if (!window.htmx || !document.getElementById("results")) return;
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      window.htmx.ajax("GET", url.pathname + url.search, {
        target: "#results",
        swap: "innerHTML",
        headers: { "X-Newsdash-Zoom": "1" },
      });
    }, 400);
  }

  // Where a span of years is centred: on the open event, else on the middle one of the
  // events in view (a view opens with room for titles on its right, where none may be).
  function centreOf(chart, range) {
    var axis = chart._fullLayout.xaxis;
    var open = new URL(window.location.href).searchParams.get("event");
    var times = [];
    var opened;
    chart.data.forEach(function (trace) {
      if (!trace.mode || trace.mode.indexOf("markers") !== 0) return;
      trace.x.forEach(function (x, i) {
        var time = axis.d2l(x);
        if (open && trace.customdata && trace.customdata[i] === open) opened = time;
        if (time >= range[0] && time <= range[1]) times.push(time);
      });
    });
    if (opened !== undefined) return opened;
    if (!times.length) return (range[0] + range[1]) / 2;
    times.sort(function (a, b) { return a - b; });
    return times[Math.floor(times.length / 2)];
  }

  // Keyboard-usable zoom: a span of years around the events in view, or a step
  // of half the visible span earlier or later.
  var YEAR = 365.25 * 24 * 3600 * 1000;
  var pendingZoom = null;
  function zoom(button) {
    var chart = document.getElementById(button.closest("[data-zoom-for]").dataset.zoomFor);
    if (!chart) return;
    if (!chart._fullLayout) {
      // Still the server's drawing: zoom once plotly.js has drawn the chart.
      pendingZoom = button;
      loadPlotly();
      return;
    }
    var range = milliseconds(chart._fullLayout.xaxis, chart._fullLayout.xaxis.range);
    var span = range[1] - range[0];
    if (button.dataset.years === "all") {
      window.Plotly.relayout(chart, { "xaxis.autorange": true });
      return;
    }
    if (button.dataset.years) {
      var half = (Number(button.dataset.years) * YEAR) / 2;
      var centre = centreOf(chart, range);
      range = [centre - half, centre + half];
      span = range[1] - range[0];
    }
    else {
      var step = (Number(button.dataset.step) * span) / 2;
      range = range.map(function (t) { return t + step; });
    }
    // A view stops at the first or last day a date can be, keeping its span.
    var shift = Math.max(Math.min(0, LAST_DAY - range[1]), FIRST_DAY - range[0]);
    range = range.map(function (t) { return t + shift; });
    window.Plotly.relayout(chart, {
      "xaxis.range": range.map(day),
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zoom-for] button");
    if (button) zoom(button);
    // A tap on the server's drawing opens the event at once (plotly.js loads meanwhile).
    var mark = event.target.closest(".chart-static .mark[data-slug]");
    var chart = mark && mark.closest("[data-timeline]");
    if (chart && chart.dataset.eventUrl) {
      opener = chart;
      openEvent(chart, mark.dataset.slug);
    }
  });

  // What opened the event panel, to return to when it closes; Escape closes it.
  var opener = null;
  function returnFocus() {
    // The link itself, or the same link if the results were drawn again meanwhile.
    var href = opener && opener.getAttribute && opener.getAttribute("href");
    var back = opener && opener.isConnected ? opener : null;
    if (!back && href) back = document.querySelector('#results a[href="' + CSS.escape(href) + '"]');
    if (!back) back = document.getElementById("timeline-chart");
    if (!back) return;
    if (back.id === "timeline-chart" && !back.hasAttribute("tabindex")) back.setAttribute("tabindex", "-1");
    back.focus();
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var from = event.detail.elt;
    var inside = !from || from === document.body || from.closest("#event-panel");
    if (event.detail.target && event.detail.target.id === "event-panel" && !inside) {
      opener = from.closest("[data-timeline]") || from;
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var close = document.querySelector("#event-panel .panel-body .panel-close a");
    if (!close) return;
    // A panel just swapped in may not be wired by htmx yet: a plain click would load the whole page.
    if (window.htmx) window.htmx.process(close);
    close.click();
  });

  function declutterSketches(root) {
    root.querySelectorAll("[data-timeline]").forEach(function (chart) {
      if (chart.querySelector(".chart-static")) declutter(chart);
    });
  }
  var resizing;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () { declutterSketches(document); }, 100);
  });

  function drawAll(root) {
    if (root.matches && root.matches("[data-timeline], [data-plotly]")) draw(root);
    root.querySelectorAll("[data-timeline], [data-plotly]").forEach(draw);
  }

  // A link of the results (or the overview's window) keeps the focus when the results are
  // drawn again (after a zoom or a resize): the same one in the new results takes it.
  var focusedHref = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var results = event.detail.target && event.detail.target.id === "results";
    var inside = results && active && active.closest("#results");
    focusedHref = inside ? (active.id ? "#" + active.id : active.getAttribute("href")) : null;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target.id === "results" && focusedHref) {
      var again = focusedHref.charAt(0) === "#"
        ? document.getElementById(focusedHref.slice(1))
        : target.querySelector('a[href="' + CSS.escape(focusedHref) + '"]');
      if (again) again.focus();
      focusedHref = null;
    }
    if (target.id === "results") {
      var announcer = document.getElementById("announcer");
      var summary = document.getElementById("view-summary");
      if (announcer && summary) announcer.textContent = summary.textContent;
      syncShareTools(new URL(window.location.href));
    }
    if (target.id === "event-panel") {
      syncShareTools(new URL(window.location.href));
      document.querySelectorAll("[data-timeline]").forEach(markOpen);
      if (!target.querySelector(".panel-body")) {
        // Closed: back to where the reader opened it from, once htmx has settled the swap.
        window.requestAnimationFrame(returnFocus);
        return;
      }
      var body = target.querySelector("[data-event]");
      var input = document.querySelector('#filters [data-state="event"]');
      if (input && body) input.value = body.dataset.event;
      var title = document.getElementById("panel-title");
      if (title) title.focus();
    }
  });

  // The filters come folded, so a phone shows the chart first; a wide screen has room
  // for them beside it, and unfolding them there moves nothing else.
  function unfoldFilters() {
    var box = document.getElementById("filters-box");
    if (box && window.matchMedia("(min-width: 64rem)").matches) box.open = true;
  }

  // The zoom buttons work over the server's drawing too: pressing one brings plotly.js.
  function offerZoom(root) {
    root.querySelectorAll("[data-zoom-for]").forEach(function (controls) {
      var chart = document.getElementById(controls.dataset.zoomFor);
      if (chart && chart.querySelector(".chart-static .mark")) controls.hidden = false;
    });
  }

  var requested = false;
  function loadPlotly() {
    if (window.Plotly) return drawAll(document);
    if (requested || !PLOTLY) return;
    requested = true;
    var script = document.createElement("script");
    script.src = PLOTLY;
    script.onload = function () { drawAll(document); };
    document.head.appendChild(script);
  }

  // Reaching for a chart (a touch, a pointer, the keyboard) is what asks for plotly.js on a touch screen.
  function reach(event) {
    if (event.target.closest && event.target.closest(".timeline, .chart, .zoom")) loadPlotly();
  }

  function start() {
    unfoldFilters();
    declutterSketches(document);
    var charts = document.querySelectorAll("[data-timeline], [data-plotly]");
    var sketched = Array.prototype.every.call(charts, function (chart) { return chart.querySelector(".chart-static"); });
    offerZoom(document);
    // Charts that htmx swaps in later.
    if (window.htmx) {
      window.htmx.onLoad(function (root) {
        declutterSketches(root);
        offerZoom(root);
        drawAll(root);
      });
    }
    if (sketched && !window.matchMedia("(hover: hover) and (pointer: fine)").matches) {
      ["pointerdown", "focusin", "keydown"].forEach(function (type) {
        document.addEventListener(type, reach, { passive: true });
      });
      return;
    }
    // Drawing is the page's longest task: it waits for the first paint, so the text shows at once.
    window.requestAnimationFrame(function () {
      window.setTimeout(loadPlotly);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
