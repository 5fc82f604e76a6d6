"""asyncio API. HookPolicy.evaluate runs on the C library's own event loop (libcurl multi: no
thread per evaluation); Cache and SessionStore run their calls on a bounded ThreadPoolExecutor
(the package's shared one, DEFAULT_MAX_WORKERS threads, unless given max_workers= or executor=).
No call blocks the event loop."""

from __future__ import annotations

import asyncio
import ctypes
import functools
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator, Callable, Dict, Optional, Tuple, TypeVar, Union

from . import _lib, cache, hooks, sessions
from .hooks import HookInput
from .types import Page, Session, Verdict

__all__ = ["Cache", "SessionStore", "HookPolicy", "AsyncLifecycle", "DEFAULT_MAX_WORKERS"]

DEFAULT_MAX_WORKERS = 16
T = TypeVar("T")

_default_executor: Optional[ThreadPoolExecutor] = None
_executor_lock = threading.Lock()


def default_executor() -> ThreadPoolExecutor:
    global _default_executor
    with _executor_lock:
        if _default_executor is None:
            _default_executor = ThreadPoolExecutor(DEFAULT_MAX_WORKERS,
                                                   thread_name_prefix="agenthost")
        return _default_executor


A = TypeVar("A", bound="AsyncLifecycle")


class AsyncLifecycle:
    """The lifecycle every agenthost.aio class shares: `async with` (closing on exit), aclose()
    and close(). A class defines close(); aclose() closes without blocking the loop where that
    can block (the offloaded classes run it on their executor)."""

    def close(self) -> None:
        raise NotImplementedError

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self: A) -> A:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


class _Offloaded(AsyncLifecycle):
    """An awaitable wrapper of the sync object `sync` whose calls run on a ThreadPoolExecutor:
    given, made for max_workers (and shut down on close), else the package's shared one."""

    sync: _lib.Handle

    def __init__(self, max_workers: Optional[int], executor: Optional[ThreadPoolExecutor]):
        self._own_executor = executor is None and max_workers is not None
        if executor is not None:
            self._executor = executor
        elif max_workers is not None:
            self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="agenthost")
        else:
            self._executor = default_executor()

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.sync._h()  # closed: InvalidArgument here, not the shut-down executor's RuntimeError
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def _shutdown_executor(self) -> None:
        if self._own_executor:
            self._executor.shutdown(wait=False)

    @property
    def closed(self) -> bool:
        return self.sync.closed

    async def aclose(self) -> None:
        if not self.sync.closed:  # a closed object's executor may be shut down already
            await self._run(self.sync.close)
        self._shutdown_executor()

    def close(self) -> None:
        self.sync.close()
        self._shutdown_executor()


class Cache(_Offloaded):
    """An awaitable Cache (see agenthost.Cache; the same options, TLS included). Opening makes
    no call to Redis."""

    sync: cache.Cache

    def __init__(self, url: Optional[str] = None, *, max_workers: Optional[int] = None,
                 executor: Optional[ThreadPoolExecutor] = None, **options: Any) -> None:
        super().__init__(max_workers, executor)
        self.sync = cache.Cache(url, **options)

    async def ping(self) -> None:
        await self._run(self.sync.ping)

    async def get(self, key: str) -> Optional[bytes]:
        return await self._run(self.sync.get, key)

    async def set(self, key: str, value: Union[bytes, bytearray, str], ttl: int = 0) -> None:
        await self._run(self.sync.set, key, value, ttl)

    async def delete(self, key: str) -> bool:
        return await self._run(self.sync.delete, key)


