#include "clip_tokenizer.h"

#include <ATen/ops/empty.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "clip_pre_tokenizer.h"
#include "kwargs.h"
#include "tokenizer_files.h"
#include "unicode_text.h"

namespace transformers {

namespace {

namespace fs = std::filesystem;

// CLIPTokenizer reads merges.txt's lines [1 : 49152 - 256 - 2 + 1]: the
// merges of CLIP's 49408-token vocabulary, whatever else the file holds.
constexpr size_t kMergeLimit = 49152 - 256 - 2;
// CLIP's context length, the model_max_length of every CLIP tokenizer
// folder; used when tokenizer_config.json does not say.
constexpr int64_t kClipContextLength = 77;

struct TokenSetting {
  std::string content;
  bool lstrip = false;
  bool rstrip = false;
  bool present = false;
};

// A special token as tokenizer_config.json or special_tokens_map.json write
// it: a string, or an AddedToken dict with "content".
TokenSetting token_setting(brick::ValueRef v, const std::string& key) {
  TokenSetting setting;
  if (v.is_none()) return setting;
  if (v.kind() == BRICK_VALUE_STRING) {
    setting.content = v.as<std::string>();
  } else if (v.kind() == BRICK_VALUE_DICT && v["content"].kind() == BRICK_VALUE_STRING) {
    setting.content = v["content"].as<std::string>();
    setting.lstrip = value_or<bool>(v, "lstrip", false);
    setting.rstrip = value_or<bool>(v, "rstrip", false);
  } else {
    throw invalid(concat("'", key, "' must be a string or an AddedToken dict with \"content\", got ", v.kind_name()));
  }
  if (setting.content.empty()) throw invalid(concat("'", key, "' is empty"));
  setting.present = true;
  return setting;
}

std::string resolve_file(brick::ValueRef config, const char* key, const std::string& folder, const char* name) {
  std::string file = value_or<std::string>(config, key, "");
  if (file.empty()) {
    if (folder.empty()) {
      throw invalid(
          concat("CLIPTokenizer needs its vocabulary: load it from a tokenizer folder (vocab.json, "
                 "merges.txt), or give '",
                 key, "'"));
    }
    return (fs::path(folder) / name).string();
  }
  if (fs::path(file).is_relative() && !folder.empty()) return (fs::path(folder) / file).string();
  return file;
}

std::string lstrip_python(const std::string& text) {
  std::u32string points = code_points(text);
  size_t begin = 0;
  while (begin < points.size() && is_python_space(points[begin])) ++begin;
  std::string out;
  for (size_t i = begin; i < points.size(); ++i) append_utf8(out, points[i]);
  return out;
}

std::string rstrip_python(const std::string& text) {
  std::u32string points = code_points(text);
  size_t end = points.size();
  while (end > 0 && is_python_space(points[end - 1])) --end;
  std::string out;
  for (size_t i = 0; i < end; ++i) append_utf8(out, points[i]);
  return out;
}

// transformers' clean_up_tokenization.
std::string clean_up_tokenization(std::string text) {
  static const std::pair<const char*, const char*> kReplacements[] = {
      {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kReplacements) {
    std::string out;
    const std::string needle = from;
    size_t start = 0;
    for (size_t at; (at = text.find(needle, start)) != std::string::npos; start = at + needle.size()) {
      out.append(text, start, at - start);
      out += to;
    }
    out.append(text, start, std::string::npos);
    text = std::move(out);
  }
  return text;
}

std::vector<std::string> texts_of(brick::ValueRef text) {
  if (text.kind() == BRICK_VALUE_STRING) return {text.as<std::string>()};
  if (text.kind() == BRICK_VALUE_LIST) {
    std::vector<std::string> out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i].kind() != BRICK_VALUE_STRING) {
        throw invalid(concat("text[", std::to_string(i), "] must be a str, got ", text[i].kind_name()));
      }
      out.push_back(text[i].as<std::string>());
    }
    return out;
  }
  throw invalid(concat("text must be a str or a list of str, got ", text.kind_name()));
}

