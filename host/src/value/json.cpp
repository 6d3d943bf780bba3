// The one translation unit that compiles Boost.JSON (header-only mode).
#include "brick/host/value/json.h"

#include <boost/json/src.hpp>
#include <cmath>

#include "brick/host/base/error.h"
#include "brick/sdk/json_text.h"  // the string escaping plugins use for their JSON too
#include "python_text.h"

namespace brick::host {

namespace {

Value from_json(const boost::json::value& j) {
  switch (j.kind()) {
    case boost::json::kind::null:
      return Value();
    case boost::json::kind::bool_:
      return Value(j.get_bool());
    case boost::json::kind::int64:
      return Value(j.get_int64());
    case boost::json::kind::uint64:
      return Value(static_cast<int64_t>(j.get_uint64()));
    case boost::json::kind::double_:
      return Value(j.get_double());
    case boost::json::kind::string:
      return Value(std::string_view(j.get_string()));
    case boost::json::kind::array: {
      Value::List items;
      items.reserve(j.get_array().size());
      for (const auto& item : j.get_array()) items.push_back(from_json(item));
      return Value::list(std::move(items));
    }
    case boost::json::kind::object: {
      Value::Dict items;
      items.reserve(j.get_object().size());
      for (const auto& member : j.get_object())
        items.emplace_back(std::string(member.key()), from_json(member.value()));
      return Value::dict(std::move(items));
    }
  }
  return Value();
}

// Python's json.dumps layout: ", " and ": " separators, repr() floats.
void write_json(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::None:
      out += "null";
      return;
    case Value::Kind::Bool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::Int:
      out += std::to_string(v.as_int());
      return;
    case Value::Kind::Float:
      if (!std::isfinite(v.as_float())) throw Error(BRICK_ERR_INVALID_ARGUMENT, "JSON has no NaN or infinity");
      out += detail::python_float_repr(v.as_float());
      return;
    case Value::Kind::String:
      json_text::append_string(out, v.as_string());
      return;
    case Value::Kind::List: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        write_json(out, item);
      }
      out += ']';
      return;
    }
    case Value::Kind::Dict: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.as_dict()) {
        if (!first) out += ", ";
        first = false;
        json_text::append_string(out, key);
        out += ": ";
        write_json(out, item);
      }
      out += '}';
      return;
    }
    case Value::Kind::Tensor:
      throw Error(BRICK_ERR_TYPE_MISMATCH, "a tensor cannot be written as JSON");
    case Value::Kind::Object:
      throw Error(BRICK_ERR_TYPE_MISMATCH, "an object (" + v.repr() + ") cannot be written as JSON");
  }
}

}  // namespace

Value parse_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::value j = boost::json::parse(text, ec, {}, options);
  if (ec) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "invalid JSON (" + ec.message() + "): " + std::string(text));
  }
  return from_json(j);
}

Value parse_json_document(std::string_view text, std::string_view origin) {
  if (text.size() > kMaxJsonDocumentBytes) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, std::string(origin) + ": the document is " + std::to_string(text.size()) +
                                                " bytes, more than the 64 MiB a JSON document may have");
  }
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < consumed && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string reason = ec == boost::json::error::too_deep
                             ? "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"
                             : ec.message();
    throw Error(BRICK_ERR_INVALID_ARGUMENT, std::string(origin) + ":" + std::to_string(line) + ":" +
                                                std::to_string(column) + ": invalid JSON (" + reason + ")");
  }
  return from_json(parser.release());
}

std::string to_json(const Value& value) {
  std::string out;
  write_json(out, value);
  return out;
}

}  // namespace brick::host
