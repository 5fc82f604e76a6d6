// Records the library's internal events for one test and removes the listener however the test
// ends.
#pragma once

#include <agenthost/metrics.hpp>
#include <mutex>
#include <string>
#include <vector>

namespace agenthost::test {

struct RecordedEvent {
  InternalEventKind kind;
  std::string subject;
  std::string detail;
};

class EventRecorder {
 public:
  EventRecorder() {
    set_internal_event_listener([this](const InternalEvent &e) {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back({e.kind, std::string(e.subject), std::string(e.detail)});
    });
  }
  ~EventRecorder() { set_internal_event_listener({}); }
  EventRecorder(const EventRecorder &) = delete;
  EventRecorder &operator=(const EventRecorder &) = delete;

  std::vector<RecordedEvent> of(InternalEventKind kind) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<RecordedEvent> out;
    for (const auto &e : events_) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<RecordedEvent> events_;
};

}  // namespace agenthost::test
