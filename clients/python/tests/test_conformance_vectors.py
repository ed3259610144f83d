"""The shared vectors of schemas/testdata/ (the Java tests check the same files): every
message written as JSON equals its file, every file read gives its message, and every invalid
JSON is rejected naming the same path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.protobuf import descriptor_pool, message_factory, text_format

from sluice import ClientJsonError, canonical, from_client_json, to_client_json
from sluice.v1 import consumer_pb2, transport_pb2, rtp_parameters_pb2  # noqa: F401 (registers the types)

VECTORS = Path(__file__).resolve().parents[3] / "schemas" / "testdata"


def message_type(full_name: str):  # type: ignore[no-untyped-def]
    return message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(full_name))


def read_textproto(path: Path):  # type: ignore[no-untyped-def]
    text = path.read_text()
    header = next(line for line in text.splitlines() if line.startswith("# proto-message:"))
    message = message_type(header.split(":", 1)[1].strip())()
    text_format.Parse(text, message)
    return message


def names(suffix: str) -> list[str]:
    found = sorted(p.name[: -len(suffix)] for p in VECTORS.glob(f"*{suffix}"))
    assert found, f"no vectors *{suffix} in {VECTORS}"
    return found


BOTH_WAYS = [name for name in names(".textproto") if (VECTORS / f"{name}.json").exists()]
FROM_CLIENT = names(".from-client.json")
INVALID = json.loads((VECTORS / "invalid.json").read_text())


def test_every_kind_of_vector_is_there() -> None:
    kinds = {read_textproto(VECTORS / f"{name}.textproto").DESCRIPTOR.full_name for name in BOTH_WAYS}
    assert {"sluice.v1.RtpCapabilities", "sluice.v1.RtpParameters", "sluice.v1.WebRtcTransportInfo",
            "sluice.v1.DtlsParameters"} <= kinds
    assert len(BOTH_WAYS) >= 20


@pytest.mark.parametrize("name", BOTH_WAYS)
def test_message_to_json(name: str) -> None:
    message = read_textproto(VECTORS / f"{name}.textproto")
    expected = json.loads((VECTORS / f"{name}.json").read_text())

    assert canonical(to_client_json(message)) == canonical(expected)


@pytest.mark.parametrize("name", BOTH_WAYS)
def test_json_to_message(name: str) -> None:
    expected = read_textproto(VECTORS / f"{name}.textproto")
    text = (VECTORS / f"{name}.json").read_text()

    read = from_client_json(type(expected), text)

    assert read == expected, text_format.MessageToString(read)


@pytest.mark.parametrize("name", FROM_CLIENT)
def test_mediasoup_client_json_to_message(name: str) -> None:
    expected = read_textproto(VECTORS / f"{name}.textproto")

    read = from_client_json(type(expected), (VECTORS / f"{name}.from-client.json").read_text())

    assert read == expected, text_format.MessageToString(read)


@pytest.mark.parametrize("vector", INVALID, ids=[vector["case"] for vector in INVALID])
def test_invalid_json_names_the_path(vector: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ClientJsonError) as error:
        from_client_json(message_type(vector["message"]), vector["json"])

    assert error.value.path == vector["path"]
