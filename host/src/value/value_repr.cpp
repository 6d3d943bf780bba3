// Value::repr and Value::str: Python's repr() and str() of the value.
#include "brick/host/value/object.h"
#include "brick/host/value/value.h"
#include "python_text.h"
#include "tensor_facts.h"

namespace brick::host {

std::string Value::repr() const {
  switch (kind_) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return b_ ? "True" : "False";
    case Kind::Int:
      return std::to_string(i_);
    case Kind::Float:
      return detail::python_float_repr(f_);
    case Kind::String:
      return detail::python_string_repr(as_string());
    case Kind::Tensor:
      return "Tensor(dtype=" + detail::tensor_dtype_repr(tensor_) + ", shape=" + detail::tensor_shape_repr(tensor_) +
             ")";
    case Kind::Object:
      return as_object()->repr();
    case Kind::List: {
      std::string out = "[";
      bool first = true;
      for (const Value& item : as_list()) {
        if (!first) out += ", ";
        first = false;
        out += item.repr();
      }
      return out + "]";
    }
    case Kind::Dict: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, item] : as_dict()) {
        if (!first) out += ", ";
        first = false;
        out += detail::python_string_repr(key) + ": " + item.repr();
      }
      return out + "}";
    }
  }
  return "?";
}

std::string Value::str() const { return kind_ == Kind::String ? as_string() : repr(); }

}  // namespace brick::host
