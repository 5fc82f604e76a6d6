"""Metrics: the Prometheus text exposition (for a /metrics endpoint) or the same figures as a
dict, of any of a Cache, a SessionStore and a HookPolicy (sync or agenthost.aio ones).

    text = agenthost.metrics.prometheus_text(cache=cache, store=store, policy=policy)

Rendering reads counters only (no Redis call, no lock held for long), so it is safe to call
from an asyncio handler. Families and labels: docs/metrics.md.
"""

from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, Optional, cast

from . import _lib
from .cache import Cache
from .errors import InvalidArgument
from .hooks import PolicyBase
from .sessions import SessionStore
from .types import MetricFamily


def _handle(obj: Any, kind: type, name: str) -> Optional[int]:
    """The C handle of obj, which must be a `kind` (a handle of another type would be read as
    this one by the library)."""
    if obj is None:
        return None
    target = getattr(obj, "sync", obj)  # agenthost.aio objects wrap a sync one
    if not isinstance(target, kind):
        raise InvalidArgument("%s must be an agenthost %s (or its agenthost.aio form), not %s"
                              % (name, kind.__name__, type(obj).__name__))
    return target._h()


def _render(fn_name: str, cache: Any, store: Any, policy: Any) -> str:
    out = ctypes.c_void_p()
    fn = getattr(_lib.lib(), fn_name)
    _lib.check(fn(_handle(cache, Cache, "cache"), _handle(store, SessionStore, "store"),
                  _handle(policy, PolicyBase, "policy"), ctypes.byref(out)))
    text = _lib.take_bytes(out)
    return (text or b"").decode("utf-8")


def prometheus_text(*, cache: Any = None, store: Any = None, policy: Any = None) -> str:
    """The Prometheus text exposition format (0.0.4) of the objects given (None: left out)."""
    return _render("agenthost_metrics_prometheus", cache, store, policy)


def metrics(*, cache: Any = None, store: Any = None,
            policy: Any = None) -> Dict[str, MetricFamily]:
    """The same families as a dict: {family: {"type", "help", "samples": [...]}}."""
    return cast(Dict[str, MetricFamily],
                json.loads(_render("agenthost_metrics_json", cache, store, policy)))
