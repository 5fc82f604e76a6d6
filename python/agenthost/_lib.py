"""Loading libagenthost_c, its ctypes signatures, and the status check.

The library is AGENTHOST_C_LIBRARY when set (development), else the copy bundled next to this
file at build time (libagenthost_c.so.0). There is no other search. Calls go through a
ctypes.CDLL, which releases the GIL for the duration of each C call.
"""

from __future__ import annotations

import ctypes
import os
import threading
from typing import Any, Dict, List, Optional, Tuple, TypeVar

from .errors import ERRORS, AgenthostError, InvalidArgument

BUNDLED_NAME = "libagenthost_c.so.0"

void_pp = ctypes.POINTER(ctypes.c_void_p)
size_p = ctypes.POINTER(ctypes.c_size_t)


class CacheOptions(ctypes.Structure):
    """agenthost_cache_options, TLS fields included (filled by agenthost_cache_options_init_sized
    with this struct's size)."""

    _fields_ = [("struct_size", ctypes.c_uint32), ("max_connections", ctypes.c_uint32),
                ("connect_timeout_ms", ctypes.c_uint32), ("socket_timeout_ms", ctypes.c_uint32),
                ("pool_wait_timeout_ms", ctypes.c_uint32), ("tls_ca_file", ctypes.c_char_p),
                ("tls_ca_dir", ctypes.c_char_p), ("tls_cert_file", ctypes.c_char_p),
                ("tls_key_file", ctypes.c_char_p), ("tls_server_name", ctypes.c_char_p),
                ("tls_insecure_skip_verify", ctypes.c_uint32)]


class HookOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("allow_private_networks", ctypes.c_int),
                ("max_response_bytes", ctypes.c_uint32),
                ("breaker_failure_threshold", ctypes.c_uint32),
                ("breaker_cooldown_ms", ctypes.c_uint32)]


class EventStruct(ctypes.Structure):
    """agenthost_event; its strings are valid only during the callback."""

    _fields_ = [("struct_size", ctypes.c_uint32), ("kind", ctypes.c_int),
                ("kind_name", ctypes.c_char_p), ("subject", ctypes.c_char_p),
                ("detail", ctypes.c_char_p)]


# void (*agenthost_event_callback)(void *user, const agenthost_event *event)
EVENT_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(EventStruct))
# void (*agenthost_verdict_callback)(void *user, agenthost_status status, agenthost_verdict *v)
VERDICT_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)

_S = ctypes.c_int  # agenthost_status
_P = ctypes.c_void_p
_STR = ctypes.c_char_p
_U64P = ctypes.POINTER(ctypes.c_uint64)
# name: (restype, argtypes). Strings the library hands over are declared c_void_p so that they
# can be passed back to agenthost_free (c_char_p would copy them and lose the pointer).
SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "agenthost_version": (_STR, []),
    "agenthost_status_name": (_STR, [ctypes.c_int]),
    "agenthost_last_error": (_STR, []),
    "agenthost_free": (None, [_P]),
    "agenthost_cache_options_init_sized": (None, [ctypes.POINTER(CacheOptions), ctypes.c_size_t]),
    "agenthost_cache_client_open": (_S, [_STR, ctypes.POINTER(CacheOptions), void_pp]),
    "agenthost_cache_client_open_env": (_S, [void_pp]),
    "agenthost_cache_client_close": (None, [_P]),
    "agenthost_cache_client_ping": (_S, [_P]),
    "agenthost_cache_client_set": (_S, [_P, _STR, _STR, ctypes.c_size_t, ctypes.c_uint32]),
    "agenthost_cache_client_get": (_S, [_P, _STR, void_pp, size_p]),
    "agenthost_cache_client_del": (_S, [_P, _STR, ctypes.POINTER(ctypes.c_int)]),
    "agenthost_session_store_open": (_S, [_P, _STR, void_pp]),
    "agenthost_session_store_close": (None, [_P]),
    "agenthost_session_store_create": (_S, [_P, _STR, void_pp]),
    "agenthost_session_store_get": (_S, [_P, _STR, _STR, void_pp]),
    "agenthost_session_store_update": (_S, [_P, _STR, _STR, _STR, void_pp]),
    "agenthost_session_store_delete": (_S, [_P, _STR, _STR]),
    "agenthost_session_store_reindex": (_S, [_P, _U64P]),
    "agenthost_session_store_list": (_S, [_P, _STR, void_pp]),
    "agenthost_session_page_json": (_P, [_P, size_p]),
    "agenthost_session_page_free": (None, [_P]),
    "agenthost_hook_options_init": (None, [ctypes.POINTER(HookOptions)]),
    "agenthost_hook_policy_create": (_S, [_STR, ctypes.POINTER(HookOptions), void_pp]),
    "agenthost_hook_policy_free": (None, [_P]),
    "agenthost_hook_policy_evaluate": (_S, [_P, _STR, ctypes.c_size_t, void_pp]),
    "agenthost_hook_policy_evaluate_async": (
        _S, [_P, _STR, ctypes.c_size_t, VERDICT_CALLBACK, _P, _U64P]),
    "agenthost_hook_policy_cancel": (_S, [_P, ctypes.c_uint64]),
    "agenthost_verdict_decision": (ctypes.c_int, [_P]),
    "agenthost_verdict_json": (_P, [_P, size_p]),
    "agenthost_verdict_free": (None, [_P]),
    "agenthost_metrics_prometheus": (_S, [_P, _P, _P, void_pp]),
    "agenthost_metrics_json": (_S, [_P, _P, _P, void_pp]),
    "agenthost_set_event_callback": (_S, [EVENT_CALLBACK, _P]),
}

