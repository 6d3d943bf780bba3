// Values a person types (a command line's NAME=VALUE, a form field), read by
// the type the input declares, and values printed back for people.
//
//   parse_value_text("123", "str | list[str]")   -> "123"   (text stays text)
//   parse_value_text("25", "int")                -> 25
//   parse_value_text("[1, 2]", "list")           -> [1, 2]
//   parse_value_text("tensor([[1, 2]], int32)")  -> a 1x2 int32 tensor
//
// type_hint is an InputParam's as a block declares it: alternatives joined
// by '|' ("str | Tensor | list"), Optional[X], Union[X, Y]; "" when unknown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "brick/host/value/value.h"

namespace brick::host {

// A tensor literal is written as torch.tensor takes it: tensor(<JSON list>),
// tensor(<JSON list>, dtype) or tensor(<JSON list>, dtype=float16); dtype
// inferred as torch does (bool, int64, float32). It is read whatever the hint.
// Then, by the hint's alternatives in this order: "[..." for a list, "{..."
// for a dict, None / null for an Optional, the text itself for str, a
// number for int / float, true / false for bool. With no hint (or only
// unknown types such as Tensor or Any) the text is JSON when it parses as
// JSON, plain text otherwise. Throws Error(BRICK_ERR_INVALID_ARGUMENT)
// naming `name` (when given), the expected type and the text when it fits
// none of the alternatives, and for a malformed tensor literal: one without
// its closing parenthesis ("unterminated tensor literal"), one that is not
// rectangular, or one of more than 2^20 elements (at most 32 levels deep, as
// any JSON the host reads).
Value parse_value_text(std::string_view text, std::string_view type_hint = {}, std::string_view name = {});

// Splits NAME=VALUE; throws Error(BRICK_ERR_INVALID_ARGUMENT) for text
// without a NAME before '='.
std::pair<std::string, std::string> split_assignment(std::string_view argument);

// repr() of the value; a tensor of at most `max_items` elements also shows
// its data on a second line, nested like torch's tolist().
std::string format_value(const Value& value, size_t max_items = 64);

// A value for JSON output (to_json), for scripts and servers: tensors become
// {"tensor": <nested list>, "dtype": "float32", "shape": [...]}, the data left
// out when the tensor has more than `max_items` elements; objects (components)
// become {"object": repr}; everything else is itself, recursively.
Value value_for_json(const Value& value, size_t max_items = 4096);

}  // namespace brick::host
