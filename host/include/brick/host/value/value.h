// brick::host::Value: one value of a pipeline state.
//
// None, bool, int, float, str, list, dict (insertion-ordered), tensor, or an
// opaque object (a component: model, scheduler, plugin component instance).
// Values are immutable and cheap to copy: strings, lists and dicts are shared,
// a tensor is one reference to its c10::TensorImpl. Copies keep the identity
// (Value::is), which is what diffusers' write-back tests: an input goes back
// to the pipeline state only when a block bound a different value to it.
//
// This header does not include LibTorch; files that convert to and from
// at::Tensor include <ATen/core/Tensor.h> themselves.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace at {
class Tensor;
}

namespace brick::host {

class Object;

class Value {
 public:
  enum class Kind : uint8_t { None, Bool, Int, Float, String, List, Dict, Tensor, Object };
  using List = std::vector<Value>;
  using Dict = std::vector<std::pair<std::string, Value>>;  // keys unique, in insertion order

  Value() noexcept : kind_(Kind::None), i_(0) {}
  Value(std::nullptr_t) noexcept : Value() {}
  Value(bool b) noexcept : kind_(Kind::Bool), b_(b) {}
  Value(int i) noexcept : kind_(Kind::Int), i_(i) {}
  Value(long i) noexcept : kind_(Kind::Int), i_(i) {}
  Value(long long i) noexcept : kind_(Kind::Int), i_(i) {}
  Value(unsigned i) noexcept : kind_(Kind::Int), i_(i) {}
  Value(unsigned long i) noexcept : kind_(Kind::Int), i_(static_cast<int64_t>(i)) {}
  Value(unsigned long long i) noexcept : kind_(Kind::Int), i_(static_cast<int64_t>(i)) {}
  Value(double f) noexcept : kind_(Kind::Float), f_(f) {}
  Value(const char* s);
  Value(std::string s);
  Value(std::string_view s);
  Value(const at::Tensor& t);             // an undefined tensor becomes None
  Value(std::shared_ptr<Object> object);  // nullptr becomes None

  static Value list(List items);
  static Value dict(Dict items);

  Value(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value();

  Kind kind() const noexcept { return kind_; }
  // The Python type name: NoneType, bool, int, float, str, list, dict, Tensor,
  // or "object".
  const char* kind_name() const noexcept;
  bool is_none() const noexcept { return kind_ == Kind::None; }
  bool is_tensor() const noexcept { return kind_ == Kind::Tensor; }

  // Accessors throw brick::host::Error (type mismatch) naming both kinds.
  bool as_bool() const;
  int64_t as_int() const;
  double as_float() const;  // an int converts
  const std::string& as_string() const;
  const List& as_list() const;
  const Dict& as_dict() const;
  at::Tensor as_tensor() const;
  std::shared_ptr<Object> as_object() const;
  // The object when it is of type T, else nullptr (no throw); T derives
  // from Object (include brick/host/value/object.h).
  template <class T>
  std::shared_ptr<T> object_as() const {
    if (kind_ != Kind::Object) return nullptr;
    return std::dynamic_pointer_cast<T>(std::static_pointer_cast<Object>(shared_));
  }
  bool is_object() const noexcept { return kind_ == Kind::Object; }

  // Dict lookup; nullptr when absent (or when this is not a dict).
  const Value* find(std::string_view key) const noexcept;

  // Python's `is`: the same object. Scalars compare by value and type.
  bool is(const Value& other) const noexcept;
  // Python's `==`, tensors and objects by identity.
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // Python's repr() and str(); tensors print as diffusers' state repr does,
  // Tensor(dtype=torch.float32, shape=torch.Size([1, 4])).
  std::string repr() const;
  std::string str() const;

  // A copy that shares nothing mutable: tensors are cloned (Python deepcopy).
  // Objects (components) are shared, not copied.
  Value deep_copy() const;

  // The c10::TensorImpl* of a tensor (identity), or nullptr.
  void* tensor_impl() const noexcept { return kind_ == Kind::Tensor ? tensor_ : nullptr; }
  // A new reference to the c10::TensorImpl, for the receiver to own.
  void* new_tensor_reference() const;
  // Takes over one reference to a c10::TensorImpl (native tensor exchange).
  static Value adopt_tensor_impl(void* impl);

  // Growing a list or dict nobody else holds yet (building values across the
  // ABI). Returns nullptr when the container is shared or of another kind.
  List* mutable_list();
  Dict* mutable_dict();

  // Frozen values (ABI 1.2): through the C ABI a plugin may grow only a list
  // or dict it made itself (value_new_list / value_new_dict) and has not yet
  // published. That handle is marked unfrozen; every copy or move of a value
  // is frozen, so storing it anywhere (a state, a container, a config)
  // freezes it for good, and values the host hands out are frozen.
  bool frozen() const noexcept { return !unfrozen_; }
  void set_unfrozen(bool unfrozen) noexcept { unfrozen_ = unfrozen; }

 private:
  void release() noexcept;
  void copy_from(const Value& other);

  Kind kind_;
  bool unfrozen_ = false;  // not copied or moved: see frozen()
  union {
    bool b_;
    int64_t i_;
    double f_;
    void* tensor_;  // c10::TensorImpl*, owning one reference
  };
  std::shared_ptr<void> shared_;  // std::string, List, Dict or Object
};

using Kwargs = Value::Dict;

}  // namespace brick::host
