// transformers.CLIPTokenizer: the byte-level BPE tokenizer of CLIP, loaded
// from a tokenizer folder (vocab.json, merges.txt, tokenizer_config.json,
// special_tokens_map.json), as transformers' tokenization_clip.py and
// tokenization_utils.py do it: the text is split at the special tokens'
// text (so SDXL's second tokenizer, whose pad token is "!", turns every "!"
// into the pad id), and each other part gets whitespace clean-up,
// lower-casing (ftfy's fix_text left out), the regex pre-tokenizer,
// bytes_to_unicode and BPE with "</w>" word ends; <|startoftext|> ...
// <|endoftext|> around each text; padding and truncation as
// PreTrainedTokenizerBase.__call__.
//
// Methods (keyword arguments, transformers' names):
//   __call__({text: str | [str], padding?, max_length?, truncation?, add_special_tokens?})
//       -> {input_ids, attention_mask}  (int64 [batch, length])
//   decode({token_ids, skip_special_tokens?, clean_up_tokenization_spaces?}) -> str
//   batch_decode({sequences, ...}) -> [str]
//   tokenize({text}) -> [str];  convert_tokens_to_ids({tokens}) -> [int]
//   save_pretrained({save_directory}), config()
#pragma once

#include <brick/sdk.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "byte_level_bpe.h"

namespace transformers {

class CLIPTokenizer : public brick::ComponentType {
 public:
  // config: tokenizer_config.json's keys; `_name_or_path` (the folder, which
  // the host sets) or `vocab_file` and `merges_file` say where the files are.
  explicit CLIPTokenizer(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

  enum class Padding { kNone, kLongest, kMaxLength };
  struct Batch {
    std::vector<std::vector<int64_t>> input_ids;
    std::vector<std::vector<int64_t>> attention_mask;
  };

  // The ids of one text, no special tokens, no truncation (tokenize +
  // convert_tokens_to_ids).
  std::vector<int64_t> encode(const std::string& text) const;
  std::vector<std::string> tokenize(const std::string& text) const;
  Batch encode_batch(const std::vector<std::string>& texts, Padding padding, std::optional<int64_t> max_length,
                     bool truncation, bool add_special_tokens) const;
  std::string decode(const std::vector<int64_t>& ids, bool skip_special_tokens, bool clean_up_spaces) const;
  void save_pretrained(const std::string& directory) const;

  int64_t bos_token_id() const { return bos_id_; }
  int64_t eos_token_id() const { return eos_id_; }
  int64_t pad_token_id() const { return pad_id_; }
  int64_t unk_token_id() const { return unk_id_; }
  int64_t model_max_length() const { return model_max_length_; }
  size_t vocab_size() const { return bpe_->vocab_size(); }

 private:
  struct SpecialToken {
    std::string content;
    int64_t id;
    bool lstrip, rstrip;
  };
  int64_t special_id(const std::string& role, const std::string& token) const;
  // The text cut at the special tokens (transformers' tokens_trie.split,
  // longest match first), with their lstrip/rstrip applied; a special part
  // carries its token's index in specials_, other parts -1.
  std::vector<std::pair<std::string, int>> split_on_special_tokens(const std::string& text) const;
  void append_ids(const std::string& part, std::vector<int64_t>& ids) const;

  brick::Value config_;  // as created, without `_name_or_path`
  std::string folder_;
  std::shared_ptr<const ByteLevelBpe> bpe_;
  std::string bos_token_, eos_token_, pad_token_, unk_token_;
  int64_t bos_id_ = 0, eos_id_ = 0, pad_id_ = 0, unk_id_ = 0;
  int64_t model_max_length_ = 77;
  bool pad_left_ = false;
  bool clean_up_tokenization_spaces_ = false;
  std::vector<std::pair<int64_t, std::string>> added_tokens_;  // added_tokens_decoder: id -> content
  std::vector<SpecialToken> specials_;                         // bos, eos, unk, pad without repeats
};

}  // namespace transformers
