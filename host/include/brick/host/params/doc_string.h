// make_doc_string: the text of a block's `doc`, byte for byte as diffusers'
// make_doc_string writes it (header, description, Components, Configs,
// Inputs, Outputs; descriptions wrapped at 115 columns).
#pragma once

#include <string>
#include <vector>

#include "brick/host/params/params.h"

namespace brick::host {

std::string make_doc_string(const std::vector<InputParam>& inputs, const std::vector<OutputParam>& outputs,
                            const std::string& description, const std::string& class_name,
                            const std::vector<ComponentSpec>& expected_components = {},
                            const std::vector<ConfigSpec>& expected_configs = {});

// The parameter section alone ("  Inputs:" / "  Outputs:" and their lines).
std::string format_input_params(const std::vector<InputParam>& params, int indent_level = 4, int max_line_length = 115);
std::string format_output_params(const std::vector<OutputParam>& params, int indent_level = 4,
                                 int max_line_length = 115);

// A component's type as diffusers' format_components prints it:
// type_hint.__name__, the class alone ("transformers.CLIPTextModel" ->
// "CLIPTextModel"); "None" when there is no type_hint.
std::string component_type_name(const std::string& type_hint);

// The Components: and Configs: sections (no blank lines between entries), as
// doc and the composite reprs show them.
std::string format_components(const std::vector<ComponentSpec>& components, int indent_level = 4);
std::string format_configs(const std::vector<ConfigSpec>& configs, int indent_level = 4);

}  // namespace brick::host
