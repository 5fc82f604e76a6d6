// Kept for hosts that include it: the cache client's options are in cache_options.hpp.
#pragma once

#include <agenthost/cache_options.hpp>
