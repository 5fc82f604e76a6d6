// Type declarations of the agenthost package (ESM). Results are the library's JSON shapes field
// for field (snake_case, as agenthost.h documents them); options are camelCase.

/// <reference types="node" />

export declare const version: string;
export declare const libraryVersion: string;
/** Symbol.asyncDispose where the runtime has it, else Symbol.for("nodejs.asyncDispose"). */
export declare const asyncDispose: typeof Symbol.asyncDispose;

export type StatusName = "invalid_argument" | "not_found" | "conflict" | "timeout" | "connection"
  | "pool_exhausted" | "protocol" | "corrupt" | "unsupported" | "internal" | "unknown";

/** A failed agenthost call: `code` is the C status number, `status` its name. An evaluation
 * refused for bad input also carries `verdict` (a deny). */
export declare class AgenthostError extends Error {
  constructor(message: string, code?: number);
  readonly code: number;
  readonly status: StatusName;
  verdict?: Verdict;
}
export declare class InvalidArgument extends AgenthostError { static readonly code: 1; }
export declare class NotFound extends AgenthostError { static readonly code: 2; }
export declare class Conflict extends AgenthostError { static readonly code: 3; }
export declare class Timeout extends AgenthostError { static readonly code: 4; }
export declare class ConnectionError extends AgenthostError { static readonly code: 5; }
export declare class PoolExhausted extends AgenthostError { static readonly code: 6; }
export declare class ProtocolError extends AgenthostError { static readonly code: 7; }
export declare class Corrupt extends AgenthostError { static readonly code: 8; }
export declare class Unsupported extends AgenthostError { static readonly code: 9; }
export declare class InternalError extends AgenthostError { static readonly code: 100; }

/** What every handle shares: close() waits for the calls in flight (a HookPolicy cancels them)
 * and frees the C handle; calls after close() reject with InvalidArgument. */
declare abstract class Handle implements AsyncDisposable {
  readonly closed: boolean;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface CacheOptions {
  maxConnections?: number;
  connectTimeoutMs?: number;
  socketTimeoutMs?: number;
  poolWaitTimeoutMs?: number;
  tlsCaFile?: string;
  tlsCaDir?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsServerName?: string;
  tlsInsecureSkipVerify?: boolean;
}

export declare class Cache extends Handle {
  /** url null or omitted reads REDIS_URL and the REDIS_* variables (and takes no options). */
  constructor(url?: string | null, options?: CacheOptions);
  ping(): Promise<void>;
  /** The value, or null when the key is absent. */
  get(key: string): Promise<Buffer | null>;
  /** ttl in seconds, 0 = no expiry. */
  set(key: string, value: string | Uint8Array, ttl?: number): Promise<void>;
  /** true when the key existed. */
  delete(key: string): Promise<boolean>;
}

export type SessionStatus = "active" | "completed" | "error";

export interface Session {
  id: string;
  model: string;
  status: SessionStatus;
  created_at: string;
  updated_at: string;
  total_turns: number;
  total_cost_usd: number | null;
  parent_session_id: string | null;
  metadata: Record<string, unknown> | null;
}

export interface Page {
  sessions: Session[];
  total: number;
  page: number;
  page_size: number;
  next_cursor: string | null;
  skipped_corrupt: number;
  corrupt_ids: string[];
}

export interface SessionStoreOptions {
  keyPrefix?: string;
  indexPrefix?: string;
  ttlSeconds?: number;
  databaseUrl?: string | null;
  dbPoolSize?: number;
  dbTable?: string;
  dbConnectTimeoutMs?: number;
  dbStatementTimeoutMs?: number;
  dbPoolWaitMs?: number;
}

export interface CreateOptions {
  id?: string;
  parentSessionId?: string;
  ownerApiKey?: string;
  metadata?: Record<string, unknown>;
}

export interface SessionPatch {
  status?: SessionStatus;
  totalTurns?: number;
  incrementTurns?: boolean;
  totalCostUsd?: number;
  metadata?: Record<string, unknown>;
}

export interface ListFilters {
  status?: SessionStatus;
  pageSize?: number;
  /** The durable tier's metadata filters (Unsupported without it). */
  mode?: string;
  projectId?: string;
  tags?: string[];
  title?: string;
}

export interface ListQuery extends ListFilters {
  page?: number;
  cursor?: string | null;
}

export declare class SessionStore extends Handle {
  /** The cache must stay open: closing it closes its stores first. */
  constructor(cache: Cache, options?: SessionStoreOptions);
  create(model: string, options?: CreateOptions): Promise<Session>;
  get(id: string, ownerApiKey?: string | null): Promise<Session>;
  update(id: string, ownerApiKey: string | null | undefined, patch: SessionPatch): Promise<Session>;
  delete(id: string, ownerApiKey?: string | null): Promise<void>;
  list(ownerApiKey?: string | null, query?: ListQuery): Promise<Page>;
  pages(ownerApiKey?: string | null, filters?: ListFilters): AsyncGenerator<Page, void, undefined>;
  reindex(): Promise<number>;
}

export type Decision = "allow" | "deny" | "ask" | "defer";

export interface HookResult {
  url: string;
  status: number;
  latency_ms: number;
  decision: Decision;
  error: string | null;
  hook_specific_output: Record<string, unknown> | null;
}

/** The combined outcome of an evaluation: agenthost_verdict_json's fields. */
export interface Verdict {
  decision: Decision;
  reason: string;
  failed: boolean;
  error: string | null;
  updated_input: Record<string, unknown> | null;
  updated_permissions: unknown[] | null;
  continue: boolean;
  stop_reason: string | null;
  additional_context: string[];
  system_message: string | null;
  suppress_output: boolean;
  interrupt: boolean;
  hooks: HookResult[];
}

export interface HookPolicyOptions {
  /** Lets webhooks on loopback, private and link-local addresses be called (off by default). */
  allowPrivateNetworks?: boolean;
  maxResponseBytes?: number;
  breakerFailureThreshold?: number;
  breakerCooldownMs?: number;
}

export interface EvaluateOptions {
  /** Aborting cancels the evaluation: its Promise settles with the cancelled verdict (deny,
   * failed, error "cancelled"). */
  signal?: AbortSignal;
}

export type HookInput = Record<string, unknown> | string | Uint8Array;

export declare class HookPolicy extends Handle {
  /** config: agenthost's format or Claude Code's settings file (docs/hooks.md). */
  constructor(config: Record<string, unknown> | string, options?: HookPolicyOptions);
  /** The event names the configuration lists, as spelled there. */
  readonly events: readonly string[];
  evaluate(input: HookInput, options?: EvaluateOptions): Promise<Verdict>;
}

export interface MetricSample {
  labels: Record<string, string>;
  value?: number;
  buckets?: Array<[number | "+Inf", number]>;
  count?: number;
  sum?: number;
}

export interface MetricFamily {
  type: string;
  help: string;
  samples: MetricSample[];
}

export interface MetricsOf {
  cache?: Cache | null;
  store?: SessionStore | null;
  policy?: HookPolicy | null;
}

export declare namespace metrics {
  /** The Prometheus text exposition format (0.0.4) of the objects given. */
  function prometheusText(objects?: MetricsOf): string;
  /** The same families as an object. */
  function metrics(objects?: MetricsOf): Record<string, MetricFamily>;
}

// Only the names exported above are the package's (Handle is not exported at run time).
export {};
