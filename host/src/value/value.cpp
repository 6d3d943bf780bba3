#include "brick/host/value/value.h"

#include <cstring>

#include "brick/host/base/error.h"
#include "brick/host/value/object.h"
#include "tensor_refcount.h"

namespace brick::host {

namespace {
[[noreturn]] void kind_error(const Value& v, const char* wanted) {
  throw Error(BRICK_ERR_TYPE_MISMATCH, std::string("expected ") + wanted + ", got " + v.kind_name());
}
}  // namespace

Value::Value(const char* s) : Value(std::string(s)) {}
Value::Value(std::string_view s) : Value(std::string(s)) {}
Value::Value(std::string s) : kind_(Kind::String), i_(0), shared_(std::make_shared<std::string>(std::move(s))) {}

Value::Value(std::shared_ptr<Object> object) : Value() {
  if (object) {
    kind_ = Kind::Object;
    shared_ = std::move(object);
  }
}

std::shared_ptr<Object> Value::as_object() const {
  if (kind_ != Kind::Object) kind_error(*this, "object");
  return std::static_pointer_cast<Object>(shared_);
}

Value Value::list(List items) {
  Value v;
  v.kind_ = Kind::List;
  v.shared_ = std::make_shared<List>(std::move(items));
  return v;
}

Value Value::dict(Dict items) {
  Value v;
  v.kind_ = Kind::Dict;
  v.shared_ = std::make_shared<Dict>(std::move(items));
  return v;
}

Value Value::adopt_tensor_impl(void* impl) {
  Value v;
  if (impl) {
    v.kind_ = Kind::Tensor;
    v.tensor_ = impl;
  }
  return v;
}

void Value::copy_from(const Value& other) {
  kind_ = other.kind_;
  i_ = other.i_;  // copies whichever scalar member is active
  if (kind_ == Kind::Tensor) {
    tensor_ = other.tensor_;
    detail::tensor_incref(tensor_);
  }
  shared_ = other.shared_;
}

Value::Value(const Value& other) { copy_from(other); }

Value::Value(Value&& other) noexcept : kind_(other.kind_), i_(other.i_), shared_(std::move(other.shared_)) {
  if (kind_ == Kind::Tensor) tensor_ = other.tensor_;
  other.kind_ = Kind::None;
  other.i_ = 0;
}

Value& Value::operator=(const Value& other) {
  if (this != &other) {
    Value copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    release();
    kind_ = other.kind_;
    unfrozen_ = false;
    i_ = other.i_;
    if (kind_ == Kind::Tensor) tensor_ = other.tensor_;
    shared_ = std::move(other.shared_);
    other.kind_ = Kind::None;
    other.i_ = 0;
  }
  return *this;
}

Value::~Value() { release(); }

void Value::release() noexcept {
  if (kind_ == Kind::Tensor && tensor_) detail::tensor_decref(tensor_);
  kind_ = Kind::None;
  i_ = 0;
  shared_.reset();
}

const char* Value::kind_name() const noexcept {
  switch (kind_) {
    case Kind::None:
      return "NoneType";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::String:
      return "str";
    case Kind::List:
      return "list";
    case Kind::Dict:
      return "dict";
    case Kind::Tensor:
      return "Tensor";
    case Kind::Object:
      return "object";
  }
  return "unknown";
}

bool Value::as_bool() const {
  if (kind_ != Kind::Bool) kind_error(*this, "bool");
  return b_;
}

int64_t Value::as_int() const {
  if (kind_ != Kind::Int) kind_error(*this, "int");
  return i_;
}

double Value::as_float() const {
  if (kind_ == Kind::Float) return f_;
  if (kind_ == Kind::Int) return static_cast<double>(i_);
  kind_error(*this, "float");
}

const std::string& Value::as_string() const {
  if (kind_ != Kind::String) kind_error(*this, "str");
  return *static_cast<const std::string*>(shared_.get());
}

const Value::List& Value::as_list() const {
  if (kind_ != Kind::List) kind_error(*this, "list");
  return *static_cast<const List*>(shared_.get());
}

const Value::Dict& Value::as_dict() const {
  if (kind_ != Kind::Dict) kind_error(*this, "dict");
  return *static_cast<const Dict*>(shared_.get());
}

const Value* Value::find(std::string_view key) const noexcept {
  if (kind_ != Kind::Dict) return nullptr;
  for (const auto& [k, v] : *static_cast<const Dict*>(shared_.get())) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value::List* Value::mutable_list() {
  if (kind_ != Kind::List || shared_.use_count() != 1) return nullptr;
  return static_cast<List*>(shared_.get());
}

Value::Dict* Value::mutable_dict() {
  if (kind_ != Kind::Dict || shared_.use_count() != 1) return nullptr;
  return static_cast<Dict*>(shared_.get());
}

bool Value::is(const Value& other) const noexcept {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::None:
      return true;
    case Kind::Bool:
      return b_ == other.b_;
    case Kind::Int:
      return i_ == other.i_;
    case Kind::Float:
      return std::memcmp(&f_, &other.f_, sizeof f_) == 0;
    case Kind::Tensor:
      return tensor_ == other.tensor_;
    default:
      return shared_ == other.shared_;
  }
}

bool Value::operator==(const Value& other) const {
  // Python: True == 1 == 1.0. Integers compare exactly; a float in the pair
  // makes it a float comparison.
  auto numeric = [](Kind k) { return k == Kind::Bool || k == Kind::Int || k == Kind::Float; };
  if (numeric(kind_) && numeric(other.kind_)) {
    auto integer = [](const Value& v) { return v.kind_ == Kind::Int ? v.i_ : (v.b_ ? 1 : 0); };
    if (kind_ != Kind::Float && other.kind_ != Kind::Float) return integer(*this) == integer(other);
    auto real = [&](const Value& v) { return v.kind_ == Kind::Float ? v.f_ : static_cast<double>(integer(v)); };
    return real(*this) == real(other);
  }
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::None:
      return true;
    case Kind::String:
      return as_string() == other.as_string();
    case Kind::List:
      return as_list() == other.as_list();
    case Kind::Dict: {
      const Dict& a = as_dict();
      const Dict& b = other.as_dict();
      if (a.size() != b.size()) return false;
      for (const auto& [key, value] : a) {
        const Value* match = other.find(key);
        if (!match || !(value == *match)) return false;
      }
      return true;
    }
    case Kind::Tensor:
      return tensor_ == other.tensor_;
    case Kind::Object:
      return shared_ == other.shared_;
    default:
      return false;
  }
}

}  // namespace brick::host
