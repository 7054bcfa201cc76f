"""Benchmark of the book: how long it takes to build, how heavy and fast its pages are.

Run on demand, never by the tests (timings are not assertions):

    make bench                              # = .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --runs 1 --no-lighthouse

It works on a copy of the repository in a temporary folder (the working tree is not
touched) and writes ``benchmarks/RESULTS.md``: a markdown table with the date, the
machine and the commit, of medians over ``--runs`` runs of

* builds: a cold HTML build (no ``_build``), a no-change ``make book``, an HTML build
  after a one-sentence edit of one chapter, an HTML build after a one-cell change of a
  data file, a PDF build; the peak memory of the largest process;
* the floor: every chapter's code executed alone, in a fresh kernel, with nbclient (the
  sum over chapters, which is what a sequential build pays), and each build time as a
  ratio to it;
* pages, served gzip-compressed on 127.0.0.1 to Debian's Chromium: bytes on a first visit
  and with the shared assets (``_static/``) cached, raw and gzip (every chart drawn, so
  the Vega runtime counted); the time from navigation to the last chart drawn when all
  are asked for at the load event (a reader's scrolling draws them one by one); Lighthouse's performance and accessibility scores
  (mobile preset; Lighthouse from ``benchmarks/package-lock.json``, installed with
  ``npm ci`` in ``benchmarks/``, run with Debian's Chromium);
* with ``--tests``, the two tiers of the tests in a fresh clone of the repository's last
  commit: ``make check`` and ``make test`` (the environments are set up first, untimed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM_ARGS, browser, chromium_path  # noqa: E402
from conftest import IGNORE  # noqa: E402  (the tests' copy of the book leaves out the same)
LIGHTHOUSE = ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse"
PROSE_EDIT = ("chapters/response.md", "\n\nThis sentence was added by the benchmark.\n")
DATA_FILE = "data/claims.csv"

#: The issue's targets (issue 10).
TARGETS = {
    "first_gzip_kb": 400, "cached_gzip_kb": 150, "last_chart_s": 1.5, "performance": 90, "accessibility": 100,
    "no_change_s": 5, "prose_edit_s": 10,
    # issue 19
    "check_s": 90, "test_s": 600,
}


# ---------------------------------------------------------------- builds

def _build(book: Path, *args: str) -> tuple[float, str]:
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kursk.publish.build", *args], cwd=book, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit(f"benchmark: build {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds, result.stdout


def _edit_data(book: Path, mark: str) -> str:
    """Change one note of the claims table (every chapter reads the table); return the original."""
    path = book / DATA_FILE
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    note = header.index("note")
    for i, line in enumerate(lines[1:], 1):
        cells = line.rstrip("\n").split(",")
        if len(cells) == len(header) and '"' not in line and cells[note]:
            cells[note] += f" ({mark})"
            lines[i] = ",".join(cells) + "\n"
            break
    path.write_text("".join(lines), encoding="utf-8")
    return original


def measure_builds(book: Path, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in ("cold_html", "pdf", "no_change", "prose_edit", "data_change")}
    chapter = book / PROSE_EDIT[0]
    for run in range(runs):
        shutil.rmtree(book / "_build", ignore_errors=True)
        times["cold_html"].append(_build(book, "html")[0])
        times["pdf"].append(_build(book, "pdf", "--force")[0])
        _build(book, "html")  # the web book with the PDF linked
        seconds, out = _build(book, "book")
        assert "nothing changed" in out, out
        times["no_change"].append(seconds)

        original = chapter.read_text(encoding="utf-8")
        chapter.write_text(original + PROSE_EDIT[1], encoding="utf-8")
        times["prose_edit"].append(_build(book, "html")[0])
        chapter.write_text(original, encoding="utf-8")
        _build(book, "html")

        original = _edit_data(book, f"benchmark {run}")
        times["data_change"].append(_build(book, "html")[0])
        (book / DATA_FILE).write_text(original, encoding="utf-8")
        _build(book, "html")
        print(f"benchmark: build run {run + 1} of {runs}: " +
              ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    return times


def measure_floor(book: Path) -> dict[str, float]:
    """Each chapter's code alone, in a fresh kernel (nbclient), in seconds."""
    import jupytext
    from nbclient import NotebookClient

    toc = (book / "_toc.yml").read_text(encoding="utf-8")
    seconds = {}
    for source in sorted((book / "chapters").glob("*.md")):
        if f"chapters/{source.stem}" not in toc:
            continue
        notebook = jupytext.read(source)
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        start = time.monotonic()
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(source.parent)}}).execute()
        seconds[source.stem] = time.monotonic() - start
    return seconds


