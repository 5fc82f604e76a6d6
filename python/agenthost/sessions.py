"""SessionStore: sessions on a Cache (and optionally PostgreSQL, the durable tier), as dicts."""

from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, Iterator, List, Optional, cast

from . import _lib
from .cache import Cache
from .errors import InternalError
from .types import Page, Session

try:
    from . import _pages  # built by setup.py when a C compiler and Python's headers are there
except ImportError:
    _pages = None  # type: ignore[assignment]

_pages_bound: Optional[bool] = None


def fast_pages() -> bool:
    """True when listings build their dicts in C from the library's page views (the _pages
    extension is built and the library is 0.2 or later); False when they parse the page's JSON."""
    global _pages_bound
    if _pages_bound is None:
        bound = False
        if _pages is not None:
            c = _lib.lib()
            try:
                view = ctypes.cast(c.agenthost_session_page_view, ctypes.c_void_p).value
                describe = ctypes.cast(c.agenthost_session_page_describe, ctypes.c_void_p).value
            except AttributeError:  # a library older than 0.2
                view = describe = None
            if view and describe:
                _pages.bind(view, describe, _lib.check)
                bound = True
        _pages_bound = bound
    return _pages_bound


def _page_from_json(out: ctypes.c_void_p) -> Page:
    length = ctypes.c_size_t()
    text = _lib.lib().agenthost_session_page_json(out, ctypes.byref(length))  # owned by page
    if not text:
        raise InternalError("out of memory building the page")
    return cast(Page, json.loads(ctypes.string_at(text, length.value)))


def _drop_none(**fields: Any) -> Dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _take_json(ptr: ctypes.c_void_p) -> Session:
    data = _lib.take_bytes(ptr)
    return cast(Session, json.loads(data or b"null"))


