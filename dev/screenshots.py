# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Screenshots of the demo for the README, taken in headless Chromium.

Run against a demo server (``make demo``):

    dev/env.sh python dev/screenshots.py --url http://localhost:8069 --db debt_followup_demo

Each shot logs in as a demo user (password = login), opens a page of the web
client (or, for the debtor's page, the link of a customer's case as an anonymous
visitor), waits until a given element is there and nothing is loading, optionally
runs a few clicks, and saves a PNG in ``docs/`` (palette-reduced to stay small).
The letter is the first page of the PDF report, rendered with ``pdftoppm``.
Chromium is driven through its DevTools protocol (websocket-client).
"""

import argparse
import base64
import io
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket
from PIL import Image, ImageOps

DOCS = Path(__file__).resolve().parent.parent / "docs"
IDLE_JS = (
    "!document.querySelector('.o_loading_indicator, .o_blockUI, .o-mail-LoadingSpinner')"
    " && document.readyState === 'complete'"
)


class Browser:
    """One headless Chromium, one tab, driven over the DevTools protocol."""

    def __init__(self, width, height):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.profile = tempfile.TemporaryDirectory()
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--hide-scrollbars",
                "--lang=en-US",
                f"--user-data-dir={self.profile.name}",
                f"--remote-debugging-port={port}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.socket = self._connect(port)
        self.next_id = 0
        self.resize(width, height)
        # The web client shows dates in the browser's time zone: the demo's.
        self.send("Emulation.setTimezoneOverride", timezoneId="Europe/Rome")

    @staticmethod
    def _connect(port):
        for _attempt in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                page = next(target for target in targets if target["type"] == "page")
                return websocket.create_connection(
                    page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
                )
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        raise RuntimeError("Chromium did not start")

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def resize(self, width, height):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def wait(self, selector, timeout=30):
        check = f"!!document.querySelector({json.dumps(selector)}) && {IDLE_JS}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(check):
                time.sleep(1.0)  # animations, fonts and late renders settle
                if self.evaluate(check):
                    return
            time.sleep(0.3)
        raise TimeoutError(f"{selector} did not appear")

    def screenshot(self, path, selector=None, max_width=1200):
        params = {"format": "png"}
        if selector:
            box = self.evaluate(
                f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                ".getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()"
            )
            params["clip"] = dict(zip(("x", "y", "width", "height"), box, strict=True)) | {
                "scale": 1
            }
        data = base64.b64decode(self.send("Page.captureScreenshot", **params)["data"])
        save_png(Image.open(io.BytesIO(data)), path, max_width)

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        self.profile.cleanup()


def save_png(image, path, max_width):
    if image.width > max_width:
        image = image.resize(
            (max_width, round(image.height * max_width / image.width)), Image.LANCZOS
        )
    image = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(path, optimize=True)
    size = path.stat().st_size // 1024
    print(f"{path.relative_to(DOCS.parent)}: {image.width}x{image.height}, {size} KiB")


def login(url, db, user):
    session = requests.Session()
    response = session.post(
        f"{url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": user}},
        timeout=60,
    )
    response.raise_for_status()
    if response.json().get("error"):
        raise RuntimeError(f"cannot log in as {user}: {response.json()['error']}")
    return session


def xmlid_to_res_id(session, url, xmlid):
    response = session.post(
        f"{url}/web/dataset/call_kw/ir.model.data/check_object_reference",
        json={
            "jsonrpc": "2.0",
            "params": {
                "model": "ir.model.data",
                "method": "check_object_reference",
                "args": xmlid.split("."),
                "kwargs": {},
            },
        },
        timeout=60,
    )
    return response.json()["result"][1]


def shoot(browser, url, session, shot):
    browser.send("Network.enable")
    browser.send("Network.clearBrowserCookies")
    browser.send(
        "Network.setCookie", name="session_id", value=session.cookies["session_id"], url=url
    )
    path = shot["path"]
    if "{" in path:
        path = path.format(
            **{key: xmlid_to_res_id(session, url, xmlid) for key, xmlid in shot["ids"].items()}
        )
    browser.resize(shot.get("width", 1366), shot.get("height", 800))
    browser.send("Page.navigate", url=f"{url}{path}")
    browser.wait(shot["wait"])
    for script, selector in shot.get("steps", []):
        browser.evaluate(script)
        browser.wait(selector)
    browser.screenshot(DOCS / shot["file"], shot.get("clip"), shot.get("max_width", 1200))


def call_kw(session, url, model, method, args, *, kwargs=None):
    response = session.post(
        f"{url}/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        },
        timeout=60,
    )
    body = response.json()
    if body.get("error"):
        raise RuntimeError(f"{model}.{method}: {body['error']}")
    return body["result"]


def debtor_page(browser, url, session, shot):
    """The debtor's page of a demo customer's case, as an anonymous visitor
    opens it from a reminder, the whole page at the window's width."""
    partner_id = xmlid_to_res_id(session, url, shot["debtor"])
    [case] = call_kw(
        session,
        url,
        "debt.followup.case",
        "search_read",
        [[["partner_id", "=", partner_id]]],
        kwargs={"fields": ["id"], "limit": 1},
    )
    action = call_kw(session, url, "debt.followup.case", "action_open_debtor_page", [[case["id"]]])
    browser.send("Network.enable")
    browser.send("Network.clearBrowserCookies")
    width, height = shot["width"], shot["height"]
    browser.resize(width, height)
    browser.send("Page.navigate", url=action["url"])
    browser.wait(shot["wait"])
    if shot.get("full_page"):
        height = max(height, browser.evaluate("document.documentElement.scrollHeight"))
        browser.resize(width, height)
        time.sleep(0.5)
    browser.screenshot(DOCS / shot["file"], None, shot.get("max_width", width))


def letter(url, session, shot):
    partner_id = xmlid_to_res_id(session, url, shot["partner"])
    response = session.get(f"{url}/report/pdf/{shot['report']}/{partner_id}", timeout=300)
    response.raise_for_status()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "letter.pdf"
        pdf.write_bytes(response.content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", pdf, pdf.stem],
            cwd=tmp,
            check=True,
        )
        page = Image.open(Path(tmp) / "letter.png").convert("RGB")
        # Keep the printed part of the page, with a margin.
        left, top, right, bottom = ImageOps.invert(page).getbbox()
        margin = 40
        page = page.crop(
            (
                max(left - margin, 0),
                max(top - margin, 0),
                min(right + margin, page.width),
                min(bottom + margin, page.height),
            )
        )
        save_png(page, DOCS / shot["file"], 900)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="debt_followup_demo")
    parser.add_argument("--only", nargs="*", help="file names of the shots to take")
    args = parser.parse_args()
    shots = json.loads((Path(__file__).parent / "screenshots.json").read_text())
    DOCS.mkdir(exist_ok=True)
    browser = Browser(1366, 800)
    try:
        for shot in shots:
            if args.only and shot["file"] not in args.only:
                continue
            session = login(args.url, args.db, shot["login"])
            if "report" in shot:
                letter(args.url, session, shot)
            elif "debtor" in shot:
                debtor_page(browser, args.url, session, shot)
            else:
                shoot(browser, args.url, session, shot)
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
