#include "brick/host/components/hub_cache.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace brick::host {

namespace fs = std::filesystem;

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// One part of a repo id: validate_repo_id's [\w\-.] between word boundaries.
bool is_id_part(std::string_view part, size_t max_length) {
  if (part.empty() || part.size() > max_length) return false;
  for (char c : part) {
    if (!is_word_char(c) && c != '-' && c != '.') return false;
  }
  return is_word_char(part.front()) && is_word_char(part.back());
}

bool is_commit_hash(std::string_view revision) {
  if (revision.size() != 40) return false;
  for (char c : revision) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A branch or tag name that stays inside refs/ (no "..", no absolute path,
// no whitespace).
bool is_ref_name(std::string_view revision) {
  if (revision.empty() || revision.front() == '/' || revision.find("..") != std::string_view::npos) return false;
  for (char c : revision) {
    if (static_cast<unsigned char>(c) <= ' ') return false;
  }
  return true;
}

// os.path.expanduser's "~" and "~/..." (the forms a setting holds).
fs::path expand_home(const std::string& text) {
  if (text == "~" || text.rfind("~/", 0) == 0) {
    if (const char* home = std::getenv("HOME")) return fs::path(home) / text.substr(text.size() > 1 ? 2 : 1);
  }
  return fs::path(text);
}

const char* setting(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

// Built by appending: GCC 12's -Wrestrict misfires on "'" + std::string.
std::string quoted(const fs::path& path) {
  std::string out = "'";
  out += path.string();
  out += '\'';
  return out;
}

}  // namespace

std::optional<HubId> parse_hub_id(std::string_view text) {
  HubId id;
  if (size_t at = text.find('@'); at != std::string_view::npos) {
    id.revision = std::string(text.substr(at + 1));
    text = text.substr(0, at);
    if (!is_commit_hash(id.revision) && !is_ref_name(id.revision)) return std::nullopt;
  }
  if (text.find("--") != std::string_view::npos || text.find("..") != std::string_view::npos) return std::nullopt;
  if (text.size() >= 4 && text.substr(text.size() - 4) == ".git") return std::nullopt;
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (!is_id_part(text, 96)) return std::nullopt;
  } else if (!is_id_part(text.substr(0, slash), 96) || !is_id_part(text.substr(slash + 1), 96)) {
    return std::nullopt;  // also a second "/", which is no id character
  }
  id.repo_id = std::string(text);
  return id;
}

HubCache hub_cache() {
  if (const char* dir = setting("HF_HUB_CACHE")) return {expand_home(dir), "HF_HUB_CACHE"};
  if (const char* dir = setting("HUGGINGFACE_HUB_CACHE")) return {expand_home(dir), "HUGGINGFACE_HUB_CACHE"};
  if (const char* home = setting("HF_HOME")) return {expand_home(home) / "hub", "HF_HOME"};
  if (const char* xdg = setting("XDG_CACHE_HOME")) return {expand_home(xdg) / "huggingface" / "hub", "XDG_CACHE_HOME"};
  return {expand_home("~/.cache/huggingface/hub"), "HOME"};
}

std::string hub_cache_folder_name(std::string_view repo_id) {
  std::string name = "models--";
  for (char c : repo_id) {
    if (c == '/') {
      name += "--";
    } else {
      name += c;
    }
  }
  return name;
}

HubLookup find_in_hub_cache(const HubId& id, const fs::path& cache) {
  std::error_code ec;
  fs::path repo = cache / hub_cache_folder_name(id.repo_id);
  if (!fs::is_directory(repo, ec)) return {std::nullopt, quoted(repo) + " (no such folder)"};
  std::string commit = id.revision;
  std::string named_by = "the revision";
  if (!is_commit_hash(id.revision)) {
    fs::path ref = repo / "refs" / id.revision;
    std::ifstream in(ref);
    if (!in) return {std::nullopt, quoted(ref) + " (no such file: revision '" + id.revision + "' is not in the cache)"};
    // huggingface_hub writes the hash alone; a newline added by hand is fine.
    std::stringstream text;
    text << in.rdbuf();
    commit = text.str();
    while (!commit.empty() && static_cast<unsigned char>(commit.back()) <= ' ') commit.pop_back();
    if (!is_commit_hash(commit)) return {std::nullopt, quoted(ref) + " (holds no commit hash)"};
    named_by = "refs/" + id.revision + " names it";
  }
  fs::path snapshot = repo / "snapshots" / commit;
  if (!fs::is_directory(snapshot, ec)) return {std::nullopt, quoted(snapshot) + " (" + named_by + "; no such folder)"};
  return {snapshot, quoted(snapshot)};
}

std::string hub_download_command(const HubId& id) {
  std::string command = "hf download " + id.repo_id;
  if (id.revision != "main") command += " --revision " + id.revision;
  return command;
}

}  // namespace brick::host
