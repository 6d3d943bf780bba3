// Python's text forms for the scalar values: repr(float) and repr(str).
// Docs and state reprs must read exactly as diffusers prints them.
#pragma once

#include <string>
#include <string_view>

namespace brick::host::detail {

// repr(float): shortest round-trip digits, fixed notation for exponents in
// [-4, 16), else scientific with a signed two-digit exponent ("1e-05").
std::string python_float_repr(double value);
// repr(str): single quotes unless the text holds ' and no ".
std::string python_string_repr(std::string_view text);

}  // namespace brick::host::detail
