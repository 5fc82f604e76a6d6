"""agenthost for Python: a small ctypes binding of the agenthost C library (stdlib only).

    import agenthost

    with agenthost.Cache("memory://") as cache, agenthost.SessionStore(cache) as store:
        session = store.create("claude-sonnet-4", owner_api_key="sk-alice")
        page = store.list(owner_api_key="sk-alice", page_size=20)

    with agenthost.HookPolicy({"PreToolUse": {"url": "https://policy.example/hook"}}) as policy:
        verdict = policy.evaluate({"hook_event_name": "PreToolUse", "tool_name": "Bash",
                                   "tool_input": {"command": "ls"}})
        if verdict.decision != "allow": ...

The library is found through AGENTHOST_C_LIBRARY (a path to libagenthost_c.so), else next to
this file, else in the build trees of the source checkout this file is in (newest first), else
by the system's loader (an installed libagenthost_c.so.0).

Failures raise AgenthostError subclasses (NotFound, Conflict, InvalidArgument, ...) carrying the
C status in .code and its name in .status. Handles are context managers and also have close();
every buffer the library returns is freed with agenthost_free before the call returns. Handles
may be shared between threads (the library is thread-safe; ctypes releases the GIL during calls).
"""

import ctypes
import glob
import json
import os
import threading
import weakref

__all__ = [
    "AgenthostError", "InvalidArgument", "NotFound", "Conflict", "Timeout", "ConnectionError",
    "PoolExhausted", "ProtocolError", "Corrupt", "Unsupported", "InternalError",
    "Cache", "SessionStore", "HookPolicy", "Verdict", "load", "version",
]

# ---- errors --------------------------------------------------------------------------------


class AgenthostError(Exception):
    """A failed agenthost call: .code is the C status number, .status its name."""

    code = None

    def __init__(self, message, code=None, status=None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.status = status or _STATUS_NAMES.get(self.code, "unknown")
        self.message = message

    def __str__(self):
        return "%s: %s" % (self.status, self.message)


class InvalidArgument(AgenthostError, ValueError):
    code = 1


class NotFound(AgenthostError, LookupError):
    code = 2


class Conflict(AgenthostError):
    code = 3


class Timeout(AgenthostError):
    code = 4


class ConnectionError(AgenthostError):  # noqa: A001 - agenthost.ConnectionError, by design
    code = 5


class PoolExhausted(AgenthostError):
    code = 6


class ProtocolError(AgenthostError):
    code = 7


class Corrupt(AgenthostError):
    code = 8


class Unsupported(AgenthostError):
    code = 9


class InternalError(AgenthostError):
    code = 100


_ERRORS = {cls.code: cls for cls in (InvalidArgument, NotFound, Conflict, Timeout,
                                     ConnectionError, PoolExhausted, ProtocolError, Corrupt,
                                     Unsupported, InternalError)}
_STATUS_NAMES = {1: "invalid_argument", 2: "not_found", 3: "conflict", 4: "timeout",
                 5: "connection", 6: "pool_exhausted", 7: "protocol", 8: "corrupt",
                 9: "unsupported", 100: "internal"}

# ---- the library ---------------------------------------------------------------------------

_void_pp = ctypes.POINTER(ctypes.c_void_p)
_size_p = ctypes.POINTER(ctypes.c_size_t)


class _CacheOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("max_connections", ctypes.c_uint32),
                ("connect_timeout_ms", ctypes.c_uint32), ("socket_timeout_ms", ctypes.c_uint32),
                ("pool_wait_timeout_ms", ctypes.c_uint32)]


class _HookOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("allow_private_networks", ctypes.c_int),
                ("max_response_bytes", ctypes.c_uint32),
                ("breaker_failure_threshold", ctypes.c_uint32),
                ("breaker_cooldown_ms", ctypes.c_uint32)]


