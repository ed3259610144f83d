"""One protobuf request to one worker over NATS request/reply, and its decoded reply
(docs/protocol.md, "Subjects", "Request headers", "Errors")."""

from __future__ import annotations

import re
import uuid
from typing import TypeVar

import nats.errors
from google.protobuf.message import DecodeError, Message
from nats.aio.client import Client as NatsClient

from .errors import (
    ERROR_CLASSES,
    InvalidArgumentError,
    InternalError,
    NoRespondersError,
    RequestError,
    RequestTimeoutError,
    UnavailableError,
    error_class_of_status,
)
from .v1 import common_pb2

R = TypeVar("R", bound=Message)

IDEMPOTENCY_KEY_HEADER = "Sluice-Idempotency-Key"
ERROR_CODE_HEADER = "Nats-Service-Error-Code"
ERROR_MESSAGE_HEADER = "Nats-Service-Error"
#: A worker answers UNAVAILABLE itself when its loop is stuck for 5 s; wait a little longer.
DEFAULT_TIMEOUT = 6.0
_SUBJECT_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def subject(worker_id: str, entity: str, method: str) -> str:
    """``sluice.<workerId>.<entity>.<method>``."""
    return f"sluice.{worker_id}.{entity}.{method}"


class Requester:
    """Sends requests with a timeout; creates carry an idempotency key and are retried with it."""

    def __init__(self, nc: NatsClient, timeout: float = DEFAULT_TIMEOUT, create_attempts: int = 3) -> None:
        if create_attempts < 1:
            raise ValueError("create_attempts must be at least 1")
        self.nc = nc
        self.timeout = timeout
        self.create_attempts = create_attempts

    async def request(
        self,
        worker_id: str,
        entity: str,
        method: str,
        request: Message,
        response_type: type[R],
        *,
        idempotency_key: str | None = None,
        timeout: float | None = None,
    ) -> R:
        if not _SUBJECT_TOKEN.fullmatch(worker_id):
            # A dot or a wildcard would address other subjects than one worker's.
            raise InvalidArgumentError(f"worker id {worker_id!r} is not one subject token", "worker_id")
        to = subject(worker_id, entity, method)
        wait = self.timeout if timeout is None else timeout
        headers = {IDEMPOTENCY_KEY_HEADER: idempotency_key} if idempotency_key else None
        try:
            reply = await self.nc.request(to, request.SerializeToString(), timeout=wait, headers=headers)
        except nats.errors.NoRespondersError:
            raise NoRespondersError(to) from None
        except nats.errors.TimeoutError:
            raise RequestTimeoutError(to, wait, idempotency_key) from None
        reply_headers = reply.headers or {}
        status = reply_headers.get(ERROR_CODE_HEADER)
        if status is not None:
            raise _error_of(to, status, reply_headers.get(ERROR_MESSAGE_HEADER), reply.data)
        response = response_type()
        try:
            response.ParseFromString(reply.data)
        except DecodeError as error:
            raise InternalError(f"undecodable reply: {error}", subject=to) from None
        return response

    async def create(
        self,
        worker_id: str,
        entity: str,
        method: str,
        request: Message,
        response_type: type[R],
        *,
        idempotency_key: str | None = None,
        timeout: float | None = None,
    ) -> R:
        """A request that creates something: sent with an idempotency key (a fresh one unless
        given) and sent again with the same key when no reply came in time or the worker
        answered UNAVAILABLE (it then dropped the request unexecuted), so a retry never makes a
        second object."""
        key = idempotency_key or uuid.uuid4().hex
        for attempt in range(1, self.create_attempts + 1):
            try:
                return await self.request(
                    worker_id, entity, method, request, response_type, idempotency_key=key, timeout=timeout
                )
            except (RequestTimeoutError, UnavailableError):
                if attempt == self.create_attempts:
                    raise
        raise AssertionError("unreachable")


def _error_of(to: str, status: str, header_message: str | None, body: bytes) -> RequestError:
    error = common_pb2.Error()
    try:
        error.ParseFromString(body)
    except DecodeError:
        error.Clear()
    code_name = common_pb2.ErrorCode.Name(error.code) if error.code in common_pb2.ErrorCode.values() else ""
    if code_name in ERROR_CLASSES:
        return ERROR_CLASSES[code_name](error.message, error.field, to)
    try:
        cls = error_class_of_status(int(status.strip()))
    except ValueError:
        cls = InternalError
    return cls(header_message or f"{to}: error status {status}", "", to)
