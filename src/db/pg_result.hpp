// One libpq result, owned; values read as text.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::detail {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult *r) : r_(r) {}
  ~PgResult();
  PgResult(PgResult &&other) noexcept : r_(other.r_) { other.r_ = nullptr; }
  PgResult &operator=(PgResult &&other) noexcept;
  PgResult(const PgResult &) = delete;
  PgResult &operator=(const PgResult &) = delete;

  int rows() const;
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  std::optional<std::string> optional_text(int row, int col) const;
  // Throws Error(protocol) when the value is not a whole number.
  std::int64_t integer(int row, int col) const;
  double real(int row, int col) const;
  std::uint64_t affected() const;  // PQcmdTuples

 private:
  PGresult *r_ = nullptr;
};

}  // namespace agenthost::detail