_S = ctypes.c_int  # agenthost_status
_P = ctypes.c_void_p
_STR = ctypes.c_char_p
# name: (restype, argtypes). Strings the library hands over are declared c_void_p so that they
# can be passed back to agenthost_free (c_char_p would copy them and lose the pointer).
_SIGNATURES = {
    "agenthost_version": (_STR, []),
    "agenthost_status_name": (_STR, [ctypes.c_int]),
    "agenthost_last_error": (_STR, []),
    "agenthost_free": (None, [_P]),
    "agenthost_cache_options_init": (None, [ctypes.POINTER(_CacheOptions)]),
    "agenthost_cache_client_open": (_S, [_STR, ctypes.POINTER(_CacheOptions), _void_pp]),
    "agenthost_cache_client_open_env": (_S, [_void_pp]),
    "agenthost_cache_client_close": (None, [_P]),
    "agenthost_cache_client_ping": (_S, [_P]),
    "agenthost_cache_client_set": (_S, [_P, _STR, _STR, ctypes.c_size_t, ctypes.c_uint32]),
    "agenthost_cache_client_get": (_S, [_P, _STR, _void_pp, _size_p]),
    "agenthost_cache_client_del": (_S, [_P, _STR, ctypes.POINTER(ctypes.c_int)]),
    "agenthost_session_store_open": (_S, [_P, _STR, _void_pp]),
    "agenthost_session_store_close": (None, [_P]),
    "agenthost_session_store_create": (_S, [_P, _STR, _void_pp]),
    "agenthost_session_store_get": (_S, [_P, _STR, _STR, _void_pp]),
    "agenthost_session_store_update": (_S, [_P, _STR, _STR, _STR, _void_pp]),
    "agenthost_session_store_delete": (_S, [_P, _STR, _STR]),
    "agenthost_session_store_reindex": (_S, [_P, ctypes.POINTER(ctypes.c_uint64)]),
    "agenthost_session_store_list": (_S, [_P, _STR, _void_pp]),
    "agenthost_session_page_json": (_P, [_P, _size_p]),
    "agenthost_session_page_free": (None, [_P]),
    "agenthost_hook_options_init": (None, [ctypes.POINTER(_HookOptions)]),
    "agenthost_hook_policy_create": (_S, [_STR, ctypes.POINTER(_HookOptions), _void_pp]),
    "agenthost_hook_policy_free": (None, [_P]),
    "agenthost_hook_policy_evaluate": (_S, [_P, _STR, ctypes.c_size_t, _void_pp]),
    "agenthost_verdict_decision": (ctypes.c_int, [_P]),
    "agenthost_verdict_json": (_P, [_P, _size_p]),
    "agenthost_verdict_free": (None, [_P]),
}

_lib = None
_lib_lock = threading.Lock()


def _candidates():
    explicit = os.environ.get("AGENTHOST_C_LIBRARY")
    if explicit:
        return [explicit]  # asked for one library: never fall back to another
    here = os.path.dirname(os.path.abspath(__file__))
    found = [os.path.join(here, "libagenthost_c.so")]
    checkout = os.path.dirname(os.path.dirname(here))
    # scripts/run-example.sh's build first, then a plain build/, then any other build/* tree.
    found += [os.path.join(checkout, "build", d, "capi", "libagenthost_c.so")
              for d in ("example", "")]
    others = glob.glob(os.path.join(checkout, "build", "*", "capi", "libagenthost_c.so"))
    found += sorted(set(others) - set(found), key=os.path.getmtime, reverse=True)
    return found + ["libagenthost_c.so.0"]  # the system loader: an installed copy


