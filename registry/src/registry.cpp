#include "brick/registry/registry.h"

#include <sys/stat.h>

#include <set>
#include <unordered_map>

#include "brick/brick_abi.h"
#include "brick/registry/abi_probe.h"
#include "brick/registry/cache.h"
#include "brick/registry/content_hash.h"
#include "brick/registry/error.h"
#include "brick/registry/search_path.h"

namespace brick::registry {

namespace fs = std::filesystem;

namespace {

struct FileFacts {
  fs::path path;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

bool stat_file(const fs::path& path, FileFacts& facts) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  facts.path = path;
  facts.size = static_cast<uint64_t>(st.st_size);
  facts.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

PluginRecord bad_record(std::string reason) {
  PluginRecord r;
  r.bad = true;
  r.reason = std::move(reason);
  return r;
}

// What the file alone says against loading it; "" when only the scanner can
// tell. The loader checks the same (plugin.cpp), this saves a child process.
std::string refusal_from_file(const fs::path& path) {
  AbiTagProbe probe = read_abi_tag(path);
  switch (probe.result) {
    case AbiTagProbe::Result::Unreadable: return "the file " + probe.reason;
    case AbiTagProbe::Result::NoTag:
      return std::string("it is not a brick plugin (it exports no '") + BRICK_ABI_TAG_SYMBOL + "' symbol)";
    case AbiTagProbe::Result::NoSections: return {};
    case AbiTagProbe::Result::Found: break;
  }
  const brick_abi_tag& tag = probe.tag;
  if (tag.magic != BRICK_ABI_MAGIC) return "its ABI tag is malformed (wrong magic)";
  std::string version = std::to_string(tag.major) + "." + std::to_string(tag.minor);
  std::string host = std::to_string(BRICK_ABI_VERSION_MAJOR) + "." + std::to_string(BRICK_ABI_VERSION_MINOR);
  if (tag.major != BRICK_ABI_VERSION_MAJOR) {
    return "it was built for brick ABI " + version + ", but this host speaks ABI " + host +
           "; major versions must match";
  }
  if (tag.minor > BRICK_ABI_VERSION_MINOR) {
    return "it was built for brick ABI " + version + ", newer than this host's ABI " + host;
  }
  return {};
}

}  // namespace

Registry::Registry(RegistryOptions options) : options_(std::move(options)) { refresh(); }

void Registry::refresh() {
  warnings_.clear();
  conflicts_.clear();
  stats_ = Stats{};

  // What we knew: the records in memory, else the cache file.
  std::unordered_map<std::string, PluginRecord> known;
  if (records_.empty() && !options_.cache_file.empty()) {
    CacheContents cache = read_cache(options_.cache_file, options_.fingerprint);
    if (!cache.warning.empty()) warnings_.push_back(cache.warning);
    for (PluginRecord& r : cache.records) known.emplace(r.path.string(), std::move(r));
  } else {
    for (PluginRecord& r : records_) known.emplace(r.path.string(), std::move(r));
  }
  size_t known_count = known.size();

  // The files, in precedence order, each once.
  std::vector<FileFacts> files;
  std::set<std::string> seen;
  auto add = [&](const fs::path& given) {
    std::error_code ec;
    fs::path path = fs::weakly_canonical(given, ec);
    if (ec) path = given;
    FileFacts facts;
    if (!seen.insert(path.string()).second || !stat_file(path, facts)) return;
    files.push_back(facts);
  };
  for (const fs::path& f : options_.files) add(f);
  for (const fs::path& dir : options_.dirs) {
    for (const fs::path& f : plugin_files(dir)) add(f);
  }
  stats_.files = files.size();

  std::vector<PluginRecord> records(files.size());
  std::vector<bool> have(files.size(), false);
  std::vector<size_t> to_scan;
  bool changed = false;
  for (size_t i = 0; i < files.size(); ++i) {
    const FileFacts& f = files[i];
    auto it = known.find(f.path.string());
    if (it != known.end() && it->second.size == f.size && it->second.mtime_ns == f.mtime_ns) {
      records[i] = std::move(it->second);
      known.erase(it);
      have[i] = true;
      ++stats_.cached;
      continue;
    }
    changed = true;
    std::string hash;
    try {
      hash = hash_text(file_content_hash(f.path));
    } catch (const RegistryError& e) {
      warnings_.push_back(e.what());
      continue;
    }
    if (it != known.end() && it->second.size == f.size && it->second.hash == hash) {
      // Touched, not changed: same bytes, new mtime.
      records[i] = std::move(it->second);
      known.erase(it);
    } else if (std::string refusal = refusal_from_file(f.path); !refusal.empty()) {
      records[i] = bad_record(std::move(refusal));
      ++stats_.probed;
    } else {
      records[i].hash = hash;
      to_scan.push_back(i);
      continue;
    }
    records[i].path = f.path;
    records[i].size = f.size;
    records[i].mtime_ns = f.mtime_ns;
    records[i].hash = hash;
    have[i] = true;
  }

  if (!to_scan.empty()) {
    std::vector<fs::path> paths;
    for (size_t i : to_scan) paths.push_back(files[i].path);
    try {
      std::vector<ScanOutcome> outcomes = scan_plugins(paths, options_.scan);
      for (size_t k = 0; k < outcomes.size() && k < to_scan.size(); ++k) {
        size_t i = to_scan[k];
        std::string hash = records[i].hash;
        records[i] = std::move(outcomes[k].record);
        records[i].path = files[i].path;
        records[i].size = files[i].size;
        records[i].mtime_ns = files[i].mtime_ns;
        records[i].hash = hash;
        have[i] = true;
        ++stats_.scanned;
      }
    } catch (const RegistryError& e) {
      warnings_.push_back(std::string(e.what()) + "; " + std::to_string(paths.size()) +
                          " new or changed plugin file(s) are left out until it can run");
    }
  }
  if (!known.empty() || known_count != files.size()) changed = true;

  records_.clear();
  for (size_t i = 0; i < files.size(); ++i) {
    if (have[i]) records_.push_back(std::move(records[i]));
  }

  if (changed && !options_.cache_file.empty()) {
    try {
      write_cache(options_.cache_file, options_.fingerprint, records_);
      stats_.cache_written = true;
    } catch (const RegistryError& e) {
      warnings_.push_back(e.what());
    }
  }

  plugins_.clear();
  bad_.clear();
  for (const PluginRecord& r : records_) {
    if (r.bad) {
      bad_.push_back(r);
      continue;
    }
    const PluginRecord* first = find_plugin(r.name);
    if (first) {
      conflicts_.push_back(Conflict{r.name, first->path, r.path});
      std::string message = "plugin name '" + r.name + "' is claimed by both " + first->path.string() + " and " +
                            r.path.string() + "; using the first (its blocks";
      for (const BlockRecord& b : r.blocks) {
        if (first->find_block(b.name)) message += " " + r.name + "." + b.name;
      }
      message += " shadow the second's)";
      warnings_.push_back(std::move(message));
      continue;
    }
    plugins_.push_back(r);
  }
}

const PluginRecord* Registry::find_plugin(std::string_view name) const {
  for (const PluginRecord& r : plugins_) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

const PluginRecord* Registry::find_file(const fs::path& path) const {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  if (ec) canonical = path;
  for (const PluginRecord& r : records_) {
    if (r.path == canonical) return &r;
  }
  return nullptr;
}

std::vector<Registry::BlockMatch> Registry::find_blocks(std::string_view name) const {
  std::vector<BlockMatch> matches;
  size_t dot = name.find('.');
  if (dot != std::string_view::npos) {
    if (const PluginRecord* p = find_plugin(name.substr(0, dot))) {
      if (const BlockRecord* b = p->find_block(name.substr(dot + 1))) matches.push_back(BlockMatch{p, b});
    }
    return matches;
  }
  for (const PluginRecord& p : plugins_) {
    if (const BlockRecord* b = p.find_block(name)) matches.push_back(BlockMatch{&p, b});
  }
  return matches;
}

std::map<std::string, std::string> Registry::versions() const {
  std::map<std::string, std::string> out;
  for (const PluginRecord& p : plugins_) out.emplace(p.name, p.version);
  return out;
}

}  // namespace brick::registry