class SessionStore(_lib.Handle):
    """Sessions are dicts (agenthost.types.Session): id, model, status, created_at, updated_at,
    total_turns, total_cost_usd, parent_session_id, metadata. Calls with owner_api_key act only
    on that owner's sessions. The Cache must stay open (closing it closes its stores).

    With no option given the library reads REDIS_SESSION_TTL, DATABASE_URL and DB_POOL_SIZE;
    with any option given it reads only REDIS_SESSION_TTL (when ttl_s is None), so pass
    database_url=os.environ.get("DATABASE_URL") to keep the durable tier. database_url
    (postgresql://, postgres:// or postgresql+driver://) makes PostgreSQL the source of truth
    and Redis its cache; it also enables the metadata filters of list(). The db_* options tune
    it: db_pool_size (1..1000, default 5), db_table ("sessions"), db_connect_timeout_ms,
    db_statement_timeout_ms and db_pool_wait_ms (default 5000 each). No connection is made here.
    """

    _free_name = "agenthost_session_store_close"

    def __init__(self, cache: Cache, *, key_prefix: Optional[str] = None,
                 index_prefix: Optional[str] = None, ttl_s: Optional[int] = None,
                 database_url: Optional[str] = None, db_pool_size: Optional[int] = None,
                 db_table: Optional[str] = None, db_connect_timeout_ms: Optional[int] = None,
                 db_statement_timeout_ms: Optional[int] = None,
                 db_pool_wait_ms: Optional[int] = None) -> None:
        super().__init__()
        options = _drop_none(key_prefix=key_prefix, index_prefix=index_prefix, ttl_s=ttl_s,
                             database_url=database_url, db_pool_size=db_pool_size,
                             db_table=db_table, db_connect_timeout_ms=db_connect_timeout_ms,
                             db_statement_timeout_ms=db_statement_timeout_ms,
                             db_pool_wait_ms=db_pool_wait_ms)
        out = ctypes.c_void_p()
        _lib.check(_lib.lib().agenthost_session_store_open(
            cache._h(), _lib.enc(json.dumps(options)) if options else None, ctypes.byref(out)))
        self._handle = out.value
        self._cache = cache
        cache._stores.add(self)

    def create(self, model: str, *, id: Optional[str] = None,
               parent_session_id: Optional[str] = None, owner_api_key: Optional[str] = None,
               metadata: Optional[Dict[str, Any]] = None) -> Session:
        request = _drop_none(model=model, id=id, parent_session_id=parent_session_id,
                             owner_api_key=owner_api_key, metadata=metadata)
        out = ctypes.c_void_p()
        _lib.check(_lib.lib().agenthost_session_store_create(
            self._h(), _lib.enc(json.dumps(request)), ctypes.byref(out)))
        return _take_json(out)

    def get(self, id: str, owner_api_key: Optional[str] = None) -> Session:
        """The session; NotFound when absent or another owner's."""
        out = ctypes.c_void_p()
        _lib.check(_lib.lib().agenthost_session_store_get(
            self._h(), _lib.enc(id), _lib.enc(owner_api_key), ctypes.byref(out)))
        return _take_json(out)

    def update(self, id: str, owner_api_key: Optional[str] = None, *,
               status: Optional[str] = None, total_turns: Optional[int] = None,
               increment_turns: bool = False, total_cost_usd: Optional[float] = None,
               metadata: Optional[Dict[str, Any]] = None) -> Session:
        """An atomic partial update; returns the updated session."""
        patch = _drop_none(status=status, total_turns=total_turns,
                           total_cost_usd=total_cost_usd, metadata=metadata)
        if increment_turns:
            patch["increment_turns"] = True
        out = ctypes.c_void_p()
        _lib.check(_lib.lib().agenthost_session_store_update(
            self._h(), _lib.enc(id), _lib.enc(owner_api_key), _lib.enc(json.dumps(patch)),
            ctypes.byref(out)))
        return _take_json(out)

    def delete(self, id: str, owner_api_key: Optional[str] = None) -> None:
        """Removes the session and its index entries; NotFound when absent."""
        _lib.check(_lib.lib().agenthost_session_store_delete(
            self._h(), _lib.enc(id), _lib.enc(owner_api_key)))

    def list(self, owner_api_key: Optional[str] = None, *, status: Optional[str] = None,
             page: Optional[int] = None, page_size: Optional[int] = None,
             cursor: Optional[str] = None, mode: Optional[str] = None,
             project_id: Optional[str] = None, tags: Optional[List[str]] = None,
             title: Optional[str] = None) -> Page:
        """One page, newest first (agenthost.types.Page): {"sessions": [...], "total", "page",
        "page_size", "next_cursor" (None on the last page), "skipped_corrupt", "corrupt_ids"},
        built in C from the page's views when fast_pages(), else parsed from the page's JSON.
        The metadata filters need the durable tier (Unsupported otherwise): mode and project_id
        match metadata's fields exactly, tags are all present in metadata["tags"], title is a
        case-insensitive substring of metadata["title"]."""
        query = _drop_none(owner_api_key=owner_api_key, status=status, page=page,
                           page_size=page_size, cursor=cursor, mode=mode, project_id=project_id,
                           tags=tags, title=title)
        out = ctypes.c_void_p()
        c = _lib.lib()
        _lib.check(c.agenthost_session_store_list(
            self._h(), _lib.enc(json.dumps(query)) if query else None, ctypes.byref(out)))
        try:
            if fast_pages():
                return cast(Page, _pages.page_dict(out.value))
            return _page_from_json(out)
        finally:
            c.agenthost_session_page_free(out)

    def pages(self, owner_api_key: Optional[str] = None, *, status: Optional[str] = None,
              page_size: Optional[int] = None, mode: Optional[str] = None,
              project_id: Optional[str] = None, tags: Optional[List[str]] = None,
              title: Optional[str] = None) -> Iterator[Page]:
        """Every page of a listing (filters as for list()), following next_cursor."""
        cursor: Optional[str] = None
        while True:
            page = self.list(owner_api_key, status=status, page_size=page_size, cursor=cursor,
                             mode=mode, project_id=project_id, tags=tags, title=title)
            yield page
            cursor = page["next_cursor"]
            if cursor is None:
                return

    def reindex(self) -> int:
        """Adds every stored record to the indexes; returns the number indexed."""
        indexed = ctypes.c_uint64()
        _lib.check(_lib.lib().agenthost_session_store_reindex(self._h(), ctypes.byref(indexed)))
        return int(indexed.value)
