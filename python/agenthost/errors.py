"""The exceptions: one class per C status, each also a subclass of the matching builtin.

| class           | status             | also a                       |
|-----------------|--------------------|------------------------------|
| InvalidArgument | invalid_argument 1 | ValueError                   |
| NotFound        | not_found 2        | LookupError                  |
| Conflict        | conflict 3         | (AgenthostError only)        |
| Timeout         | timeout 4          | builtins.TimeoutError        |
| ConnectionError | connection 5       | builtins.ConnectionError     |
| PoolExhausted   | pool_exhausted 6   | builtins.TimeoutError        |
| ProtocolError   | protocol 7         | (AgenthostError only)        |
| Corrupt         | corrupt 8          | ValueError                   |
| Unsupported     | unsupported 9      | NotImplementedError          |
| InternalError   | internal 100       | RuntimeError                 |
"""

from __future__ import annotations

import builtins
from typing import Dict, Optional, Type

from .types import Verdict

__all__ = [
    "AgenthostError", "InvalidArgument", "NotFound", "Conflict", "Timeout", "ConnectionError",
    "PoolExhausted", "ProtocolError", "Corrupt", "Unsupported", "InternalError",
]

STATUS_NAMES: Dict[int, str] = {
    1: "invalid_argument", 2: "not_found", 3: "conflict", 4: "timeout", 5: "connection",
    6: "pool_exhausted", 7: "protocol", 8: "corrupt", 9: "unsupported", 100: "internal",
}


class AgenthostError(Exception):
    """A failed agenthost call: .code is the C status number, .status its name
    (e.g. "timeout"), .message the library's message. An evaluation refused for bad input also
    carries .verdict (a deny)."""

    code: int = 0
    verdict: Optional[Verdict] = None

    def __init__(self, message: str, code: Optional[int] = None,
                 status: Optional[str] = None) -> None:
        # Only the message goes to the builtin's constructor (OSError reads its args).
        super().__init__(message)
        if code is not None:
            self.code = code
        self.status: str = status or STATUS_NAMES.get(self.code, "unknown")
        self.message: str = message

    def __str__(self) -> str:
        return "%s: %s" % (self.status, self.message)


class InvalidArgument(AgenthostError, ValueError):
    code = 1


class NotFound(AgenthostError, LookupError):
    code = 2


class Conflict(AgenthostError):
    code = 3


class Timeout(AgenthostError, builtins.TimeoutError):
    code = 4


class ConnectionError(AgenthostError, builtins.ConnectionError):  # noqa: A001 - by design
    code = 5


class PoolExhausted(AgenthostError, builtins.TimeoutError):
    code = 6


class ProtocolError(AgenthostError):
    code = 7


class Corrupt(AgenthostError, ValueError):
    code = 8


class Unsupported(AgenthostError, NotImplementedError):
    code = 9


class InternalError(AgenthostError, RuntimeError):
    code = 100


ERRORS: Dict[int, Type[AgenthostError]] = {
    cls.code: cls for cls in (InvalidArgument, NotFound, Conflict, Timeout, ConnectionError,
                              PoolExhausted, ProtocolError, Corrupt, Unsupported, InternalError)
}
