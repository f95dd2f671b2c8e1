"""A video file Chromium plays as its camera (--use-file-for-fake-video-capture): a ticket's
QR code for a while, then an empty view, looped — as a steward shows a ticket to the camera,
takes it away, and shows it again."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from PIL import Image

WIDTH, HEIGHT, FPS = 640, 480, 10


def _planes(image: Image.Image) -> bytes:
    """One 4:2:0 frame: full-size luma, then both chroma planes at half size."""
    y, cb, cr = image.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    return y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()


def qr_video(path: Path, code: str, *, shown_s: float = 2.0, empty_s: float = 2.0) -> Path:
    png = io.BytesIO()
    segno.make_qr(code, error="m").save(png, kind="png", scale=10, border=4)
    qr = Image.open(io.BytesIO(png.getvalue())).convert("RGB")
    side = min(HEIGHT - 40, qr.width)
    qr = qr.resize((side, side), Image.NEAREST)
    with_code = Image.new("RGB", (WIDTH, HEIGHT), "white")
    with_code.paste(qr, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    empty = Image.new("RGB", (WIDTH, HEIGHT), (200, 200, 200))
    frames = [_planes(with_code)] * int(shown_s * FPS) + [_planes(empty)] * int(empty_s * FPS)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            out.write(b"FRAME\n" + frame)
    return path
