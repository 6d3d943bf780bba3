#include "brick/host/components/safetensors.h"

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <fstream>

#include "brick/host/base/error.h"
#include "brick/host/components/weight_files.h"
#include "device_dtype.h"

namespace brick::host {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad_file(const fs::path& path, const std::string& why) {
  std::string message = "safetensors file '";
  message += path.string() + "': " + why;
  throw Error(BRICK_ERR_INVALID_ARGUMENT, message);
}

// A read-only private mapping of a whole file; unmapped with its last tensor.
struct Mapping {
  void* data = MAP_FAILED;
  size_t size = 0;
  ~Mapping() {
    if (data != MAP_FAILED) munmap(data, size);
  }
};

std::shared_ptr<Mapping> map_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) bad_file(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    bad_file(path, std::string("cannot stat: ") + std::strerror(errno));
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->size = static_cast<size_t>(st.st_size);
  if (mapping->size > 0) {
    // Private and writable: a block that writes into a loaded tensor changes
    // its own copy of the page, never the file.
    mapping->data = mmap(nullptr, mapping->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  }
  int saved = errno;
  ::close(fd);
  if (mapping->size > 0 && mapping->data == MAP_FAILED)
    bad_file(path, std::string("cannot map: ") + std::strerror(saved));
  return mapping;
}

// Drops the whole pages inside [data, data + size) of a private read-only
// use mapping: they are read again from the file if touched.
void release_pages(void* data, size_t size) {
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(data) + page - 1) / page * page;
  const auto end = (reinterpret_cast<uintptr_t>(data) + size) / page * page;
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

struct DtypeName {
  const char* name;
  at::ScalarType type;
};
constexpr DtypeName kDtypes[] = {
    {"F64", at::kDouble}, {"F32", at::kFloat}, {"F16", at::kHalf}, {"BF16", at::kBFloat16}, {"I64", at::kLong},
    {"I32", at::kInt},    {"I16", at::kShort}, {"I8", at::kChar},  {"U8", at::kByte},       {"BOOL", at::kBool},
};

std::optional<at::ScalarType> dtype_of(std::string_view name) {
  for (const DtypeName& d : kDtypes) {
    if (name == d.name) return d.type;
  }
  return std::nullopt;
}

const char* name_of(at::ScalarType type) {
  for (const DtypeName& d : kDtypes) {
    if (type == d.type) return d.name;
  }
  return nullptr;
}

at::Tensor convert(at::Tensor t, const LoadOptions& options) {
  if (!options.dtype.empty() && at::isFloatingType(t.scalar_type())) {
    t = t.to(detail::scalar_type_of(options.dtype));
  }
  if (options.device) t = t.to(detail::device_of(*options.device));
  return t;
}

}  // namespace

