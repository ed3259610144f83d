"""Typed errors (docs/protocol.md, "Errors"): one class per ``ErrorCode``, each with the code,
the message and the request field it is about; and the failures that are not a worker's answer
(no responders, no reply in time, a closed entity, malformed mediasoup-client JSON)."""

from __future__ import annotations

from typing import Mapping

#: ``Nats-Service-Error-Code`` status per ErrorCode name (docs/protocol.md, "Errors").
STATUS_BY_CODE: Mapping[str, int] = {
    "INVALID_ARGUMENT": 400,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "UNSUPPORTED": 415,
    "FAILED_PRECONDITION": 412,
    "RESOURCE_EXHAUSTED": 429,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
}


class SluiceError(Exception):
    """Every error the SDK raises."""


class RequestError(SluiceError):
    """A worker answered a request with an ``Error`` (code, message, field)."""

    #: The ``sluice.v1.ErrorCode`` name this class stands for.
    code: str = "INTERNAL"

    def __init__(self, message: str, field: str = "", subject: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.subject = subject

    @property
    def status(self) -> int:
        return STATUS_BY_CODE[self.code]

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"{self.code}{where}: {self.message}"


class InvalidArgumentError(RequestError):
    code = "INVALID_ARGUMENT"


class NotFoundError(RequestError):
    code = "NOT_FOUND"


class AlreadyExistsError(RequestError):
    code = "ALREADY_EXISTS"


class UnsupportedError(RequestError):
    code = "UNSUPPORTED"


class FailedPreconditionError(RequestError):
    code = "FAILED_PRECONDITION"


class ResourceExhaustedError(RequestError):
    code = "RESOURCE_EXHAUSTED"


class InternalError(RequestError):
    code = "INTERNAL"


class UnavailableError(RequestError):
    """The worker answered UNAVAILABLE: it is closing, or its loop did not start the request."""

    code = "UNAVAILABLE"


ERROR_CLASSES: Mapping[str, type[RequestError]] = {
    cls.code: cls
    for cls in (
        InvalidArgumentError,
        NotFoundError,
        AlreadyExistsError,
        UnsupportedError,
        FailedPreconditionError,
        ResourceExhaustedError,
        InternalError,
        UnavailableError,
    )
}
_CODE_BY_STATUS = {status: code for code, status in STATUS_BY_CODE.items()}


def error_class_of_status(status: int) -> type[RequestError]:
    """The class for a ``Nats-Service-Error-Code`` status when the reply has no usable body."""
    return ERROR_CLASSES[_CODE_BY_STATUS.get(status, "INTERNAL")]


class NoRespondersError(SluiceError):
    """NATS answered "no responders": no worker subscribes to the subject (an unknown worker id,
    or a worker that is gone). Not a worker's UNAVAILABLE reply: nothing received the request."""

    def __init__(self, subject: str) -> None:
        super().__init__(f"{subject}: no responders (no worker serves this subject)")
        self.subject = subject


class NatsUnreachableError(SluiceError):
    """The first connection to NATS did not succeed in time (:meth:`Sluice.connect`)."""

    def __init__(self, url: str, timeout: float, cause: BaseException) -> None:
        reason = str(cause) or type(cause).__name__
        super().__init__(f"NATS at {url} not reachable within {timeout:g} s ({reason})")
        self.url = url


class RequestTimeoutError(SluiceError, TimeoutError):
    """No reply within the timeout. The request may still have been executed: a create retried
    with the same ``idempotency_key`` returns the object it made, if any."""

    def __init__(self, subject: str, timeout: float, idempotency_key: str | None) -> None:
        super().__init__(f"{subject}: no reply within {timeout:g} s")
        self.subject = subject
        self.timeout = timeout
        self.idempotency_key = idempotency_key


class EntityClosedError(SluiceError):
    """A method was called on an entity that is closed (as mediasoup's InvalidStateError)."""


class ClientJsonError(SluiceError, ValueError):
    """mediasoup-client JSON that the protobuf messages cannot hold; ``path`` names the value
    (e.g. ``codecs[0].clockRate``, "" for the root)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
