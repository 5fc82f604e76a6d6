"""Cache: a thread-safe client for redis://, rediss://, redis+cluster://, rediss+cluster://,
unix:// or memory://."""

from __future__ import annotations

import ctypes
import os
import weakref
from typing import Dict, Optional, Union

from . import _lib
from .errors import InvalidArgument, NotFound

PathLike = Union[str, "os.PathLike[str]"]

_TLS_PATHS = ("tls_ca_file", "tls_ca_dir", "tls_cert_file", "tls_key_file")


class Cache(_lib.Handle):
    """url None reads REDIS_URL and the other REDIS_* variables (and then takes no options).
    Options left None keep the library's defaults. The tls_* options are for rediss:// and
    rediss+cluster:// only: tls_ca_file (PEM bundle) or tls_ca_dir (hashed directory) are the
    CAs to trust instead of the system's; tls_cert_file and tls_key_file a client certificate for
    mutual TLS (the key may be inside the certificate file); tls_server_name the name to send
    (SNI) and verify instead of the URL's host; tls_insecure_skip_verify=True accepts any
    certificate (no authentication of the server). Files are read here: one that cannot be
    loaded is InvalidArgument. Closing the cache closes the stores opened on it first."""

    _free_name = "agenthost_cache_client_close"

    def __init__(self, url: Optional[str] = None, *, max_connections: Optional[int] = None,
                 connect_timeout_ms: Optional[int] = None,
                 socket_timeout_ms: Optional[int] = None,
                 pool_wait_timeout_ms: Optional[int] = None,
                 tls_ca_file: Optional[PathLike] = None, tls_ca_dir: Optional[PathLike] = None,
                 tls_cert_file: Optional[PathLike] = None,
                 tls_key_file: Optional[PathLike] = None, tls_server_name: Optional[str] = None,
                 tls_insecure_skip_verify: bool = False) -> None:
        super().__init__()
        # Stores opened on this cache (closed before it): any handle, so that this module does
        # not need sessions.py, which needs this one.
        self._stores: "weakref.WeakSet[_lib.Handle]" = weakref.WeakSet()
        numbers = {"max_connections": max_connections, "connect_timeout_ms": connect_timeout_ms,
                   "socket_timeout_ms": socket_timeout_ms,
                   "pool_wait_timeout_ms": pool_wait_timeout_ms}
        texts = {"tls_ca_file": tls_ca_file, "tls_ca_dir": tls_ca_dir,
                 "tls_cert_file": tls_cert_file, "tls_key_file": tls_key_file,
                 "tls_server_name": tls_server_name}
        c = _lib.lib()
        out = ctypes.c_void_p()
        if url is None:
            given = [k for k, v in {**numbers, **texts}.items() if v is not None]
            if tls_insecure_skip_verify:
                given.append("tls_insecure_skip_verify")
            if given:
                raise InvalidArgument("url=None opens from REDIS_URL and the REDIS_* variables, "
                                      "which take no options; got %s" % ", ".join(given))
            _lib.check(c.agenthost_cache_client_open_env(ctypes.byref(out)))
        else:
            opts = _options(c, numbers, texts, tls_insecure_skip_verify)
            _lib.check(c.agenthost_cache_client_open(_lib.enc(url), ctypes.byref(opts),
                                                     ctypes.byref(out)))
        self._handle = out.value

    def close(self) -> None:
        for store in list(getattr(self, "_stores", ())):
            store.close()
        super().close()

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


def _options(c: ctypes.CDLL, numbers: Dict[str, Optional[int]],
             texts: Dict[str, Optional[PathLike]], insecure: bool) -> _lib.CacheOptions:
    """The C options: the library's defaults, then every option given. The struct keeps the
    encoded strings alive until the open call has read them."""
    opts = _lib.CacheOptions()
    c.agenthost_cache_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
    for name, number in numbers.items():
        if number is not None:
            setattr(opts, name, _lib.uint32(name, number))
    for name, text in texts.items():
        if text is None:
            continue
        if name in _TLS_PATHS and isinstance(text, os.PathLike):
            text = os.fspath(text)
        if not isinstance(text, str) or "\0" in text:
            raise InvalidArgument("%s must be a str%s without NUL characters, not %r"
                                  % (name, " or path" if name in _TLS_PATHS else "", text))
        setattr(opts, name, text.encode("utf-8"))
    if not isinstance(insecure, bool):
        raise InvalidArgument("tls_insecure_skip_verify must be True or False")
    opts.tls_insecure_skip_verify = 1 if insecure else 0
    return opts
