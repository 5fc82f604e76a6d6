# SessionStore tests. The store contract runs twice from one source: against memory:// and
# against the shared redis-server fixture (REDIS).
agenthost_add_catch_test(unit_sessions
  SOURCES unit/sessions/time_codec_test.cpp unit/sessions/cursor_requests_test.cpp)
