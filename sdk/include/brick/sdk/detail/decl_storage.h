// DeclStorage: a block's declarations in the C form the ABI carries
// (brick_block_decl and its params), with the strings they point into, and
// the block's slot table. Part of brick/plugin.h.
#pragma once

#include <string>
#include <vector>

#include "brick/sdk/composite.h"

namespace brick::detail {

// NULL for an empty string: the ABI's "not given".
inline const char* c_str_or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

inline brick_input_param to_c(const InputParam& p) {
  brick_input_param c{};
  c.required = p.required ? 1u : 0u;
  c.name = p.name ? p.name->c_str() : nullptr;
  c.type_hint = c_str_or_null(p.type_hint);
  c.default_json = p.default_json ? p.default_json->c_str() : nullptr;
  c.description = c_str_or_null(p.description);
  c.kwargs_type = c_str_or_null(p.kwargs_type);
  c.metadata_json = c_str_or_null(p.metadata_json);
  return c;
}

inline brick_output_param to_c(const OutputParam& o) {
  brick_output_param c{};
  c.name = o.name.c_str();
  c.type_hint = c_str_or_null(o.type_hint);
  c.description = c_str_or_null(o.description);
  c.kwargs_type = c_str_or_null(o.kwargs_type);
  c.metadata_json = c_str_or_null(o.metadata_json);
  return c;
}

inline brick_component_spec to_c(const ComponentSpec& s) {
  brick_component_spec c{};
  c.default_creation_method = s.from_config ? BRICK_CREATE_FROM_CONFIG : BRICK_CREATE_FROM_PRETRAINED;
  c.name = s.name.c_str();
  c.type_hint = c_str_or_null(s.type_hint);
  c.description = c_str_or_null(s.description);
  c.config_json = c_str_or_null(s.config_json);
  c.pretrained_model_name_or_path = c_str_or_null(s.pretrained_model_name_or_path);
  c.subfolder = c_str_or_null(s.subfolder);
  c.variant = c_str_or_null(s.variant);
  c.revision = c_str_or_null(s.revision);
  return c;
}

inline brick_sub_block to_c(const SubBlock& b) {
  brick_sub_block c{};
  c.name = b.name.c_str();
  c.block = b.block.c_str();
  c.config_json = c_str_or_null(b.config_json);
  return c;
}

// {"name": [{"input": true, ...}, ...]}: the workflow map as JSON.
inline std::string workflows_json(const std::vector<Workflow>& workflows) {
  if (workflows.empty()) return {};
  std::string out = "{";
  for (size_t w = 0; w < workflows.size(); ++w) {
    if (w) out += ", ";
    json_text::append_string(out, workflows[w].name);
    out += ": [";
    const auto& alternatives = workflows[w].alternatives;
    for (size_t a = 0; a < alternatives.size(); ++a) {
      out += a ? ", {" : "{";
      for (size_t i = 0; i < alternatives[a].size(); ++i) {
        if (i) out += ", ";
        json_text::append_string(out, alternatives[a][i]);
        out += ": true";
      }
      out += "}";
    }
    out += "]";
  }
  return out + "}";
}

inline brick_config_spec to_c(const ConfigSpec& s) {
  brick_config_spec c{};
  c.name = s.name.c_str();
  c.default_json = s.default_json.c_str();
  c.description = c_str_or_null(s.description);
  return c;
}

// The C form (to_c, above) of each C++ declaration, and the array of
// pointers the ABI wants. Points into `from`, which must outlive it.
template <class C>
class CArray {
 public:
  template <class T>
  explicit CArray(const std::vector<T>& from) {
    items_.reserve(from.size());
    for (const T& x : from) {
      C c = to_c(x);
      c.struct_size = sizeof(C);
      items_.push_back(c);
    }
    for (const C& c : items_) pointers_.push_back(&c);
  }
  CArray(const CArray&) = delete;
  CArray& operator=(const CArray&) = delete;

  const C* const* data() const { return pointers_.data(); }
  uint32_t size() const { return static_cast<uint32_t>(items_.size()); }

