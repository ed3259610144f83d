"""Real processes for the SDK's tests: nats-server, redis-server and Sluice worker processes on
free loopback ports, started here and stopped by their own handles. Nothing is skipped: a
missing tool or worker jar fails the run with what to do."""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Iterator

import pytest

from sluice import Sluice

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_reachable(port: int, process: subprocess.Popen[bytes], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} not reachable on port {port} after {timeout} s")


def tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/sbin/{name}" if os.access(f"/usr/sbin/{name}", os.X_OK) else None)
    if found is None:
        raise RuntimeError(f"{name} is not installed: apt-get install {name}")
    return found


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = open(tmp_path_factory.mktemp("nats") / "nats.log", "wb")
    process = subprocess.Popen([tool("nats-server"), "-a", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    try:
        wait_reachable(port, process, "nats-server")
        yield f"nats://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    log = open(workdir / "redis.log", "wb")
    process = subprocess.Popen([tool("redis-server"), "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                "--appendonly", "no", "--dir", str(workdir)], stdout=log, stderr=log)
    try:
        wait_reachable(port, process, "redis-server")
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process)


@dataclass
class Java:
    executable: str
    options: list[str]


@pytest.fixture(scope="session")
def java() -> Java:
    """The JDK scripts/lib.sh picks (21 or later) and the worker's JVM options."""
    script = ". scripts/lib.sh && sluice_pick_jdk >&2 && echo \"$JAVA_HOME\" && sluice_worker_jvm_options"
    lines = subprocess.run(["bash", "-c", script], cwd=REPO, check=True, capture_output=True,
                           text=True).stdout.split()
    return Java(f"{lines[0]}/bin/java", lines[1:])


@pytest.fixture(scope="session")
def worker_jar() -> str:
    jars = glob.glob(str(REPO / "worker" / "target" / "sluice-worker-*-all.jar"))
    if not jars:
        raise RuntimeError("no worker jar: build it with `mvn -o -q -pl worker -am package -DskipTests`")
    return jars[0]


class WorkerProcess:
    """One Sluice worker process with one loop: worker id ``<prefix>-0``."""

    _next_ports = 41000

    def __init__(self, java: Java, jar: str, nats_url: str, redis_url: str, log_dir: Path) -> None:
        self.prefix = "py" + uuid.uuid4().hex[:8]
        self.worker_id = f"{self.prefix}-0"
        low = WorkerProcess._next_ports
        WorkerProcess._next_ports += 200
        env = dict(os.environ, NATS_URL=nats_url, REDIS_URL=redis_url, WORKERS="1", WORKER_ID=self.prefix,
                   LISTEN_IP="127.0.0.1", RTC_MIN_PORT=str(low), RTC_MAX_PORT=str(low + 199), LOG_LEVEL="warn")
        self.log = log_dir / f"{self.prefix}.log"
        self.process = subprocess.Popen([java.executable, *java.options, "-jar", jar], env=env,
                                        stdout=open(self.log, "wb"), stderr=subprocess.STDOUT)

    def stop(self) -> None:
        stop(self.process)


@pytest.fixture(scope="session")
def start_worker(java: Java, worker_jar: str, nats_url: str, redis_url: str,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    started: list[WorkerProcess] = []
    log_dir = tmp_path_factory.mktemp("workers")

    def start() -> WorkerProcess:
        worker = WorkerProcess(java, worker_jar, nats_url, redis_url, log_dir)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture(scope="session")
async def sluice(nats_url: str, redis_url: str) -> AsyncIterator[Sluice]:
    client = await Sluice.connect(nats_url, redis_url=redis_url, timeout=30)  # a busy machine is slow
    yield client
    await client.close()


async def wait_until_discovered(client: Sluice, worker_id: str, timeout: float = 60.0) -> None:
    async def poll() -> None:
        while worker_id not in {info.worker_id for info in await client.directory.refresh()}:
            await asyncio.sleep(0.2)

    await asyncio.wait_for(poll(), timeout)


@pytest.fixture(scope="session")
async def worker_process(start_worker, sluice: Sluice) -> WorkerProcess:  # type: ignore[no-untyped-def]
    process: WorkerProcess = start_worker()
    try:
        await wait_until_discovered(sluice, process.worker_id)
    except asyncio.TimeoutError:
        raise RuntimeError(f"worker did not appear; log: {process.log.read_text()[-3000:]}") from None
    return process
