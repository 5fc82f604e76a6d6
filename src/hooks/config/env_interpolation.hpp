// Claude Code's $VAR / ${VAR} interpolation of HTTP hook header values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agenthost::hooks {

// `value` with each $NAME or ${NAME} replaced by the variable's value when NAME is in `allowed`
// and by "" otherwise (also when it is unset), as Claude Code does. NAME is [A-Za-z_][A-Za-z0-9_]*;
// a '$' not followed by one (or an unclosed "${") is kept as it is.
std::string interpolate_env(std::string_view value, const std::vector<std::string> &allowed);

// True for a name interpolate_env can replace.
bool is_env_name(std::string_view name) noexcept;

}  // namespace agenthost::hooks
