"""Benchmark: dashboard page switches on the synthetic discussion, timed inside headless Chromium.

The app (``dashboard.create_app``, toxicity/sentiment/stance scored as the app does it) runs
on ``benchmarks/synthetic.py``'s ``generate(N)`` data in a server thread; Debian's headless
Chromium (same options as the browser tests) clicks the navigation links in page order,
three rounds: ``cold`` (first computation), ``warm`` and ``warm2`` (cached on the server).

One switch is timed in the browser, from the click on the navigation link until the page's
content shows its finished text, no Dash component is loading, a figure the page waits for has
drawn its traces, and two animation frames have passed (so the frame is painted). For each
switch it also records:

- ``server_s``: from the click to the end of the last Dash request (callbacks + transfer);
- ``browser_s``: the rest (parsing, React, plotly drawing);
- ``kb``: the bytes the Dash requests returned (decoded);
- ``longest_task_s``: the longest main-thread task (Long Tasks API), usually the draw.

Run (the first run scores the texts, later runs reuse the score cache)::

    .venv/bin/python benchmarks/bench_dashboard.py            # 100k comments
    .venv/bin/python benchmarks/bench_dashboard.py --pages Graph --rounds 4

Results go to ``benchmarks/results/dashboard-<N>.json``. The target (issue 6, point 5): every
warm page switch under 1 s on 100k comments.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from synthetic import generate

import dynamics as dyn

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
)
#: (navigation label, link href, css of the page's content, its finished text, figure to wait for)
PAGES = (
    ("Overview", "/", "#overview-cards", "comments", None),
    ("Graph", "/graph", "#graph-note", "users and", "user_graph"),
    ("Polarization", "/polarization", "#pol-estimates", "ei_index", None),
    ("Echo chambers", "/echo-chambers", "#echo-body", "insularity", None),
    ("Escalation", "/escalation", "#esc-body", "contagion", None),
    ("Thread", "/thread", '[id*=\'"name":"reply_tree"\']', "Reply tree", "reply_tree"),
    ("User", "/user", "#user-body", "toxicity given", None),
)

#: Runs in the page: click the link, poll until the page is finished, report timings.
VISIT_JS = r"""
const [href, css, text, figure, done] = arguments;
const sel = figure ? `[id*='"name":"${figure}"'][id*='"type":"figure"']` : null;
const longTasks = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) { longTasks.push(e.duration); }
});
try { observer.observe({type: "longtask"}); } catch (e) {}
performance.clearResourceTimings();
const t0 = performance.now();
document.querySelector(`a.nav-link[href="${href}"]`).click();
function figureDrawn() {
  if (!sel) { return true; }
  const host = document.querySelector(sel);
  const gd = host && host.querySelector(".js-plotly-plot");
  return !!(gd && gd.data && gd.data.length > 0 && gd._fullData
            && gd._fullData.length === gd.data.length && gd.querySelector(".main-svg"));
}
function finished() {
  const el = document.querySelector(css);
  return el && el.innerText.includes(text) && el.innerText.length > 0
    && document.querySelectorAll('[data-dash-is-loading="true"]').length === 0
    && figureDrawn();
}
function report() {
  const t1 = performance.now();
  observer.disconnect();
  const dashReqs = performance.getEntriesByType("resource")
    .filter((e) => e.name.includes("_dash-update-component"));
  const lastEnd = dashReqs.reduce((m, e) => Math.max(m, e.responseEnd), t0);
  done({
    total_ms: t1 - t0,
    server_ms: lastEnd - t0,
    bytes: dashReqs.reduce((s, e) => s + (e.decodedBodySize || 0), 0),
    requests: dashReqs.length,
    longest_task_ms: longTasks.length ? Math.max(...longTasks) : 0,
  });
}
(function poll() {
  if (performance.now() - t0 > 600000) { done({error: "timeout"}); return; }
  if (finished()) {
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
      if (finished()) { report(); } else { poll(); }
    }, 0)));
  } else { setTimeout(poll, 5); }
})();
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(620)
    return driver


def _visit(driver: Any, page: tuple[str, str, str, str, str | None]) -> dict[str, float]:
    _label, href, css, text, figure = page
    raw = driver.execute_async_script(VISIT_JS, href, css, text, figure)
    if "error" in raw:
        msg = f"{page[0]}: {raw['error']}"
        raise RuntimeError(msg)
    return {
        "total_s": round(raw["total_ms"] / 1000, 3),
        "server_s": round(raw["server_ms"] / 1000, 3),
        "browser_s": round((raw["total_ms"] - raw["server_ms"]) / 1000, 3),
        "kb": round(raw["bytes"] / 1024, 1),
        "requests": raw["requests"],
        "longest_task_s": round(raw["longest_task_ms"] / 1000, 3),
    }


def run(
    n_comments: int, *, seed: int, rounds: int, pages: list[str], screenshot: Path | None
) -> dict[str, Any]:
    """Time every page switch; return the results document."""
    from dashboard import create_app

    t0 = time.perf_counter()
    disc = dyn.load(generate(n_comments, seed=seed).comments)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(disc, label=f"synthetic-{n_comments}")
    t2 = time.perf_counter()
    print(f"load {t1 - t0:.1f} s, create_app (with scoring) {t2 - t1:.1f} s", flush=True)
    port = _free_port()
    threading.Thread(
        target=lambda: app.run(host="127.0.0.1", port=port, debug=False), daemon=True
    ).start()
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    chosen = [p for p in PAGES if p[0] in pages]
    driver = _browser()
    results: dict[str, dict[str, Any]] = {}
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, 600).until(
            lambda d: (
                "comments"
                in d.execute_script(
                    "var e = document.querySelector('#overview-cards'); return e ? e.innerText : ''"
                )
            )
        )
        names = ["cold", "warm"] + [f"warm{i}" for i in range(2, rounds)]
        current = "/"
        for name in names[:rounds]:
            for page in chosen:
                if page[1] == current:  # a switch needs another page first (untimed)
                    _visit(driver, PAGES[5] if current == "/" else PAGES[0])
                r = _visit(driver, page)
                current = page[1]
                results.setdefault(page[0], {})[name] = r
                print(
                    f"{name:6} {page[0]:14} {r['total_s']:6.2f} s  (server {r['server_s']:.2f},"
                    f" browser {r['browser_s']:.2f}, {r['kb']:,.0f} kB, longest task "
                    f"{r['longest_task_s']:.2f})",
                    flush=True,
                )
        if screenshot is not None:
            _visit(driver, PAGES[1])
            driver.save_screenshot(str(screenshot))
    finally:
        driver.quit()
    return {
        "n_comments": n_comments,
        "seed": seed,
        "users": len(disc.authors),
        "load_s": round(t1 - t0, 2),
        "create_app_s": round(t2 - t1, 2),
        "machine": {
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "chromium": CHROMIUM,
        },
        "pages": results,
    }


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3, help="cold + (rounds - 1) warm rounds")
    parser.add_argument("--pages", nargs="*", default=[p[0] for p in PAGES])
    parser.add_argument("--out", type=Path, default=None, help="results JSON (default: results/)")
    parser.add_argument("--screenshot", type=Path, default=None, help="PNG of the Graph page")
    args = parser.parse_args(argv)
    doc = run(
        args.comments,
        seed=args.seed,
        rounds=max(args.rounds, 1),
        pages=args.pages,
        screenshot=args.screenshot,
    )
    out = args.out or HERE / "results" / f"dashboard-{args.comments}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