class SessionStore(_Offloaded):
    """An awaitable SessionStore on an aio.Cache (its executor unless given one); the same
    options as agenthost.SessionStore, the durable tier's included."""

    sync: sessions.SessionStore

    def __init__(self, cache: Cache, *, max_workers: Optional[int] = None,
                 executor: Optional[ThreadPoolExecutor] = None, **options: Any) -> None:
        super().__init__(max_workers, executor if executor or max_workers else cache._executor)
        self.sync = sessions.SessionStore(cache.sync, **options)

    async def create(self, model: str, **kwargs: Any) -> Session:
        return await self._run(self.sync.create, model, **kwargs)

    async def get(self, id: str, owner_api_key: Optional[str] = None) -> Session:
        return await self._run(self.sync.get, id, owner_api_key)

    async def update(self, id: str, owner_api_key: Optional[str] = None,
                     **kwargs: Any) -> Session:
        return await self._run(self.sync.update, id, owner_api_key, **kwargs)

    async def delete(self, id: str, owner_api_key: Optional[str] = None) -> None:
        await self._run(self.sync.delete, id, owner_api_key)

    async def list(self, owner_api_key: Optional[str] = None, **kwargs: Any) -> Page:
        """One page (the filters of agenthost.SessionStore.list)."""
        return await self._run(self.sync.list, owner_api_key, **kwargs)

    async def pages(self, owner_api_key: Optional[str] = None,
                    **kwargs: Any) -> AsyncIterator[Page]:
        """Every page of a listing, following next_cursor (the filters of list())."""
        kwargs.pop("cursor", None)
        cursor: Optional[str] = None
        while True:
            page = await self.list(owner_api_key, cursor=cursor, **kwargs)
            yield page
            cursor = page["next_cursor"]
            if cursor is None:
                return

    async def reindex(self) -> int:
        return await self._run(self.sync.reindex)


# ---- the C async evaluation ---------------------------------------------------------------
# user (an integer key) -> (loop, future, input bytes kept alive until the callback).
_Pending = Tuple[asyncio.AbstractEventLoop, "asyncio.Future[Verdict]", bytes]
_pending: Dict[int, _Pending] = {}
_pending_lock = threading.Lock()
_keys = itertools.count(1)


def _settle(future: "asyncio.Future[Verdict]", verdict: Verdict) -> None:
    if not future.done():
        future.set_result(verdict)


def _on_verdict(user: Optional[int], status: int, handle: Optional[int]) -> None:
    """Runs on the library's loop thread (ctypes holds the GIL). Never raises."""
    try:
        with _pending_lock:
            entry = _pending.pop(user or 0, None)
        c = _lib.loaded()
        if c is None:
            return
        verdict = hooks.take_verdict(c, handle)  # the callback owns the verdict: freed here
        if entry is None:
            return
        loop, future, _ = entry
        try:
            loop.call_soon_threadsafe(_settle, future, verdict)
        except RuntimeError:  # the loop is closed: nobody is waiting
            pass
    except BaseException:  # noqa: B036 - nothing may escape into C
        pass


_CALLBACK = _lib.VERDICT_CALLBACK(_on_verdict)  # kept alive for the process's lifetime


class HookPolicy(hooks.PolicyBase, AsyncLifecycle):
    """`await policy.evaluate(input)` on the C library's async path. Cancelling the awaiting
    task cancels the evaluation; closing the policy settles evaluations in flight with the
    cancelled verdict (deny, failed, error "cancelled"). close() (PolicyBase's) runs on the
    calling thread: it only cancels, it never waits for a webhook."""

    async def evaluate(self, hook_input: HookInput) -> Verdict:
        data = hooks.encode_input(hook_input)
        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Verdict]" = loop.create_future()
        key = next(_keys)
        with _pending_lock:
            _pending[key] = (loop, future, data)
        ticket = ctypes.c_uint64()
        c = _lib.lib()
        try:
            status = c.agenthost_hook_policy_evaluate_async(
                self._h(), data, len(data), _CALLBACK, key, ctypes.byref(ticket))
        except BaseException:
            with _pending_lock:
                _pending.pop(key, None)
            raise
        if status != 0:
            with _pending_lock:
                _pending.pop(key, None)
            error = _lib.error_for(status)
            error.verdict = Verdict(decision="deny", reason=error.message, failed=True,
                                    error="invalid_input")
            raise error
        try:
            return await future
        except asyncio.CancelledError:
            handle = self._handle
            if handle:
                c.agenthost_hook_policy_cancel(handle, ticket.value)  # NOT_FOUND: already ran
            raise