 private:
  std::vector<C> items_;
  std::vector<const C*> pointers_;
};

class DeclStorage {
 public:
  DeclStorage(const std::string& class_name, const ModularPipelineBlocks& block)
      : name_(block.class_name().empty() ? class_name : block.class_name()),
        description_(block.description()),
        model_name_(block.model_name()),
        inputs_(block.inputs()),
        intermediate_inputs_(block.intermediate_inputs()),
        outputs_(block.intermediate_outputs()),
        components_(block.expected_components()),
        configs_(block.expected_configs()),
        composite_(composite_of(block)),
        workflows_json_(workflows_json(composite_.workflows)) {
    decl_.struct_size = sizeof decl_;
    decl_.name = name_.c_str();
    decl_.description = c_str_or_null(description_);
    decl_.model_name = c_str_or_null(model_name_);
    decl_.inputs = c_inputs_.data();
    decl_.num_inputs = c_inputs_.size();
    decl_.intermediate_inputs = c_intermediate_inputs_.data();
    decl_.num_intermediate_inputs = c_intermediate_inputs_.size();
    decl_.intermediate_outputs = c_outputs_.data();
    decl_.num_intermediate_outputs = c_outputs_.size();
    decl_.expected_components = c_components_.data();
    decl_.num_expected_components = c_components_.size();
    decl_.expected_configs = c_configs_.data();
    decl_.num_expected_configs = c_configs_.size();
    decl_.kind = composite_.kind;
    decl_.sub_blocks = c_sub_blocks_.data();
    decl_.num_sub_blocks = c_sub_blocks_.size();
    for (const auto& t : composite_.block_trigger_inputs) triggers_.push_back(t ? t->c_str() : nullptr);
    decl_.block_trigger_inputs = triggers_.data();
    decl_.num_block_trigger_inputs = static_cast<uint32_t>(triggers_.size());
    decl_.default_block_name = composite_.default_block_name ? composite_.default_block_name->c_str() : nullptr;
    decl_.workflows_json = c_str_or_null(workflows_json_);
    decl_.has_outputs = composite_.outputs ? 1 : 0;
    decl_.outputs = c_pipeline_outputs_.data();
    decl_.num_outputs = c_pipeline_outputs_.size();
    decl_.flags = block.needs_grad() ? BRICK_BLOCK_NEEDS_GRAD : 0u;

    slots_.block_name = name_;
    auto add_slot = [this](const std::string& n) {
      if (slots_.find(n) < 0) slots_.names.push_back(n);
    };
    for (const InputParam& p : inputs_) if (p.name) add_slot(*p.name);
    for (const InputParam& p : intermediate_inputs_) if (p.name) add_slot(*p.name);
    for (const OutputParam& o : outputs_) add_slot(o.name);
  }
  DeclStorage(const DeclStorage&) = delete;
  DeclStorage& operator=(const DeclStorage&) = delete;

  const brick_block_decl* decl() const { return &decl_; }
  const SlotTable* slots() const { return &slots_; }

 private:
  static CompositeDecl composite_of(const ModularPipelineBlocks& block) {
    CompositeDecl c;
    block.declare_composite(c);
    return c;
  }

  // The C++ declarations first: the C forms below point into them.
  std::string name_, description_, model_name_;
  std::vector<InputParam> inputs_, intermediate_inputs_;
  std::vector<OutputParam> outputs_;
  std::vector<ComponentSpec> components_;
  std::vector<ConfigSpec> configs_;
  CompositeDecl composite_;
  std::string workflows_json_;
  std::vector<OutputParam> pipeline_outputs_{composite_.outputs ? *composite_.outputs : std::vector<OutputParam>{}};
  CArray<brick_input_param> c_inputs_{inputs_};
  CArray<brick_input_param> c_intermediate_inputs_{intermediate_inputs_};
  CArray<brick_output_param> c_outputs_{outputs_};
  CArray<brick_component_spec> c_components_{components_};
  CArray<brick_config_spec> c_configs_{configs_};
  CArray<brick_sub_block> c_sub_blocks_{composite_.sub_blocks};
  CArray<brick_output_param> c_pipeline_outputs_{pipeline_outputs_};
  std::vector<const char*> triggers_;
  brick_block_decl decl_{};
  SlotTable slots_;
};

}  // namespace brick::detail
