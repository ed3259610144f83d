"""Generates sluice/v1/*_pb2.py (and .pyi) from the repository's schemas/ with grpcio-tools'
protoc while building, so that the message modules are never hand-written nor committed.
SLUICE_SCHEMAS names another proto root (default: ../../schemas/src/main/proto)."""

import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def proto_root() -> Path:
    root = Path(os.environ.get("SLUICE_SCHEMAS", HERE.parent.parent / "schemas" / "src" / "main" / "proto"))
    if not (root / "sluice" / "v1").is_dir():
        raise SystemExit(f"sluice: no schemas at {root} (build from the repository, or set SLUICE_SCHEMAS)")
    return root


class BuildPyWithMessages(build_py):
    def run(self) -> None:
        super().run()
        from grpc_tools import protoc

        root = proto_root()
        out = Path(self.build_lib)
        protos = sorted(str(p.relative_to(root)) for p in (root / "sluice" / "v1").glob("*.proto"))
        include = Path(protoc.__file__).parent / "_proto"
        status = protoc.main(["protoc", f"-I{root}", f"-I{include}", f"--python_out={out}",
                              f"--pyi_out={out}", *protos])
        if status != 0:
            raise SystemExit(f"sluice: protoc failed ({status})")


setup(cmdclass={"build_py": BuildPyWithMessages})
