#include "db/pg_result.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <charconv>
#include <cstdlib>

namespace agenthost::detail {

PgResult::~PgResult() {
  if (r_ != nullptr) PQclear(r_);
}

PgResult &PgResult::operator=(PgResult &&other) noexcept {
  if (this != &other) {
    if (r_ != nullptr) PQclear(r_);
    r_ = other.r_;
    other.r_ = nullptr;
  }
  return *this;
}

int PgResult::rows() const { return r_ == nullptr ? 0 : PQntuples(r_); }

bool PgResult::is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }

std::string_view PgResult::text(int row, int col) const {
  return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
}

std::optional<std::string> PgResult::optional_text(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return std::string(text(row, col));
}

std::int64_t PgResult::integer(int row, int col) const {
  const std::string_view t = text(row, col);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) {
    throw Error(Errc::protocol, fmt::format("database column {} is not a whole number", col));
  }
  return v;
}

double PgResult::real(int row, int col) const {
  const std::string t(text(row, col));
  char *end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size()) {
    throw Error(Errc::protocol, fmt::format("database column {} is not a number", col));
  }
  return v;
}

std::uint64_t PgResult::affected() const {
  const char *n = PQcmdTuples(r_);
  return (n == nullptr || *n == 0) ? 0 : std::strtoull(n, nullptr, 10);
}

}  // namespace agenthost::detail
