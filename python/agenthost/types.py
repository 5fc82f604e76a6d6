"""The shapes of what the package hands back: sessions and listing pages (TypedDicts: they are
the dicts the C library's JSON decodes to), verdicts and their per-hook results, metric families,
and internal events. Pure Python: this module imports nothing else from the package."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

__all__ = [
    "Session", "Page", "SessionStatus", "Decision", "HookResult", "Verdict", "MetricSample",
    "MetricFamily", "Event", "EventKind",
]

SessionStatus = Literal["active", "completed", "error"]
Decision = Literal["allow", "deny", "ask", "defer"]


class Session(TypedDict):
    """A session as the store returns it (never the owner's key or its hash)."""

    id: str
    model: str
    status: SessionStatus
    created_at: str  # ISO-8601 UTC with microseconds, "2026-01-09T17:00:00.123456+00:00"
    updated_at: str
    total_turns: int
    total_cost_usd: Optional[float]
    parent_session_id: Optional[str]
    metadata: Optional[Dict[str, Any]]


class Page(TypedDict):
    """One page of a listing, newest first."""

    sessions: List[Session]
    total: int  # sessions matching the query across all pages
    page: int
    page_size: int
    next_cursor: Optional[str]  # None on the last page
    skipped_corrupt: int  # undecodable records skipped on this page
    corrupt_ids: List[str]


class HookResult(TypedDict):
    """One hook's part in a verdict."""

    url: str  # without user-info, query or fragment
    status: int  # the HTTP status, 0 when no reply was read
    latency_ms: float
    decision: Decision
    error: Optional[str]  # the failure class ("timeout", "http_status", ...), None on success
    hook_specific_output: Optional[Dict[str, Any]]


@dataclass
class Verdict:
    """The combined outcome of an evaluation (every field of the C verdict JSON; "continue" is
    continue_). decision is "allow", "deny", "ask" or "defer"."""

    decision: str
    reason: str
    failed: bool
    error: Optional[str] = None
    updated_input: Optional[Dict[str, Any]] = None
    updated_permissions: Optional[List[Any]] = None
    continue_: bool = True
    stop_reason: Optional[str] = None
    additional_context: List[str] = field(default_factory=list)
    system_message: Optional[str] = None
    suppress_output: bool = False
    interrupt: bool = False
    hooks: List[HookResult] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    @classmethod
    def from_json(cls, fields: Dict[str, Any], decision: Optional[str] = None) -> "Verdict":
        return cls(decision=decision or fields.get("decision", "deny"),
                   reason=fields.get("reason", ""), failed=bool(fields.get("failed", True)),
                   error=fields.get("error"), updated_input=fields.get("updated_input"),
                   updated_permissions=fields.get("updated_permissions"),
                   continue_=bool(fields.get("continue", True)),
                   stop_reason=fields.get("stop_reason"),
                   additional_context=list(fields.get("additional_context") or []),
                   system_message=fields.get("system_message"),
                   suppress_output=bool(fields.get("suppress_output", False)),
                   interrupt=bool(fields.get("interrupt", False)),
                   hooks=list(fields.get("hooks") or []))


class MetricSample(TypedDict, total=False):
    """A counter or gauge sample has labels and value; a histogram sample has labels, buckets
    ([le, cumulative count] pairs, the last le "+Inf"), count and sum."""

    labels: Dict[str, str]
    value: float
    buckets: List[List[Union[float, str]]]
    count: int
    sum: float


class MetricFamily(TypedDict):
    type: str  # "counter", "gauge" or "histogram"
    help: str
    samples: List[MetricSample]


class EventKind(enum.IntEnum):
    """agenthost_event_kind (the numbers are the C ABI's)."""

    REDIS_RECONNECT = 1  # a broken Redis connection was replaced
    REDIS_CONNECT_FAILED = 2  # opening a Redis connection failed
    REDIS_POOL_EXHAUSTED = 3  # a borrow gave up waiting for a connection
    HOOK_CIRCUIT_OPENED = 4  # a hook's circuit opened
    HOOK_CIRCUIT_CLOSED = 5  # a call succeeded: the circuit closed again
    SESSION_INDEX_REPAIRED = 6  # a listing repaired stale index entries
    SESSION_CORRUPT_RECORD = 7  # a session record could not be decoded
    SESSION_DB_INDEX_MISSING = 8  # the durable table lacks listing indexes


@dataclass(frozen=True)
class Event:
    """An internal event of the library (see agenthost.events). kind is an EventKind, or the
    plain number of a kind this package does not know yet."""

    kind: Union[EventKind, int]
    kind_name: str  # "redis_reconnect", ...
    subject: str  # "127.0.0.1:6379", "PreToolUse[0]", a session id, an index key
    detail: str  # a short explanation; never a password, API key or secret
