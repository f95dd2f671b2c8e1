// Interactive seat map for ticketapp.
//
// Why imperative DOM inside a React component: a hall can have 10,000 seats. Rendering them as
// React children would re-run reconciliation over every seat on each click. Here the seats are
// plain <button>s built once from the static layout (fetched from the API, never kept in Reflex
// state); a click toggles one class at once (optimistic), and the server's answer (`selected`,
// acknowledged up to `ackSeq`) reconciles without flicker. Statuses arrive as one compact
// string, one character per seat in layout order: a=available, h=held by someone else,
// b=booked, x=blocked, m=held by you, g=a gap (drawn only by the organizer's layout editor).
//
// The organizer's dashboard reuses this very component. `layout` passes a layout inline
// (an unsaved one, from the layout editor) instead of fetching `layoutUrl`. `mode` is
// "select" (customers: the default), "edit" (every click goes to `onToggle`, nothing is
// selected here: the editor decides what a click means) or "view" (clicks only describe).
// `tokenKey` names the localStorage entry holding the log-in token to fetch the layout with.
import React, { useEffect, useRef, useState } from "react";

const CELL = 24; // px per grid cell before zoom
const HINTS = {
  select: "Click a seat to select it. Arrow keys move, Enter or Space selects.",
  edit: "Click a seat or a gap to apply the chosen tool. Arrow keys move, Enter applies.",
  view: "Point at a seat to see what it is.",
};
const WORDS = { a: "available", h: "held by someone else", b: "taken", x: "not for sale", m: "held for you", g: "gap, no seat" };

function seatName(seat, layout, state, selected) {
  const cat = layout.categories[seat[6]];
  const parts = [
    `Row ${seat[4]}, seat ${seat[5]}`,
    layout.sections[seat[3]],
    cat ? cat.price_label : "",
  ];
  if (seat[7] & 1) parts.push("wheelchair space");
  if (seat[7] & 2) parts.push("companion seat");
  parts.push(selected ? "selected" : WORDS[state] || "available");
  return parts.filter(Boolean).join(", ");
}

function buildRows(seats) {
  // y -> seat indexes sorted by x, for arrow-key moves between neighbours.
  const rows = new Map();
  seats.forEach((s, i) => {
    if (!rows.has(s[2])) rows.set(s[2], []);
    rows.get(s[2]).push(i);
  });
  for (const list of rows.values()) list.sort((a, b) => seats[a][1] - seats[b][1]);
  const ys = [...rows.keys()].sort((a, b) => a - b);
  return { rows, ys };
}

function urlFromLocation() {
  // Before the show's state arrives, the page URL already names the show: start fetching.
  if (typeof window === "undefined") return "";
  const m = window.location.pathname.match(/\/shows\/(\d+)\/?$/);
  return m ? `/api/v1/shows/${m[1]}/seat-layout` : "";
}

