#include <agenthost/error.hpp>
#include <agenthost/version.hpp>
#include <catch2/catch.hpp>
#include <cstring>

using agenthost::Errc;

TEST_CASE("errc names match the C ABI spelling", "[error]") {
  CHECK(std::strcmp(agenthost::errc_name(Errc::ok), "ok") == 0);
  CHECK(std::strcmp(agenthost::errc_name(Errc::invalid_argument), "invalid_argument") == 0);
  CHECK(std::strcmp(agenthost::errc_name(Errc::pool_exhausted), "pool_exhausted") == 0);
  CHECK(std::strcmp(agenthost::errc_name(Errc::internal), "internal") == 0);
  CHECK(std::strcmp(agenthost::errc_name(static_cast<Errc>(42)), "unknown") == 0);
}

TEST_CASE("Error carries its code and message", "[error]") {
  agenthost::Error e(Errc::timeout, "socket read timed out after 200 ms");
  CHECK(e.code() == Errc::timeout);
  CHECK(std::string(e.what()) == "socket read timed out after 200 ms");
}

TEST_CASE("version is MAJOR.MINOR.PATCH of the built library", "[version]") {
  CHECK(std::string(agenthost::version()) == AGENTHOST_VERSION_STRING);
  CHECK(std::string(agenthost::version()).find('.') != std::string::npos);
}
