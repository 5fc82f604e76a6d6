-- agenthost durable sessions: the Python service's `sessions` table and the indexes the
-- store's listings use. Idempotent, and it also runs on the table the Python service
-- created (session_metadata JSON or JSONB). Run it as the table's owner: the store
-- creates the table and its indexes only when the table does not exist yet.
CREATE TABLE IF NOT EXISTS sessions (
    id VARCHAR(255) PRIMARY KEY,
    model VARCHAR(255) NOT NULL,
    status VARCHAR(32) NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    total_turns BIGINT NOT NULL DEFAULT 0,
    total_cost_usd DOUBLE PRECISION,
    parent_session_id VARCHAR(255),
    owner_api_key_hash VARCHAR(64),
    session_metadata JSONB
);
CREATE INDEX IF NOT EXISTS ix_sessions_owner_api_key_hash ON sessions (owner_api_key_hash);
-- Keyset listing: created_at in whole ms (the Redis score), then id byte order.
CREATE INDEX IF NOT EXISTS ix_sessions_owner_keyset ON sessions
    (owner_api_key_hash, ((floor(extract(epoch from (created_at at time zone 'UTC')) * 1000))::bigint), (id COLLATE "C"));
CREATE INDEX IF NOT EXISTS ix_sessions_owner_status_keyset ON sessions
    (owner_api_key_hash, status, ((floor(extract(epoch from (created_at at time zone 'UTC')) * 1000))::bigint), (id COLLATE "C"));
CREATE INDEX IF NOT EXISTS ix_sessions_keyset ON sessions (((floor(extract(epoch from (created_at at time zone 'UTC')) * 1000))::bigint), (id COLLATE "C"));
-- Metadata filters: mode, project_id and tags by containment (@>). On a JSONB column the
-- cast is no expression (a plain column index); on a JSON one it is the expression the
-- store's queries use.
CREATE INDEX IF NOT EXISTS ix_sessions_metadata ON sessions USING GIN ((session_metadata::jsonb) jsonb_path_ops);
