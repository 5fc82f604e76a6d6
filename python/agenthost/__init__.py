"""agenthost: Redis session store, pooled cache client and webhook hook policy (libagenthost_c).

    import agenthost
    with agenthost.Cache("memory://") as cache, agenthost.SessionStore(cache) as store:
        session = store.create("claude-sonnet-4", owner_api_key="sk-alice")

asyncio: agenthost.aio (HookPolicy.evaluate on the C async path; Cache, SessionStore awaitable).
The shapes of returned dicts: agenthost.types. Internal events: agenthost.events.
The library is the copy bundled at build time, or AGENTHOST_C_LIBRARY when set.
"""

from . import _lib
from ._lib import load, version
from .cache import Cache
from .errors import (AgenthostError, Conflict, ConnectionError, Corrupt, InternalError,
                     InvalidArgument, NotFound, PoolExhausted, ProtocolError, Timeout,
                     Unsupported)
from .hooks import HookPolicy
from .sessions import SessionStore
from .types import Event, EventKind, HookResult, Page, Session, Verdict

try:
    from ._build_info import VERSION as _BUILT_VERSION
except ImportError:  # a source tree: only usable with AGENTHOST_C_LIBRARY
    _BUILT_VERSION = None

__version__: str = version()
if _BUILT_VERSION is not None and __version__ != _BUILT_VERSION:
    raise ImportError("agenthost %s was built for libagenthost_c %s but loaded %s (version %s)"
                      % (_BUILT_VERSION, _BUILT_VERSION, _lib.library_path(), __version__))

from . import aio, events, metrics, types  # noqa: E402
from .events import set_callback as set_event_callback  # noqa: E402

__all__ = [
    "AgenthostError", "InvalidArgument", "NotFound", "Conflict", "Timeout", "ConnectionError",
    "PoolExhausted", "ProtocolError", "Corrupt", "Unsupported", "InternalError",
    "Cache", "SessionStore", "HookPolicy", "Verdict", "Session", "Page", "HookResult", "Event",
    "EventKind", "set_event_callback", "aio", "events", "metrics", "types", "load", "version",
    "__version__",
]