CLIPTokenizer::Padding padding_of(brick::ValueRef v) {
  if (v.is_none()) return CLIPTokenizer::Padding::kNone;
  if (v.kind() == BRICK_VALUE_BOOL)
    return v.as<bool>() ? CLIPTokenizer::Padding::kLongest : CLIPTokenizer::Padding::kNone;
  if (v.kind() == BRICK_VALUE_STRING) {
    std::string s = v.as<std::string>();
    if (s == "max_length") return CLIPTokenizer::Padding::kMaxLength;
    if (s == "longest") return CLIPTokenizer::Padding::kLongest;
    if (s == "do_not_pad") return CLIPTokenizer::Padding::kNone;
    throw invalid(concat("padding '", s, "' is not one of \"max_length\", \"longest\", \"do_not_pad\", True, False"));
  }
  throw invalid(concat("padding must be a bool or a str, got ", v.kind_name()));
}

bool truncation_of(brick::ValueRef v) {
  if (v.is_none()) return false;
  if (v.kind() == BRICK_VALUE_BOOL) return v.as<bool>();
  if (v.kind() == BRICK_VALUE_STRING) {
    std::string s = v.as<std::string>();
    if (s == "longest_first" || s == "only_first") return true;
    if (s == "do_not_truncate") return false;
    throw invalid(concat("truncation '", s,
                         "' is not one of \"longest_first\", \"only_first\", \"do_not_truncate\", True, False"));
  }
  throw invalid(concat("truncation must be a bool or a str, got ", v.kind_name()));
}

std::vector<int64_t> ids_of(brick::ValueRef v, const char* key) {
  if (v.is_tensor()) {
    at::Tensor t = v.as<at::Tensor>();
    if (t.dim() > 1 || at::isFloatingType(t.scalar_type())) {
      throw invalid(concat(key, " must be a 1-d integer tensor or a list of int"));
    }
    t = t.to(at::kCPU, at::kLong).contiguous();
    return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
  }
  if (v.kind() == BRICK_VALUE_INT) return {v.as<int64_t>()};
  if (v.kind() == BRICK_VALUE_LIST) return v.as<std::vector<int64_t>>();
  throw invalid(concat(key, " must be a list of int or a tensor, got ", v.kind_name()));
}

at::Tensor rows_to_tensor(const std::vector<std::vector<int64_t>>& rows, int64_t length) {
  at::Tensor t = at::empty({static_cast<int64_t>(rows.size()), length}, at::TensorOptions().dtype(at::kLong));
  int64_t* data = t.data_ptr<int64_t>();
  for (const auto& row : rows) data = std::copy(row.begin(), row.end(), data);
  return t;
}

}  // namespace

