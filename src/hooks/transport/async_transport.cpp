#include "hooks/transport/async_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <new>
#include <thread>
#include <unordered_map>

#include "hooks/error_class.hpp"
#include "hooks/transport/hook_handle.hpp"
#include "hooks/transport/transfer.hpp"

namespace agenthost::hooks {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxIdleHandlesPerHook = 256;
// Each transfer in flight holds a connection of its own. Requests beyond this wait in the loop,
// their deadlines still running, so a burst of evaluations cannot exhaust the process's file
// descriptors.
constexpr std::size_t kMaxInFlight = 512;
constexpr long kMaxPollMs = 1000;

struct Job {
  std::uint64_t ticket = 0;
  std::vector<TransferRequest> requests;
  std::vector<TransferResult> results;
  std::vector<Transfer> transfers;
  std::vector<std::unique_ptr<HookHandle>> handles;  // per request, while it is in flight
  std::size_t next = 0;                              // the next request to start
  std::size_t remaining = 0;                         // requests not ended
  std::multimap<Clock::time_point, std::uint64_t>::iterator deadline;
  AsyncTransport::Completion done;
};

struct CancelRequest {
  std::uint64_t ticket = 0;
  bool served = false;
  bool found = false;
};

void complete(Job &job, bool cancelled) noexcept {
  try {
    if (cancelled) {
      job.done({}, true);
    } else {
      job.done(std::move(job.results), false);
    }
  } catch (...) {  // documented: a completion's exceptions are swallowed
  }
}

}  // namespace

class AsyncLoop : public std::enable_shared_from_this<AsyncLoop> {
 public:
  AsyncLoop(std::size_t hooks, bool allow_private, std::uint32_t cap)
      : allow_private_(allow_private), cap_(cap), idle_(hooks) {}
  ~AsyncLoop();
  AsyncLoop(const AsyncLoop &) = delete;
  AsyncLoop &operator=(const AsyncLoop &) = delete;

  std::uint64_t submit(std::unique_ptr<Job> job);
  bool cancel(std::uint64_t ticket);
  void stop();

 private:
  bool on_loop_thread();
  void start_locked();
  void run();
  bool stopping();
  void take_incoming();
  void start_job(std::unique_ptr<Job> job);
  void serve_cancels();
  bool cancel_here(std::uint64_t ticket);
  void shut_down_here();
  void drain();
  void expire(Clock::time_point now);
  void run_ready();
  int poll_timeout_ms() const;
  void to_ready(std::uint64_t ticket);
  void start_waiting();
  void start_transfer(Job &job, std::size_t i);
  void end_transfer(Job &job) noexcept;
  void drop_transfers(Job &job) noexcept;
  void release(Job &job, std::size_t i) noexcept;

  const bool allow_private_;
  const std::uint32_t cap_;

  std::mutex mu_;  // guards the members up to the loop-thread-only ones
  std::condition_variable served_;
  std::thread thread_;
  std::thread::id loop_id_;
  bool started_ = false;
  bool stopping_ = false;
  std::uint64_t next_ticket_ = 1;
  std::vector<std::unique_ptr<Job>> incoming_;
  std::vector<CancelRequest *> cancels_;
  CURLM *multi_ = nullptr;  // created before the thread starts; destroyed with the loop

  // Touched by the loop thread only.
  std::vector<std::vector<std::unique_ptr<HookHandle>>> idle_;  // per hook
  std::unordered_map<std::uint64_t, std::unique_ptr<Job>> active_;
  std::deque<std::uint64_t> waiting_;  // jobs with requests not started yet, oldest first
  std::size_t in_flight_ = 0;
  std::multimap<Clock::time_point, std::uint64_t> deadlines_;
  std::deque<std::unique_ptr<Job>> ready_;
};

AsyncLoop::~AsyncLoop() {
  idle_.clear();  // no handle is in the multi any more: they were released
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
}

bool AsyncLoop::on_loop_thread() {
  std::lock_guard<std::mutex> lock(mu_);
  return started_ && std::this_thread::get_id() == loop_id_;
}

void AsyncLoop::start_locked() {
  curl_init_once();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::bad_alloc();
  try {
    thread_ = std::thread([self = shared_from_this()] { self->run(); });
  } catch (...) {
    curl_multi_cleanup(multi_);
    multi_ = nullptr;
    throw;
  }
  loop_id_ = thread_.get_id();
  started_ = true;
}

