// What every handle shares: close() (a Promise), Symbol.asyncDispose, `closed`, and the count of
// calls in flight, which close() waits for before freeing the C handle: a pool thread never
// uses a freed handle.
import { InvalidArgument } from "./errors.js";

/** Symbol.asyncDispose where the runtime has it; else the symbol Node's own polyfill uses. */
export const asyncDispose = /** @type {typeof Symbol.asyncDispose} */ (
  Symbol.asyncDispose ?? Symbol.for("nodejs.asyncDispose"));

export class Handle {
  #handle;
  #free;
  #inFlight = 0;
  /** @type {Promise<void> | null} */
  #closing = null;
  /** @type {(() => void) | null} */
  #drained = null;

  constructor(handle, free) {
    this.#handle = handle;
    this.#free = free;
  }

  /** The C handle, for the addon; InvalidArgument once close() has been called. */
  _h() {
    if (this.#closing !== null) {
      throw new InvalidArgument(`this agenthost ${this.constructor.name} is closed`);
    }
    return this.#handle;
  }

  /** Runs fn(handle) (which returns the addon's Promise) and counts it in flight. */
  async _call(fn) {
    const h = this._h();
    this.#inFlight++;
    try {
      return await fn(h);
    } finally {
      if (--this.#inFlight === 0 && this.#drained !== null) this.#drained();
    }
  }

  /** What closes before this handle (the stores opened on a cache). */
  async _closeDependents() {}

  /** Whether to let the calls in flight finish before freeing (a HookPolicy cancels them). */
  _waitsForCalls() {
    return true;
  }

  get closed() {
    return this.#closing !== null;
  }

  /** Closes the handle once the calls in flight have settled; new calls are refused at once.
   * Closing twice returns the same Promise. */
  close() {
    if (this.#closing === null) this.#closing = this.#close();
    return this.#closing;
  }

  async #close() {
    await this._closeDependents();
    if (this._waitsForCalls() && this.#inFlight > 0) {
      await new Promise((resolve) => { this.#drained = () => resolve(undefined); });
    }
    const h = this.#handle;
    this.#handle = null;
    this.#free(h);
  }

  [asyncDispose]() {
    return this.close();
  }
}

/** A whole number in 0..2^32-1, or InvalidArgument naming the option. */
export function uint32(name, value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgument(`${name} must be a whole number in 0..4294967295, not ${String(value)}`);
  }
  return value;
}

/** A string without NUL characters, or InvalidArgument naming the argument. */
export function text(name, value) {
  if (typeof value !== "string" || value.includes("\0")) {
    throw new InvalidArgument(`${name} must be a string without NUL characters`);
  }
  return value;
}

/** An optional text: undefined and null are null. */
export function optionalText(name, value) {
  return value === undefined || value === null ? null : text(name, value);
}

/** Refuses option names it does not know (they are never ignored). */
export function checkKeys(what, options, known) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw new InvalidArgument(`${what} must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgument(`${what}: unknown option ${JSON.stringify(key)} (known: ${known.join(", ")})`);
    }
  }
  return options;
}
