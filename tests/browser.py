"""Serve a built book on 127.0.0.1 and drive Debian's Chromium through Playwright.

Only Debian's Chromium is used (``executable_path``), never a browser that
Playwright would download; every request to any host but the local server is
blocked and recorded.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("KURSK_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on an ephemeral port of 127.0.0.1; yield the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def open_page(context, url: str, base: str, *, wait_selector: str | None = None):
    """Open ``url``; return (page, list of foreign requests, list of console errors)."""
    foreign: list[str] = []
    errors: list[str] = []
    page = context.new_page()

    def route(r):
        if r.request.url.startswith(base) or r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}") if r.url.startswith(base) else None)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, foreign, errors


def draw_all_charts(page, timeout: int = 20_000) -> int:
    """Have the page draw every chart now (a reader's scrolling draws them one by one) and
    wait until all are drawn; return how many there are."""
    expected = page.locator("div.kursk-chart").count()
    if expected:
        page.wait_for_function("() => window.kurskCharts !== undefined", timeout=timeout)
        page.evaluate("window.kurskCharts.drawAll()")
        page.wait_for_function(
            "n => document.querySelectorAll(\"div.kursk-chart[data-drawn='true'] svg\").length >= n",
            arg=expected, timeout=timeout)
    return expected
