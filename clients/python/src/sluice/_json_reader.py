"""Reading mediasoup-client JSON with the path of every value, for error messages.

The rules are the Java mapping's (``io.sluice.api.json.JsonObject``): a null member reads as
absent; numbers must be integral (``1.0`` is the integer 1, as JavaScript has one number type;
a fraction, or a float beyond ``Number.MAX_SAFE_INTEGER``, is rejected); booleans are not numbers.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

from .errors import ClientJsonError

MAX_UINT32 = 0xFFFF_FFFF
MAX_SAFE_INTEGER = 9007199254740991
MIN_INT64 = -(2**63)
MAX_INT64 = 2**63 - 1


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def integral(value: Any, path: str) -> int:
    """A JSON number as an int (a 64-bit one, as protobuf holds it)."""
    if isinstance(value, int) and not isinstance(value, bool) and MIN_INT64 <= value <= MAX_INT64:
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
        return int(value)
    raise ClientJsonError(path, f"expected an integer, got {value!r}")


class JsonObject:
    """A JSON object being read, with its path ("" for the root)."""

    def __init__(self, node: Any, path: str) -> None:
        if not isinstance(node, Mapping):
            raise ClientJsonError(path, "expected a JSON object")
        self._node = node
        self._path = path

    def path(self, member: str) -> str:
        return member if not self._path else f"{self._path}.{member}"

    def _member(self, member: str) -> Any:
        return self._node.get(member)

    def optional_string(self, member: str) -> str | None:
        value = self._member(member)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ClientJsonError(self.path(member), "expected a string")
        return value

    def required_string(self, member: str) -> str:
        value = self.optional_string(member)
        if value is None:
            raise ClientJsonError(self.path(member), "missing")
        return value

    def optional_uint32(self, member: str) -> int | None:
        value = self._member(member)
        if value is None:
            return None
        if not is_number(value):
            raise ClientJsonError(self.path(member), "expected a number")
        number = integral(value, self.path(member))
        if number < 0 or number > MAX_UINT32:
            raise ClientJsonError(self.path(member), f"expected a number from 0 to {MAX_UINT32}, got {number}")
        return number

    def required_uint32(self, member: str) -> int:
        value = self.optional_uint32(member)
        if value is None:
            raise ClientJsonError(self.path(member), "missing")
        return value

    def optional_boolean(self, member: str) -> bool | None:
        value = self._member(member)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise ClientJsonError(self.path(member), "expected true or false")
        return value

    def optional_object(self, member: str) -> JsonObject | None:
        value = self._member(member)
        return None if value is None else JsonObject(value, self.path(member))

    def require_array(self, member: str) -> None:
        if not isinstance(self._member(member), list):
            raise ClientJsonError(self.path(member), "expected an array")

    def elements(self, member: str) -> Iterator[tuple[Any, str]]:
        """Each element of an array member with its path; nothing when the member is absent."""
        value = self._member(member)
        if value is None:
            return
        if not isinstance(value, list):
            raise ClientJsonError(self.path(member), "expected an array")
        for index, element in enumerate(value):
            yield element, f"{self.path(member)}[{index}]"

    def members(self) -> Iterator[tuple[str, Any, str]]:
        for name, value in self._node.items():
            yield name, value, self.path(name)

    def each(self, member: str, read: Callable[[Any, str], None]) -> None:
        for element, path in self.elements(member):
            read(element, path)
