"""Sluice from Python: an asyncio client of Sluice media workers over NATS, with objects named
as mediasoup's Node API (docs/protocol.md is the contract)."""

from .client import Sluice
from .client_json import canonical, from_client_json, to_client_json
from .consumer import Consumer
from .data import DataConsumer, DataMessage, DataProducer, DirectTransport
from .discovery import WorkerInfo
from .errors import (
    AlreadyExistsError,
    ClientJsonError,
    EntityClosedError,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    NatsUnreachableError,
    NoRespondersError,
    NotFoundError,
    RequestError,
    RequestTimeoutError,
    ResourceExhaustedError,
    SluiceError,
    UnavailableError,
    UnsupportedError,
)
from .events import Event, EventStream, MissedEvents
from .producer import Producer
from .router import Router
from .transport import PlainTransport, Transport, WebRtcTransport
from .webrtc_server import WebRtcServer
from .worker import Worker

__all__ = [
    "AlreadyExistsError", "ClientJsonError", "Consumer", "DataConsumer", "DataMessage", "DataProducer",
    "DirectTransport", "EntityClosedError", "Event", "EventStream",
    "FailedPreconditionError", "InternalError", "InvalidArgumentError", "MissedEvents", "NatsUnreachableError", "NoRespondersError",
    "NotFoundError", "PlainTransport", "Producer", "RequestError", "RequestTimeoutError",
    "ResourceExhaustedError", "Router", "Sluice", "SluiceError", "Transport", "UnavailableError",
    "UnsupportedError", "WebRtcServer", "WebRtcTransport", "Worker", "WorkerInfo", "canonical",
    "from_client_json", "to_client_json",
]
