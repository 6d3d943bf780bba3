// Values between the HTTP API's JSON and a pipeline's state: inputs are read
// as `brick run` reads them, but from JSON (a tensor is {"tensor": [[...]],
// "dtype": "float32"}), each checked against the type its block declares;
// outputs are written as `brick run --json` writes them (value_for_json).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "brick/host/value/value.h"

namespace brick::serve {

// Whether `value` fits `type_hint` (an InputParam's: "int", "str | list[str]",
// "Optional[float]", ...). Unknown types (Tensor is checked, Any and classes
// are not) accept anything. On a mismatch, the expected types in words.
bool fits_type(const boost::json::value& value, std::string_view type_hint, std::string* expected);

// The state value of a request's input; throws HttpError(400) naming `name`
// for a malformed tensor.
host::Value input_value(const boost::json::value& value, std::string_view name);

// An output for the answer: value_for_json (tensors of at most 4096
// elements with their data, larger ones dtype and shape only).
boost::json::value output_json(const host::Value& value, size_t max_tensor_items = 4096);

// The base type names of a type hint's alternatives: "Optional[list[int]]"
// -> {"list", "None"}; `inner` gets each alternative's bracketed part
// ("int" for list[int], "" when none), index for index.
void type_alternatives(std::string_view type_hint, std::vector<std::string>& bases, std::vector<std::string>* inner);

// The JSON type name of a value, for messages: "string", "number", ...
const char* json_kind(const boost::json::value& value);

}  // namespace brick::serve
