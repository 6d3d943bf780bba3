// BlockState: the attribute bag one block works on (diffusers' BlockState).
//
// Attributes keep their insertion order (repr and as_dict show it). A block
// state made for a leaf block has one fixed slot per declared name, so that
// the exchange and plugins reach inputs and outputs by index, and so that a
// value stays at one address for the whole block call (borrowed handles stay
// valid). Slot names are shared with the leaf's interface, not copied.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "brick/host/value/value.h"

namespace brick::host {

class BlockState {
 public:
  using SlotNames = std::shared_ptr<const std::vector<std::string>>;

  BlockState() = default;
  // A block state with declared slots (absent until set).
  explicit BlockState(SlotNames slot_names);
  explicit BlockState(const std::vector<std::string>& slot_names);

  // getattr(block_state, name): nullptr when absent.
  const Value* get(std::string_view name) const;
  // block_state[name]: None when absent.
  Value operator[](std::string_view name) const;
  bool has(std::string_view name) const { return get(name) != nullptr; }
  // setattr(block_state, name, value). The replaced value, if any, is moved to
  // *replaced so that references to it can outlive the assignment.
  void set(std::string_view name, Value value, std::vector<Value>* replaced = nullptr);

  size_t slot_count() const { return slots_.size(); }
  // The declared slot names (shared with the interface the state was made
  // for), or nullptr.
  const SlotNames& slot_names() const { return slot_names_; }
  const Value* slot(size_t index) const;
  void set_slot(size_t index, Value value, std::vector<Value>* replaced = nullptr);

  // as_dict(): the attributes in insertion order.
  std::vector<std::pair<std::string_view, const Value*>> attributes() const;

  std::string repr() const;

 private:
  struct Slot {
    Value value;
    bool present = false;
    uint32_t order = 0;  // insertion rank, for as_dict() and repr
  };
  struct Extra {
    std::string name;
    Slot slot;
  };
  Slot* find(std::string_view name);
  void assign(Slot& slot, Value value, std::vector<Value>* replaced);

  SlotNames slot_names_;
  std::vector<Slot> slots_;  // parallel to *slot_names_, never resized
  std::list<Extra> extra_;   // undeclared attributes; stable addresses
  uint32_t next_order_ = 0;
};

}  // namespace brick::host
