// The safetensors format, read and written by the host itself: an 8-byte
// little-endian header length N, N bytes of JSON
// ({"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]},
// "__metadata__": {"k": "v"}}), then the raw little-endian data. Files are
// memory-mapped; tensors that need no conversion point into the mapping,
// which stays alive as long as any of them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "brick/host/components/component_types.h"
#include "brick/host/value/object.h"
#include "brick/host/value/value.h"

namespace brick::host {

// The largest header read (the reference implementation's limit, 100 MB):
// a longer header length is refused before anything is parsed.
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

struct SafetensorsFile {
  Value::Dict tensors;   // name -> tensor, in the order of the header
  Value::Dict metadata;  // "__metadata__": string -> string
};

// Throws Error naming the file and what is wrong (truncated, bad header,
// unknown dtype, offsets out of range, ...). Floating tensors are converted to
// options.dtype when given; all go to options.device when given.
SafetensorsFile read_safetensors(const std::filesystem::path& path, const LoadOptions& options = {});
// Writes the tensors (copied to CPU, contiguous) with the metadata, keys in
// the order given. Every value of `tensors` must be a tensor.
void write_safetensors(const std::filesystem::path& path, const Value::Dict& tensors, const Value::Dict& metadata = {});

// A component made of named tensors, loaded from the *.safetensors files of a
// folder (find_weight_files: the shards an index lists, or every file of the
// variant, merged): type "brick.SafetensorsWeights". A model: it has a
// footprint and moves between devices.
class SafetensorsWeights : public Object {
 public:
  explicit SafetensorsWeights(Value::Dict tensors, Value::Dict metadata = {});

  static std::shared_ptr<SafetensorsWeights> load(const std::filesystem::path& folder, const ComponentSpec& spec,
                                                  const LoadOptions& options);

  const Value::Dict& tensors() const { return tensors_; }
  const Value* tensor(std::string_view name) const;
  const Value::Dict& metadata() const { return metadata_; }
  // The files it was read from (load only), in reading order.
  const std::vector<std::filesystem::path>& files() const { return files_; }

  std::string class_name() const override { return "SafetensorsWeights"; }
  bool is_model() const override { return true; }
  int64_t memory_footprint() const override;
  brick_device device() const override;
  std::string dtype() const override;
  void to(brick_device device) override;
  // Writes <folder>/model.safetensors.
  void save(const std::filesystem::path& folder) const override;
  std::string repr() const override;

 private:
  Value::Dict tensors_;
  Value::Dict metadata_;
  std::vector<std::filesystem::path> files_;
};

}  // namespace brick::host
