"""The door's browser pieces: a small local React module (assets/door/scanner.jsx).

`qr_scanner` opens the device camera and reports each ticket QR code it reads (`on_scan`),
with the browser's BarcodeDetector where there is one and jsQR (from npm) elsewhere;
`scan_feedback` beeps and vibrates for each answer; `ticker` keeps the live counts fresh.
"""

from __future__ import annotations

import reflex as rx

_MODULE = "$/public/door/scanner.jsx"


class QrScanner(rx.Component):
    library = _MODULE
    tag = "QrScanner"
    lib_dependencies: list[str] = ["jsqr@1.4.0"]

    on_scan: rx.EventHandler[lambda code: [code]]


class ScanFeedback(rx.Component):
    library = _MODULE
    tag = "ScanFeedback"

    status: rx.Var[str]
    seq: rx.Var[int]


class Ticker(rx.Component):
    library = _MODULE
    tag = "Ticker"

    interval_ms: rx.Var[int]
    on_tick: rx.EventHandler[lambda: []]


qr_scanner = QrScanner.create
scan_feedback = ScanFeedback.create
ticker = Ticker.create
