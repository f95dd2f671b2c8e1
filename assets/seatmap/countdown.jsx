// A hold's countdown: ticks in the browser (no server round trip per second) and tells the
// server once, when the time is up.
import React, { useEffect, useRef, useState } from "react";

function left(expiresAt) {
  return Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));
}

export function Countdown({ expiresAt, onExpire, id }) {
  const [seconds, setSeconds] = useState(() => left(expiresAt));
  const fired = useRef(false);
  useEffect(() => {
    fired.current = false;
    setSeconds(left(expiresAt));
    const timer = setInterval(() => {
      const s = left(expiresAt);
      setSeconds(s);
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
