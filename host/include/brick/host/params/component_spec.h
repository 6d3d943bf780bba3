// ComponentSpec helpers beyond the dataclass itself (params.h): the loading
// fields and load_id decoding, the spec of an existing component
// (from_component), the [library, class] form of a type hint, and a repr for
// messages. Semantics: Modular Diffusers v0.40, modular_pipeline_utils.py.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "brick/host/params/params.h"
#include "brick/host/value/value.h"

namespace brick::host {

// ["pretrained_model_name_or_path", "subfolder", "variant", "revision"].
const std::vector<std::string>& loading_fields();

// The four loading fields a load_id encodes.
struct LoadFields {
  std::optional<std::string> pretrained_model_name_or_path;
  std::string subfolder;
  std::optional<std::string> variant;
  std::optional<std::string> revision;
};

// decode_load_id: nullopt for "null", "" or a text that is not four fields.
std::optional<LoadFields> decode_load_id(std::string_view load_id);

// ComponentSpec.from_component(name, obj). An object tagged with a usable
// load_id gives a from_pretrained spec with the decoded fields; an untagged
// (or "null"-tagged) object that is not a model gives a from_config spec with
// its config; an untagged model throws Error (as diffusers raises ValueError).
// type_hint is the object's "library.Class". A plain value (not an object)
// gives a from_config spec typed by the value's kind.
ComponentSpec spec_from_component(const std::string& name, const Value& component);

// type_hint <-> the [library, class] pair of modular_model_index.json.
// "lib.Class" <-> ["lib", "Class"] (split at the last dot), "Class" <->
// [null, "Class"], "" <-> [null, null]; the mapping is lossless both ways.
std::pair<std::optional<std::string>, std::optional<std::string>> split_type_hint(std::string_view type_hint);
std::string join_type_hint(const std::optional<std::string>& library, const std::optional<std::string>& class_name);

// ComponentSpec(name='unet', type_hint='lib.Class', pretrained_model_name_or_path=..., ...)
std::string spec_repr(const ComponentSpec& spec);
// Every field but the description: what "declared differently" means when
// the pipeline merges the specs of its blocks.
bool same_declaration(const ComponentSpec& a, const ComponentSpec& b);

const char* creation_method_name(CreationMethod method);  // "from_pretrained" | "from_config"

}  // namespace brick::host
