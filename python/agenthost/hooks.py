"""HookPolicy (synchronous evaluate) and Verdict."""

from __future__ import annotations

import ctypes
import json
from typing import Any, Mapping, Optional, Union

from . import _lib
from .errors import AgenthostError
from .types import HookResult, Verdict  # noqa: F401 - importable from here too

HookInput = Union[Mapping[str, Any], str, bytes, bytearray]
_DECISIONS = {0: "allow", 1: "deny", 2: "ask", 3: "defer"}


def take_verdict(c: ctypes.CDLL, handle: Optional[int]) -> Verdict:
    """Copies the verdict out of a C verdict, and frees it."""
    try:
        length = ctypes.c_size_t()
        text = c.agenthost_verdict_json(handle, ctypes.byref(length))  # owned by the verdict
        fields = json.loads(ctypes.string_at(text, length.value))
        return Verdict.from_json(fields, _DECISIONS.get(c.agenthost_verdict_decision(handle),
                                                        "deny"))
    finally:
        c.agenthost_verdict_free(handle)


def encode_input(hook_input: HookInput) -> bytes:
    if isinstance(hook_input, Mapping):
        return json.dumps(hook_input).encode("utf-8")
    return hook_input.encode("utf-8") if isinstance(hook_input, str) else bytes(hook_input)


class PolicyBase(_lib.Handle):
    """Creates the C policy. config: dict or JSON text. allow_private_networks lets webhooks on
    loopback/private addresses be called (off by default: the SSRF guard refuses them)."""

    _free_name = "agenthost_hook_policy_free"

    def __init__(self, config: Union[Mapping[str, Any], str], *,
                 allow_private_networks: bool = False, max_response_bytes: Optional[int] = None,
                 breaker_failure_threshold: Optional[int] = None,
                 breaker_cooldown_ms: Optional[int] = None) -> None:
        super().__init__()
        text = config if isinstance(config, str) else json.dumps(config)
        c = _lib.lib()
        opts = _lib.HookOptions()
        c.agenthost_hook_options_init(ctypes.byref(opts))
        opts.allow_private_networks = 1 if allow_private_networks else 0
        for name, value in (("max_response_bytes", max_response_bytes),
                            ("breaker_failure_threshold", breaker_failure_threshold),
                            ("breaker_cooldown_ms", breaker_cooldown_ms)):
            if value is not None:
                setattr(opts, name, _lib.uint32(name, value))
        out = ctypes.c_void_p()
        _lib.check(c.agenthost_hook_policy_create(_lib.enc(text), ctypes.byref(opts),
                                                  ctypes.byref(out)))
        self._handle = out.value

    def evaluate_sync(self, hook_input: HookInput) -> Verdict:
        """The Verdict for a hook input (dict, or JSON text/bytes), blocking. Hook failures are
        verdicts, not exceptions; bad input raises InvalidArgument, whose .verdict is a deny."""
        data = encode_input(hook_input)
        c = _lib.lib()
        out = ctypes.c_void_p()
        status = c.agenthost_hook_policy_evaluate(self._h(), data, len(data), ctypes.byref(out))
        verdict = take_verdict(c, out.value)
        if status != 0:
            error: AgenthostError = _lib.error_for(status)
            error.verdict = verdict  # a deny: a caller that only looks at it fails closed
            raise error
        return verdict


class HookPolicy(PolicyBase):
    """Evaluates hooks by calling webhooks; PreToolUse fails closed."""

    def evaluate(self, hook_input: HookInput) -> Verdict:
        return self.evaluate_sync(hook_input)
