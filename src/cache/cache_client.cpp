// STUB: replaced by the typed operations layer.
#include "cache/backend.hpp"