std::uint64_t AsyncLoop::submit(std::unique_ptr<Job> job) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_) start_locked();
  job->ticket = next_ticket_++;
  const std::uint64_t ticket = job->ticket;
  incoming_.push_back(std::move(job));
  curl_multi_wakeup(multi_);
  return ticket;
}

bool AsyncLoop::cancel(std::uint64_t ticket) {
  if (on_loop_thread()) return cancel_here(ticket);
  CancelRequest request;
  request.ticket = ticket;
  std::unique_lock<std::mutex> lock(mu_);
  if (!started_ || ticket == 0 || ticket >= next_ticket_) return false;
  cancels_.push_back(&request);
  curl_multi_wakeup(multi_);
  served_.wait(lock, [&] { return request.served; });
  return request.found;
}

void AsyncLoop::stop() {
  if (on_loop_thread()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    shut_down_here();
    thread_.detach();  // it ends once the completion that called us returns
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_) return;
    stopping_ = true;
    curl_multi_wakeup(multi_);
  }
  thread_.join();
}

bool AsyncLoop::stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

void AsyncLoop::run() {
  while (true) {
    take_incoming();
    serve_cancels();
    if (stopping()) break;
    int running = 0;
    curl_multi_perform(multi_, &running);
    drain();
    expire(Clock::now());
    start_waiting();
    run_ready();
    if (stopping()) break;
    curl_multi_poll(multi_, nullptr, 0, poll_timeout_ms(), nullptr);
  }
  shut_down_here();
}

void AsyncLoop::take_incoming() {
  std::vector<std::unique_ptr<Job>> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs.swap(incoming_);
  }
  for (auto &job : jobs) start_job(std::move(job));
}

void AsyncLoop::start_job(std::unique_ptr<Job> job) {
  const std::size_t n = job->requests.size();
  if (n == 0) {
    ready_.push_back(std::move(job));
    return;
  }
  const std::uint64_t ticket = job->ticket;
  const auto start = Clock::now();
  decltype(active_)::iterator slot;
  bool listed = false;
  auto longest = std::chrono::milliseconds(0);
  for (std::size_t i = 0; i < n; ++i) {
    Transfer &t = job->transfers[i];
    t.result = &job->results[i];
    t.cap = cap_;
    t.allow_private = allow_private_;
    t.start = start;
    t.owner = job.get();
    longest = std::max(longest, job->requests[i].timeout);
  }
  try {
    slot = active_.try_emplace(ticket).first;
    listed = true;
    waiting_.push_back(ticket);  // left behind on a failure below: a job not active is skipped
    job->deadline = deadlines_.emplace(start + longest, ticket);
  } catch (...) {  // out of memory: the job ends now, failed, rather than being lost
    if (listed) active_.erase(slot);
    for (auto &t : job->transfers) {
      mark_unfinished(t, error_class::internal, "out of memory starting the request");
    }
    ready_.push_back(std::move(job));
    return;
  }
  job->remaining = n;
  slot->second = std::move(job);
  start_waiting();
}

// Starts waiting requests, oldest job first, while fewer than kMaxInFlight are in flight.
void AsyncLoop::start_waiting() {
  while (in_flight_ < kMaxInFlight && !waiting_.empty()) {
    auto it = active_.find(waiting_.front());
    if (it == active_.end() || it->second->next == it->second->requests.size()) {
      waiting_.pop_front();  // ended (deadline, cancel) or fully started
      continue;
    }
    Job &job = *it->second;
    start_transfer(job, job.next++);
  }
}

void AsyncLoop::start_transfer(Job &job, std::size_t i) {
  Transfer &t = job.transfers[i];
  const std::size_t hook = job.requests[i].hook;
  std::unique_ptr<HookHandle> h;
  try {
    if (idle_[hook].empty()) {
      h = std::make_unique<HookHandle>();
    } else {
      h = std::move(idle_[hook].back());
      idle_[hook].pop_back();
    }
    set_up(*h, job.requests[i], t);
  } catch (...) {  // out of memory: this request fails now
    if (h) detach(*h);
    mark_unfinished(t, error_class::internal, "out of memory starting the request");
    end_transfer(job);
    return;
  }
  if (curl_multi_add_handle(multi_, h->easy()) != CURLM_OK) {
    detach(*h);
    mark_unfinished(t, error_class::internal, "could not start the request");
    end_transfer(job);
    return;
  }
  job.handles[i] = std::move(h);
  ++in_flight_;
}

// One more of the job's requests has ended; the job is ready when all have.
void AsyncLoop::end_transfer(Job &job) noexcept {
  if (--job.remaining == 0) to_ready(job.ticket);
}