def load(path=None):
    """Loads the C library (once); path overrides the search. Returns the ctypes.CDLL."""
    global _lib
    with _lib_lock:
        if _lib is not None and path is None:
            return _lib
        tried = []
        for candidate in [path] if path else _candidates():
            if os.sep in candidate and not os.path.exists(candidate):
                tried.append(candidate + " (absent)")
                continue
            try:
                lib = ctypes.CDLL(candidate)
            except OSError as e:
                tried.append("%s (%s)" % (candidate, e))
                continue
            for name, (restype, argtypes) in _SIGNATURES.items():
                fn = getattr(lib, name)
                fn.restype, fn.argtypes = restype, argtypes
            _lib = lib
            return lib
        raise OSError("cannot load libagenthost_c; set AGENTHOST_C_LIBRARY to its path. Tried: "
                      + "; ".join(tried))


def _c():
    return _lib if _lib is not None else load()


def version():
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return _c().agenthost_version().decode()


def _check(status):
    if status == 0:
        return
    lib = _c()
    message = lib.agenthost_last_error().decode("utf-8", "replace")
    name = lib.agenthost_status_name(status).decode()
    raise _ERRORS.get(status, AgenthostError)(message, code=status, status=name)


def _enc(text):
    return None if text is None else text.encode("utf-8")


def _take_string(ptr, length=None):
    """Copies a string the library handed over and frees it."""
    if not ptr.value:
        return None
    try:
        if length is None:
            return ctypes.string_at(ptr.value)
        return ctypes.string_at(ptr.value, length)
    finally:
        _c().agenthost_free(ptr)


def _take_json(ptr):
    return json.loads(_take_string(ptr).decode("utf-8"))


