#include "sessions/list_plan.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>

#include "common/json_string.hpp"
#include "sessions/owner_key.hpp"

namespace agenthost::detail {

namespace {

void check_filters(const ListQuery &q) {
  for (const auto *f : {&q.mode, &q.project_id, &q.title_contains}) {
    if (*f && !is_valid_utf8(**f)) throw Error(Errc::invalid_argument, "filter is not UTF-8");
  }
  for (const auto &t : q.tags) {
    if (!is_valid_utf8(t)) throw Error(Errc::invalid_argument, "tag filter is not UTF-8");
  }
}

}  // namespace

ListPlan plan_list(const ListQuery &q) {
  if (q.page_size < 1 || q.page_size > kMaxPageSize) {
    throw Error(Errc::invalid_argument,
                fmt::format("page_size={} is out of range 1..{}", q.page_size, kMaxPageSize));
  }
  if (q.page < 1) throw Error(Errc::invalid_argument, "page=0 is out of range (pages start at 1)");
  if (q.cursor && q.page != 1) {
    throw Error(Errc::invalid_argument,
                fmt::format("page={} cannot be combined with a cursor", q.page));
  }
  check_filters(q);
  ListPlan plan{q, std::nullopt, std::nullopt};
  if (q.owner_api_key) {
    if (q.owner_api_key->empty()) throw Error(Errc::invalid_argument, "owner API key is empty");
    plan.owner_hash = owner_key_hash(*q.owner_api_key);
  }
  if (q.cursor) plan.after = decode_cursor(*q.cursor);
  return plan;
}

}  // namespace agenthost::detail
