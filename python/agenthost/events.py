"""The library's internal events (agenthost_set_event_callback): a Redis connection replaced or
failed, a pool exhausted, a hook's circuit opening or closing, stale index entries repaired, a
corrupt session record, a durable table without its listing indexes.

    agenthost.events.set_callback(lambda event: log.warning("%s %s: %s", event.kind_name,
                                                             event.subject, event.detail))

There is one callback per loaded library: it hears the events of every Cache, SessionStore and
HookPolicy in the process. It runs on the thread where the event happened (a thread calling the
library, or a HookPolicy's event loop thread), so it must return quickly and must not wait for
other threads' agenthost calls. An exception it raises is logged (logger "agenthost.events") and
does not reach the call that caused the event.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any, Callable, Optional, Union

from . import _lib
from .errors import InvalidArgument
from .types import Event, EventKind

__all__ = ["Event", "EventKind", "EventCallback", "set_callback"]

EventCallback = Callable[[Event], None]

_log = logging.getLogger("agenthost.events")
_lock = threading.Lock()  # serializes set_callback; never taken while delivering
_delivering = threading.local()  # .active: this thread is inside the callback
_thunk: Optional[Any] = None  # the ctypes thunk the library may call: kept alive while set
_exit_hook_registered = False
_NULL = _lib.EVENT_CALLBACK()  # a NULL function pointer: removes the callback


def _text(value: Optional[bytes]) -> str:
    return value.decode("utf-8", "replace") if value else ""


def _kind(number: int) -> Union[EventKind, int]:
    try:
        return EventKind(number)
    except ValueError:  # a kind added by a newer library
        return number


def _deliverer(callback: EventCallback) -> Any:
    def deliver(_user: Optional[int], event: Any) -> None:
        try:
            _delivering.active = True
            e = event.contents
            callback(Event(_kind(e.kind), _text(e.kind_name), _text(e.subject), _text(e.detail)))
        except BaseException:  # noqa: B036 - nothing may escape into C
            try:
                _log.exception("the agenthost event callback raised")
            except BaseException:  # noqa: B036 - logging itself failed (shutdown)
                pass
        finally:
            _delivering.active = False
    return _lib.EVENT_CALLBACK(deliver)


def set_callback(callback: Optional[EventCallback]) -> None:
    """Sets the callback that receives every Event (None removes it). When this returns, the
    previous callback is not running and will not be called again. Calling it from inside the
    callback is InvalidArgument."""
    global _thunk, _exit_hook_registered
    if getattr(_delivering, "active", False):
        # The library refuses it too; checked first, because another thread's set_callback may
        # hold _lock while it waits for this callback to return.
        raise InvalidArgument("agenthost.events.set_callback was called from inside the event "
                              "callback")
    if callback is not None and not callable(callback):
        raise InvalidArgument("the event callback must be callable or None, not %s"
                              % type(callback).__name__)
    thunk = None if callback is None else _deliverer(callback)
    with _lock:
        _lib.check(_lib.lib().agenthost_set_event_callback(
            _NULL if thunk is None else thunk, None))
        _thunk = thunk
        if thunk is not None and not _exit_hook_registered:
            # A library thread must not call into an interpreter that is shutting down.
            atexit.register(_remove_at_exit)
            _exit_hook_registered = True


def _remove_at_exit() -> None:
    c = _lib.loaded()
    if c is not None:
        c.agenthost_set_event_callback(_NULL, None)
