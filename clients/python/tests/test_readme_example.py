"""The README's "From Python" example runs as printed, against the test's servers."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

from conftest import REPO


async def test_readme_example_runs(nats_url: str, redis_url: str, worker_process) -> None:  # type: ignore[no-untyped-def]
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## From Python"):]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    assert len(example.strip().splitlines()) <= 20
    code = example.replace("nats://127.0.0.1:4222", nats_url).replace("redis://127.0.0.1:6379", redis_url)

    result = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], capture_output=True,
                                     text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert "'mimeType': 'audio/opus'" in result.stdout and "'iceCandidates'" in result.stdout
