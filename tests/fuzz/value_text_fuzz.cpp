// Fuzzes the value text a person types (brick run NAME=VALUE): the first
// byte picks the input's declared type, the rest is the argument, split at
// '=' and read by parse_value_text (tensor(...) literals, JSON, numbers);
// what was read is printed back as `brick run` does.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "brick/host/base/error.h"
#include "brick/host/value/json.h"
#include "brick/host/value/value_text.h"

namespace {
constexpr std::string_view kHints[] = {"",
                                       "str",
                                       "int",
                                       "float",
                                       "bool",
                                       "list",
                                       "dict",
                                       "Tensor",
                                       "str | list[str]",
                                       "Optional[int]",
                                       "Any",
                                       "list[int]",
                                       "Union[float, Tensor]",
                                       "Optional[str]"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view hint = kHints[data[0] % std::size(kHints)];
  std::string_view argument(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    auto [name, text] = brick::host::split_assignment(argument);
    brick::host::Value value = brick::host::parse_value_text(text, hint, name);
    (void)brick::host::format_value(value);
    (void)brick::host::to_json(brick::host::value_for_json(value));
  } catch (const brick::host::Error&) {
  }
  return 0;
}
