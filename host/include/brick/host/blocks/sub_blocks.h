// SubBlocks: the named, ordered children of a composite block (diffusers'
// `sub_blocks`, an InsertableDict). A leaf block has none.
//
//   blocks.sub_blocks().insert("canny", std::move(block), 0);   // at index 0
//   auto text_encoder = blocks.sub_blocks().pop("text_encoder"); // takes it out
//   blocks.sub_blocks().set("prepare_latents", std::move(custom)); // replaces in place
//
// Every derived property of the parent (inputs, outputs, doc, ...) is computed
// on access, so an edit shows at once. Copying a SubBlocks copies the blocks
// (Python's deepcopy).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace brick::host {

class ModularPipelineBlocks;
using BlockPtr = std::unique_ptr<ModularPipelineBlocks>;

class SubBlocks {
 public:
  struct Entry {
    std::string name;
    BlockPtr block;
  };

  SubBlocks();
  ~SubBlocks();
  SubBlocks(const SubBlocks& other);
  SubBlocks& operator=(const SubBlocks& other);
  SubBlocks(SubBlocks&&) noexcept;
  SubBlocks& operator=(SubBlocks&&) noexcept;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  bool contains(std::string_view name) const { return get(name) != nullptr; }
  // nullptr when there is no such sub-block.
  ModularPipelineBlocks* get(std::string_view name) const;
  // Throws Error(BRICK_ERR_NOT_FOUND) naming the sub-blocks there are.
  ModularPipelineBlocks& at(std::string_view name) const;
  std::vector<std::string> names() const;

  // sub_blocks[name] = block: replaces in place, or appends a new name.
  void set(std::string name, BlockPtr block);
  // insert(name, block, index): removes an existing entry of that name first;
  // an index past the end appends.
  void insert(std::string name, BlockPtr block, size_t index);
  // pop(name): takes the block out; throws NOT_FOUND.
  BlockPtr pop(std::string_view name);

  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }
  const Entry& front() const { return entries_.front(); }
  const Entry& back() const { return entries_.back(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace brick::host
