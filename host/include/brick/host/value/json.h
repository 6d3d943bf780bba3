// JSON text <-> Value, through Boost.JSON. Objects keep their key order;
// numbers without a fraction or exponent become ints, others floats.
#pragma once

#include <string>
#include <string_view>

#include "brick/host/value/value.h"

namespace brick::host {

// Throws Error(BRICK_ERR_INVALID_ARGUMENT) with the parser's reason and offset.
Value parse_json(std::string_view text);
// A JSON document from a file: errors read "<origin>:<line>:<column>:
// invalid JSON (<reason>)".
Value parse_json_document(std::string_view text, std::string_view origin);
// Compact JSON; tensors cannot be written (Error), non-finite floats neither.
std::string to_json(const Value& value);

}  // namespace brick::host