CLIPTokenizer::CLIPTokenizer(brick::ValueRef config) {
  if (!config.is_none() && config.kind() != BRICK_VALUE_DICT) throw invalid("CLIPTokenizer takes a dict config");
  folder_ = value_or<std::string>(config, "_name_or_path", "");
  config_ = brick::Value::dict();
  for (size_t i = 0; i < config.size(); ++i) {
    std::string key = config.key_at(i);
    if (key != "_name_or_path") config_.set(key.c_str(), brick::Value::retain(config.value_at(i)));
  }
  const std::string vocab_file = resolve_file(config, "vocab_file", folder_, "vocab.json");
  const std::string merges_file = resolve_file(config, "merges_file", folder_, "merges.txt");
  std::unordered_map<std::string, int64_t> vocab = read_vocab_json(vocab_file);
  bpe_ = std::make_shared<const ByteLevelBpe>(std::move(vocab), read_merges_txt(merges_file, kMergeLimit));

  brick::ValueRef decoder = config.kind() == BRICK_VALUE_DICT ? config["added_tokens_decoder"] : brick::ValueRef();
  std::vector<TokenSetting> added_settings;
  if (decoder.kind() == BRICK_VALUE_DICT) {
    for (size_t i = 0; i < decoder.size(); ++i) {
      std::string key = decoder.key_at(i);
      int64_t id = 0;
      try {
        id = std::stoll(key);
      } catch (const std::exception&) {
        throw invalid(concat("added_tokens_decoder key '", key, "' is not a token id"));
      }
      TokenSetting setting = token_setting(decoder.value_at(i), "added_tokens_decoder[" + key + "]");
      added_tokens_.emplace_back(id, setting.content);
      added_settings.push_back(setting);
    }
  }

  // Defaults of CLIPTokenizer.__init__, then tokenizer_config.json, then
  // special_tokens_map.json (from_pretrained lets the latter win).
  brick::Value special_map =
      folder_.empty() ? brick::Value() : read_json_file((fs::path(folder_) / "special_tokens_map.json").string());
  auto resolve = [&](const char* key, const char* fallback) {
    TokenSetting setting;
    setting.content = fallback;
    if (TokenSetting from_config =
            token_setting(config.kind() == BRICK_VALUE_DICT ? config[key] : brick::ValueRef(), key);
        from_config.present) {
      setting = from_config;
    }
    if (special_map.ref().kind() == BRICK_VALUE_DICT) {
      TokenSetting from_map = token_setting(special_map.ref()[key], concat("special_tokens_map.json: ", key));
      if (from_map.present) setting = from_map;
    }
    for (size_t i = 0; i < added_settings.size(); ++i) {
      if (added_settings[i].content == setting.content && !setting.lstrip && !setting.rstrip) {
        setting.lstrip = added_settings[i].lstrip;
        setting.rstrip = added_settings[i].rstrip;
      }
    }
    int64_t id = special_id(key, setting.content);
    bool seen = false;
    for (const SpecialToken& s : specials_) seen = seen || s.content == setting.content;
    if (!seen) specials_.push_back({setting.content, id, setting.lstrip, setting.rstrip});
    return std::make_pair(setting.content, id);
  };
  std::tie(unk_token_, unk_id_) = resolve("unk_token", "<|endoftext|>");
  std::tie(bos_token_, bos_id_) = resolve("bos_token", "<|startoftext|>");
  std::tie(eos_token_, eos_id_) = resolve("eos_token", "<|endoftext|>");
  std::tie(pad_token_, pad_id_) = resolve("pad_token", "<|endoftext|>");

  brick::ValueRef max_length = config.kind() == BRICK_VALUE_DICT ? config["model_max_length"] : brick::ValueRef();
  if (max_length.kind() == BRICK_VALUE_INT) {
    model_max_length_ = max_length.as<int64_t>();
  } else if (max_length.kind() == BRICK_VALUE_FLOAT) {
    // transformers writes "no limit" as int(1e30), which JSON readers see as a float.
    double v = max_length.as<double>();
    model_max_length_ = v >= 9.2e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(v);
  } else if (!max_length.is_none()) {
    throw invalid(concat("'model_max_length' must be an int, got ", max_length.kind_name()));
  }
  if (model_max_length_ < 2) throw invalid("'model_max_length' must be at least 2 (<|startoftext|> and <|endoftext|>)");
  std::string side = value_or<std::string>(config, "padding_side", "right");
  if (side != "right" && side != "left")
    throw invalid(concat("padding_side '", side, "' is not \"right\" or \"left\""));
  pad_left_ = side == "left";
  clean_up_tokenization_spaces_ = value_or<bool>(config, "clean_up_tokenization_spaces", false);
}

int64_t CLIPTokenizer::special_id(const std::string& role, const std::string& token) const {
  for (const auto& [id, content] : added_tokens_) {
    if (content == token) return id;
  }
  int64_t id = bpe_->id(token);
  if (id < 0) {
    throw invalid(concat("the ", role, " '", token, "' is neither in vocab.json nor in added_tokens_decoder",
                         folder_.empty() ? std::string() : concat(" ('", folder_, "')")));
  }
  return id;
}

