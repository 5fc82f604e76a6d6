// Where tests find their servers.
#pragma once

#include <string>

namespace agenthost::test {

// URL of the shared redis-server started by the CTest fixture (AGENTHOST_TEST_REDIS_URL, or the
// file named by AGENTHOST_TEST_REDIS_URL_FILE). Empty when neither is available.
std::string shared_redis_url();

// URL of the shared PostgreSQL started by the CTest fixture (AGENTHOST_TEST_PG_URL, or the file
// named by AGENTHOST_TEST_PG_URL_FILE, or the fixture's url file). Empty when none is there.
std::string shared_pg_url();

// A table name unique to this process and call (for stores sharing the fixture's database).
std::string unique_table(const std::string &what);

// A prefix unique to this process and call, so tests sharing one server never collide.
std::string unique_prefix(const std::string &what);

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

}  // namespace agenthost::test