# ---------------------------------------------------------------- pages

class _Gzip(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the browser accepts it (as any web host would)."""

    TEXT = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map")

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if path.suffix in self.TEXT and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, 6)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Gzip, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _pages(html: Path) -> list[str]:
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts and p.name != "index.html")


def measure_pages(html: Path, runs: int, lighthouse: bool) -> dict[str, dict]:
    server, base = _serve(html)
    results: dict[str, dict] = {}
    try:
        with browser() as b:
            for rel in _pages(html):
                weights, last_chart = None, []
                for _ in range(runs):
                    context = b.new_context(viewport={"width": 390, "height": 844})
                    page = context.new_page()
                    sizes = {}

                    def on_response(response, sizes=sizes):
                        try:
                            body = response.body()
                        except Exception:  # a redirect or an aborted request has no body
                            return
                        sizes[response.url] = (len(body), len(gzip.compress(body, 6)))

                    page.on("response", on_response)
                    page.goto(f"{base}/{rel}", wait_until="load")
                    charts = page.locator("div.kursk-chart").count()
                    if charts:
                        # every chart drawn at once (a reader's scrolling draws them one by one)
                        page.wait_for_function("() => window.kurskCharts !== undefined", polling="raf")
                        page.evaluate("window.kurskCharts.drawAll()")
                        page.wait_for_function(
                            "n => document.querySelectorAll(\"div.kursk-chart[data-drawn='true'] svg\").length >= n",
                            arg=charts, timeout=30_000, polling="raf")
                        last_chart.append(page.evaluate("performance.now()") / 1000)
                    page.wait_for_load_state("networkidle")
                    page_only = {u: s for u, s in sizes.items() if "/_static/" not in u}
                    weights = {
                        "first_raw": sum(s[0] for s in sizes.values()), "first_gzip": sum(s[1] for s in sizes.values()),
                        "cached_raw": sum(s[0] for s in page_only.values()),
                        "cached_gzip": sum(s[1] for s in page_only.values()), "requests": len(sizes), "charts": charts,
                    }
                    context.close()
                results[rel] = {**weights, "last_chart_s": statistics.median(last_chart) if last_chart else None}
                if lighthouse:
                    results[rel].update(_lighthouse(f"{base}/{rel}", runs))
                print(f"benchmark: {rel}: {results[rel]}", flush=True)
    finally:
        server.shutdown()
    return results


def _lighthouse(url: str, runs: int) -> dict[str, float]:
    if not LIGHTHOUSE.exists():
        raise SystemExit("benchmark: Lighthouse is not installed: cd benchmarks && npm ci")
    scores = {"performance": [], "accessibility": []}
    flags = " ".join(CHROMIUM_ARGS).replace("--headless", "--headless=new")
    for _ in range(runs):
        result = subprocess.run([str(LIGHTHOUSE), url, "--only-categories=performance,accessibility",
                                 "--output=json", "--output-path=stdout", "--quiet", f"--chrome-flags={flags}"],
                                capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chromium_path()},
                                timeout=300)
        report = json.loads(result.stdout)
        for key in scores:
            scores[key].append(round(100 * report["categories"][key]["score"]))
    return {key: statistics.median(values) for key, values in scores.items()}


# ---------------------------------------------------------------- report

def measure_tests() -> dict[str, float]:
    """Seconds of ``make check`` and ``make test`` in a fresh clone of the last commit."""
    times = {}
    with tempfile.TemporaryDirectory(prefix="kursk-bench-tests-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        subprocess.run(["make", ".venv/.installed", ".venv-tools/.installed",
                        "tests/browser-tools/node_modules/.installed"], cwd=clone, check=True,
                       capture_output=True)
        for target in ("check", "test"):
            start = time.monotonic()
            result = subprocess.run(["make", target], cwd=clone, capture_output=True, text=True)
            times[target] = time.monotonic() - start
            if result.returncode != 0:
                raise SystemExit(f"benchmark: make {target} failed in a fresh clone:\n{result.stdout[-3000:]}")
    return times


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    chromium = subprocess.run([chromium_path(), "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, {chromium}")


def _ok(value, limit, *, at_least=False) -> str:
    if value is None:
        return ""
    return " ✓" if (value >= limit if at_least else value <= limit) else " ✗"


def report(builds, floor, pages, runs, commit, tests=None) -> str:
    med = {k: statistics.median(v) for k, v in builds.items()} if builds else {}
    floor_sum = sum(floor.values()) if floor else None
    lines = [
        "# Benchmark results", "",
        f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on commit `{commit}` by "
        "`benchmarks/run.py` (medians of "
        f"{runs} run{'s' if runs > 1 else ''}).", "",
        f"Machine: {_machine()}.", "",
        "Targets (issues 10 and 19) are marked ✓ met or ✗ missed.", "",
    ]
    if tests:
        lines += ["## Tests (a fresh clone of the commit)", "", "| Command | Seconds | Target |", "|---|---:|---|",
                  f"| `make check` (no whole-book build, no browser) | {tests['check']:.0f} | "
                  f"≤ {TARGETS['check_s']} s{_ok(tests['check'], TARGETS['check_s'])} |",
                  f"| `make test` (the whole suite, what `.ci/run` calls) | {tests['test']:.0f} | "
                  f"≤ {TARGETS['test_s']} s{_ok(tests['test'], TARGETS['test_s'])} |", ""]
    if builds:
        lines += ["## Builds", "", "| Build | Seconds | ÷ floor | Target |", "|---|---:|---:|---|"]
        names = {"cold_html": "Cold HTML build (every chapter executed)", "no_change": "No-change `make book`",
                 "prose_edit": "HTML build after a one-sentence edit of one chapter",
                 "data_change": "HTML build after a change to one data file", "pdf": "PDF build"}
        target = {"cold_html": (1.5 * floor_sum + 15) if floor_sum else None, "no_change": TARGETS["no_change_s"],
                  "prose_edit": TARGETS["prose_edit_s"]}
        for key, name in names.items():
            limit = target.get(key)
            ratio = f"{med[key] / floor_sum:.2f}" if floor_sum else ""
            lines.append(f"| {name} | {med[key]:.1f} | {ratio} | "
                         f"{f'≤ {limit:.0f} s' + _ok(med[key], limit) if limit else ''} |")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        lines += ["", f"Peak memory of the largest process: {peak:.0f} MB.", ""]
    if floor:
        lines += ["## Floor: each chapter's code alone, in a fresh kernel", "", "| Chapter | Seconds |", "|---|---:|"]
        lines += [f"| {name} | {seconds:.1f} |" for name, seconds in floor.items()]
        lines += [f"| **all, one after another** | **{floor_sum:.1f}** |", ""]
    if pages:
        lines += ["## Pages (390 px wide, empty cache; gzip as served)", "",
                  "| Page | First visit raw | First visit gzip | Cached raw | Cached gzip | Requests | Charts "
                  "| Last chart drawn | Lighthouse performance | Lighthouse accessibility |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for rel, r in pages.items():
            chart = f"{r['last_chart_s']:.2f} s{_ok(r['last_chart_s'], TARGETS['last_chart_s'])}" \
                if r["last_chart_s"] is not None else "–"
            perf = f"{r['performance']:.0f}{_ok(r['performance'], 90, at_least=True)}" if "performance" in r else "–"
            a11y = f"{r['accessibility']:.0f}{_ok(r['accessibility'], 100, at_least=True)}" \
                if "accessibility" in r else "–"
            lines.append(
                f"| {rel} | {r['first_raw'] / 1024:.0f} KB | {r['first_gzip'] / 1024:.0f} KB"
                f"{_ok(r['first_gzip'] / 1024, TARGETS['first_gzip_kb'])} | {r['cached_raw'] / 1024:.0f} KB | "
                f"{r['cached_gzip'] / 1024:.0f} KB{_ok(r['cached_gzip'] / 1024, TARGETS['cached_gzip_kb'])} | "
                f"{r['requests']} | {r['charts']} | {chart} | {perf} | {a11y} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-builds", action="store_true", help="skip the build timings (pages only)")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--pages-of", type=Path, help="measure the pages of this built _build/html only")
    parser.add_argument("--tests", action="store_true", help="also time make check and make test in a fresh clone")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    if chromium_path() is None:
        raise SystemExit("benchmark: Debian's chromium is needed (apt-get install chromium)")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    if args.pages_of:
        pages = measure_pages(args.pages_of, args.runs, not args.no_lighthouse)
        print(report({}, {}, pages, args.runs, commit))
        return 0
    with tempfile.TemporaryDirectory(prefix="kursk-bench-") as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ROOT, book, ignore=IGNORE)
        builds = {} if args.no_builds else measure_builds(book, args.runs)
        if args.no_builds:
            _build(book, "book")
        floor = {} if args.no_builds else measure_floor(book)
        pages = measure_pages(book / "_build" / "html", args.runs, not args.no_lighthouse)
    tests = measure_tests() if args.tests else None
    text = report(builds, floor, pages, args.runs, commit, tests)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
