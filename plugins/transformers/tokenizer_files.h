// The files of a transformers tokenizer folder: vocab.json (token -> id),
// merges.txt ("#version" line, then "a b" per merge in rank order) and the
// JSON files beside them, read and written as transformers' CLIPTokenizer
// does. JSON goes through Boost.JSON (header-only, compiled into this
// translation unit alone).
#pragma once

#include <brick/sdk/value.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace transformers {

std::unordered_map<std::string, int64_t> read_vocab_json(const std::string& path);

// At most `limit` merges after the first line, as CLIPTokenizer reads
// merges.txt: read().strip().split("\n")[1 : 49152 - 256 - 2 + 1].
std::vector<std::pair<std::string, std::string>> read_merges_txt(const std::string& path, size_t limit);

// A JSON file as a brick value (dicts, lists, strings, numbers), or None when
// the file does not exist.
brick::Value read_json_file(const std::string& path);

// vocab.json as save_vocabulary writes it: json.dumps(vocab, indent=2,
// sort_keys=True, ensure_ascii=False) and a newline.
std::string vocab_json_text(const std::unordered_map<std::string, int64_t>& vocab);
// A brick value (dicts, lists, scalars) as JSON text, keys sorted, indented by 2.
std::string json_text(brick::ValueRef value);

void write_text_file(const std::string& path, const std::string& text);

}  // namespace transformers
