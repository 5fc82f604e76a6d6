agenthost_add_catch_test(unit_common
  SOURCES unit/common/env_test.cpp unit/common/error_test.cpp
          unit/common/json_duplicates_test.cpp
  LIBS simdjson::simdjson)
