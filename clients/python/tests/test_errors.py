"""Errors read from worker replies: the Error body's code wins; without a usable body the
Nats-Service-Error-Code status decides (docs/protocol.md, "Errors")."""

from __future__ import annotations

import pytest

from sluice import errors
from sluice._requester import _error_of
from sluice.v1 import common_pb2


@pytest.mark.parametrize("code", sorted(errors.STATUS_BY_CODE))
def test_each_code_has_its_class_from_the_body_and_from_the_status(code: str) -> None:
    body = common_pb2.Error(code=common_pb2.ErrorCode.Value(code), message="why", field="router_id")

    from_body = _error_of("s", str(errors.STATUS_BY_CODE[code]), "header message", body.SerializeToString())
    from_status = _error_of("s", str(errors.STATUS_BY_CODE[code]), "header message", b"\xff\xff")

    for error in (from_body, from_status):
        assert type(error) is errors.ERROR_CLASSES[code]
        assert error.code == code and error.status == errors.STATUS_BY_CODE[code]
    assert (from_body.message, from_body.field) == ("why", "router_id")
    assert from_status.message == "header message"


def test_an_unknown_status_is_internal() -> None:
    assert type(_error_of("s", "418", None, b"")) is errors.InternalError


def test_no_responders_and_timeouts_are_no_request_errors() -> None:
    assert not issubclass(errors.NoRespondersError, errors.RequestError)
    assert not issubclass(errors.RequestTimeoutError, errors.RequestError)
    assert issubclass(errors.RequestTimeoutError, TimeoutError)
