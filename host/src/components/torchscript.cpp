// The only translation unit that includes <torch/script.h>.
#include "brick/host/components/torchscript.h"

#include <torch/script.h>

#include <algorithm>

#include "brick/host/base/error.h"
#include "builtin_types.h"
#include "device_dtype.h"

namespace brick::host {

namespace fs = std::filesystem;

struct TorchScriptModule::Impl {
  torch::jit::Module module;
};

namespace {

c10::IValue to_ivalue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::None:
      return c10::IValue();
    case Value::Kind::Bool:
      return c10::IValue(v.as_bool());
    case Value::Kind::Int:
      return c10::IValue(v.as_int());
    case Value::Kind::Float:
      return c10::IValue(v.as_float());
    case Value::Kind::String:
      return c10::IValue(v.as_string());
    case Value::Kind::Tensor:
      return c10::IValue(v.as_tensor());
    case Value::Kind::List: {
      bool tensors = !v.as_list().empty() &&
                     std::all_of(v.as_list().begin(), v.as_list().end(), [](const Value& x) { return x.is_tensor(); });
      if (tensors) {
        c10::List<at::Tensor> list;
        for (const Value& item : v.as_list()) list.push_back(item.as_tensor());
        return c10::IValue(list);
      }
      std::vector<c10::IValue> items;
      for (const Value& item : v.as_list()) items.push_back(to_ivalue(item));
      return c10::ivalue::Tuple::create(std::move(items));
    }
    default:
      throw Error(BRICK_ERR_TYPE_MISMATCH, std::string("a TorchScript call cannot take a ") + v.kind_name());
  }
}

Value from_ivalue(const c10::IValue& v) {
  if (v.isNone()) return Value();
  if (v.isTensor()) return Value(v.toTensor());
  if (v.isBool()) return Value(v.toBool());
  if (v.isInt()) return Value(v.toInt());
  if (v.isDouble()) return Value(v.toDouble());
  if (v.isString()) return Value(v.toStringRef());
  if (v.isTuple() || v.isList()) {
    Value::List items;
    const auto elements = v.isTuple() ? v.toTupleRef().elements().vec() : v.toListRef().vec();
    for (const c10::IValue& item : elements) items.push_back(from_ivalue(item));
    return Value::list(std::move(items));
  }
  if (v.isGenericDict()) {
    Value::Dict items;
    for (const auto& entry : v.toGenericDict()) {
      if (!entry.key().isString())
        throw Error(BRICK_ERR_TYPE_MISMATCH, "a TorchScript result dict has non-string keys");
      items.emplace_back(entry.key().toStringRef(), from_ivalue(entry.value()));
    }
    return Value::dict(std::move(items));
  }
  throw Error(BRICK_ERR_TYPE_MISMATCH, "a TorchScript result of type " + v.tagKind() + " has no brick value");
}

}  // namespace

TorchScriptModule::TorchScriptModule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TorchScriptModule::~TorchScriptModule() = default;

std::shared_ptr<TorchScriptModule> TorchScriptModule::load_file(const fs::path& file, const LoadOptions& options) {
  auto impl = std::make_unique<Impl>();
  try {
    c10::optional<at::Device> device;
    if (options.device) device = detail::device_of(*options.device);
    impl->module = torch::jit::load(file.string(), device);
    if (!options.dtype.empty()) impl->module.to(detail::scalar_type_of(options.dtype));
    impl->module.eval();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    std::string message = "cannot load TorchScript module '";
    message += file.string() + "': " + e.what();
    throw Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  return std::shared_ptr<TorchScriptModule>(new TorchScriptModule(std::move(impl)));
}

std::shared_ptr<TorchScriptModule> TorchScriptModule::load(const fs::path& folder, const ComponentSpec& spec,
                                                           const LoadOptions& options) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".pt") continue;
    std::string stem = entry.path().stem().string();
    size_t dot = stem.rfind('.');
    bool has_variant = dot != std::string::npos;
    if (spec.variant ? (has_variant && stem.substr(dot + 1) == *spec.variant) : !has_variant) {
      files.push_back(entry.path());
    }
  }
  if (files.empty()) throw Error(BRICK_ERR_NOT_FOUND, "no TorchScript *.pt file in '" + folder.string() + "'");
  std::sort(files.begin(), files.end());
  return load_file(files.front(), options);
}

int64_t TorchScriptModule::memory_footprint() const {
  int64_t total = 0;
  for (const at::Tensor& p : impl_->module.parameters()) total += static_cast<int64_t>(p.nbytes());
  for (const at::Tensor& b : impl_->module.buffers()) total += static_cast<int64_t>(b.nbytes());
  return total;
}

brick_device TorchScriptModule::device() const {
  for (const at::Tensor& p : impl_->module.parameters()) return detail::brick_device_of(p.device());
  for (const at::Tensor& b : impl_->module.buffers()) return detail::brick_device_of(b.device());
  return brick_device{1, 0};
}

std::string TorchScriptModule::dtype() const {
  for (const at::Tensor& p : impl_->module.parameters()) return detail::dtype_repr(p.scalar_type());
  return {};
}

void TorchScriptModule::to(brick_device device) { impl_->module.to(detail::device_of(device)); }

Value TorchScriptModule::call(std::string_view method_name, const Value& args) {
  auto method = impl_->module.find_method(std::string(method_name));
  if (!method) return Object::call(method_name, args);
  std::vector<c10::IValue> positional;
  std::unordered_map<std::string, c10::IValue> keywords;
  if (args.kind() == Value::Kind::List) {
    for (const Value& item : args.as_list()) positional.push_back(to_ivalue(item));
  } else if (args.kind() == Value::Kind::Dict) {
    for (const auto& [key, item] : args.as_dict()) keywords.emplace(key, to_ivalue(item));
  } else if (!args.is_none()) {
    positional.push_back(to_ivalue(args));
  }
  try {
    torch::NoGradGuard no_grad;
    return from_ivalue((*method)(std::move(positional), keywords));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    std::string message = "TorchScriptModule.";
    message += std::string(method_name) + " failed: " + e.what();
    throw Error(BRICK_ERR_BLOCK_FAILED, message);
  }
}

void TorchScriptModule::save(const fs::path& folder) const {
  fs::create_directories(folder);
  impl_->module.save((folder / "model.pt").string());
}

void* TorchScriptModule::native_module() const { return &impl_->module; }

namespace detail {

void add_torchscript_type(ComponentTypes& types) {
  types.add(
      {kTorchScriptType, nullptr, [](const fs::path& folder, const ComponentSpec& spec, const LoadOptions& options) {
         return std::static_pointer_cast<Object>(TorchScriptModule::load(folder, spec, options));
       }});
}

}  // namespace detail

}  // namespace brick::host
