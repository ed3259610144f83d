"""Debian's headless Chromium driven over the DevTools protocol (a WebSocket: no driver), as the
Java browser tests drive it (worker testsupport ChromiumBrowser): open a page, evaluate
JavaScript in it. Only inside a network namespace whose one interface is ``lo``: Chromium's
WebRTC gathers on every interface it sees, and nothing here may leave loopback."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import urllib.request
from typing import IO, Any

import websockets

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--allow-loopback-in-peer-connection", "--use-fake-device-for-media-stream",
         "--use-fake-ui-for-media-stream", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"]


def require_loopback_only() -> None:
    """Fails (never skips) unless ``lo`` is the only network interface."""
    # The kernel's list for this process's namespace (/sys/class/net shows the mounting one's).
    others = sorted(name for _, name in socket.if_nameindex() if name != "lo")
    if others:
        raise AssertionError("browser tests run in a network namespace with only lo (scripts/test runs them "
                             f"under unshare --net, as root); this one also has {others}")


class Chromium:
    """One browser with one page; ``close()`` ends its processes and removes its profile."""

    def __init__(self, process: subprocess.Popen[bytes], profile: str, page: Any) -> None:
        self._process = process
        self._profile = profile
        self._page = page
        self._ids = itertools.count(1)

    @classmethod
    async def launch(cls) -> Chromium:
        require_loopback_only()
        binary = shutil.which("chromium")
        if binary is None:
            raise RuntimeError("chromium is not installed: apt-get install chromium")
        profile = tempfile.mkdtemp(prefix="sluice-chromium-")
        # Its own process group: Chromium's renderer and utility processes end with it.
        process = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            browser_url = await asyncio.wait_for(asyncio.to_thread(_devtools_url, process), 30)
            http = browser_url.split("/devtools/")[0].replace("ws://", "http://")
            target = await asyncio.to_thread(_put_json, f"{http}/json/new?about:blank")
            page = await websockets.connect(target["webSocketDebuggerUrl"], max_size=None)
        except BaseException:
            _end(process)
            shutil.rmtree(profile, ignore_errors=True)
            raise
        return cls(process, profile, page)

    async def navigate(self, url: str) -> None:
        await self._send("Page.enable")
        await self._send("Page.navigate", {"url": url})
        await self.evaluate("new Promise(r => document.readyState === 'complete' ? r(true)"
                            " : addEventListener('load', () => r(true)))")

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of the expression (a promise is awaited); a thrown error fails."""
        result = await self._send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                       "returnByValue": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"page threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def _send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        message_id = next(self._ids)
        await self._page.send(json.dumps({"id": message_id, "method": method, "params": params or {}}))

        async def reply() -> dict[str, Any]:
            # One caller at a time per page: events and stale replies are skipped.
            while True:
                message = json.loads(await self._page.recv())
                if message.get("id") == message_id:
                    return dict(message)

        answer = await asyncio.wait_for(reply(), 60)
        if "error" in answer:
            raise AssertionError(f"{method} failed: {answer['error']}")
        return dict(answer.get("result", {}))

    async def close(self) -> None:
        await self._page.close()
        await asyncio.to_thread(_end, self._process)
        shutil.rmtree(self._profile, ignore_errors=True)


def _devtools_url(process: subprocess.Popen[bytes]) -> str:
    assert process.stderr is not None
    for raw in process.stderr:
        line = raw.decode(errors="replace")
        if "DevTools listening on " in line:
            # Keep reading in the background so that Chromium never blocks on a full pipe.
            threading.Thread(target=_discard, args=(process.stderr,), daemon=True).start()
            return line.split("DevTools listening on ", 1)[1].strip()
    raise RuntimeError(f"chromium exited ({process.wait()}) before DevTools listened")


def _discard(stream: IO[bytes]) -> None:
    for _ in stream:
        pass


def _put_json(url: str) -> dict[str, Any]:
    request = urllib.request.Request(url, method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def _end(process: subprocess.Popen[bytes]) -> None:
    """Ends Chromium and its children (its process group, which it leads)."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
