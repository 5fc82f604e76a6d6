-- agenthost's durable tier: the Python service's `sessions` table and the indexes the
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
-- Keyset listing: created_at in whole ms (the Redis score), then id byte order. Statuses
-- other than completed and error (NULL too) list as active, as their records read.
CREATE INDEX IF NOT EXISTS ix_sessions_owner_keyset ON sessions
    (owner_api_key_hash, ((floor(extract(epoch from (created_at at time zone 'UTC')) * 1000))::bigint), (id COLLATE "C"));
CREATE INDEX IF NOT EXISTS ix_sessions_owner_status_keyset ON sessions
    (owner_api_key_hash, ((CASE WHEN status::text IN ('completed', 'error') THEN status::text ELSE 'active' END)), ((floor(extract(epoch from (created_at at time zone 'UTC')) * 1000))::bigint), (id COLLATE "C"));
CREATE INDEX IF NOT EXISTS ix_sessions_keyset ON sessions (((floor(extract(epoch from (created_at at time zone 'UTC')) * 1000))::bigint), (id COLLATE "C"));
-- Metadata filters: mode, project_id and tags by containment (@>). On a JSONB column the
-- cast is no expression (a plain column index); on a JSON one it is the expression the
-- store's queries use.
CREATE INDEX IF NOT EXISTS ix_sessions_metadata ON sessions USING GIN ((session_metadata::jsonb) jsonb_path_ops);
-- Listing totals without counting rows: rows per (owner, status), kept by triggers in
-- the writing transaction (the Python service's writes too). '' stands for no owner.
CREATE TABLE IF NOT EXISTS sessions_counts (
    owner_api_key_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (owner_api_key_hash, status)
) WITH (fillfactor = 50);  -- room for HOT updates: a count row stays on its page
-- SECURITY DEFINER, so a role that may only write sessions keeps the counts right too. Its
-- search_path is pg_catalog then pg_temp only, with the counts table qualified by its schema
-- (no object another role creates can stand in for one it uses), its comparisons are on text
-- (exact pg_catalog operators), and no role may call it except through the triggers.
DO $do$
BEGIN
    EXECUTE format($f$
CREATE OR REPLACE FUNCTION sessions_count() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    old_owner TEXT;
    old_status TEXT;
    new_owner TEXT;
    new_status TEXT;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM %1$I.sessions_counts;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_owner := COALESCE(OLD.owner_api_key_hash::text, '');
        old_status := CASE WHEN OLD.status::text IN ('completed', 'error') THEN OLD.status::text
                           ELSE 'active' END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_owner := COALESCE(NEW.owner_api_key_hash::text, '');
        new_status := CASE WHEN NEW.status::text IN ('completed', 'error') THEN NEW.status::text
                           ELSE 'active' END;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF old_owner = new_owner AND old_status = new_status THEN
            RETURN NULL;
        END IF;
        -- Both rows, in one order: concurrent moves never deadlock on them.
        PERFORM 1 FROM %1$I.sessions_counts
            WHERE (owner_api_key_hash, status) IN ((old_owner, old_status), (new_owner, new_status))
            ORDER BY owner_api_key_hash, status FOR UPDATE;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE %1$I.sessions_counts SET n = n - 1
            WHERE owner_api_key_hash = old_owner AND status = old_status;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO %1$I.sessions_counts VALUES (new_owner, new_status, 1)
            ON CONFLICT (owner_api_key_hash, status) DO UPDATE SET n = sessions_counts.n + 1;
    END IF;
    RETURN NULL;
END $fn$$f$, current_schema());
    REVOKE EXECUTE ON FUNCTION sessions_count() FROM PUBLIC;
END $do$;
-- The triggers (rows, moves, TRUNCATE) and the counts of the rows already there, in one
-- transaction under a lock that holds writers back meanwhile; again whenever one of the
-- triggers is missing or disabled.
DO $do$
BEGIN
    IF (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'sessions'::regclass AND tgenabled IN ('O', 'A')
          AND tgname IN ('sessions_count_rows', 'sessions_count_moves', 'sessions_count_truncate')) < 3 THEN
        LOCK TABLE sessions IN SHARE ROW EXCLUSIVE MODE;
        DROP TRIGGER IF EXISTS sessions_count_rows ON sessions;
        DROP TRIGGER IF EXISTS sessions_count_moves ON sessions;
        DROP TRIGGER IF EXISTS sessions_count_truncate ON sessions;
        DELETE FROM sessions_counts;
        INSERT INTO sessions_counts SELECT COALESCE(owner_api_key_hash, ''), (CASE WHEN status::text IN ('completed', 'error') THEN status::text ELSE 'active' END), count(*)
            FROM sessions GROUP BY 1, 2;
        CREATE TRIGGER sessions_count_rows AFTER INSERT OR DELETE ON sessions
            FOR EACH ROW EXECUTE FUNCTION sessions_count();
        CREATE TRIGGER sessions_count_moves AFTER UPDATE OF owner_api_key_hash, status ON sessions
            FOR EACH ROW EXECUTE FUNCTION sessions_count();
        CREATE TRIGGER sessions_count_truncate AFTER TRUNCATE ON sessions
            FOR EACH STATEMENT EXECUTE FUNCTION sessions_count();
    END IF;
END $do$;
