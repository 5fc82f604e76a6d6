# Metrics: counters, histograms and internal events after known traffic, against the
# shared redis-server, private ones and the local webhook server; the C ABI's exposition parsed by
# prometheus_client (tests/integration/metrics/parse_exposition.py, /usr/bin/python3).
agenthost_add_catch_test(integration_metrics
  SOURCES integration/metrics/metrics_test.cpp capi/metrics_test.cpp
  LIBS agenthost_hooks_test_support agenthost_c
  REDIS LABELS metrics)
target_compile_definitions(integration_metrics PRIVATE
  AGENTHOST_SESSIONS_ON_REDIS
  AGENTHOST_PARSE_EXPOSITION_SCRIPT="${CMAKE_CURRENT_SOURCE_DIR}/integration/metrics/parse_exposition.py")
# The listener swapped while threads report events also runs under TSan (label `concurrency`).
agenthost_label_tests(integration_metrics concurrency "swapped while threads")
