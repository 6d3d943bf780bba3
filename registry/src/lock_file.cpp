#include "brick/registry/lock_file.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "brick/registry/error.h"
#include "record_json.h"
#include "temp_path.h"

namespace brick::registry {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {
constexpr const char* kFormat = "brick-lock";
constexpr int kLockSchema = 1;
}  // namespace

LockFile LockFile::read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw RegistryError("cannot read the lock file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  auto fail = [&](const std::string& why) { return RegistryError("lock file " + file.string() + ": " + why); };
  json::error_code ec;
  json::value root = json::parse(text.str(), ec);
  if (ec) throw fail("not valid JSON (" + ec.message() + ")");
  if (!root.is_object()) throw fail("not a JSON object");
  const json::object& o = root.get_object();
  const json::value* format = o.if_contains("format");
  if (!format || !format->is_string() || format->get_string() != kFormat) throw fail("not a brick lock file");
  const json::value* schema = o.if_contains("schema");
  if (!schema || !schema->is_int64() || schema->get_int64() != kLockSchema) {
    throw fail("unknown schema version (this host reads " + std::to_string(kLockSchema) + ")");
  }
  const json::value* plugins = o.if_contains("plugins");
  if (!plugins || !plugins->is_object()) throw fail("no 'plugins' object");
  LockFile lock;
  lock.source_ = file;
  for (const auto& item : plugins->get_object()) {
    if (!item.value().is_object()) throw fail("plugin '" + std::string(item.key()) + "' is not an object");
    const json::object& p = item.value().get_object();
    LockEntry e;
    e.name = item.key();
    try {
      e.version = detail::string_field(p, "version");
      e.hash = detail::string_field(p, "hash");
      e.path = detail::optional_string(p, "file");
    } catch (const RegistryError& err) {
      throw fail("plugin '" + e.name + "': " + err.what());
    }
    lock.entries_.push_back(std::move(e));
  }
  std::sort(lock.entries_.begin(), lock.entries_.end(),
            [](const LockEntry& a, const LockEntry& b) { return a.name < b.name; });
  return lock;
}

void LockFile::write(const fs::path& file) const {
  json::object plugins;
  for (const LockEntry& e : entries_) {
    plugins[e.name] = json::object{{"version", e.version}, {"hash", e.hash}, {"file", e.path.string()}};
  }
  json::object root{{"format", kFormat}, {"schema", kLockSchema}, {"plugins", std::move(plugins)}};
  fs::path temp = detail::temp_path_for(file);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << json::serialize(root) << "\n";
    if (!out) throw RegistryError("cannot write the lock file " + temp.string());
  }
  std::error_code ec;
  fs::rename(temp, file, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw RegistryError("cannot write the lock file " + file.string() + ": " + ec.message());
  }
}

void LockFile::add(const PluginRecord& record) {
  LockEntry e{record.name, record.version, record.hash, record.path};
  auto it = std::lower_bound(entries_.begin(), entries_.end(), e.name,
                             [](const LockEntry& a, const std::string& name) { return a.name < name; });
  if (it != entries_.end() && it->name == e.name) {
    *it = std::move(e);
  } else {
    entries_.insert(it, std::move(e));
  }
}

const LockEntry* LockFile::find(const std::string& name) const {
  for (const LockEntry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string LockFile::check(const std::string& name, const std::string& hash, const fs::path& path) const {
  const LockEntry* e = find(name);
  if (!e || e->hash == hash) return {};
  std::string where = source_.empty() ? std::string("the lock") : "the lock file " + source_.string();
  return "plugin '" + name + "' at " + path.string() + " has content hash " + hash + ", but " + where + " requires " +
         e->hash + " (version " + e->version + "); the plugin changed since it was locked";
}

std::vector<std::string> verify_lock(const LockFile& lock, const std::vector<PluginRecord>& available,
                                     const std::vector<std::string>& names) {
  std::vector<std::string> errors;
  for (const std::string& name : names) {
    const LockEntry* e = lock.find(name);
    if (!e) {
      std::string error = "plugin '";
      error += name;
      error += "' is not in the lock file";
      if (!lock.source().empty()) {
        error += ' ';
        error += lock.source().string();
      }
      errors.push_back(std::move(error));
      continue;
    }
    const PluginRecord* found = nullptr;
    for (const PluginRecord& r : available) {
      if (!r.bad && r.name == name) {
        found = &r;
        break;
      }
    }
    if (!found) {
      errors.push_back("plugin '" + name + "' (locked at version " + e->version + ") was not found on the search path");
      continue;
    }
    std::string mismatch = lock.check(name, found->hash, found->path);
    if (!mismatch.empty()) {
      errors.push_back(std::move(mismatch));
    } else if (found->version != e->version) {
      errors.push_back("plugin '" + name + "' is version " + found->version + ", but the lock requires " + e->version);
    }
  }
  return errors;
}

}  // namespace brick::registry
