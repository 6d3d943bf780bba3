// DeclStorage: a block's declarations in the C form the ABI carries
// (brick_block_decl and its params), with the strings they point into, and
// the block's slot table. Part of brick/plugin.h.
#pragma once

#include <string>
#include <vector>

#include "brick/sdk/block.h"

namespace brick::detail {

// NULL for an empty string: the ABI's "not given".
inline const char* c_str_or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

class DeclStorage {
 public:
  DeclStorage(const std::string& class_name, const ModularPipelineBlocks& block)
      : name_(class_name),
        description_(block.description()),
        model_name_(block.model_name()),
        inputs_(block.inputs()),
        intermediate_inputs_(block.intermediate_inputs()),
        outputs_(block.intermediate_outputs()),
        components_(block.expected_components()),
        configs_(block.expected_configs()) {
    convert_inputs(inputs_, c_inputs_, p_inputs_);
    convert_inputs(intermediate_inputs_, c_intermediate_inputs_, p_intermediate_inputs_);
    for (const OutputParam& o : outputs_) {
      brick_output_param c{};
      c.struct_size = sizeof c;
      c.name = o.name.c_str();
      c.type_hint = c_str_or_null(o.type_hint);
      c.description = c_str_or_null(o.description);
      c.kwargs_type = c_str_or_null(o.kwargs_type);
      c.metadata_json = c_str_or_null(o.metadata_json);
      c_outputs_.push_back(c);
    }
    for (const ComponentSpec& s : components_) {
      brick_component_spec c{};
      c.struct_size = sizeof c;
      c.default_creation_method = s.from_config ? BRICK_CREATE_FROM_CONFIG : BRICK_CREATE_FROM_PRETRAINED;
      c.name = s.name.c_str();
      c.type_hint = c_str_or_null(s.type_hint);
      c.description = c_str_or_null(s.description);
      c.config_json = c_str_or_null(s.config_json);
      c.pretrained_model_name_or_path = c_str_or_null(s.pretrained_model_name_or_path);
      c.subfolder = c_str_or_null(s.subfolder);
      c.variant = c_str_or_null(s.variant);
      c.revision = c_str_or_null(s.revision);
      c_components_.push_back(c);
    }
    for (const ConfigSpec& s : configs_) {
      brick_config_spec c{};
      c.struct_size = sizeof c;
      c.name = s.name.c_str();
      c.default_json = s.default_json.c_str();
      c.description = c_str_or_null(s.description);
      c_configs_.push_back(c);
    }
    for (const auto& c : c_outputs_) p_outputs_.push_back(&c);
    for (const auto& c : c_components_) p_components_.push_back(&c);
    for (const auto& c : c_configs_) p_configs_.push_back(&c);

    decl_.struct_size = sizeof decl_;
    decl_.name = name_.c_str();
    decl_.description = c_str_or_null(description_);
    decl_.model_name = c_str_or_null(model_name_);
    decl_.inputs = p_inputs_.data();
    decl_.num_inputs = static_cast<uint32_t>(p_inputs_.size());
    decl_.intermediate_inputs = p_intermediate_inputs_.data();
    decl_.num_intermediate_inputs = static_cast<uint32_t>(p_intermediate_inputs_.size());
    decl_.intermediate_outputs = p_outputs_.data();
    decl_.num_intermediate_outputs = static_cast<uint32_t>(p_outputs_.size());
    decl_.expected_components = p_components_.data();
    decl_.num_expected_components = static_cast<uint32_t>(p_components_.size());
    decl_.expected_configs = p_configs_.data();
    decl_.num_expected_configs = static_cast<uint32_t>(p_configs_.size());

    slots_.block_name = class_name;
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
  static void convert_inputs(const std::vector<InputParam>& params, std::vector<brick_input_param>& out,
                             std::vector<const brick_input_param*>& pointers) {
    for (const InputParam& p : params) {
      brick_input_param c{};
      c.struct_size = sizeof c;
      c.required = p.required ? 1u : 0u;
      c.name = p.name ? p.name->c_str() : nullptr;
      c.type_hint = c_str_or_null(p.type_hint);
      c.default_json = p.default_json ? p.default_json->c_str() : nullptr;
      c.description = c_str_or_null(p.description);
      c.kwargs_type = c_str_or_null(p.kwargs_type);
      c.metadata_json = c_str_or_null(p.metadata_json);
      out.push_back(c);
    }
    for (const auto& c : out) pointers.push_back(&c);
  }

  std::string name_, description_, model_name_;
  std::vector<InputParam> inputs_, intermediate_inputs_;
  std::vector<OutputParam> outputs_;
  std::vector<ComponentSpec> components_;
  std::vector<ConfigSpec> configs_;
  std::vector<brick_input_param> c_inputs_, c_intermediate_inputs_;
  std::vector<brick_output_param> c_outputs_;
  std::vector<brick_component_spec> c_components_;
  std::vector<brick_config_spec> c_configs_;
  std::vector<const brick_input_param*> p_inputs_, p_intermediate_inputs_;
  std::vector<const brick_output_param*> p_outputs_;
  std::vector<const brick_component_spec*> p_components_;
  std::vector<const brick_config_spec*> p_configs_;
  brick_block_decl decl_{};
  SlotTable slots_;
};

}  // namespace brick::detail
