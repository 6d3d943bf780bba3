// JSON text <-> Value, through Boost.JSON. Objects keep their key order;
// numbers without a fraction or exponent become ints, others floats.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "brick/host/value/value.h"

namespace brick::host {

// Throws Error(BRICK_ERR_INVALID_ARGUMENT) with the parser's reason and
// offset; nesting is limited to kMaxJsonDepth levels as in documents.
Value parse_json(std::string_view text);

// Limits on a JSON document (pipeline files): a document larger than this is
// refused before it is parsed, one nested deeper is refused by the parser,
// so neither memory nor the recursion that converts it grows with hostile
// input. Real pipeline files are kilobytes and a few levels deep.
inline constexpr size_t kMaxJsonDocumentBytes = size_t{64} << 20;  // 64 MiB
inline constexpr size_t kMaxJsonDepth = 32;

// A JSON document from a file: errors read "<origin>:<line>:<column>:
// invalid JSON (<reason>)"; beyond the limits "<origin>: the document is N
// bytes, more than the 64 MiB a JSON document may have" and
// "<origin>:<line>:<column>: invalid JSON (nested deeper than 32 levels)".
Value parse_json_document(std::string_view text, std::string_view origin);
// Compact JSON; tensors cannot be written (Error), non-finite floats neither.
std::string to_json(const Value& value);

}  // namespace brick::host
