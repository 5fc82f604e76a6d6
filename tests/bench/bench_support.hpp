// Shared by the benchmark programs: timing contenders in interleaved rounds (medians) and seeding
// a SessionStore with sessions.
#pragma once

#include <agenthost/session_store.hpp>
#include <functional>
#include <string>
#include <vector>

namespace agenthost::bench {

// Runs each contender once per round, `rounds` times, so drift in the machine's load affects every
// contender alike; returns each one's median in microseconds, in the contenders' order.
std::vector<double> interleaved_medians_us(int rounds,
                                           const std::vector<std::function<void()>> &contenders);

// The median of `runs` timed calls of `f`, in microseconds.
double median_us(int runs, const std::function<void()> &f);

// Creates `count` sessions like `request` (each with its own random id), their owners taken in
// turn from `owners`, starting with the first.
void create_sessions(SessionStore &store, CreateRequest request,
                     const std::vector<std::string> &owners, int count);

}  // namespace agenthost::bench
