"""`python -m tests.serving.pinger URL`: GET URL every 10 ms until stdin closes, then print the
latencies (seconds) as one JSON list. Prints "ready" first, once the first answer came.

Its own process, so that the measured latency is the server's and not the GIL of a test process
that is busy sending a burst on dozens of threads.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request


def main(url: str) -> None:
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    latencies: list[float] = []
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                resp.read()
            latencies.append(time.monotonic() - started)
        except OSError:
            latencies.append(float("inf"))  # no answer counts as the slowest possible
        if len(latencies) == 1:
            print("ready", flush=True)
        stop.wait(0.01)
    print(json.dumps(latencies))


if __name__ == "__main__":
    main(sys.argv[1])
