// make_shapes_repository: writes the shapes modular repository, the folder
// `brick` loads the text-to-image pipeline's components from. A host-side
// tool (it links libbrick): it loads the built plugins through the real
// loader, creates every component from its config, and saves each the way
// save_pretrained does (Object::save: config.json, and model.safetensors
// from the type's state_dict), then writes modular_model_index.json.
//
//   make_shapes_repository --shapes shapes.so [--core core.so] --out DIR
//                          [--path PATH] [--blocks-class-name NAME]
//   make_shapes_repository --relocate DIR --path PATH
//
// --path is what the index records as every component's
// pretrained_model_name_or_path (default: DIR, absolute). --relocate only
// rewrites an existing index to PATH (what `install` does after copying).
// Without --core the scheduler's config.json is written from the same
// values, so the repository is complete either way.
#include <unistd.h>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "brick/host/base/error.h"
#include "brick/host/components/modular_repository.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/loader/host.h"
#include "brick/host/value/object.h"

namespace fs = std::filesystem;
using namespace brick::host;

namespace {

// What the repository's pipeline runs when the index is opened by name
// (ModularPipeline::from_pretrained(path, host, ..., default_blocks)): the
// class name of pipelines/text2image.json's blocks.
constexpr const char* kBlocksClassName = "ShapesAutoBlocks";

// Stable Diffusion's scheduler config (stable-diffusion-v1-5's
// scheduler_config.json): Euler's keys, plus the DDIM keys SD ships, so that
// `scheduler=DDIMScheduler` (created from this config) takes SD's
// clip_sample false and set_alpha_to_one false, not DDIM's own defaults.
Value stable_diffusion_scheduler_config() {
  return Value::dict({{"num_train_timesteps", 1000},
                      {"beta_start", 0.00085},
                      {"beta_end", 0.012},
                      {"beta_schedule", "scaled_linear"},
                      {"trained_betas", Value()},
                      {"prediction_type", "epsilon"},
                      {"interpolation_type", "linear"},
                      {"use_karras_sigmas", false},
                      {"timestep_spacing", "leading"},
                      {"steps_offset", 1},
                      {"clip_sample", false},
                      {"set_alpha_to_one", false},
                      {"skip_prk_steps", true}});
}

struct Component {
  const char* name;
  const char* type_hint;  // "plugin.Class"
};
constexpr Component kComponents[] = {{"scheduler", "core.EulerDiscreteScheduler"},
                                     {"text_encoder", "shapes.ShapesTextEncoder"},
                                     {"unet", "shapes.ShapesDenoiser"},
                                     {"vae", "shapes.PixelAutoencoder"}};

ModularIndexEntry entry_for(const Component& component, const std::string& path) {
  ModularIndexEntry entry;
  std::string hint = component.type_hint;
  entry.library = hint.substr(0, hint.find('.'));
  entry.class_name = hint.substr(hint.find('.') + 1);
  entry.spec.name = component.name;
  entry.spec.type_hint = hint;
  entry.spec.pretrained_model_name_or_path = path;
  entry.spec.subfolder = component.name;
  return entry;
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw Error(BRICK_ERR_INTERNAL, std::string("cannot write '") + file.string() + "'");
}

void make(const fs::path& shapes_plugin, const fs::path& core_plugin, const fs::path& out, const std::string& path,
          const std::string& blocks_class_name) {
  Host host;
  host.load_plugin(shapes_plugin);
  if (!core_plugin.empty()) host.load_plugin(core_plugin);
  std::shared_ptr<const ComponentTypes> types = host.component_types();

  // Written beside the destination, then renamed into place.
  fs::path staging = out.parent_path() / (out.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(staging);
  fs::create_directories(staging);
  ModularModelIndex index;
  index.blocks_class_name = blocks_class_name;
  for (const Component& component : kComponents) {
    fs::path folder = staging / component.name;
    bool scheduler = std::string(component.name) == "scheduler";
    if (scheduler && !types->find(component.type_hint)) {
      fs::create_directories(folder);
      Value config = stable_diffusion_scheduler_config();
      Value::Dict with_class{{"_class_name", "EulerDiscreteScheduler"}};
      for (const auto& item : config.as_dict()) with_class.push_back(item);
      write_text(folder / "config.json", python_json_dumps(Value::dict(with_class)) + "\n");
    } else {
      ComponentSpec spec;
      spec.name = component.name;
      spec.type_hint = component.type_hint;
      spec.default_creation_method = CreationMethod::FromConfig;
      spec.config = scheduler ? stable_diffusion_scheduler_config() : Value::dict({});
      std::shared_ptr<Object> object = types->create(spec);
      object->save(folder);
      // Until the host writes a plugin component's state_dict itself
      // (save_pretrained's model.safetensors), write it here.
      if (!fs::exists(folder / "model.safetensors")) {
        try {
          Value weights = object->call("state_dict", Value());
          if (weights.kind() == Value::Kind::Dict && !weights.as_dict().empty()) {
            write_safetensors(folder / "model.safetensors", weights.as_dict());
          }
        } catch (const Error& e) {
          if (e.status() != BRICK_ERR_UNKNOWN_METHOD) throw;  // the type keeps no weights
        }
      }
    }
    index.components.emplace_back(component.name, entry_for(component, path));
  }
  write_modular_model_index(staging, index);

  fs::path previous = out.parent_path() / (out.filename().string() + ".old-" + std::to_string(::getpid()));
  if (fs::exists(out)) fs::rename(out, previous);
  fs::rename(staging, out);
  fs::remove_all(previous);
}

void relocate(const fs::path& folder, const std::string& path) {
  ModularModelIndex index = read_modular_model_index(folder);
  for (auto& [name, entry] : index.components) entry.spec.pretrained_model_name_or_path = path;
  write_modular_model_index(folder, index);
}

int usage() {
  std::fprintf(stderr,
               "usage: make_shapes_repository --shapes shapes.so [--core core.so] --out DIR [--path PATH] "
               "[--blocks-class-name NAME]\n"
               "       make_shapes_repository --relocate DIR --path PATH\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) return usage();
    options[key.substr(2)] = argv[++i];
  }
  try {
    if (options.count("relocate")) {
      if (!options.count("path")) return usage();
      relocate(options["relocate"], options["path"]);
      return 0;
    }
    if (!options.count("shapes") || !options.count("out")) return usage();
    fs::path out = fs::absolute(options["out"]).lexically_normal();
    if (!out.has_filename()) out = out.parent_path();
    fs::create_directories(out.parent_path());
    std::string path = options.count("path") ? options["path"] : out.string();
    std::string blocks = options.count("blocks-class-name") ? options["blocks-class-name"] : kBlocksClassName;
    make(options["shapes"], options.count("core") ? fs::path(options["core"]) : fs::path(), out, path, blocks);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_shapes_repository: %s\n", e.what());
    return 1;
  }
}
