#include "brick/registry/cache.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "brick/registry/error.h"
#include "record_json.h"
#include "temp_path.h"

namespace brick::registry {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "brick-registry";

json::object fingerprint_object(const HostFingerprint& f) {
  return json::object{
      {"key", f.key()}, {"sdk_abi", f.sdk_abi}, {"torch", f.torch}, {"cuda", f.cuda}, {"cxx_abi", f.cxx_abi}};
}

}  // namespace

fs::path default_cache_path(const HostFingerprint& fingerprint) {
  std::string name = "registry-" + fingerprint.key() + ".json";
  if (const char* env = std::getenv("BRICK_REGISTRY_CACHE"); env && *env) {
    std::string given = env;
    std::error_code ec;
    if (given.back() == '/' || fs::is_directory(given, ec)) return fs::path(given) / name;
    return given;
  }
  fs::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = fs::path(home) / ".cache";
  } else {
    base = fs::temp_directory_path();
  }
  return base / "brick" / name;
}

CacheContents read_cache(const fs::path& file, const HostFingerprint& fingerprint) {
  CacheContents out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return out;
  std::stringstream text;
  text << in.rdbuf();
  auto discard = [&](const std::string& why) {
    out.records.clear();
    out.warning = "registry cache " + file.string() + " " + why + "; ignoring it (plugins are scanned again)";
    return out;
  };
  json::error_code ec;
  json::value root = json::parse(text.str(), ec);
  if (ec) return discard("is corrupt (" + ec.message() + ")");
  if (!root.is_object()) return discard("is corrupt (not a JSON object)");
  const json::object& o = root.get_object();
  const json::value* format = o.if_contains("format");
  if (!format || !format->is_string() || format->get_string() != kFormat) {
    return discard("is not a brick registry cache");
  }
  const json::value* schema = o.if_contains("schema");
  if (!schema || !schema->is_int64() || schema->get_int64() != kCacheSchema) {
    return discard("has another schema version (this host reads " + std::to_string(kCacheSchema) + ")");
  }
  const json::value* fp = o.if_contains("fingerprint");
  if (!fp || !fp->is_object() || !fp->get_object().if_contains("key") ||
      fp->get_object().at("key") != json::value(fingerprint.key())) {
    return discard("was written for another host (fingerprint differs from " + fingerprint.text() + ")");
  }
  const json::value* plugins = o.if_contains("plugins");
  if (!plugins || !plugins->is_array()) return discard("is corrupt (no 'plugins' array)");
  try {
    for (const json::value& p : plugins->get_array()) {
      if (!p.is_object()) throw RegistryError("a plugin entry is not an object");
      out.records.push_back(detail::record_from_object(p.get_object()));
    }
  } catch (const std::exception& e) {
    return discard(std::string("is corrupt (") + e.what() + ")");
  }
  return out;
}

void write_cache(const fs::path& file, const HostFingerprint& fingerprint, const std::vector<PluginRecord>& records) {
  json::array plugins;
  for (const PluginRecord& r : records) plugins.push_back(detail::record_to_object(r));
  json::object root{{"format", kFormat},
                    {"schema", kCacheSchema},
                    {"fingerprint", fingerprint_object(fingerprint)},
                    {"plugins", std::move(plugins)}};
  std::error_code ec;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
  // A name no other process or thread writing the same cache uses.
  fs::path temp = detail::temp_path_for(file);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw RegistryError("cannot write the registry cache " + temp.string());
    out << json::serialize(root) << "\n";
    out.flush();
    if (!out) {
      fs::remove(temp, ec);
      throw RegistryError("cannot write the registry cache " + temp.string());
    }
  }
  fs::rename(temp, file, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw RegistryError("cannot replace the registry cache " + file.string() + ": " + ec.message());
  }
}

}  // namespace brick::registry
