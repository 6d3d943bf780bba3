// The local Hugging Face hub cache, read as huggingface_hub lays it out, so a
// model a Python user already downloaded (`hf download org/name`, or any
// diffusers from_pretrained) is found by its hub id. Only read: brick never
// downloads, never writes the cache, and never takes its locks.
//
//   <cache>/models--org--name/refs/main        the commit hash "main" names
//   <cache>/models--org--name/snapshots/<hash>/ the files of that commit
//                                              (symlinks into ../../blobs/)
//
// The cache is the one huggingface_hub uses (constants.py): HF_HUB_CACHE,
// else its older name HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, else
// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub; a leading
// "~" is the home folder. A revision is a 40-digit commit hash (its snapshot
// folder directly) or a branch or tag (read from refs/<revision>), as
// snapshot_download(local_files_only=True) resolves it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace brick::host {

// "org/name" (or a bare "name", as old hub ids are) and the revision asked
// for ("main" when none is given).
struct HubId {
  std::string repo_id;
  std::string revision = "main";
};

// `text` as a hub id: repo_id as huggingface_hub's validate_repo_id accepts
// it (at most one "/", letters, digits, "_", "-", "." with a letter, digit
// or "_" at both ends of each part, no "--" or "..", no ".git" ending),
// optionally followed by "@revision". nullopt when it is not one.
std::optional<HubId> parse_hub_id(std::string_view text);

// The cache folder and the setting that chose it ("HF_HUB_CACHE",
// "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME" or "HOME").
struct HubCache {
  std::filesystem::path dir;
  std::string source;
};
HubCache hub_cache();

// "models--org--name": the repository's folder name in the cache.
std::string hub_cache_folder_name(std::string_view repo_id);

// Where an id was looked for in a cache: the snapshot folder when it is
// there, else `looked_at`, the deepest place checked and why it failed
// ("'<cache>/models--org--name/refs/main' (no such file)").
struct HubLookup {
  std::optional<std::filesystem::path> snapshot;
  std::string looked_at;
};
HubLookup find_in_hub_cache(const HubId& id, const std::filesystem::path& cache);

// The command that puts `id` into the cache (huggingface_hub's CLI).
std::string hub_download_command(const HubId& id);

}  // namespace brick::host