SafetensorsFile read_safetensors(const fs::path& path, const LoadOptions& options) {
  std::shared_ptr<Mapping> mapping = map_file(path);
  const auto* bytes = static_cast<const unsigned char*>(mapping->data);
  if (mapping->size < 8) bad_file(path, "truncated: shorter than the 8-byte header length");
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | bytes[i];
  // The reference implementation's limit: a header is names, dtypes and
  // shapes, never this large; a bigger length is a corrupt or hostile file.
  if (header_size > kMaxSafetensorsHeaderBytes) {
    bad_file(path, "header length " + std::to_string(header_size) + " is more than the " +
                       std::to_string(kMaxSafetensorsHeaderBytes) + " bytes a safetensors header may have");
  }
  if (header_size > mapping->size - 8) {
    bad_file(path, "header length " + std::to_string(header_size) + " runs past the end of the file (" +
                       std::to_string(mapping->size) + " bytes)");
  }
  boost::system::error_code ec;
  boost::json::value header =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(bytes + 8), header_size), ec);
  if (ec || !header.is_object()) bad_file(path, "the header is not a JSON object (" + ec.message() + ")");
  const size_t data_start = 8 + header_size;
  const size_t data_size = mapping->size - data_start;

  SafetensorsFile file;
  for (const auto& entry : header.as_object()) {
    std::string name(entry.key());
    if (name == "__metadata__") {
      if (!entry.value().is_object()) bad_file(path, "__metadata__ is not an object");
      for (const auto& item : entry.value().as_object()) {
        if (!item.value().is_string())
          bad_file(path, "__metadata__ value '" + std::string(item.key()) + "' is not a string");
        file.metadata.emplace_back(std::string(item.key()), std::string(item.value().as_string()));
      }
      continue;
    }
    const boost::json::object* info = entry.value().if_object();
    const boost::json::value* dtype = info ? info->if_contains("dtype") : nullptr;
    const boost::json::value* shape = info ? info->if_contains("shape") : nullptr;
    const boost::json::value* offsets = info ? info->if_contains("data_offsets") : nullptr;
    if (!dtype || !dtype->is_string() || !shape || !shape->is_array() || !offsets || !offsets->is_array() ||
        offsets->as_array().size() != 2) {
      bad_file(path, "tensor '" + name + "' needs dtype, shape and data_offsets [begin, end]");
    }
    std::optional<at::ScalarType> type = dtype_of(dtype->as_string());
    if (!type) bad_file(path, "tensor '" + name + "' has unsupported dtype '" + std::string(dtype->as_string()) + "'");
    size_t item = c10::elementSize(*type);
    std::vector<int64_t> sizes;
    // The byte size the shape needs, checked for overflow: a shape whose
    // product wraps around could otherwise match a small data range.
    uint64_t needed = item;
    bool overflow = false;
    for (const boost::json::value& d : shape->as_array()) {
      if (!d.is_int64() || d.as_int64() < 0) bad_file(path, "tensor '" + name + "' has a bad shape entry");
      sizes.push_back(d.as_int64());
      overflow = overflow || __builtin_mul_overflow(needed, static_cast<uint64_t>(d.as_int64()), &needed);
    }
    if (overflow || needed > static_cast<uint64_t>(INT64_MAX)) {
      bad_file(path, "tensor '" + name + "' has a shape too large for any file");
    }
    const boost::json::value& b = offsets->as_array()[0];
    const boost::json::value& e = offsets->as_array()[1];
    // Offsets are byte positions: non-negative integers (to_number would
    // throw Boost's own exception for a fraction or a negative number).
    auto offset = [](const boost::json::value& v) -> std::optional<uint64_t> {
      if (v.is_uint64()) return v.get_uint64();
      if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
      return std::nullopt;
    };
    std::optional<uint64_t> begin_offset = offset(b), end_offset = offset(e);
    if (!begin_offset || !end_offset) {
      bad_file(path, "tensor '" + name + "' has data_offsets that are not non-negative integers");
    }
    uint64_t begin = *begin_offset;
    uint64_t end = *end_offset;
    if (begin > end || end > data_size) {
      bad_file(path, "tensor '" + name + "' data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                         "] lie outside the " + std::to_string(data_size) + " data bytes");
    }
    if (end - begin != needed) {
      bad_file(path, "tensor '" + name + "' holds " + std::to_string(end - begin) + " bytes, its shape needs " +
                         std::to_string(needed));
    }
    const int64_t numel = static_cast<int64_t>(needed / item);
    void* data = static_cast<char*>(mapping->data) + data_start + begin;
    at::Tensor t;
    if (numel == 0) {
      t = at::empty(sizes, at::TensorOptions().dtype(*type));
    } else {
      std::shared_ptr<Mapping> keep = mapping;
      t = at::from_blob(
          data, sizes, [keep](void*) mutable { keep.reset(); }, at::TensorOptions().dtype(*type));
      // Offsets need not be aligned for the element type; such tensors are copied.
      if (reinterpret_cast<uintptr_t>(data) % item != 0) t = t.clone();
    }
    const bool mapped = numel > 0 && t.data_ptr() == data;
    at::Tensor converted = convert(std::move(t), options);
    if (mapped && converted.data_ptr() != data) {
      // Converted (torch_dtype, device): the mapped pages are not needed any
      // more; dropping them now keeps the peak resident memory near the
      // converted weights' size instead of that plus the whole file.
      release_pages(data, end - begin);
    }
    file.tensors.emplace_back(std::move(name), Value(std::move(converted)));
  }
  return file;
}

