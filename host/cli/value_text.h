// Values on the command line: NAME=VALUE arguments in, printed values out.
//
// VALUE is JSON when it parses as JSON (3, 2.5, true, null, "text", [1, 2],
// {"a": 1}), a tensor when written tensor(<JSON array>[, dtype]) as in
// torch.tensor, and plain text otherwise (prompt=a red circle).
#pragma once

#include <string>
#include <utility>

#include "brick/host/value.h"

namespace brick::cli {

// Splits NAME=VALUE and parses VALUE; throws host::Error on a malformed one.
std::pair<std::string, host::Value> parse_assignment(const std::string& argument);
host::Value parse_value(const std::string& text);

// repr() of the value; a tensor of at most `max_items` elements also shows
// its data on a second line.
std::string format_value(const host::Value& value, size_t max_items = 64);

}  // namespace brick::cli
