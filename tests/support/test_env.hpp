// Where tests find their servers.
#pragma once

#include <agenthost/config.hpp>
#include <string>
#include <vector>

namespace agenthost::test {

// URL of the shared redis-server started by the CTest fixture (AGENTHOST_TEST_REDIS_URL, or the
// file named by AGENTHOST_TEST_REDIS_URL_FILE). Empty when neither is available.
std::string shared_redis_url();

// The shared TLS redis-server (fixture `redis_tls`: tests/support/redis_fixture.sh start DIR tls,
// found through AGENTHOST_TEST_TLS_FIXTURE_DIR): its rediss:// URL (empty when there is none),
// its plaintext port, a test certificate file in its DIR/certs (tls_certs.sh names them), and the
// client options that pass its mutual TLS (the test CA, client.crt and client.key).
std::string shared_tls_redis_url();
int shared_tls_plain_port();
std::string tls_cert_file(const std::string &name);
TlsOptions test_tls_options();
// redis-server arguments for a TLS port serving `cert` (a name of tls_certs.sh: "server",
// "expired", ...), trusting the test CA, with --tls-auth-clients `auth_clients`.
std::vector<std::string> tls_server_args(int tls_port, const std::string &cert,
                                         const std::string &auth_clients = "no");

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