void write_safetensors(const fs::path& path, const Value::Dict& tensors, const Value::Dict& metadata) {
  std::vector<at::Tensor> data;
  boost::json::object header;
  if (!metadata.empty()) {
    boost::json::object meta;
    for (const auto& [key, value] : metadata) meta[key] = value.str();
    header["__metadata__"] = std::move(meta);
  }
  uint64_t offset = 0;
  for (const auto& [name, value] : tensors) {
    if (!value.is_tensor()) {
      throw Error(BRICK_ERR_TYPE_MISMATCH, "safetensors: '" + name + "' is a " + value.kind_name() + ", not a tensor");
    }
    at::Tensor t = value.as_tensor().to(at::kCPU).contiguous();
    const char* dtype = name_of(t.scalar_type());
    if (!dtype) throw Error(BRICK_ERR_UNSUPPORTED, "safetensors: tensor '" + name + "' has a dtype safetensors lacks");
    boost::json::object info;
    info["dtype"] = dtype;
    boost::json::array shape;
    for (int64_t d : t.sizes()) shape.push_back(d);
    info["shape"] = std::move(shape);
    uint64_t bytes = t.numel() * t.element_size();
    info["data_offsets"] = boost::json::array{offset, offset + bytes};
    offset += bytes;
    header[name] = std::move(info);
    data.push_back(std::move(t));
  }
  std::string text = boost::json::serialize(header);
  while (text.size() % 8 != 0) text += ' ';  // the reference writer aligns the data to 8 bytes
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(BRICK_ERR_INVALID_ARGUMENT, "cannot write '" + path.string() + "'");
  unsigned char length[8];
  uint64_t n = text.size();
  for (unsigned char& byte : length) {
    byte = static_cast<unsigned char>(n & 0xff);
    n >>= 8;
  }
  out.write(reinterpret_cast<const char*>(length), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const at::Tensor& t : data) {
    out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.numel() * t.element_size()));
  }
  if (!out) throw Error(BRICK_ERR_INTERNAL, "writing '" + path.string() + "' failed");
}

SafetensorsWeights::SafetensorsWeights(Value::Dict tensors, Value::Dict metadata)
    : tensors_(std::move(tensors)), metadata_(std::move(metadata)) {}

std::shared_ptr<SafetensorsWeights> SafetensorsWeights::load(const fs::path& folder, const ComponentSpec& spec,
                                                             const LoadOptions& options) {
  WeightFiles found = find_weight_files(folder, spec.variant);
  Value::Dict tensors;
  Value::Dict metadata;
  for (const fs::path& file : found.files) {
    SafetensorsFile read = read_safetensors(file, options);
    if (found.index) {
      // Every tensor the index places in this shard must be there.
      const std::string name = file.filename().string();
      for (const auto& [key, shard] : found.weight_map) {
        if (shard != name) continue;
        bool present = std::any_of(read.tensors.begin(), read.tensors.end(),
                                   [&key = key](const auto& item) { return item.first == key; });
        if (!present) {
          throw Error(BRICK_ERR_INVALID_ARGUMENT, "'" + found.index->filename().string() + "' places tensor '" + key +
                                                      "' in '" + file.string() + "', which does not hold it");
        }
      }
    }
    for (auto& item : read.tensors) tensors.push_back(std::move(item));
    for (auto& item : read.metadata) metadata.push_back(std::move(item));
  }
  auto weights = std::make_shared<SafetensorsWeights>(std::move(tensors), std::move(metadata));
  weights->files_ = std::move(found.files);
  return weights;
}

const Value* SafetensorsWeights::tensor(std::string_view name) const {
  for (const auto& [key, value] : tensors_) {
    if (key == name) return &value;
  }
  return nullptr;
}

int64_t SafetensorsWeights::memory_footprint() const {
  int64_t total = 0;
  for (const auto& item : tensors_) total += static_cast<int64_t>(item.second.as_tensor().nbytes());
  return total;
}

brick_device SafetensorsWeights::device() const {
  if (tensors_.empty()) return brick_device{1, 0};
  return detail::brick_device_of(tensors_.front().second.as_tensor().device());
}

std::string SafetensorsWeights::dtype() const {
  if (tensors_.empty()) return {};
  return detail::dtype_repr(tensors_.front().second.as_tensor().scalar_type());
}

void SafetensorsWeights::to(brick_device device) {
  at::Device target = detail::device_of(device);
  for (auto& item : tensors_) item.second = Value(item.second.as_tensor().to(target));
}

void SafetensorsWeights::save(const fs::path& folder) const {
  fs::create_directories(folder);
  write_safetensors(folder / "model.safetensors", tensors_, metadata_);
}

std::string SafetensorsWeights::repr() const {
  return "<brick.SafetensorsWeights: " + std::to_string(tensors_.size()) + " tensors>";
}

}  // namespace brick::host
