// Interactive seat map for ticketapp.
//
// Why imperative DOM inside a React component: a hall can have 10,000 seats. Rendering them as
// React children would re-run reconciliation over every seat on each click. Here the seats are
// plain <button>s built once from the static layout (fetched from the API, never kept in Reflex
// state); a click toggles one class at once (optimistic), and the server's answer (`selected`,
// acknowledged up to `ackSeq`) reconciles without flicker. Statuses arrive as one compact
// string, one character per seat in layout order: a=available, h=held by someone else,
// b=booked, x=blocked, m=held by you, g=a gap (drawn only by the organizer's layout editor),
// r=a place of a hidden category (not for sale without an access code: drawn and named as
// not for sale, without its price; a viewer whose code unlocks it gets "a" instead).
//
// The organizer's dashboard reuses this very component. `layout` passes a layout inline
// (an unsaved one, from the layout editor) instead of fetching `layoutUrl`. `mode` is
// "select" (customers: the default), "edit" (every click goes to `onToggle`, nothing is
// selected here: the editor decides what a click means) or "view" (clicks only describe).
// `tokenKey` names the localStorage entry holding the log-in token to fetch the layout with.
//
// Zoom and pan are one CSS transform on the stage (translate + scale), written straight to
// the DOM: no React render and no per-seat work, whatever the hall's size. Pointer events give
// drag-to-pan (mouse and one finger) and pinch (two fingers); Ctrl/⌘ + wheel and trackpad
// pinches zoom at the pointer; +, − and Fit are buttons. The viewport clips (overflow: clip)
// instead of scrolling, so nothing but this code moves the seats: a tap lands on the seat
// under the finger, and the viewport's height is fixed once per hall so the page around it
// never moves while someone picks seats. A pointer that travels less than DRAG_PX is a tap.
import React, { useEffect, useRef, useState } from "react";

const CELL = 24; // px per grid cell before zoom
const BAND = 20; // px above each section's first row, for the section's name
const STAGE_H = 30; // px of the "STAGE" strip above the seats
const PAD = 8; // px kept free around the hall inside the viewport
const DRAG_PX = 8; // a pointer that moves less than this is a tap, not a pan
const READABLE = 12; // px: a seat drawn smaller than this is hard to hit (6.6 px on a phone was)
const MAX_ZOOM = 3;
const HINTS = {
  select: "Tap or click a seat to select it. Arrow keys move, Enter or Space selects.",
  edit: "Click a seat or a gap to apply the chosen tool. Arrow keys move, Enter applies.",
  view: "Point at a seat to see what it is.",
};
const WORDS = { a: "available", h: "held by someone else", b: "taken", x: "not for sale", r: "not for sale", m: "held for you", g: "gap, no seat" };