std::vector<std::pair<std::string, int>> CLIPTokenizer::split_on_special_tokens(const std::string& text) const {
  std::vector<std::pair<std::string, int>> parts;
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    int best = -1;
    size_t best_length = 0;
    for (size_t s = 0; s < specials_.size(); ++s) {
      const std::string& content = specials_[s].content;
      if (content.size() > best_length && text.compare(i, content.size(), content) == 0) {
        best = static_cast<int>(s);
        best_length = content.size();
      }
    }
    if (best < 0) {
      ++i;
      continue;
    }
    if (i > start) parts.emplace_back(text.substr(start, i - start), -1);
    parts.emplace_back(specials_[static_cast<size_t>(best)].content, best);
    i += best_length;
    start = i;
  }
  if (start < text.size()) parts.emplace_back(text.substr(start), -1);
  // A token with rstrip eats the white space on its right, lstrip on its left.
  for (size_t k = 0; k < parts.size(); ++k) {
    if (parts[k].second < 0) continue;
    const SpecialToken& special = specials_[static_cast<size_t>(parts[k].second)];
    if (special.rstrip && k + 1 < parts.size() && parts[k + 1].second < 0)
      parts[k + 1].first = lstrip_python(parts[k + 1].first);
    if (special.lstrip && k > 0 && parts[k - 1].second < 0) parts[k - 1].first = rstrip_python(parts[k - 1].first);
  }
  return parts;
}

void CLIPTokenizer::append_ids(const std::string& part, std::vector<int64_t>& ids) const {
  for (const std::string& piece : clip_pre_tokenize(lower(whitespace_clean(part)))) {
    bpe_->encode_piece(piece, unk_id_, ids);
  }
}

std::vector<int64_t> CLIPTokenizer::encode(const std::string& text) const {
  std::vector<int64_t> ids;
  for (const auto& [part, special] : split_on_special_tokens(text)) {
    if (special >= 0) {
      ids.push_back(specials_[static_cast<size_t>(special)].id);
    } else if (!part.empty()) {
      append_ids(part, ids);
    }
  }
  return ids;
}

std::vector<std::string> CLIPTokenizer::tokenize(const std::string& text) const {
  std::vector<std::string> tokens;
  for (const auto& [part, special] : split_on_special_tokens(text)) {
    if (special >= 0) {
      tokens.push_back(part);
      continue;
    }
    std::vector<int64_t> ids;
    if (!part.empty()) append_ids(part, ids);
    for (int64_t id : ids) {
      const std::string* token = bpe_->token(id);
      tokens.push_back(token ? *token : unk_token_);
    }
  }
  return tokens;
}

CLIPTokenizer::Batch CLIPTokenizer::encode_batch(const std::vector<std::string>& texts, Padding padding,
                                                 std::optional<int64_t> max_length, bool truncation,
                                                 bool add_special_tokens) const {
  if (max_length && *max_length < 0)
    throw invalid(concat("max_length must not be negative, got ", std::to_string(*max_length)));
  const int64_t limit = max_length.value_or(model_max_length_);
  const int64_t specials = add_special_tokens ? 2 : 0;
  Batch batch;
  for (const std::string& text : texts) {
    std::vector<int64_t> ids = encode(text);
    if (truncation && static_cast<int64_t>(ids.size()) + specials > limit) {
      if (limit < specials) {
        throw invalid(concat("max_length ", std::to_string(limit), " leaves no room for the ", std::to_string(specials),
                             " special tokens"));
      }
      ids.resize(static_cast<size_t>(limit - specials));
    }
    if (add_special_tokens) {
      ids.insert(ids.begin(), bos_id_);
      ids.push_back(eos_id_);
    }
    batch.input_ids.push_back(std::move(ids));
  }
  size_t target = 0;
  if (padding == Padding::kMaxLength) {
    if (limit == std::numeric_limits<int64_t>::max()) {
      throw invalid("padding=\"max_length\" needs max_length: this tokenizer has no model_max_length");
    }
    target = static_cast<size_t>(limit);
  }
  for (const auto& ids : batch.input_ids) {
    if (padding == Padding::kLongest) target = std::max(target, ids.size());
  }
  for (auto& ids : batch.input_ids) {
    std::vector<int64_t> mask(ids.size(), 1);
    if (padding != Padding::kNone && ids.size() < target) {
      size_t missing = target - ids.size();
      if (pad_left_) {
        ids.insert(ids.begin(), missing, pad_id_);
        mask.insert(mask.begin(), missing, 0);
      } else {
        ids.insert(ids.end(), missing, pad_id_);
        mask.insert(mask.end(), missing, 0);
      }
    }
    batch.attention_mask.push_back(std::move(mask));
  }
  return batch;
}

