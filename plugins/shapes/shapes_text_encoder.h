// shapes.ShapesTextEncoder (the pipeline's `text_encoder`): prompts to
// conditions. A condition is a multi-hot row over the vocabulary (colours,
// then shapes; vocabulary.h): "a red circle" sets red and circle, "" sets
// nothing (unconditional: any image). Words are matched after lower-casing,
// directly, through the synonyms ("ball" -> circle, "box" -> square), or as
// plurals ("circles", "boxes"); every other word is ignored, so a prompt
// never fails to encode.
//
// Methods: encode({prompt: str | list[str], device?: str}) -> Tensor[B, K]
// float32 (on the CPU unless device is given), config().
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include "vocabulary.h"

namespace shapes {

// word -> vocabulary name, used when the config gives no "synonyms".
std::map<std::string, std::string> default_synonyms();

class ShapesTextEncoder : public brick::ComponentType {
 public:
  explicit ShapesTextEncoder(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

  // The slots a prompt sets, ascending, without repeats; the words it did
  // not know (articles and the like aside) go to *unknown when given.
  std::vector<int64_t> slots(const std::string& prompt, std::vector<std::string>* unknown = nullptr) const;
  void warn_unknown(const std::string& prompt, const std::vector<std::string>& unknown,
                    const std::vector<int64_t>& set) const;
  at::Tensor encode(const std::vector<std::string>& prompts) const;

  const Vocabulary& vocabulary() const { return vocabulary_; }

 private:
  int64_t lookup(const std::string& word) const;  // -1 when unknown

  Vocabulary vocabulary_;
  std::map<std::string, std::string> synonyms_;
  std::map<std::string, int64_t> words_;  // every known word (names and synonyms) -> slot
};

}  // namespace shapes
