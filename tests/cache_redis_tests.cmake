# Redis backend of CacheClient: URL/options parsing (no server) and fault tests (real
# redis-server: the shared fixture, or private servers the tests stop, pause and restart).
agenthost_add_catch_test(unit_cache_redis
  SOURCES unit/cache/redis_url_test.cpp unit/cache/cache_options_test.cpp)