std::string CLIPTokenizer::decode(const std::vector<int64_t>& ids, bool skip_special_tokens,
                                  bool clean_up_spaces) const {
  std::vector<const std::string*> tokens;
  for (int64_t id : ids) {
    if (skip_special_tokens && (id == bos_id_ || id == eos_id_ || id == unk_id_ || id == pad_id_)) continue;
    const std::string* token = nullptr;
    for (const auto& [added, content] : added_tokens_) {
      if (added == id) token = &content;
    }
    if (!token) token = bpe_->token(id);
    if (!token) throw invalid(concat("token id ", std::to_string(id), " is not in the vocabulary"));
    tokens.push_back(token);
  }
  std::string text = bpe_->tokens_to_string(tokens);
  return clean_up_spaces ? clean_up_tokenization(std::move(text)) : text;
}

brick::Value CLIPTokenizer::config() const {
  static const char* kResolved[] = {"bos_token",        "eos_token",       "pad_token",  "unk_token",
                                    "model_max_length", "tokenizer_class", "vocab_file", "merges_file"};
  brick::Value out = brick::Value::dict();
  brick::ValueRef created = config_.ref();
  for (size_t i = 0; i < created.size(); ++i) {
    std::string key = created.key_at(i);
    bool resolved = false;
    for (const char* name : kResolved) resolved = resolved || key == name;
    if (!resolved) out.set(key.c_str(), brick::Value::retain(created.value_at(i)));
  }
  out.set("bos_token", bos_token_);
  out.set("eos_token", eos_token_);
  out.set("pad_token", pad_token_);
  out.set("unk_token", unk_token_);
  out.set("model_max_length", model_max_length_);
  out.set("tokenizer_class", "CLIPTokenizer");
  return out;
}

void CLIPTokenizer::save_pretrained(const std::string& directory) const {
  fs::create_directories(directory);
  const fs::path dir(directory);
  write_text_file((dir / "vocab.json").string(), vocab_json_text(bpe_->vocab()));
  std::string merges = "#version: 0.2\n";
  for (const auto& [a, b] : bpe_->merges()) merges += a + " " + b + "\n";
  write_text_file((dir / "merges.txt").string(), merges);
  brick::Value current = config();
  write_text_file((dir / "tokenizer_config.json").string(), json_text(current.ref()));
  brick::Value special = brick::Value::dict();
  special.set("bos_token", bos_token_);
  special.set("eos_token", eos_token_);
  special.set("pad_token", pad_token_);
  special.set("unk_token", unk_token_);
  write_text_file((dir / "special_tokens_map.json").string(), json_text(special.ref()));
}

