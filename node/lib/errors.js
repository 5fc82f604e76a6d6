// The errors: one class per C status, each carrying the status number (`code`) and its name
// (`status`), as the Python package's exceptions do.
//
// | class           | status             | code |
// |-----------------|--------------------|------|
// | InvalidArgument | invalid_argument   | 1    |
// | NotFound        | not_found          | 2    |
// | Conflict        | conflict           | 3    |
// | Timeout         | timeout            | 4    |
// | ConnectionError | connection         | 5    |
// | PoolExhausted   | pool_exhausted     | 6    |
// | ProtocolError   | protocol           | 7    |
// | Corrupt         | corrupt            | 8    |
// | Unsupported     | unsupported        | 9    |
// | InternalError   | internal           | 100  |

export const STATUS_NAMES = Object.freeze({
  1: "invalid_argument", 2: "not_found", 3: "conflict", 4: "timeout", 5: "connection",
  6: "pool_exhausted", 7: "protocol", 8: "corrupt", 9: "unsupported", 100: "internal",
});

export class AgenthostError extends Error {
  /** @param {string} message @param {number} [code] */
  constructor(message, code) {
    super(message);
    const c = code ?? /** @type {any} */ (new.target).code ?? 0;
    this.code = c;
    this.status = STATUS_NAMES[c] ?? "unknown";
    this.name = new.target.name;
  }
}

function statusClass(name, code) {
  const cls = { [name]: class extends AgenthostError {} }[name];
  Object.defineProperty(cls, "code", { value: code });
  return cls;
}

export const InvalidArgument = statusClass("InvalidArgument", 1);
export const NotFound = statusClass("NotFound", 2);
export const Conflict = statusClass("Conflict", 3);
export const Timeout = statusClass("Timeout", 4);
export const ConnectionError = statusClass("ConnectionError", 5);
export const PoolExhausted = statusClass("PoolExhausted", 6);
export const ProtocolError = statusClass("ProtocolError", 7);
export const Corrupt = statusClass("Corrupt", 8);
export const Unsupported = statusClass("Unsupported", 9);
export const InternalError = statusClass("InternalError", 100);

const BY_CODE = new Map([InvalidArgument, NotFound, Conflict, Timeout, ConnectionError,
  PoolExhausted, ProtocolError, Corrupt, Unsupported, InternalError].map((c) => [c.code, c]));

/** The error of a C status with the library's message. */
export function errorFor(code, message) {
  const cls = BY_CODE.get(code);
  return cls ? new cls(message) : new AgenthostError(message, code);
}
