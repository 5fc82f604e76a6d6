// The memory:// backend: transcripts in this process, under one mutex (each call is one atomic
// step, as a script is on Redis). The data lives in the store object.
#pragma once

#include <memory>

#include "transcripts/transcript_backend.hpp"

namespace agenthost::detail {

std::unique_ptr<TranscriptBackend> make_memory_transcripts(std::chrono::milliseconds ttl);

}  // namespace agenthost::detail