brick::Value CLIPTokenizer::call(const std::string& method, brick::ValueRef args) {
  if (method == "__call__") {
    std::vector<std::string> texts = texts_of(args.kind() == BRICK_VALUE_DICT ? args["text"] : brick::ValueRef());
    std::optional<int64_t> max_length = value_or<std::optional<int64_t>>(args, "max_length", std::nullopt);
    Batch batch = encode_batch(texts, padding_of(args.kind() == BRICK_VALUE_DICT ? args["padding"] : brick::ValueRef()),
                               max_length,
                               truncation_of(args.kind() == BRICK_VALUE_DICT ? args["truncation"] : brick::ValueRef()),
                               value_or<bool>(args, "add_special_tokens", true));
    size_t length = batch.input_ids.empty() ? 0 : batch.input_ids[0].size();
    for (size_t i = 0; i < batch.input_ids.size(); ++i) {
      if (batch.input_ids[i].size() != length) {
        throw invalid(concat("Unable to create tensor: text ", std::to_string(i), " has ",
                             std::to_string(batch.input_ids[i].size()), " tokens and text 0 has ",
                             std::to_string(length),
                             "; activate truncation and/or padding (padding=\"max_length\", truncation=True)"));
      }
    }
    return brick::Value::dict()
        .set("input_ids", rows_to_tensor(batch.input_ids, static_cast<int64_t>(length)))
        .set("attention_mask", rows_to_tensor(batch.attention_mask, static_cast<int64_t>(length)));
  }
  if (method == "encode") {
    std::vector<int64_t> ids = encode(required<std::string>(args, "text", "encode"));
    if (value_or<bool>(args, "add_special_tokens", true)) {
      ids.insert(ids.begin(), bos_id_);
      ids.push_back(eos_id_);
    }
    return brick::Value(ids);
  }
  if (method == "tokenize") return brick::Value(tokenize(required<std::string>(args, "text", "tokenize")));
  if (method == "convert_tokens_to_ids") {
    std::vector<int64_t> ids;
    for (const std::string& token : required<std::vector<std::string>>(args, "tokens", "convert_tokens_to_ids")) {
      int64_t id = -1;
      for (const auto& [added, content] : added_tokens_) {
        if (content == token) id = added;
      }
      if (id < 0) id = bpe_->id(token);
      ids.push_back(id < 0 ? unk_id_ : id);
    }
    return brick::Value(ids);
  }
  if (method == "decode" || method == "batch_decode") {
    bool skip = value_or<bool>(args, "skip_special_tokens", false);
    bool clean = value_or<bool>(args, "clean_up_tokenization_spaces", clean_up_tokenization_spaces_);
    if (method == "decode") {
      if (args.kind() != BRICK_VALUE_DICT || args["token_ids"].is_none())
        throw invalid("decode needs the keyword argument 'token_ids'");
      return brick::Value(decode(ids_of(args["token_ids"], "token_ids"), skip, clean));
    }
    if (args.kind() != BRICK_VALUE_DICT || args["sequences"].is_none()) {
      throw invalid("batch_decode needs the keyword argument 'sequences'");
    }
    brick::ValueRef sequences = args["sequences"];
    std::vector<std::string> out;
    if (sequences.is_tensor()) {
      at::Tensor t = sequences.as<at::Tensor>();
      if (t.dim() != 2) throw invalid("sequences must be a 2-d tensor or a list of lists of int");
      t = t.to(at::kCPU, at::kLong).contiguous();
      for (int64_t r = 0; r < t.size(0); ++r) {
        const int64_t* row = t.data_ptr<int64_t>() + r * t.size(1);
        out.push_back(decode(std::vector<int64_t>(row, row + t.size(1)), skip, clean));
      }
    } else if (sequences.kind() == BRICK_VALUE_LIST) {
      for (size_t i = 0; i < sequences.size(); ++i)
        out.push_back(decode(ids_of(sequences[i], "sequences[i]"), skip, clean));
    } else {
      throw invalid(concat("sequences must be a 2-d tensor or a list of lists of int, got ", sequences.kind_name()));
    }
    return brick::Value(out);
  }
  if (method == "save_pretrained") {
    save_pretrained(required<std::string>(args, "save_directory", "save_pretrained"));
    return brick::Value();
  }
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

}  // namespace transformers
