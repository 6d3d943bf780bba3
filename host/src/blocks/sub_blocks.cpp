#include "brick/host/blocks/sub_blocks.h"

#include "brick/host/base/error.h"
#include "brick/host/blocks/blocks.h"

namespace brick::host {

SubBlocks::SubBlocks() = default;
SubBlocks::~SubBlocks() = default;
SubBlocks::SubBlocks(SubBlocks&&) noexcept = default;
SubBlocks& SubBlocks::operator=(SubBlocks&&) noexcept = default;

SubBlocks::SubBlocks(const SubBlocks& other) {
  entries_.reserve(other.entries_.size());
  for (const Entry& e : other.entries_) entries_.push_back({e.name, e.block->clone()});
}

SubBlocks& SubBlocks::operator=(const SubBlocks& other) {
  if (this != &other) *this = SubBlocks(other);
  return *this;
}

ModularPipelineBlocks* SubBlocks::get(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return e.block.get();
  }
  return nullptr;
}

std::vector<std::string> SubBlocks::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.name);
  return out;
}

ModularPipelineBlocks& SubBlocks::at(std::string_view name) const {
  if (ModularPipelineBlocks* block = get(name)) return *block;
  std::string message = "no sub-block named '";
  message += name;
  message += "' (sub-blocks: ";
  std::vector<std::string> all = names();
  for (size_t i = 0; i < all.size(); ++i) message += (i ? ", " : "") + all[i];
  message += all.empty() ? "none)" : ")";
  throw Error(BRICK_ERR_NOT_FOUND, message);
}

void SubBlocks::set(std::string name, BlockPtr block) {
  if (!block) throw Error(BRICK_ERR_INVALID_ARGUMENT, "sub-block '" + name + "' is null");
  for (Entry& e : entries_) {
    if (e.name == name) {
      e.block = std::move(block);
      return;
    }
  }
  entries_.push_back({std::move(name), std::move(block)});
}

void SubBlocks::insert(std::string name, BlockPtr block, size_t index) {
  if (!block) throw Error(BRICK_ERR_INVALID_ARGUMENT, "sub-block '" + name + "' is null");
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->name == name) {
      entries_.erase(it);
      break;
    }
  }
  index = std::min(index, entries_.size());
  entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(index), Entry{std::move(name), std::move(block)});
}

BlockPtr SubBlocks::pop(std::string_view name) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->name == name) {
      BlockPtr block = std::move(it->block);
      entries_.erase(it);
      return block;
    }
  }
  at(name);  // throws NOT_FOUND with the list
  return nullptr;
}

}  // namespace brick::host
