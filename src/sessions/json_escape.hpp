// Session writers escape JSON strings with the library's one routine.
#pragma once

#include "common/json_string.hpp"