void AsyncLoop::serve_cancels() {
  std::vector<CancelRequest *> requests;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests.swap(cancels_);
  }
  if (requests.empty()) return;
  for (CancelRequest *r : requests) {
    const bool found = cancel_here(r->ticket);
    std::lock_guard<std::mutex> lock(mu_);
    r->found = found;
    r->served = true;
  }
  served_.notify_all();
}

bool AsyncLoop::cancel_here(std::uint64_t ticket) {
  take_incoming();
  std::unique_ptr<Job> job;
  if (auto it = active_.find(ticket); it != active_.end()) {
    job = std::move(it->second);
    active_.erase(it);
    deadlines_.erase(job->deadline);
    drop_transfers(*job);
  } else {
    auto r = std::find_if(ready_.begin(), ready_.end(),
                          [&](const std::unique_ptr<Job> &j) { return j->ticket == ticket; });
    if (r == ready_.end()) return false;
    job = std::move(*r);
    ready_.erase(r);
  }
  complete(*job, true);
  return true;
}

void AsyncLoop::shut_down_here() {
  take_incoming();
  serve_cancels();
  while (!active_.empty()) cancel_here(active_.begin()->first);
  run_ready();
  // A cancel() that raced with the end is answered rather than left waiting.
  serve_cancels();
}

void AsyncLoop::drain() {
  int left = 0;
  while (CURLMsg *msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    const CURLcode code = msg->data.result;
    Transfer *t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    if (should_retry(*t, code)) {
      if (restart(multi_, *t)) continue;
      mark_unfinished(*t, error_class::connection, "could not start the request again");
    } else {
      finish(code, *t);
    }
    auto *job = static_cast<Job *>(t->owner);
    release(*job, static_cast<std::size_t>(t - job->transfers.data()));
    end_transfer(*job);
  }
}

void AsyncLoop::expire(Clock::time_point now) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const std::uint64_t ticket = deadlines_.begin()->second;
    Job &job = *active_.at(ticket);
    drop_transfers(job);
    for (auto &t : job.transfers) mark_unfinished(t);
    to_ready(ticket);
  }
}

void AsyncLoop::to_ready(std::uint64_t ticket) {
  auto it = active_.find(ticket);
  std::unique_ptr<Job> job = std::move(it->second);
  active_.erase(it);
  deadlines_.erase(job->deadline);
  ready_.push_back(std::move(job));
}

void AsyncLoop::run_ready() {
  while (!ready_.empty()) {
    std::unique_ptr<Job> job = std::move(ready_.front());
    ready_.pop_front();
    complete(*job, false);
  }
}

int AsyncLoop::poll_timeout_ms() const {
  if (deadlines_.empty()) return static_cast<int>(kMaxPollMs);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadlines_.begin()->first - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count() + 1, 0, kMaxPollMs));
}

void AsyncLoop::drop_transfers(Job &job) noexcept {
  for (std::size_t i = 0; i < job.handles.size(); ++i) release(job, i);
}

// Takes request `i`'s handle out of the multi and keeps it for the hook's next request (or
// closes it when enough are kept).
void AsyncLoop::release(Job &job, std::size_t i) noexcept {
  std::unique_ptr<HookHandle> h = std::move(job.handles[i]);
  if (!h) return;
  curl_multi_remove_handle(multi_, h->easy());
  detach(*h);
  --in_flight_;
  auto &idle = idle_[job.requests[i].hook];
  if (idle.size() < kMaxIdleHandlesPerHook) {
    try {
      idle.push_back(std::move(h));
    } catch (...) {  // no room to keep it: it closes instead
    }
  }
}

AsyncTransport::AsyncTransport(std::size_t hooks, bool allow_private_networks,
                               std::uint32_t max_response_bytes)
    : loop_(std::make_shared<AsyncLoop>(hooks, allow_private_networks, max_response_bytes)) {}

AsyncTransport::~AsyncTransport() { loop_->stop(); }

std::uint64_t AsyncTransport::submit(std::vector<TransferRequest> requests, Completion done) {
  auto job = std::make_unique<Job>();
  job->results.resize(requests.size());
  job->transfers.resize(requests.size());
  job->handles.resize(requests.size());
  job->requests = std::move(requests);
  job->done = std::move(done);
  return loop_->submit(std::move(job));
}

bool AsyncTransport::cancel(std::uint64_t ticket) { return loop_->cancel(ticket); }

}  // namespace agenthost::hooks
