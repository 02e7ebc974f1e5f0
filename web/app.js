// The search page (see web/README.md). No framework, no network access but
// searchd's own API. The state lives in the URL, with the parameter names of
// /api/search (q, category…, from, to, sort, page, per_page) plus article=ID
// for the article view; pushState/popstate keep the back button working.
//
// Safety rule: text that comes from the index is only ever inserted with
// textContent / createTextNode. The one exception, the snippet's <mark>, is
// rebuilt as elements by splitting the escaped snippet on <mark> and </mark>
// (appendSnippet); no article text is parsed as HTML, ever.
"use strict";

(() => {
  // ---- Small helpers ------------------------------------------------------

  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children (strings become text nodes). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "className") el.className = value;
      else if (name === "text") el.textContent = value;
      else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child);
    }
    return el;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, String(value));
    return el;
  }

  const NAMED_ENTITIES = new Map([
    ["amp", "&"], ["lt", "<"], ["gt", ">"], ["quot", "\""], ["apos", "'"], ["nbsp", "\u00a0"],
  ]);

  /** Decodes the character references of an escaped snippet (into plain text). */
  function decodeEntities(text) {
    return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (whole, ref) => {
      if (ref[0] === "#") {
        const code = ref[1] === "x" || ref[1] === "X"
          ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
        return valid ? String.fromCodePoint(code) : whole;
      }
      const named = NAMED_ENTITIES.get(ref.toLowerCase());
      return named === undefined ? whole : named;
    });
  }

  /**
   * Appends an HTML-escaped snippet to @p parent: the literal tags <mark> and
   * </mark> become <mark> elements, everything else becomes text nodes. Any
   * other markup can only be there escaped, and stays text.
   */
  function appendSnippet(parent, snippet) {
    let inMark = false;
    for (const part of String(snippet || "").split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>") { inMark = true; continue; }
      if (part === "</mark>") { inMark = false; continue; }
      if (!part) continue;
      const text = document.createTextNode(decodeEntities(part));
      if (inMark) parent.append(h("mark", null, text));
      else parent.append(text);
    }
  }

  const numberFormat = new Intl.NumberFormat("fr-FR");
  const dayFormat = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const monthFormat = new Intl.DateTimeFormat("fr-FR", { month: "long", year: "numeric", timeZone: "UTC" });
  const MONTH_INITIALS = ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"];

  /** "2024-01-10" or "2024-01-10T09:30:00+01:00" → "2024-01-10", or "" when not a date. */
  function dayOf(date) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(date || ""));
    return m ? m[0] : "";
  }
  function utcDate(day) { return new Date(day + "T00:00:00Z"); }
  function formatDay(day) {
    const d = dayOf(day);
    if (!d) return String(day || "");
    const text = dayFormat.format(utcDate(d));
    return text.replace(/^1 /, "1er ");
  }
  function formatMonth(yyyyMm) { return monthFormat.format(utcDate(yyyyMm + "-01")); }
  function lastDayOfMonth(year, month) { // month 1..12
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  }
  function pad2(n) { return String(n).padStart(2, "0"); }
  function plural(n, one, many) { return numberFormat.format(n) + "\u00a0" + (n > 1 ? many : one); }

  function isHttpUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }

  // ---- State <-> URL --------------------------------------------------------

  const SORTS = ["relevance", "newest", "oldest"];

  function readState(search) {
    const p = new URLSearchParams(search);
    const page = parseInt(p.get("page") || "1", 10);
    return {
      q: p.get("q") || "",
      categories: p.getAll("category").filter((c) => c !== ""),
      from: p.get("from") || "",
      to: p.get("to") || "",
      sort: p.get("sort") || "relevance",
      page: Number.isFinite(page) && page > 0 ? page : 1,
      perPage: p.get("per_page") || "",
      article: p.get("article") || "",
    };
  }

  /** The /api/search parameters of a state (also the page's own query string). */
  function searchParams(state) {
    const p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    for (const c of state.categories) p.append("category", c);
    if (state.from) p.set("from", state.from);
    if (state.to) p.set("to", state.to);
    if (state.sort && state.sort !== "relevance") p.set("sort", state.sort);
    if (state.page > 1) p.set("page", String(state.page));
    if (state.perPage) p.set("per_page", state.perPage);
    return p;
  }

  function pageUrl(state) {
    const p = new URLSearchParams();
    if (state.article) p.set("article", state.article);
    for (const [k, v] of searchParams(state)) p.append(k, v);
    const qs = p.toString();
    return "/" + (qs ? "?" + qs : "");
  }

  let current = readState(window.location.search);

  /**
   * Goes to a new state: a history entry (or a replaced one), then a render.
   * @p focus names what gets the focus once drawn ("results", "article").
   */
  function navigate(next, options = {}) {
    const url = pageUrl(next);
    const entry = { fromApp: true, back: options.back || 0 };
    if (options.replace) history.replaceState(entry, "", url);
    else history.pushState(entry, "", url);
    current = readState(window.location.search);
    render(options.focus || null);
  }

  function withChanges(changes) {
    return { ...current, article: "", page: 1, ...changes };
  }

  window.addEventListener("popstate", () => {
    current = readState(window.location.search);
    render(current.article ? "article" : null);
  });

  // ---- Fetching -------------------------------------------------------------

  let renderSeq = 0;
  let inflight = null;

  async function getJson(url, signal) {
    const response = await fetch(url, { signal, headers: { Accept: "application/json" } });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const message = body && body.error ? body.error.message : "HTTP " + response.status;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  // ---- Rendering: common ---------------------------------------------------

  function render(focus) {
    closeCompletions();
    const seq = ++renderSeq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    $("q").value = current.q;
    if (current.article) {
      $("search-view").hidden = true;
      $("article-view").hidden = false;
      renderArticle(seq, inflight.signal, focus);
    } else {
      $("article-view").hidden = true;
      $("search-view").hidden = false;
      renderSearch(seq, inflight.signal, focus);
    }
  }

  /** The key of the focused element, to focus its redrawn twin afterwards. */
  function focusedKey() {
    const el = document.activeElement;
    return el && el.dataset ? el.dataset.key || "" : "";
  }
  function restoreFocus(key, fallback) {
    if (!key) return;
    const el = document.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (el) el.focus();
    else if (fallback) fallback.focus();
  }

  function articleLink(id, text) {
    const state = { ...current, article: id };
    const a = h("a", { href: pageUrl(state), "data-article": id, text });
    return a;
  }

  function categoryLabels(categories) {
    if (!categories || !categories.length) return null;
    const list = h("ul", { className: "labels", "aria-label": "Catégories" });
    for (const c of categories) list.append(h("li", { className: "label", text: c }));
    return list;
  }

  function timeEl(date) {
    const day = dayOf(date);
    return h("time", day ? { datetime: day, text: formatDay(day) } : { text: String(date || "") });
  }

  // ---- Rendering: search -------------------------------------------------------

  async function renderSearch(seq, signal, focus) {
    const state = current;
    const key = focusedKey();
    $("results").setAttribute("aria-busy", "true");
    $("sort").value = SORTS.includes(state.sort) ? state.sort : "relevance";
    $("from").value = state.from;
    $("to").value = state.to;
    $("dates-error").textContent = "";
    document.title = (state.q ? "« " + state.q + " » — " : "") + "Recherche dans les archives";
    $("results-title").textContent = state.q ? "Résultats pour « " + state.q + " »" : "Tous les articles";

    let data;
    try {
      data = await getJson("/api/search?" + searchParams(state).toString(), signal);
    } catch (e) {
      if (e.name === "AbortError" || seq !== renderSeq) return;
      showSearchError(e);
      return;
    }
    if (seq !== renderSeq) return;
    $("results").removeAttribute("aria-busy");
    $("error").hidden = true;

    const total = data.total || 0;
    $("count").textContent = total === 0 ? "Aucun article trouvé"
      : plural(total, "article trouvé", "articles trouvés");

    renderSuggestion(data.suggestion);
    renderActiveFilters(state);
    renderCategories(state, data.facets ? data.facets.category || [] : []);
    renderTimeline(state, data.facets || {});
    $("clear-filters").hidden = !hasFilters(state);
    updateFiltersToggle(state);

    const hits = $("hits");
    hits.replaceChildren(...(data.hits || []).map(renderHit));
    hits.start = ((data.page || 1) - 1) * (data.per_page || 10) + 1;

    const noResults = $("no-results");
    if (total === 0) {
      noResults.hidden = false;
      noResults.textContent = hasFilters(state)
        ? "Aucun article ne correspond. Essayez d’effacer des filtres ou d’autres mots."
        : "Aucun article ne correspond. Vérifiez l’orthographe ou essayez d’autres mots.";
    } else if (!data.hits || data.hits.length === 0) {
      noResults.hidden = false;
      noResults.textContent = "Cette page est au-delà des résultats.";
    } else {
      noResults.hidden = true;
    }

    renderPagination(state, total, data.per_page || 10, data.page || 1);
    renderExport(state, total);

    if (focus === "results") {
      $("results-title").focus();
      $("results").scrollIntoView({ block: "start" });
    } else {
      restoreFocus(key, focusFallback(key));
    }
  }

  function focusFallback(key) {
    if (key.startsWith("bar:") || key.startsWith("timeline:")) {
      return $("timeline").querySelector('[tabindex="0"]') || $("timeline-nav").querySelector("button") || $("from");
    }
    if (key.startsWith("chip:")) return $("results-title");
    if (key.startsWith("cat:")) return $("category-list").querySelector("input") || $("results-title");
    return null;
  }

  function showSearchError(e) {
    $("results").removeAttribute("aria-busy");
    const error = $("error");
    error.hidden = false;
    error.textContent = e.status && e.status < 500
      ? "Cette recherche n’est pas valide : " + e.message
      : "Le service de recherche ne répond pas. Réessayez dans un instant.";
    $("count").textContent = "Erreur";
    $("hits").replaceChildren();
    $("pagination").hidden = true;
    $("export").hidden = true;
    $("no-results").hidden = true;
    $("did-you-mean").hidden = true;
  }

  function hasFilters(state) {
    return state.categories.length > 0 || !!state.from || !!state.to;
  }

  function renderHit(hit) {
    const title = h("h2", { className: "hit-title" }, articleLink(hit.id, hit.title || hit.id));
    const meta = h("div", { className: "meta" }, timeEl(hit.date), categoryLabels(hit.categories));
    const snippet = h("p", { className: "snippet" });
    appendSnippet(snippet, hit.snippet);
    return h("li", { className: "hit" }, title, meta, snippet.childNodes.length ? snippet : null);
  }

  function renderSuggestion(suggestion) {
    const box = $("did-you-mean");
    if (!suggestion) { box.hidden = true; box.replaceChildren(); return; }
    const link = h("a", { href: pageUrl(withChanges({ q: suggestion })), id: "suggestion-link", text: suggestion });
    link.addEventListener("click", (event) => {
      if (!plainClick(event)) return;
      event.preventDefault();
      navigate(withChanges({ q: suggestion }), { focus: "results" });
    });
    box.replaceChildren("Vouliez-vous dire\u00a0: ", link, "\u00a0?");
    box.hidden = false;
  }

  function renderActiveFilters(state) {
    const list = $("active-filters");
    const chips = [];
    for (const c of state.categories) {
      chips.push(chip("cat", c, "Catégorie\u00a0: " + c,
        () => withChanges({ categories: state.categories.filter((x) => x !== c) })));
    }
    if (state.from || state.to) {
      chips.push(chip("dates", "", rangeText(state.from, state.to), () => withChanges({ from: "", to: "" })));
    }
    list.replaceChildren(...chips);
    list.hidden = chips.length === 0;
  }

  function chip(kind, value, text, nextState) {
    const button = h("button", {
      type: "button", className: "chip", "data-key": "chip:" + kind + ":" + value,
      "aria-label": "Retirer le filtre " + text,
    }, text, h("span", { "aria-hidden": "true", className: "chip-x", text: "×" }));
    button.addEventListener("click", () => navigate(nextState()));
    return h("li", null, button);
  }

  function rangeText(from, to) {
    if (from && to) {
      const y = from.slice(0, 4), m = from.slice(5, 7);
      if (from === y + "-01-01" && to === y + "-12-31") return "Année " + y;
      if (from.slice(8) === "01" && to.slice(0, 7) === from.slice(0, 7) &&
          Number(to.slice(8)) === lastDayOfMonth(Number(y), Number(m))) {
        const name = formatMonth(from.slice(0, 7));
        return name.charAt(0).toUpperCase() + name.slice(1);
      }
      return "Du " + formatDay(from) + " au " + formatDay(to);
    }
    if (from) return "Depuis le " + formatDay(from);
    return "Jusqu’au " + formatDay(to);
  }

  function renderCategories(state, facet) {
    const values = facet.map((f) => ({ value: f.value, count: f.count }));
    for (const c of state.categories) {
      if (!values.some((v) => v.value === c)) values.push({ value: c, count: 0 });
    }
    const list = $("category-list");
    list.replaceChildren(...values.map(({ value, count }, i) => {
      const id = "cat-" + i;
      const input = h("input", { type: "checkbox", id, value, "data-key": "cat:" + value });
      input.checked = state.categories.includes(value);
      input.addEventListener("change", () => {
        const chosen = current.categories.filter((c) => c !== value);
        if (input.checked) chosen.push(value);
        navigate(withChanges({ categories: chosen }));
      });
      const label = h("label", { for: id },
        h("span", { className: "cat-name", text: value }),
        h("span", { className: "cat-count" }, numberFormat.format(count),
          h("span", { className: "visually-hidden", text: count > 1 ? " articles" : " article" })));
      return h("li", null, input, label);
    }));
    $("category-empty").hidden = values.length > 0;
  }

  // ---- Timeline (SVG bar chart) ----------------------------------------------

  /** Which bars to draw: the years, or the months of one year when from/to lie in it. */
  function timelineView(state) {
    if (state.from && state.to && state.from.slice(0, 4) === state.to.slice(0, 4)) {
      return { kind: "months", year: state.from.slice(0, 4) };
    }
    return { kind: "years" };
  }

  function timelineBars(view, facets) {
    if (view.kind === "months") {
      const counts = new Map((facets.month || []).map((m) => [m.value, m.count]));
      const y = Number(view.year);
      return MONTH_INITIALS.map((initial, i) => {
        const value = view.year + "-" + pad2(i + 1);
        const name = formatMonth(value);
        return {
          value, label: initial, name, count: counts.get(value) || 0,
          from: value + "-01", to: value + "-" + pad2(lastDayOfMonth(y, i + 1)),
        };
      });
    }
    const years = (facets.year || []).map((f) => Number(f.value)).filter(Number.isFinite);
    if (!years.length) return [];
    const counts = new Map((facets.year || []).map((f) => [Number(f.value), f.count]));
    const bars = [];
    for (let y = Math.min(...years); y <= Math.max(...years); y++) {
      bars.push({
        value: String(y), label: String(y), name: String(y), count: counts.get(y) || 0,
        from: y + "-01-01", to: y + "-12-31",
      });
    }
    return bars;
  }

  function renderTimeline(state, facets) {
    const view = timelineView(state);
    const bars = timelineBars(view, facets);
    const box = $("timeline");
    const nav = $("timeline-nav");
    nav.replaceChildren();
    if (!bars.length || bars.every((b) => b.count === 0) && view.kind === "years") {
      box.replaceChildren();
      $("timeline-caption").textContent = "Aucune date à afficher.";
    } else {
      $("timeline-caption").textContent = view.kind === "months"
        ? "Articles par mois en " + view.year + ". Choisissez un mois pour filtrer."
        : "Articles par année. Choisissez une année pour la détailler.";
      box.replaceChildren(drawChart(state, view, bars));
    }
    if (view.kind === "months") {
      const year = view.year;
      const wholeYear = state.from === year + "-01-01" && state.to === year + "-12-31";
      if (!wholeYear) {
        nav.append(navButton("timeline:year", "Toute l’année " + year,
          () => withChanges({ from: year + "-01-01", to: year + "-12-31" })));
      }
      nav.append(navButton("timeline:all", "← Toutes les années", () => withChanges({ from: "", to: "" })));
    } else if (state.from || state.to) {
      nav.append(navButton("timeline:all", "Toutes les dates", () => withChanges({ from: "", to: "" })));
    }
  }

  function navButton(key, text, nextState) {
    const button = h("button", { type: "button", className: "link-button", "data-key": key, text });
    button.addEventListener("click", () => navigate(nextState()));
    return button;
  }

  function drawChart(state, view, bars) {
    const W = 300, H = 150, top = 16, bottom = 20, left = 2, right = 2;
    const plotH = H - top - bottom;
    const slot = (W - left - right) / bars.length;
    const barW = Math.max(2, slot * 0.72);
    const max = Math.max(1, ...bars.map((b) => b.count));
    const from = state.from || "0000-00-00", to = state.to || "9999-99-99";
    const filtered = !!(state.from || state.to);
    const labelEvery = Math.max(1, Math.ceil(28 / slot));
    const showCounts = slot >= 14;

    const chart = svg("svg", {
      viewBox: `0 0 ${W} ${H}`, class: "chart", role: "group",
      "aria-label": view.kind === "months" ? "Articles par mois en " + view.year : "Articles par année",
    });
    chart.append(svg("line", { x1: 0, x2: W, y1: top + plotH + 0.5, y2: top + plotH + 0.5, class: "axis" }));

    const focusables = [];
    bars.forEach((bar, i) => {
      const x = left + i * slot;
      const barH = bar.count ? Math.max(2, (bar.count / max) * plotH) : 0;
      const inRange = !filtered || (bar.to >= from && bar.from <= to);
      const exact = state.from === bar.from && state.to === bar.to;
      const g = svg("g", { class: "bar" + (inRange ? " in-range" : "") + (exact ? " selected" : "") });
      const spoken = (view.kind === "months" ? bar.name : "Année " + bar.name) + "\u00a0: " +
        plural(bar.count, "article", "articles");
      const tip = svg("title", {});
      tip.textContent = spoken;
      g.append(tip);
      g.append(svg("rect", { class: "bar-hit", x: x, y: 0, width: slot, height: H, rx: 3 }));
      if (barH) {
        g.append(svg("rect", { class: "bar-fill", x: x + (slot - barW) / 2, y: top + plotH - barH, width: barW, height: barH, rx: 1.5 }));
      }
      if (showCounts && bar.count) {
        const t = svg("text", { class: "bar-count", x: x + slot / 2, y: top + plotH - barH - 3, "text-anchor": "middle", "aria-hidden": "true" });
        t.textContent = numberFormat.format(bar.count);
        g.append(t);
      }
      if (i % labelEvery === 0 || view.kind === "months") {
        const t = svg("text", { class: "bar-label", x: x + slot / 2, y: H - 6, "text-anchor": "middle", "aria-hidden": "true" });
        t.textContent = bar.label;
        g.append(t);
      }
      if (bar.count > 0) {
        g.setAttribute("role", "button");
        g.setAttribute("aria-label", spoken);
        g.setAttribute("aria-pressed", exact ? "true" : "false");
        g.setAttribute("tabindex", "-1");
        g.dataset.key = "bar:" + bar.value;
        g.dataset.from = bar.from;
        g.dataset.to = bar.to;
        const choose = () => {
          if (exact && view.kind === "months") {
            navigate(withChanges({ from: view.year + "-01-01", to: view.year + "-12-31" }));
          } else {
            navigate(withChanges({ from: bar.from, to: bar.to }));
          }
        };
        g.addEventListener("click", choose);
        g.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            choose();
          } else if (["ArrowRight", "ArrowLeft", "Home", "End"].includes(event.key)) {
            event.preventDefault();
            const at = focusables.indexOf(g);
            const next = event.key === "Home" ? 0 : event.key === "End" ? focusables.length - 1
              : Math.min(focusables.length - 1, Math.max(0, at + (event.key === "ArrowRight" ? 1 : -1)));
            rove(focusables, next);
          }
        });
        focusables.push(g);
      }
      chart.append(g);
    });
    // One tab stop for the whole chart (arrow keys move along the bars): the
    // selected bar, else the first one in range.
    let start = focusables.findIndex((g) => g.classList.contains("selected"));
    if (start < 0) start = Math.max(0, focusables.findIndex((g) => g.classList.contains("in-range")));
    if (focusables.length) focusables[start].setAttribute("tabindex", "0");
    return chart;
  }

  function rove(items, index) {
    items.forEach((g, i) => g.setAttribute("tabindex", i === index ? "0" : "-1"));
    items[index].focus();
  }

  // ---- Pagination and export ---------------------------------------------------

  const MAX_PAGE = 10000;

  function renderPagination(state, total, perPage, page) {
    const nav = $("pagination");
    const last = Math.min(MAX_PAGE, Math.max(1, Math.ceil(total / perPage)));
    if (total === 0 || last <= 1 && page <= 1) { nav.hidden = true; nav.replaceChildren(); return; }
    const list = h("ul");
    const item = (p, text, attrs) => {
      if (p < 1 || p > last || p === page) {
        const current = p === page && !attrs;
        return h("li", null, h("span", {
          className: current ? "page current" : "page disabled",
          "aria-current": current ? "page" : null, text,
          "aria-hidden": current ? null : "true",
        }));
      }
      const link = h("a", { className: "page", href: pageUrl({ ...state, page: p }), text, ...(attrs || {}) });
      link.addEventListener("click", (event) => {
        if (!plainClick(event)) return;
        event.preventDefault();
        navigate({ ...current, page: p }, { focus: "results" });
      });
      return h("li", null, link);
    };
    list.append(item(page - 1, "‹ Précédente", { rel: "prev", "aria-label": "Page précédente" }));
    const pages = new Set([1, last, page - 1, page, page + 1].filter((p) => p >= 1 && p <= last));
    let previous = 0;
    for (const p of [...pages].sort((a, b) => a - b)) {
      if (p - previous > 1) list.append(h("li", { className: "gap", "aria-hidden": "true", text: "…" }));
      list.append(item(p, String(p), p === page ? null : { "aria-label": "Page " + p }));
      previous = p;
    }
    list.append(item(page + 1, "Suivante ›", { rel: "next", "aria-label": "Page suivante" }));
    nav.replaceChildren(h("p", { className: "page-of", text: "Page " + page + " sur " + last }), list);
    nav.hidden = false;
  }

  function renderExport(state, total) {
    const p = searchParams({ ...state, page: 1, perPage: "" });
    const url = (format) => { const q = new URLSearchParams(p); q.set("format", format); return "/api/export?" + q; };
    $("export-csv").href = url("csv");
    $("export-ndjson").href = url("ndjson");
    $("export").hidden = total === 0;
  }

  // ---- Rendering: article view --------------------------------------------------

  async function renderArticle(seq, signal, focus) {
    const id = current.article;
    const back = $("back-link");
    const searchState = { ...current, article: "" };
    back.href = pageUrl(searchState);
    back.textContent = current.q || hasFilters(current) ? "← Retour aux résultats" : "← Tous les articles";
    const article = $("article");
    article.setAttribute("aria-busy", "true");
    $("related-status").textContent = "";

    const base = "/api/articles/" + encodeURIComponent(id);
    const related = getJson(base + "/related?n=5", signal).catch((e) => e);
    let record;
    try {
      record = await getJson(base, signal);
    } catch (e) {
      if (e.name === "AbortError" || seq !== renderSeq) return;
      article.removeAttribute("aria-busy");
      document.title = "Article introuvable — Archives";
      article.replaceChildren(
        h("h1", { id: "article-title", tabindex: "-1", text: e.status === 404 ? "Article introuvable" : "Article indisponible" }),
        h("p", { text: e.status === 404 ? "Aucun article ne porte cet identifiant : il a peut-être été retiré."
          : "Le service de recherche ne répond pas. Réessayez dans un instant." }));
      $("related-list").replaceChildren();
      if (focus) $("article-title").focus();
      return;
    }
    if (seq !== renderSeq) return;
    article.removeAttribute("aria-busy");
    drawArticle(record);
    document.title = (record.title || id) + " — Archives";
    if (focus) {
      $("article-title").focus();
      window.scrollTo(0, 0);
    }

    const rel = await related;
    if (seq !== renderSeq) return;
    const list = $("related-list");
    if (rel instanceof Error) {
      list.replaceChildren();
      if (rel.name !== "AbortError") $("related-status").textContent = "Les articles liés ne sont pas disponibles.";
      return;
    }
    const hits = rel.hits || [];
    list.replaceChildren(...hits.map((hit) => h("li", { className: "related-item" },
      h("h3", { className: "related-title" }, articleLink(hit.id, hit.title || hit.id)),
      h("div", { className: "meta" }, timeEl(hit.date), categoryLabels(hit.categories)))));
    $("related-status").textContent = hits.length ? "" : "Aucun article lié.";
  }

  function drawArticle(record) {
    const text = (v) => (typeof v === "string" ? v : "");
    const categories = Array.isArray(record.categories) ? record.categories.filter((c) => typeof c === "string") : [];
    const header = h("header", null,
      h("h1", { id: "article-title", tabindex: "-1", text: text(record.title) || record.id }),
      h("div", { className: "meta" }, timeEl(record.date), categoryLinks(categories)));
    const parts = [header];
    if (text(record.summary)) parts.push(h("p", { className: "summary", text: record.summary }));
    const body = h("div", { className: "body" });
    for (const paragraph of text(record.body).split(/\n\s*\n/)) {
      if (paragraph.trim()) body.append(h("p", { text: paragraph.trim() }));
    }
    parts.push(body);
    if (isHttpUrl(record.url)) {
      parts.push(h("p", { className: "source" },
        h("a", { href: record.url, rel: "noopener noreferrer", text: "Lire l’article sur le site d’origine" })));
    }
    $("article").replaceChildren(...parts);
  }

  function categoryLinks(categories) {
    if (!categories.length) return null;
    const list = h("ul", { className: "labels", "aria-label": "Catégories" });
    for (const c of categories) {
      const state = { q: "", categories: [c], from: "", to: "", sort: "relevance", page: 1, perPage: "", article: "" };
      const a = h("a", { className: "label", href: pageUrl(state), text: c, title: "Tous les articles « " + c + " »" });
      a.addEventListener("click", (event) => {
        if (!plainClick(event)) return;
        event.preventDefault();
        navigate(state, { focus: "results" });
      });
      list.append(h("li", null, a));
    }
    return list;
  }

  function plainClick(event) {
    return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
  }

  // Links to articles (results, related) open the in-page article view.
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a[data-article]") : null;
    if (!link || !plainClick(event)) return;
    event.preventDefault();
    // "back" counts the article views since the results, so that the back
    // link returns to the results themselves (0: no results behind us).
    const depth = history.state && history.state.back ? history.state.back : 0;
    const back = current.article ? (depth ? depth + 1 : 0) : 1;
    navigate({ ...current, article: link.dataset.article }, { focus: "article", back });
  });

  $("back-link").addEventListener("click", (event) => {
    if (!plainClick(event)) return;
    event.preventDefault();
    // Came here from the results: going back restores them as they were.
    if (history.state && history.state.back) history.go(-history.state.back);
    else navigate({ ...current, article: "" }, { focus: "results" });
  });

  $("home-link").addEventListener("click", (event) => {
    if (!plainClick(event)) return;
    event.preventDefault();
    navigate(readState(""), { focus: "results" });
  });

  // ---- Search form, sort, dates, filters ------------------------------------------

  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitQuery($("q").value);
  });

  function submitQuery(q) {
    closeCompletions();
    suggestSeq++;
    navigate(withChanges({ q: q.trim() }));
  }

  $("sort").addEventListener("change", () => navigate(withChanges({ sort: $("sort").value })));

  $("dates-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const from = $("from").value, to = $("to").value;
    const valid = (v) => v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v);
    if (!valid(from) || !valid(to) || $("from").validity.badInput || $("to").validity.badInput) {
      $("dates-error").textContent = "Saisissez des dates complètes (jour, mois, année).";
      return;
    }
    if (from && to && from > to) {
      $("dates-error").textContent = "La date de début doit précéder la date de fin.";
      $("from").focus();
      return;
    }
    navigate(withChanges({ from, to }));
  });

  $("clear-filters").addEventListener("click", () => {
    navigate(withChanges({ categories: [], from: "", to: "" }));
    $("results-title").focus();
  });

  // On narrow screens the filters fold away behind a button.
  const narrow = window.matchMedia("(max-width: 52rem)");
  let filtersOpen = false;
  function updateFiltersToggle(state) {
    const toggle = $("filters-toggle");
    const n = state ? state.categories.length + (state.from || state.to ? 1 : 0) : 0;
    toggle.textContent = (filtersOpen ? "Masquer les filtres" : "Afficher les filtres") + (n ? " (" + n + ")" : "");
    toggle.setAttribute("aria-expanded", String(filtersOpen || !narrow.matches));
    $("filters-panel").classList.toggle("collapsed", narrow.matches && !filtersOpen);
  }
  $("filters-toggle").addEventListener("click", () => {
    filtersOpen = !filtersOpen;
    updateFiltersToggle(current);
  });
  narrow.addEventListener("change", () => updateFiltersToggle(current));

  // ---- Completions (ARIA combobox with a listbox) ------------------------------------

  const input = $("q");
  const listbox = $("completions");
  let completions = [];
  let active = -1;
  let suggestTimer = 0;
  let suggestSeq = 0;
  let suggestAbort = null;

  input.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    const value = input.value;
    if (value.trim().length < 2) { closeCompletions(); return; }
    suggestTimer = setTimeout(() => fetchCompletions(value), 120);
  });

  async function fetchCompletions(value) {
    const seq = ++suggestSeq;
    if (suggestAbort) suggestAbort.abort();
    suggestAbort = new AbortController();
    let data;
    try {
      data = await getJson("/api/suggest?" + new URLSearchParams({ q: value, n: "8" }), suggestAbort.signal);
    } catch (e) {
      return;  // completions are a convenience: say nothing
    }
    if (seq !== suggestSeq || input.value !== value || document.activeElement !== input) return;
    const items = (data.suggestions || []).filter((s) => typeof s === "string" && s !== value);
    showCompletions(items);
  }

  function showCompletions(items) {
    completions = items;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!items.length) { closeCompletions(); return; }
    listbox.replaceChildren(...items.map((text, i) => {
      const option = h("li", { id: "completion-" + i, role: "option", "aria-selected": "false", className: "completion", text });
      option.addEventListener("mousedown", (event) => event.preventDefault());  // keep the focus in the box
      option.addEventListener("click", () => { input.value = text; submitQuery(text); });
      return option;
    }));
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    $("completion-status").textContent = plural(items.length, "suggestion", "suggestions");
  }

  function closeCompletions() {
    clearTimeout(suggestTimer);
    if (suggestAbort) { suggestAbort.abort(); suggestAbort = null; }
    completions = [];
    active = -1;
    listbox.hidden = true;
    listbox.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function setActive(index) {
    active = index;
    listbox.querySelectorAll('[role="option"]').forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === index));
      option.classList.toggle("active", i === index);
      if (i === index) option.scrollIntoView({ block: "nearest" });
    });
    if (index >= 0) input.setAttribute("aria-activedescendant", "completion-" + index);
    else input.removeAttribute("aria-activedescendant");
  }

  input.addEventListener("keydown", (event) => {
    const open = !listbox.hidden && completions.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      setActive(active + 1 >= completions.length ? 0 : active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      setActive(active <= 0 ? completions.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      const text = completions[active];
      input.value = text;
      submitQuery(text);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      closeCompletions();
    } else if (event.key === "Tab") {
      closeCompletions();
    }
  });
  input.addEventListener("blur", () => closeCompletions());

  // ---- Start -----------------------------------------------------------------------------

  updateFiltersToggle(current);
  // A reload keeps the entry's state (its way back to the results).
  if (!history.state) history.replaceState({ fromApp: true, back: 0 }, "", window.location.href);
  render(null);
})();