class _Handle:
    """An owned C handle: closed once, by close(), the with-block, or garbage collection."""

    _free_name = None

    def __init__(self, handle):
        self._handle = handle

    def _h(self):
        if not self._handle:
            raise InvalidArgument("the %s is closed" % type(self).__name__)
        return self._handle

    def close(self):
        handle, self._handle = self._handle, None
        if handle and _lib is not None:
            getattr(_lib, self._free_name)(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


# ---- CacheClient ---------------------------------------------------------------------------


class Cache(_Handle):
    """A thread-safe client for redis://, unix:// or memory://. url None reads REDIS_URL and
    the other REDIS_* variables. Options left None keep the library's defaults."""

    _free_name = "agenthost_cache_client_close"

    def __init__(self, url=None, *, max_connections=None, connect_timeout_ms=None,
                 socket_timeout_ms=None, pool_wait_timeout_ms=None):
        super().__init__(None)
        self._stores = weakref.WeakSet()
        lib = _c()
        out = ctypes.c_void_p()
        if url is None:
            _check(lib.agenthost_cache_client_open_env(ctypes.byref(out)))
        else:
            opts = _CacheOptions()
            lib.agenthost_cache_options_init(ctypes.byref(opts))
            for field, value in (("max_connections", max_connections),
                                 ("connect_timeout_ms", connect_timeout_ms),
                                 ("socket_timeout_ms", socket_timeout_ms),
                                 ("pool_wait_timeout_ms", pool_wait_timeout_ms)):
                if value is not None:
                    setattr(opts, field, _uint32(field, value))
            _check(lib.agenthost_cache_client_open(_enc(url), ctypes.byref(opts),
                                                   ctypes.byref(out)))
        self._handle = out.value

    def close(self):
        # The stores borrow this client: they are closed first, never left dangling.
        for store in list(getattr(self, "_stores", ())):
            store.close()
        super().close()

    def ping(self):
        _check(_c().agenthost_cache_client_ping(self._h()))

    def get(self, key):
        """The value as bytes, or None when the key is absent."""
        value, length = ctypes.c_void_p(), ctypes.c_size_t()
        status = _c().agenthost_cache_client_get(self._h(), _enc(key), ctypes.byref(value),
                                                 ctypes.byref(length))
        if status == NotFound.code:
            return None
        _check(status)
        return _take_string(value, length.value)

    def set(self, key, value, ttl=0):
        """Stores value (bytes, or str as UTF-8); ttl in seconds, 0 = no expiry."""
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        _check(_c().agenthost_cache_client_set(self._h(), _enc(key), data, len(data),
                                               _uint32("ttl", ttl)))

    def delete(self, key):
        """True when the key existed."""
        removed = ctypes.c_int()
        _check(_c().agenthost_cache_client_del(self._h(), _enc(key), ctypes.byref(removed)))
        return bool(removed.value)


def _uint32(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFFFFFF:
        raise InvalidArgument("%s=%r is not a whole number in 0..4294967295" % (name, value))
    return value


# ---- SessionStore --------------------------------------------------------------------------


def _drop_none(**fields):
    return {k: v for k, v in fields.items() if v is not None}


class SessionStore(_Handle):
    """Sessions on a Cache (which must stay open: closing the Cache closes its stores).
    Sessions are dicts: id, model, status, created_at, updated_at, total_turns, total_cost_usd,
    parent_session_id, metadata. Calls with owner_api_key act only on that owner's sessions."""

    _free_name = "agenthost_session_store_close"

    def __init__(self, cache, *, key_prefix=None, index_prefix=None, ttl_s=None):
        super().__init__(None)
        options = _drop_none(key_prefix=key_prefix, index_prefix=index_prefix, ttl_s=ttl_s)
        out = ctypes.c_void_p()
        _check(_c().agenthost_session_store_open(cache._h(),
                                                 _enc(json.dumps(options)) if options else None,
                                                 ctypes.byref(out)))
        self._handle = out.value
        self._cache = cache  # keeps the borrowed client alive as long as the store
        cache._stores.add(self)

    def create(self, model, *, id=None, parent_session_id=None, owner_api_key=None,
               metadata=None):
        request = _drop_none(model=model, id=id, parent_session_id=parent_session_id,
                             owner_api_key=owner_api_key, metadata=metadata)
        out = ctypes.c_void_p()
        _check(_c().agenthost_session_store_create(self._h(), _enc(json.dumps(request)),
                                                   ctypes.byref(out)))
        return _take_json(out)

    def get(self, id, owner_api_key=None):
        """The session; NotFound when absent or another owner's."""
        out = ctypes.c_void_p()
        _check(_c().agenthost_session_store_get(self._h(), _enc(id), _enc(owner_api_key),
                                                ctypes.byref(out)))
        return _take_json(out)

    def update(self, id, owner_api_key=None, *, status=None, total_turns=None,
               increment_turns=False, total_cost_usd=None, metadata=None):
        """An atomic partial update; returns the updated session."""
        patch = _drop_none(status=status, total_turns=total_turns, total_cost_usd=total_cost_usd,
                           metadata=metadata)
        if increment_turns:
            patch["increment_turns"] = True
        out = ctypes.c_void_p()
        _check(_c().agenthost_session_store_update(self._h(), _enc(id), _enc(owner_api_key),
                                                   _enc(json.dumps(patch)), ctypes.byref(out)))
        return _take_json(out)

    def delete(self, id, owner_api_key=None):
        """Removes the session and its index entries; NotFound when absent."""
        _check(_c().agenthost_session_store_delete(self._h(), _enc(id), _enc(owner_api_key)))

    def list(self, owner_api_key=None, *, status=None, page=None, page_size=None, cursor=None):
        """One page, newest first: {"sessions": [...], "total", "page", "page_size",
        "next_cursor" (None on the last page), "skipped_corrupt", "corrupt_ids"}."""
        query = _drop_none(owner_api_key=owner_api_key, status=status, page=page,
                           page_size=page_size, cursor=cursor)
        out = ctypes.c_void_p()
        lib = _c()
        _check(lib.agenthost_session_store_list(self._h(), _enc(json.dumps(query)),
                                                ctypes.byref(out)))
        try:
            length = ctypes.c_size_t()
            text = lib.agenthost_session_page_json(out, ctypes.byref(length))  # owned by the page
            return json.loads(ctypes.string_at(text, length.value).decode("utf-8"))
        finally:
            lib.agenthost_session_page_free(out)

    def pages(self, owner_api_key=None, *, status=None, page_size=None):
        """Every page of a listing, following next_cursor."""
        cursor = None
        while True:
            page = self.list(owner_api_key, status=status, page_size=page_size, cursor=cursor)
            yield page
            cursor = page["next_cursor"]
            if cursor is None:
                return

    def reindex(self):
        """Adds every stored record to the indexes; returns the number indexed."""
        indexed = ctypes.c_uint64()
        _check(_c().agenthost_session_store_reindex(self._h(), ctypes.byref(indexed)))
        return indexed.value


# ---- HookPolicy ----------------------------------------------------------------------------


class Verdict:
    """The combined outcome of an evaluation: decision ("allow", "deny", "ask" or "defer"), reason,
    failed (a hook failed: the decision is its on_failure), error (the first failure's class),
    updated_input (dict or None), continue_ (False: a hook asked to stop the agent),
    additional_context (every hook's, in order) and hooks (one dict per hook called)."""

    def __init__(self, fields):
        self.decision = fields["decision"]
        self.reason = fields["reason"]
        self.failed = fields["failed"]
        self.error = fields["error"]
        self.updated_input = fields["updated_input"]
        self.continue_ = fields["continue"]
        self.additional_context = fields["additional_context"]
        self.hooks = fields["hooks"]

    @property
    def allowed(self):
        return self.decision == "allow"

    def __repr__(self):
        return "Verdict(decision=%r, failed=%r, reason=%r)" % (self.decision, self.failed,
                                                               self.reason)


_DECISIONS = {0: "allow", 1: "deny", 2: "ask", 3: "defer"}


class HookPolicy(_Handle):
    """Evaluates hooks by calling webhooks; PreToolUse fails closed. config: dict or JSON text.
    allow_private_networks lets webhooks on loopback/private addresses be called (off by
    default: the SSRF guard refuses them)."""

    _free_name = "agenthost_hook_policy_free"

    def __init__(self, config, *, allow_private_networks=False, max_response_bytes=None,
                 breaker_failure_threshold=None, breaker_cooldown_ms=None):
        super().__init__(None)
        text = config if isinstance(config, str) else json.dumps(config)
        lib = _c()
        opts = _HookOptions()
        lib.agenthost_hook_options_init(ctypes.byref(opts))
        opts.allow_private_networks = 1 if allow_private_networks else 0
        for field, value in (("max_response_bytes", max_response_bytes),
                             ("breaker_failure_threshold", breaker_failure_threshold),
                             ("breaker_cooldown_ms", breaker_cooldown_ms)):
            if value is not None:
                setattr(opts, field, _uint32(field, value))
        out = ctypes.c_void_p()
        _check(lib.agenthost_hook_policy_create(_enc(text), ctypes.byref(opts), ctypes.byref(out)))
        self._handle = out.value

    def evaluate(self, hook_input):
        """The Verdict for a hook input (dict, or JSON text/bytes). Hook failures are verdicts,
        not exceptions; bad input raises InvalidArgument, whose .verdict is a deny."""
        if isinstance(hook_input, dict):
            hook_input = json.dumps(hook_input)
        data = hook_input.encode("utf-8") if isinstance(hook_input, str) else bytes(hook_input)
        lib = _c()
        out = ctypes.c_void_p()
        status = lib.agenthost_hook_policy_evaluate(self._h(), data, len(data), ctypes.byref(out))
        try:
            length = ctypes.c_size_t()
            text = lib.agenthost_verdict_json(out, ctypes.byref(length))  # owned by the verdict
            verdict = Verdict(json.loads(ctypes.string_at(text, length.value).decode("utf-8")))
            verdict.decision = _DECISIONS.get(lib.agenthost_verdict_decision(out), "deny")
        finally:
            lib.agenthost_verdict_free(out)
        try:
            _check(status)
        except AgenthostError as e:
            e.verdict = verdict  # a deny: a caller that only looks at it still fails closed
            raise
        return verdict
