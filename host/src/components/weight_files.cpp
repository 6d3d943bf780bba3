#include "brick/host/components/weight_files.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <sstream>

#include "brick/host/base/error.h"

namespace brick::host {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSuffix = ".safetensors";

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// "name.safetensors.index.json" -> nullopt variant; "name.safetensors.index.fp16.json" -> "fp16".
// (Plain string work: <regex> trips GCC 12's maybe-uninitialized warning under ASan.)
std::optional<std::optional<std::string>> index_variant(const std::string& name) {
  constexpr std::string_view marker = ".safetensors.index";
  if (!ends_with(name, ".json")) return std::nullopt;
  const size_t at = name.rfind(marker);
  if (at == std::string::npos || at == 0) return std::nullopt;
  std::string rest = name.substr(at + marker.size(), name.size() - 5 - at - marker.size());  // between marker and .json
  if (rest.empty()) return std::optional<std::string>();
  if (rest[0] != '.' || rest.size() == 1 || rest.find('.', 1) != std::string::npos) return std::nullopt;
  return std::optional<std::string>(rest.substr(1));
}

// "-00001-of-00002" at the end of `stem` (a shard's number), or false.
bool ends_with_shard_number(const std::string& stem, size_t* start) {
  auto digits_before = [&](size_t end) {  // the first index of the digits ending at `end`
    size_t i = end;
    while (i > 0 && std::isdigit(static_cast<unsigned char>(stem[i - 1]))) --i;
    return i;
  };
  const size_t total = digits_before(stem.size());
  if (total == stem.size() || total < 4 || stem.compare(total - 4, 4, "-of-") != 0) return false;
  const size_t index = digits_before(total - 4);
  if (index == total - 4 || index == 0 || stem[index - 1] != '-') return false;
  *start = index - 1;
  return true;
}

std::string list_names(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
  return text;
}

WeightFiles read_index(const fs::path& folder, const fs::path& index) {
  std::ifstream in(index, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(text.str(), ec);
  const boost::json::object* root = ec ? nullptr : json.if_object();
  const boost::json::value* map = root ? root->if_contains("weight_map") : nullptr;
  if (!map || !map->is_object()) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT,
                "shard index '" + index.string() + "' is not a JSON object with a weight_map object");
  }
  WeightFiles files;
  files.index = index;
  std::vector<std::string> shards;
  for (const auto& item : map->as_object()) {
    if (!item.value().is_string()) {
      throw Error(BRICK_ERR_INVALID_ARGUMENT, "shard index '" + index.string() + "': the entry of '" +
                                                  std::string(item.key()) + "' is not a file name");
    }
    std::string shard(item.value().as_string());
    if (shard.find('/') != std::string::npos || shard == "..") {
      throw Error(BRICK_ERR_INVALID_ARGUMENT,
                  "shard index '" + index.string() + "' names '" + shard + "', which is not a file of the folder");
    }
    files.weight_map.emplace(std::string(item.key()), shard);
    if (std::find(shards.begin(), shards.end(), shard) == shards.end()) shards.push_back(shard);
  }
  std::sort(shards.begin(), shards.end());
  for (const std::string& shard : shards) {
    std::error_code exists_ec;
    if (!fs::is_regular_file(folder / shard, exists_ec)) {
      throw Error(BRICK_ERR_NOT_FOUND, "shard '" + shard + "' named by '" + index.filename().string() +
                                           "' is not in '" + folder.string() + "'");
    }
    files.files.push_back(folder / shard);
  }
  return files;
}

}  // namespace

std::optional<std::string> weight_file_variant(const std::string& file_name) {
  if (!ends_with(file_name, kSuffix)) return std::nullopt;
  std::string stem = file_name.substr(0, file_name.size() - kSuffix.size());
  size_t shard_number = 0;
  if (ends_with_shard_number(stem, &shard_number)) stem.resize(shard_number);
  const size_t dot = stem.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  return stem.substr(dot + 1);
}

bool has_safetensors(const fs::path& folder) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == kSuffix) return true;
  }
  return false;
}

WeightFiles find_weight_files(const fs::path& folder, const std::optional<std::string>& variant) {
  std::vector<fs::path> entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file()) entries.push_back(entry.path());
  }
  std::sort(entries.begin(), entries.end());
  for (const fs::path& path : entries) {
    std::optional<std::optional<std::string>> v = index_variant(path.filename().string());
    if (v && *v == variant) return read_index(folder, path);
  }
  WeightFiles files;
  std::vector<std::string> others;
  for (const fs::path& path : entries) {
    const std::string name = path.filename().string();
    if (!ends_with(name, kSuffix)) continue;
    if (weight_file_variant(name) == variant) {
      files.files.push_back(path);
    } else {
      others.push_back(name);
    }
  }
  if (files.files.empty()) {
    std::string message = "no ";
    message += variant ? "*." + *variant + ".safetensors" : std::string("*.safetensors");
    message += " file in '" + folder.string() + "'";
    if (!others.empty()) message += " (it has " + list_names(others) + ": another variant)";
    throw Error(BRICK_ERR_NOT_FOUND, message);
  }
  return files;
}

}  // namespace brick::host