_lib: Optional[ctypes.CDLL] = None
_lock = threading.Lock()


def library_path() -> str:
    """The library this package loads: AGENTHOST_C_LIBRARY, else the bundled copy."""
    explicit = os.environ.get("AGENTHOST_C_LIBRARY")
    if explicit:
        return explicit
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), BUNDLED_NAME)


def load(path: Optional[str] = None) -> ctypes.CDLL:
    """Loads the C library once (path: load that one instead) and declares its signatures."""
    global _lib
    with _lock:
        if _lib is not None and path is None:
            return _lib
        candidate = path or library_path()
        if not os.path.exists(candidate):
            raise OSError("cannot load libagenthost_c: %s does not exist (set "
                          "AGENTHOST_C_LIBRARY to the library's path, or reinstall the "
                          "package)" % candidate)
        try:
            lib = ctypes.CDLL(candidate)
        except OSError as e:
            raise OSError("cannot load libagenthost_c from %s (AGENTHOST_C_LIBRARY=%s): %s"
                          % (candidate, os.environ.get("AGENTHOST_C_LIBRARY", ""), e)) from e
        for name, (restype, argtypes) in SIGNATURES.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        if path is None:
            _lib = lib
        return lib


def lib() -> ctypes.CDLL:
    return _lib if _lib is not None else load()


def loaded() -> Optional[ctypes.CDLL]:
    """The library if it is loaded (None during interpreter shutdown races)."""
    return _lib


def version() -> str:
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return str(lib().agenthost_version().decode())


def error_for(status: int) -> AgenthostError:
    c = lib()
    message = c.agenthost_last_error().decode("utf-8", "replace")
    name = c.agenthost_status_name(status).decode()
    return ERRORS.get(status, AgenthostError)(message, code=status, status=name)


def check(status: int) -> None:
    """Raises the AgenthostError subclass for a non-OK status (with this thread's message)."""
    if status != 0:
        raise error_for(status)


def enc(text: Optional[str]) -> Optional[bytes]:
    return None if text is None else text.encode("utf-8")


def take_bytes(ptr: ctypes.c_void_p, length: Optional[int] = None) -> Optional[bytes]:
    """Copies a buffer the library handed over, and frees it."""
    if not ptr.value:
        return None
    try:
        if length is None:
            return ctypes.string_at(ptr.value)
        return ctypes.string_at(ptr.value, length)
    finally:
        lib().agenthost_free(ptr)


def uint32(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFFFFFF:
        raise InvalidArgument("%s=%r is not a whole number in 0..4294967295" % (name, value))
    return value


H = TypeVar("H", bound="Handle")


class Handle:
    """An owned C handle: closed once, by close(), the with-block, or garbage collection."""

    _free_name = ""

    def __init__(self) -> None:
        self._handle: Optional[int] = None

    def _h(self) -> int:
        if not self._handle:
            raise InvalidArgument("the %s is closed" % type(self).__name__)
        return self._handle

    @property
    def closed(self) -> bool:
        return not self._handle

    def close(self) -> None:
        handle, self._handle = self._handle, None
        c = loaded()
        if handle and c is not None:
            getattr(c, self._free_name)(handle)

    def __enter__(self: H) -> H:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # never raise from a finalizer
            pass
