// What a session integration test runs on: the shared Redis fixture when compiled with
// AGENTHOST_SESSIONS_ON_REDIS, the shared TLS fixture with AGENTHOST_SESSIONS_ON_TLS, the shared
// Redis Cluster with AGENTHOST_SESSIONS_ON_CLUSTER,
// memory:// otherwise (one test source, two programs), and store
// options whose keys live under a test's unique prefix (with AGENTHOST_SESSIONS_DURABLE also the
// durable tier on the shared PostgreSQL, in a table of the test's own).
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "support/test_env.hpp"
#ifdef AGENTHOST_SESSIONS_ON_CLUSTER
#include "support/redis_cluster.hpp"
#endif

namespace agenthost::test {

inline CacheClient make_session_test_cache() {
  CacheOptions o;
#if defined(AGENTHOST_SESSIONS_ON_REDIS)
  o.url = shared_redis_url();
  REQUIRE_FALSE(o.url.empty());
#elif defined(AGENTHOST_SESSIONS_ON_TLS)
  o.url = shared_tls_redis_url();
  REQUIRE_FALSE(o.url.empty());
  o.tls = test_tls_options();
#elif defined(AGENTHOST_SESSIONS_ON_CLUSTER)
  o.url = shared_cluster_url();
  REQUIRE_FALSE(o.url.empty());
  if (o.url.rfind("rediss", 0) == 0) o.tls = test_tls_options();
#else
  o.url = "memory://";
#endif
  return CacheClient(o);
}

inline SessionStoreOptions prefixed_store_options(const std::string &prefix) {
  SessionStoreOptions o;
  o.key_prefix = prefix + "session:";
  o.index_prefix = prefix + "sessions:";
#ifdef AGENTHOST_SESSIONS_DURABLE
  // The durable tier on the shared PostgreSQL, in a table of this test's own.
  o.database_url = shared_pg_url();
  REQUIRE_FALSE(o.database_url.empty());
  o.db_table = unique_table("sessions");
#endif
  return o;
}

// A cache, a store under a unique prefix, and sessions created for one owner.
struct OwnerSessionEnv {
  OwnerSessionEnv(const std::string &what, std::string owner)
      : owner_key(std::move(owner)),
        prefix(unique_prefix(what)),
        options(prefixed_store_options(prefix)) {}

  std::string owner_key;
  std::string prefix;
  CacheClient cache = make_session_test_cache();
  SessionStoreOptions options;
  SessionStore store{cache, options};

  Session create() {
    CreateRequest r;
    r.model = "m";
    r.owner_api_key = owner_key;
    return store.create(r);
  }
};

}  // namespace agenthost::test