function seatName(seat, layout, state, selected) {
  const cat = layout.categories[seat[6]];
  const parts = [
    `Row ${seat[4]}, seat ${seat[5]}`,
    layout.sections[seat[3]],
    cat && state !== "r" ? cat.price_label : "",
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

function sectionBands(seats) {
  // The distinct rows where a section starts, top to bottom: each gets a band for its name.
  const first = new Map();
  for (const s of seats) if (!first.has(s[3]) || first.get(s[3]) > s[2]) first.set(s[3], s[2]);
  return [...new Set(first.values())].sort((a, b) => a - b);
}

function SeatMapImpl({ layoutUrl, layout: inlineLayout, mode, tokenKey, statuses, selected, ackSeq, maxSelect, onToggle, id }) {
  const url = inlineLayout ? "" : layoutUrl || urlFromLocation();
  const boxRef = useRef(null);
  const stageRef = useRef(null);
  const gridRef = useRef(null);
  const model = useRef({
    layout: null, buttons: [], index: new Map(), rows: null, local: new Set(), pending: [], seq: 0, focus: 0,
    view: { x: PAD, y: PAD, z: 1 }, size: { w: 0, h: 0 }, bands: [], pointers: new Map(), gesture: null,
  });
  const [layout, setLayout] = useState(null);
  const infoRef = useRef(null);
  // The info line changes on every hover and click: write it directly, no React render. It
  // sits in a slot of fixed height, so a longer text never moves the map under a finger.
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

  // Layout cell (x, y) -> px inside the stage, before zoom. Each section's first row is pushed
  // down by one band per section start above or at it, to make room for the section's name.
  function py(y) {
    let n = 0;
    for (const b of m.bands) if (b <= y) n += 1;
    return STAGE_H + y * CELL + n * BAND;
  }
  const px = (x) => (x + 1) * CELL;

  function paint(i) {
    const seat = m.layout.seats[i];
    const btn = m.buttons[i];
    const state = (m.statuses || "")[i] || "a";
    const isSel = m.local.has(seat[0]);
    // States differ by shape and mark, not by colour alone (see styles.css: .s-b, .s-h, .s-x,
    // .sel); the marks are drawn by CSS so that a seat's text never needs a contrast check.
    btn.className = `seat s-${state}${isSel ? " sel" : ""}${seat[7] & 1 ? " acc" : ""}${seat[7] & 2 ? " comp" : ""}`;
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

  // --- Zoom and pan: one CSS transform on the stage, written directly (no React render). ---
  function viewport() {
    const box = boxRef.current;
    return box ? { w: box.clientWidth, h: box.clientHeight } : { w: 0, h: 0 };
  }

  function fitZoom() {
    const v = viewport();
    if (!m.size.w || !v.w) return 1;
    return Math.min(1.5, (v.w - 2 * PAD) / m.size.w, (v.h - 2 * PAD) / m.size.h);
  }

  function minZoom() { return Math.min(fitZoom(), 1) * 0.8; }

  function apply(x, y, z) {
    const v = viewport();
    z = Math.max(minZoom(), Math.min(MAX_ZOOM, z));
    const cw = m.size.w * z;
    const ch = m.size.h * z;
    // Centred when it fits; otherwise it may move until its edge meets the viewport's.
    x = cw + 2 * PAD <= v.w ? (v.w - cw) / 2 : Math.min(PAD, Math.max(v.w - cw - PAD, x));
    y = ch + 2 * PAD <= v.h ? PAD : Math.min(PAD, Math.max(v.h - ch - PAD, y));
    m.view = { x, y, z };
    if (stageRef.current) stageRef.current.style.transform = `translate(${x}px, ${y}px) scale(${z})`;
    if (boxRef.current) boxRef.current.dataset.zoom = z.toFixed(3);
  }

  function zoomAt(z, cx, cy) {
    // Keep the hall's point under (cx, cy) where it is.
    const { x, y, z: z0 } = m.view;
    const hx = (cx - x) / z0;
    const hy = (cy - y) / z0;
    const nz = Math.max(minZoom(), Math.min(MAX_ZOOM, z));
    apply(cx - hx * nz, cy - hy * nz, nz);
  }

  function zoomBy(factor) {
    const v = viewport();
    zoomAt(m.view.z * factor, v.w / 2, v.h / 2);
  }

  function fit() {
    apply(0, 0, fitZoom());
  }

  function start() {
    // Small halls (and any hall on a wide screen) start whole. Where the whole hall would make
    // seats too small to hit, start at a readable size on the middle of the front rows.
    const z = fitZoom();
    if (z * 20 >= READABLE) { fit(); return; }
    const v = viewport();
    const seats = m.layout.seats;
    let minX = Infinity, maxX = -Infinity;
    const frontY = Math.min(...seats.map((s) => s[2]));
    for (const s of seats) if (s[2] === frontY) { minX = Math.min(minX, s[1]); maxX = Math.max(maxX, s[1]); }
    const centre = (px(minX) + px(maxX) + 20) / 2;
    apply(v.w / 2 - centre, PAD, 1);
  }

  function ensureVisible(i) {
    // Keyboard focus on a seat outside the viewport pans to it.
    const seat = m.layout.seats[i];
    const { x, y, z } = m.view;
    const v = viewport();
    const sx = x + px(seat[1]) * z;
    const sy = y + py(seat[2]) * z;
    const size = 20 * z;
    let nx = x, ny = y;
    if (sx < PAD) nx = x + (PAD - sx) + CELL * z;
    else if (sx + size > v.w - PAD) nx = x - (sx + size - (v.w - PAD)) - CELL * z;
    if (sy < PAD) ny = y + (PAD - sy) + CELL * z;
    else if (sy + size > v.h - PAD) ny = y - (sy + size - (v.h - PAD)) - CELL * z;
    if (nx !== x || ny !== y) apply(nx, ny, z);
  }

  function local(e) {
    const r = boxRef.current.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  function onPointerDown(e) {
    if (e.button !== undefined && e.button !== 0) return;
    m.suppressClick = false;
    m.pointers.set(e.pointerId, local(e));
    const pts = [...m.pointers.values()];
    if (pts.length === 1) {
      m.gesture = { kind: "pan", start: pts[0], view: { ...m.view }, moved: false, id: e.pointerId };
    } else if (pts.length === 2) {
      const [a, b] = pts;
      m.gesture = {
        kind: "pinch",
        dist: Math.hypot(a.x - b.x, a.y - b.y) || 1,
        mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
        view: { ...m.view },
        moved: true,
      };
    }
  }

  function onPointerMove(e) {
    if (!m.pointers.has(e.pointerId) || !m.gesture) return;
    m.pointers.set(e.pointerId, local(e));
    const g = m.gesture;
    const pts = [...m.pointers.values()];
    if (g.kind === "pinch" && pts.length >= 2) {
      const [a, b] = pts;
      const dist = Math.hypot(a.x - b.x, a.y - b.y) || 1;
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      const z = Math.max(minZoom(), Math.min(MAX_ZOOM, g.view.z * (dist / g.dist)));
      // The hall's point under the first midpoint follows the fingers' midpoint.
      const hx = (g.mid.x - g.view.x) / g.view.z;
      const hy = (g.mid.y - g.view.y) / g.view.z;
      apply(mid.x - hx * z, mid.y - hy * z, z);
      e.preventDefault();
    } else if (g.kind === "pan" && e.pointerId === g.id) {
      const p = pts[0];
      const dx = p.x - g.start.x;
      const dy = p.y - g.start.y;
      if (!g.moved && Math.hypot(dx, dy) < DRAG_PX) return;
      if (!g.moved) {
        g.moved = true;
        // Only now, so that a tap's click still lands on the seat that was tapped.
        try { boxRef.current.setPointerCapture(e.pointerId); } catch (err) { /* already gone */ }
      }
      apply(g.view.x + dx, g.view.y + dy, g.view.z);
      e.preventDefault();
    }
  }

  function onPointerUp(e) {
    m.pointers.delete(e.pointerId);
    const g = m.gesture;
    if (g && g.moved) m.suppressClick = true; // the click that ends a pan or pinch selects nothing
    if (m.pointers.size === 0) m.gesture = null;
    else if (m.pointers.size === 1 && g && g.kind === "pinch") {
      // One finger left after a pinch: it goes on panning from here.
      const [pid, p] = [...m.pointers.entries()][0];
      m.gesture = { kind: "pan", start: p, view: { ...m.view }, moved: true, id: pid };
    }
  }

  // Wheel: Ctrl/⌘ + wheel and a trackpad's pinch (which the browser sends as Ctrl + wheel)
  // zoom at the pointer; a plain wheel scrolls the page as everywhere else. React's onWheel is
  // passive, so the listener is added by hand to be allowed to preventDefault.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return undefined;
    const onWheel = (e) => {
      if (!(e.ctrlKey || e.metaKey) || !m.layout) return;
      e.preventDefault();
      const p = local(e);
      zoomAt(m.view.z * Math.exp(-e.deltaY * 0.01), p.x, p.y);
    };
    box.addEventListener("wheel", onWheel, { passive: false });
    const onResize = () => { if (m.layout) apply(m.view.x, m.view.y, m.view.z); };
    window.addEventListener("resize", onResize);
    return () => {
      box.removeEventListener("wheel", onWheel);
      window.removeEventListener("resize", onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

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
    m.bands = sectionBands(layout.seats);
    m.local = new Set(selected || []);
    m.serverSelected = selected || [];
    m.statuses = statuses;
    const frag = document.createDocumentFragment();
    layout.seats.forEach((seat, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.i = String(i);
      b.dataset.seatId = String(seat[0]);
      b.tabIndex = i === 0 ? 0 : -1;
      b.style.left = `${px(seat[1])}px`;
      b.style.top = `${py(seat[2])}px`;
      b.style.setProperty("--cat", layout.categories[seat[6]].color);
      m.index.set(seat[0], i);
      m.buttons[i] = b;
      frag.appendChild(b);
    });
    // Row labels left of each section's row, where the cell is free.
    const occupied = new Set(layout.seats.map((s) => `${s[1]},${s[2]}`));
    const firstX = new Map();
    const sectionBox = new Map();
    for (const s of layout.seats) {
      const key = `${s[3]}|${s[4]}`;
      if (!firstX.has(key) || firstX.get(key)[0] > s[1]) firstX.set(key, [s[1], s[2], s[4]]);
      const b = sectionBox.get(s[3]);
      if (!b) sectionBox.set(s[3], { x: s[1], y: s[2] });
      else { b.x = Math.min(b.x, s[1]); b.y = Math.min(b.y, s[2]); }
    }
    for (const [x, y, row] of firstX.values()) {
      if (occupied.has(`${x - 1},${y}`)) continue;
      const l = document.createElement("span");
      l.className = "row-label";
      l.setAttribute("aria-hidden", "true");
      l.textContent = row;
      l.style.left = `${x * CELL}px`;
      l.style.top = `${py(y)}px`;
      frag.appendChild(l);
    }
    // Section names, in the band above each section (the seats' names say it to screen readers).
    for (const [section, { x, y }] of sectionBox) {
      const l = document.createElement("span");
      l.className = "section-label";
      l.setAttribute("aria-hidden", "true");
      l.textContent = layout.sections[section];
      l.style.left = `${px(x)}px`;
      l.style.top = `${py(y) - BAND}px`;
      frag.appendChild(l);
    }
    grid.appendChild(frag);
    layout.seats.forEach((_, i) => paint(i));
    const w = (layout.width + 2) * CELL;
    const h = py(layout.height) + CELL;
    m.size = { w, h };
    stageRef.current.style.width = `${w}px`;
    stageRef.current.style.height = `${h}px`;
    // The viewport's height is set once per hall: zooming never changes the page around it.
    const box = boxRef.current;
    // Tall enough for the whole hall at its starting zoom (see start()), within 70% of the window.
    const widthZoom = Math.min(1.5, (box.clientWidth - 2 * PAD) / w);
    const startZoom = widthZoom * 20 >= READABLE ? widthZoom : 1;
    const wanted = h * startZoom + 2 * PAD;
    box.style.height = `${Math.round(Math.max(240, Math.min(wanted, window.innerHeight * 0.7)))}px`;
    // Refit only when the hall's size changed: an editor click must not reset the zoom.
    const dims = `${layout.width}x${layout.height}`;
    if (m.dims !== dims) start(); else apply(m.view.x, m.view.y, m.view.z);
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

  function moveFocus(from, to, pan = true) {
    if (to === undefined || to === null || to < 0) return;
    m.buttons[from].tabIndex = -1;
    m.buttons[to].tabIndex = 0;
    // The viewport clips (it is never scrolled): pan to the seat instead of scrolling — for
    // the keyboard only. A seat that was tapped or clicked is in view, and moving the map
    // between a finger's down and up would make the click land on the neighbour.
    m.buttons[to].focus({ preventScroll: true });
    if (pan) ensureVisible(to);
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
    if (m.suppressClick) { m.suppressClick = false; return; }
    const b = e.target.closest("button.seat");
    if (!b) return;
    const i = Number(b.dataset.i);
    if (m.focus !== i) moveFocus(m.focus, i, false);
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

  function onFocus(e) {
    const b = e.target.closest && e.target.closest("button.seat");
    if (!b) return;
    setInfo(b.getAttribute("aria-label"));
    // Focus that came by Tab (not by a finger or a mouse, whose seat is in view) pans to it.
    if (b.matches(":focus-visible")) ensureVisible(Number(b.dataset.i));
  }

  function onHover(e) {
    const b = e.target.closest && e.target.closest("button.seat");
    if (b) setInfo(b.getAttribute("aria-label"));
  }

  const tool = (label, name, onClickTool, cls) =>
    React.createElement("button", { type: "button", onClick: onClickTool, "aria-label": name, title: name, className: cls }, label);
  return React.createElement(
    "div",
    { className: "seatmap", id },
    React.createElement(
      "div",
      { className: "seatmap-tools" },
      tool("+", "Zoom in", () => zoomBy(1.4), "zoom-in"),
      tool("−", "Zoom out", () => zoomBy(1 / 1.4), "zoom-out"),
      tool("Fit", "Fit to screen", fit, "zoom-fit"),
      React.createElement("span", { className: "seatmap-gesture-hint" }, "Pinch or Ctrl + scroll to zoom, drag to move"),
    ),
    React.createElement("div", { className: "seatmap-info", "aria-live": "polite", ref: infoRef }, hint),
    error ? React.createElement("div", { className: "seatmap-error", role: "alert" }, error) : null,
    !layout && !error ? React.createElement("div", { className: "seatmap-loading" }, "Loading seat map…") : null,
    React.createElement(
      "div",
      {
        className: `seatmap-box${mode === "edit" ? " editing" : ""}`,
        ref: boxRef,
        onPointerDown,
        onPointerMove,
        onPointerUp,
        onPointerCancel: onPointerUp,
      },
      React.createElement(
        "div",
        { className: "seatmap-stage", ref: stageRef },
        React.createElement("div", { className: "stage", "aria-hidden": "true" }, "STAGE"),
        React.createElement("div", {
          className: "seatmap-grid",
          ref: gridRef,
          role: "group",
          "aria-label": "Seat map",
          onClick,
          onKeyDown,
          onMouseOver: onHover,
          onFocus,
        }),
      ),
    ),
  );
}

// Page-level state changes (messages, the summary) must not re-render the map.
export const SeatMap = React.memo(SeatMapImpl);
