#include "shapes_text_encoder.h"

#include <algorithm>
#include <cctype>

#include <ATen/ops/zeros.h>

#include "config_values.h"

namespace shapes {

std::map<std::string, std::string> default_synonyms() {
  return {
      {"ball", "circle"},     {"disc", "circle"}, {"disk", "circle"},   {"dot", "circle"},   {"round", "circle"},
      {"circular", "circle"}, {"box", "square"},  {"block", "square"},  {"cube", "square"},  {"triangular", "triangle"},
      {"crimson", "red"},     {"scarlet", "red"}, {"emerald", "green"}, {"lime", "green"},   {"navy", "blue"},
      {"azure", "blue"},      {"gold", "yellow"}, {"golden", "yellow"}, {"lemon", "yellow"},
  };
}

ShapesTextEncoder::ShapesTextEncoder(brick::ValueRef config)
    : vocabulary_(Vocabulary::from_config(config)),
      synonyms_(value_or<std::map<std::string, std::string>>(config, "synonyms", default_synonyms())) {
  for (size_t i = 0; i < vocabulary_.colors.size(); ++i)
    words_[vocabulary_.colors[i]] = vocabulary_.color_slot(vocabulary_.colors[i]);
  for (size_t i = 0; i < vocabulary_.shapes.size(); ++i)
    words_[vocabulary_.shapes[i]] = vocabulary_.shape_slot(vocabulary_.shapes[i]);
  for (const auto& [word, name] : synonyms_) {
    // A synonym of a name this vocabulary lacks is simply unknown (the
    // default synonyms also serve smaller vocabularies); it never overrides
    // a vocabulary name.
    auto target = words_.find(name);
    std::string lower = word;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (target != words_.end() && !words_.count(lower)) words_[lower] = target->second;
  }
}

brick::Value ShapesTextEncoder::config() const {
  brick::Value config = brick::Value::dict();
  config.set("_class_name", "ShapesTextEncoder");
  config.set("colors", vocabulary_.colors);
  config.set("shapes", vocabulary_.shapes);
  config.set("synonyms", synonyms_);
  return config;
}

int64_t ShapesTextEncoder::lookup(const std::string& word) const {
  if (auto it = words_.find(word); it != words_.end()) return it->second;
  // Plurals: "circles" -> circle, then "boxes" -> box.
  for (size_t strip : {size_t{1}, size_t{2}}) {
    size_t n = word.size();
    if (n > strip + 1 && word[n - 1] == 's' && (strip == 1 || word[n - 2] == 'e')) {
      if (auto it = words_.find(word.substr(0, n - strip)); it != words_.end()) return it->second;
    }
  }
  return -1;
}

namespace {
// Words a prompt may hold that name nothing: not worth a warning.
bool is_filler(const std::string& word) {
  static const char* const kFiller[] = {"a", "an", "the", "of", "and", "with", "in", "on", "one", "some", "shape"};
  return std::any_of(std::begin(kFiller), std::end(kFiller), [&](const char* f) { return word == f; });
}
}  // namespace

std::vector<int64_t> ShapesTextEncoder::slots(const std::string& prompt, std::vector<std::string>* unknown) const {
  std::vector<int64_t> found;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (int64_t slot = lookup(word); slot >= 0) {
      found.push_back(slot);
    } else if (unknown && !is_filler(word)) {
      unknown->push_back(word);
    }
    word.clear();
  };
  for (unsigned char c : prompt) {
    if (std::isalnum(c)) {
      word += static_cast<char>(std::tolower(c));
    } else {
      flush();
    }
  }
  flush();
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

at::Tensor ShapesTextEncoder::encode(const std::vector<std::string>& prompts) const {
  at::Tensor out =
      at::zeros({static_cast<int64_t>(prompts.size()), vocabulary_.size()}, at::TensorOptions().dtype(at::kFloat));
  auto rows = out.accessor<float, 2>();
  for (size_t i = 0; i < prompts.size(); ++i) {
    std::vector<std::string> unknown;
    std::vector<int64_t> set = slots(prompts[i], &unknown);
    for (int64_t slot : set) rows[static_cast<int64_t>(i)][slot] = 1.0f;
    if (!unknown.empty()) warn_unknown(prompts[i], unknown, set);
  }
  return out;
}

// "prompt 'a cat': the shapes model knows no 'cat'; ...": a prompt with
// words the model cannot draw still gives an image, and the user is told
// what it fell back to.
void ShapesTextEncoder::warn_unknown(const std::string& prompt, const std::vector<std::string>& unknown,
                                     const std::vector<int64_t>& set) const {
  const auto colors = static_cast<int64_t>(vocabulary_.colors.size());
  bool has_color = std::any_of(set.begin(), set.end(), [&](int64_t s) { return s < colors; });
  bool has_shape = std::any_of(set.begin(), set.end(), [&](int64_t s) { return s >= colors; });
  std::string words;
  for (const std::string& w : unknown) words += (words.empty() ? "'" : ", '") + w + "'";
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  };
  std::string message = "prompt '" + prompt + "': the shapes model does not know " + words + " (it knows colours " +
                        join(vocabulary_.colors) + " and shapes " + join(vocabulary_.shapes) + "); it draws ";
  message += has_color ? "the colour named" : "any colour";
  message += has_shape ? " and the shape named" : " and any shape";
  brick::log_warning(message);
}

brick::Value ShapesTextEncoder::call(const std::string& method, brick::ValueRef args) {
  if (method == "encode") {
    brick::ValueRef prompt = args["prompt"];
    std::vector<std::string> prompts;
    if (prompt.is_none()) {
      prompts = {""};
    } else if (prompt.kind() == BRICK_VALUE_STRING) {
      prompts = {prompt.as<std::string>()};
    } else if (prompt.kind() == BRICK_VALUE_LIST) {
      prompts = value_or<std::vector<std::string>>(args, "prompt", {});
    } else {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         concat("encode: prompt must be a str or a list of str, got ", prompt.kind_name()));
    }
    at::Tensor embeds = encode(prompts);
    std::string device = value_or<std::string>(args, "device", "cpu");
    if (device != "cpu") embeds = embeds.to(at::Device(device));
    return brick::Value(embeds);
  }
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

}  // namespace shapes
