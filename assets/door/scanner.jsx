// The door's camera scanner, its sound/vibration feedback, and a ticker for live counts.
//
// Decoding: the browser's BarcodeDetector where it exists (Chrome on Android and macOS),
// otherwise jsQR (npm `jsqr`) on frames drawn to a canvas. A code is reported when it differs
// from the last one reported, or once the camera has seen no code for CLEAR_MS — so a ticket
// held in front of the camera is scanned once, and the same ticket shown again later is
// scanned again (and then answers "already checked in").
import React, { useEffect, useRef, useState } from "react";
import jsQR from "jsqr";

const FRAME_MS = 120;
const CLEAR_MS = 900;

let audio = null;
function audioContext() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!audio && Ctx) audio = new Ctx();
  if (audio && audio.state === "suspended") audio.resume().catch(() => {});
  return audio;
}

function tone(ctx, frequency, start, length) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = frequency;
  osc.type = "square";
  gain.gain.value = 0.08;
  osc.connect(gain).connect(ctx.destination);
  osc.start(ctx.currentTime + start);
  osc.stop(ctx.currentTime + start + length);
}

export function QrScanner({ onScan, id }) {
  const video = useRef(null);
  const canvas = useRef(null);
  const [active, setActive] = useState(false);
  const [message, setMessage] = useState("");

  useEffect(() => {
    if (!active) return undefined;
    let stream = null;
    let stopped = false;
    let timer = null;
    let detector = null;
    if ("BarcodeDetector" in window) {
      try {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) {
        detector = null;
      }
    }
    const last = { code: "", seenAt: 0 };

    async function decode(v) {
      if (detector) {
        try {
          const found = await detector.detect(v);
          return found.length ? found[0].rawValue : null;
        } catch (e) {
          detector = null; // unsupported here after all: fall back to jsQR
        }
      }
      const c = canvas.current;
      const w = v.videoWidth;
      const h = v.videoHeight;
      c.width = w;
      c.height = h;
      const ctx = c.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(v, 0, 0, w, h);
      const found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, {
        inversionAttempts: "dontInvert",
      });
      return found ? found.data : null;
    }

    async function tick() {
      if (stopped) return;
      const v = video.current;
      if (v && v.readyState >= 2 && v.videoWidth) {
        const code = await decode(v);
        const now = Date.now();
        if (code) {
          const fresh = code !== last.code || now - last.seenAt > CLEAR_MS;
          last.code = code;
          last.seenAt = now;
          if (fresh && onScan) onScan(code);
        }
      }
      if (!stopped) timer = setTimeout(tick, FRAME_MS);
    }

    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      setMessage("This browser cannot use a camera here. Type the ticket code instead.");
      setActive(false);
      return undefined;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then((s) => {
        if (stopped) {
          s.getTracks().forEach((t) => t.stop());
          return;
        }
        stream = s;
        video.current.srcObject = s;
        video.current.play().catch(() => {});
        setMessage("Camera on: hold a ticket's QR code in view.");
        tick();
      })
      .catch((err) => {
        setMessage(`The camera could not be started (${err.name}). Type the ticket code instead.`);
        setActive(false);
      });
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((t) => t.stop());
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);

  return React.createElement(
    "div",
    { id, className: "qr-scanner" },
    React.createElement(
      "button",
      {
        type: "button",
        id: `${id}-toggle`,
        className: "scanner-toggle",
        "aria-pressed": active,
        onClick: () => {
          audioContext(); // a click may unlock sound for the answers to come
          setActive(!active);
        },
      },
      active ? "Stop camera" : "Scan with camera",
    ),
    React.createElement("video", {
      ref: video,
      muted: true,
      playsInline: true,
      className: "scanner-video",
      "aria-label": "Camera view for scanning ticket QR codes",
      hidden: !active,
    }),
    React.createElement("canvas", { ref: canvas, hidden: true, "aria-hidden": true }),
    React.createElement("p", { role: "status", className: "scanner-message" }, message),
  );
}

// A high beep and a short buzz for "valid"; two low beeps and a long buzz for anything else.
export function ScanFeedback({ status, seq }) {
  useEffect(() => {
    if (!seq || !status || status === "empty") return;
    const valid = status === "checked_in";
    const ctx = audioContext();
    if (ctx) {
      if (valid) tone(ctx, 880, 0, 0.15);
      else {
        tone(ctx, 220, 0, 0.18);
        tone(ctx, 220, 0.25, 0.18);
      }
    }
    if (navigator.vibrate) navigator.vibrate(valid ? 120 : [250, 100, 250]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seq]);
  return null;
}

// Calls onTick every intervalMs while the page is open (the door's live counts).
export function Ticker({ intervalMs, onTick }) {
  useEffect(() => {
    const timer = setInterval(() => {
      if (!document.hidden && onTick) onTick();
    }, intervalMs || 5000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [intervalMs]);
  return null;
}