function SeatMapImpl({ layoutUrl, layout: inlineLayout, mode, tokenKey, statuses, selected, ackSeq, maxSelect, onToggle, id }) {
  const url = inlineLayout ? "" : layoutUrl || urlFromLocation();
  const boxRef = useRef(null);
  const gridRef = useRef(null);
  const model = useRef({ layout: null, buttons: [], index: new Map(), rows: null, local: new Set(), pending: [], seq: 0, focus: 0 });
  const [layout, setLayout] = useState(null);
  const [zoom, setZoom] = useState(1);
  const infoRef = useRef(null);
  // The info line changes on every hover and click: write it directly, no React render.
  const hint = HINTS[mode] || HINTS.select;
  const setInfo = (text) => { if (infoRef.current) infoRef.current.textContent = text || hint; };
  const [error, setError] = useState("");

  // 1. Fetch the static layout once per show (or take the one given inline).
  useEffect(() => {
    if (inlineLayout) {
      setError("");
      setLayout(inlineLayout);
    }
  }, [inlineLayout]);
  useEffect(() => {
    if (!url) return undefined;
    let cancelled = false;
    setLayout(null);
    setError("");
    // The dashboard shows draft events' maps too: it sends the organizer's token along
    // (customers' maps never do, so their answers stay publicly cacheable).
    const token = tokenKey && typeof window !== "undefined" ? window.localStorage.getItem(tokenKey) : "";
    fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : undefined)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status))))
      .then((data) => { if (!cancelled) setLayout(data); })
      .catch(() => { if (!cancelled) setError("The seat map could not be loaded. Please reload the page."); });
    return () => { cancelled = true; };
  }, [url]);

  const m = model.current;

  function paint(i) {
    const seat = m.layout.seats[i];
    const btn = m.buttons[i];
    const state = (m.statuses || "")[i] || "a";
    const isSel = m.local.has(seat[0]);
    btn.className = `seat s-${state}${isSel ? " sel" : ""}`;
    const mark = seat[7] & 1 ? "♿" : state === "x" ? "×" : "";
    if (btn.textContent !== mark) btn.textContent = mark;
    btn.setAttribute("aria-pressed", isSel ? "true" : "false");
    btn.setAttribute("aria-label", seatName(seat, m.layout, state, isSel));
  }

  function reconcile() {
    // Server truth, plus the toggles it has not acknowledged yet.
    const next = new Set(m.serverSelected || []);
    for (const p of m.pending) {
      if (p.seq <= (m.ack || 0)) continue;
      if (p.add) next.add(p.seat); else next.delete(p.seat);
    }
    m.pending = m.pending.filter((p) => p.seq > (m.ack || 0));
    const changed = new Set();
    for (const s of m.local) if (!next.has(s)) changed.add(s);
    for (const s of next) if (!m.local.has(s)) changed.add(s);
    m.local = next;
    for (const s of changed) {
      const i = m.index.get(s);
      if (i !== undefined) paint(i);
    }
  }

  // 2. Build the buttons once the layout is here.
  useEffect(() => {
    if (!layout || !gridRef.current) return;
    const grid = gridRef.current;
    grid.textContent = "";
    delete grid.dataset.ready;
    m.layout = layout;
    m.buttons = [];
    m.focus = 0;
    m.index = new Map();
    m.rows = buildRows(layout.seats);
    m.local = new Set(selected || []);
    m.serverSelected = selected || [];
    m.statuses = statuses;
    const frag = document.createDocumentFragment();
    const labels = new Set();
    layout.seats.forEach((seat, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.i = String(i);
      b.dataset.seatId = String(seat[0]);
      b.tabIndex = i === 0 ? 0 : -1;
      b.style.left = `${(seat[1] + 1) * CELL}px`;
      b.style.top = `${seat[2] * CELL}px`;
      b.style.setProperty("--cat", layout.categories[seat[6]].color);
      m.index.set(seat[0], i);
      m.buttons[i] = b;
      frag.appendChild(b);
      const key = `${seat[3]}|${seat[4]}`;
      if (!labels.has(key)) labels.add(key);
    });
    // Row labels left of each section's row, where the cell is free.
    const occupied = new Set(layout.seats.map((s) => `${s[1]},${s[2]}`));
    const firstX = new Map();
    for (const s of layout.seats) {
      const key = `${s[3]}|${s[4]}`;
      if (!firstX.has(key) || firstX.get(key)[0] > s[1]) firstX.set(key, [s[1], s[2], s[4]]);
    }
    for (const [x, y, row] of firstX.values()) {
      if (occupied.has(`${x - 1},${y}`)) continue;
      const l = document.createElement("span");
      l.className = "row-label";
      l.setAttribute("aria-hidden", "true");
      l.textContent = row;
      l.style.left = `${x * CELL}px`;
      l.style.top = `${y * CELL}px`;
      frag.appendChild(l);
    }
    grid.appendChild(frag);
    layout.seats.forEach((_, i) => paint(i));
    // Refit only when the hall's size changed: an editor click must not reset the zoom.
    const dims = `${layout.width}x${layout.height}`;
    if (m.dims !== dims) fit();
    m.dims = dims;
    markReady();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout]);

  // Interactive = every seat drawn with its real status (not only the layout).
  function markReady() {
    const grid = gridRef.current;
    if (!grid || !m.layout || grid.dataset.ready === "true") return;
    if ((m.statuses || "").length !== m.layout.seats.length) return;
    grid.dataset.ready = "true";
    // Benchmarks read when the map became interactive (ms since navigation start).
    grid.dataset.readyAt = String(Math.round(performance.now()));
  }

  // 3. Status updates: repaint only seats whose character changed.
  useEffect(() => {
    if (!m.layout) return;
    const old = m.statuses || "";
    m.statuses = statuses || "";
    for (let i = 0; i < m.layout.seats.length; i++) {
      if (old[i] !== m.statuses[i]) paint(i);
    }
    markReady();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [statuses]);

  // 4. Server selection arrived: reconcile with optimistic local toggles.
  useEffect(() => {
    m.serverSelected = selected || [];
    m.ack = ackSeq || 0;
    if (m.layout) reconcile();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected, ackSeq]);

  function fit() {
    if (!boxRef.current || !m.layout) return;
    const width = boxRef.current.clientWidth - 16;
    const z = Math.max(0.2, Math.min(1.5, width / ((m.layout.width + 2) * CELL)));
    setZoom(z);
  }

  function toggle(i) {
    const seat = m.layout.seats[i];
    const state = (m.statuses || "")[i] || "a";
    if (mode === "edit" || mode === "view") {
      setInfo(seatName(seat, m.layout, state, false));
      if (mode === "edit" && onToggle) {
        m.seq += 1;
        onToggle(seat[0], m.seq);
      }
      return;
    }
    const has = m.local.has(seat[0]);
    if (!has && state !== "a" && state !== "m") {
      setInfo(`${seatName(seat, m.layout, state, false)}`);
      return;
    }
    m.seq = Math.max(m.seq, m.ack || 0) + 1;
    const add = !has;
    if (!add || m.local.size < (maxSelect || 10)) {
      m.pending.push({ seq: m.seq, seat: seat[0], add });
      if (add) m.local.add(seat[0]); else m.local.delete(seat[0]);
      paint(i);
    }
    setInfo(seatName(seat, m.layout, state, m.local.has(seat[0])));
    if (onToggle) onToggle(seat[0], m.seq);
  }

  function moveFocus(from, to) {
    if (to === undefined || to === null || to < 0) return;
    m.buttons[from].tabIndex = -1;
    m.buttons[to].tabIndex = 0;
    m.buttons[to].focus({ preventScroll: false });
    m.focus = to;
  }

  function neighbour(i, key) {
    const seats = m.layout.seats;
    const [ , x, y] = seats[i];
    const { rows, ys } = m.rows;
    if (key === "ArrowLeft" || key === "ArrowRight") {
      const row = rows.get(y);
      const k = row.indexOf(i) + (key === "ArrowRight" ? 1 : -1);
      return row[k];
    }
    const yi = ys.indexOf(y) + (key === "ArrowDown" ? 1 : -1);
    if (yi < 0 || yi >= ys.length) return undefined;
    let best, bestD = Infinity;
    for (const j of rows.get(ys[yi])) {
      const d = Math.abs(seats[j][1] - x);
      if (d < bestD) { best = j; bestD = d; }
    }
    return best;
  }

  function onClick(e) {
    const b = e.target.closest("button.seat");
    if (!b) return;
    const i = Number(b.dataset.i);
    if (m.focus !== i) moveFocus(m.focus, i);
    toggle(i);
  }

  function onKeyDown(e) {
    const b = e.target.closest("button.seat");
    if (!b) return;
    if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) {
      e.preventDefault();
      moveFocus(Number(b.dataset.i), neighbour(Number(b.dataset.i), e.key));
    }
  }

  function onHover(e) {
    const b = e.target.closest && e.target.closest("button.seat");
    if (b) setInfo(b.getAttribute("aria-label"));
  }

  const w = layout ? (layout.width + 2) * CELL : 0;
  const h = layout ? (layout.height + 1) * CELL : 0;
  return React.createElement(
    "div",
    { className: "seatmap", id },
    React.createElement(
      "div",
      { className: "seatmap-tools" },
      React.createElement("button", { type: "button", onClick: () => setZoom((z) => Math.min(3, z * 1.25)), "aria-label": "Zoom in" }, "+"),
      React.createElement("button", { type: "button", onClick: () => setZoom((z) => Math.max(0.2, z / 1.25)), "aria-label": "Zoom out" }, "−"),
      React.createElement("button", { type: "button", onClick: fit, "aria-label": "Fit to screen" }, "Fit"),
      React.createElement("span", { className: "seatmap-info", "aria-live": "polite", ref: infoRef }, hint),
    ),
    error ? React.createElement("div", { className: "seatmap-error", role: "alert" }, error) : null,
    !layout && !error ? React.createElement("div", { className: "seatmap-loading" }, "Loading seat map…") : null,
    React.createElement(
      "div",
      { className: `seatmap-box${mode === "edit" ? " editing" : ""}`, ref: boxRef },
      React.createElement("div", { className: "stage", style: { width: `${w * zoom}px` } }, "STAGE"),
      React.createElement(
        "div",
        { className: "seatmap-sizer", style: { width: `${w * zoom}px`, height: `${h * zoom}px` } },
        React.createElement("div", {
          className: "seatmap-grid",
          ref: gridRef,
          role: "group",
          "aria-label": "Seat map",
          style: { width: `${w}px`, height: `${h}px`, transform: `scale(${zoom})` },
          onClick,
          onKeyDown,
          onMouseOver: onHover,
          onFocus: onHover,
        }),
      ),
    ),
  );
}

// Page-level state changes (messages, the summary) must not re-render the map.
export const SeatMap = React.memo(SeatMapImpl);
