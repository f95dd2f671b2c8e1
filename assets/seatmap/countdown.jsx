// A hold's countdown: ticks in the browser (no server round trip per second) and tells the
// server once when the last minute starts (onWarn) and once when the time is up (onExpire).
import React, { useEffect, useRef, useState } from "react";

function left(expiresAt) {
  return Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));
}

// The warning comes 2 s inside the engine's extension window (booking.EXTEND_WINDOW, 60 s), so
// that rounding and the trip to the server never ask before the engine would say yes.
const WARN_MS = 58_000;

export function Countdown({ expiresAt, onExpire, onWarn, id }) {
  const [seconds, setSeconds] = useState(() => left(expiresAt));
  const fired = useRef(false);
  const warned = useRef(false);
  useEffect(() => {
    fired.current = false;
    warned.current = false;
    setSeconds(left(expiresAt));
    const timer = setInterval(() => {
      const s = left(expiresAt);
      setSeconds(s);
      const ms = Date.parse(expiresAt) - Date.now();
      if (ms <= WARN_MS && ms > 0 && !warned.current) {
        warned.current = true;
        if (onWarn) onWarn();
      }
      if (s <= 0 && !fired.current) {
        fired.current = true;
        clearInterval(timer);
        if (onExpire) onExpire();
      }
    }, 250);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [expiresAt]);
  const mm = String(Math.floor(seconds / 60)).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  return React.createElement(
    "span",
    { id, className: seconds <= 60 ? "countdown urgent" : "countdown", role: "timer", "aria-live": "off" },
    `${mm}:${ss}`,
  );
}
