"""Cache: a thread-safe client for redis://, unix:// or memory://."""

from __future__ import annotations

import ctypes
import weakref
from typing import TYPE_CHECKING, Any, Optional, Union

from . import _lib
from .errors import NotFound

if TYPE_CHECKING:
    from .sessions import SessionStore


class Cache(_lib.Handle):
    """url None reads REDIS_URL and the other REDIS_* variables. Options left None keep the
    library's defaults. Closing the cache closes the stores opened on it first."""

    _free_name = "agenthost_cache_client_close"

    def __init__(self, url: Optional[str] = None, *, max_connections: Optional[int] = None,
                 connect_timeout_ms: Optional[int] = None,
                 socket_timeout_ms: Optional[int] = None,
                 pool_wait_timeout_ms: Optional[int] = None) -> None:
        super().__init__()
        self._stores: "weakref.WeakSet[SessionStore]" = weakref.WeakSet()
        c = _lib.lib()
        out = ctypes.c_void_p()
        if url is None:
            _lib.check(c.agenthost_cache_client_open_env(ctypes.byref(out)))
        else:
            opts = _lib.CacheOptions()
            c.agenthost_cache_options_init(ctypes.byref(opts))
            for field, value in (("max_connections", max_connections),
                                 ("connect_timeout_ms", connect_timeout_ms),
                                 ("socket_timeout_ms", socket_timeout_ms),
                                 ("pool_wait_timeout_ms", pool_wait_timeout_ms)):
                if value is not None:
                    setattr(opts, field, _lib.uint32(field, value))
            _lib.check(c.agenthost_cache_client_open(_lib.enc(url), ctypes.byref(opts),
                                                     ctypes.byref(out)))
        self._handle = out.value

    def close(self) -> None:
        for store in list(getattr(self, "_stores", ())):
            store.close()
        super().close()

    def __enter__(self) -> "Cache":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def ping(self) -> None:
        _lib.check(_lib.lib().agenthost_cache_client_ping(self._h()))

    def get(self, key: str) -> Optional[bytes]:
        """The value as bytes, or None when the key is absent."""
        value, length = ctypes.c_void_p(), ctypes.c_size_t()
        status = _lib.lib().agenthost_cache_client_get(self._h(), _lib.enc(key),
                                                       ctypes.byref(value), ctypes.byref(length))
        if status == NotFound.code:
            return None
        _lib.check(status)
        return _lib.take_bytes(value, length.value)

    def set(self, key: str, value: Union[bytes, bytearray, str], ttl: int = 0) -> None:
        """Stores value (bytes, or str as UTF-8); ttl in seconds, 0 = no expiry."""
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        _lib.check(_lib.lib().agenthost_cache_client_set(self._h(), _lib.enc(key), data,
                                                         len(data), _lib.uint32("ttl", ttl)))

    def delete(self, key: str) -> bool:
        """True when the key existed."""
        removed = ctypes.c_int()
        _lib.check(_lib.lib().agenthost_cache_client_del(self._h(), _lib.enc(key),
                                                         ctypes.byref(removed)))
        return bool(removed.value)
