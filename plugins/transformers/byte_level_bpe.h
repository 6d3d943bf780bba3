// Byte-level BPE as CLIP uses it (transformers' CLIPTokenizer.bpe and
// OpenAI's SimpleTokenizer.bpe): a piece's UTF-8 bytes become the printable
// symbols of bytes_to_unicode(), the last one gets "</w>", and the adjacent
// pair with the lowest merge rank is merged, everywhere from left to right,
// until no pair has a rank. Symbols are interned as integers, so a merge step
// compares integers, not strings; the result is the same.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace transformers {

// bytes_to_unicode(): the symbol (UTF-8) each byte stands for.
const std::string& byte_symbol(unsigned char byte);

class ByteLevelBpe {
 public:
  // vocab: token -> id (vocab.json); merges in rank order (merges.txt). A
  // pair listed twice keeps its last rank, as dict(zip(merges, range(...))).
  ByteLevelBpe(std::unordered_map<std::string, int64_t> vocab,
               const std::vector<std::pair<std::string, std::string>>& merges);

  // Appends the ids of one pre-tokenized piece (UTF-8). A token missing from
  // the vocabulary becomes unk_id (transformers' _convert_token_to_id).
  void encode_piece(std::string_view piece, int64_t unk_id, std::vector<int64_t>& ids) const;

  // The token an id stands for, or nullptr.
  const std::string* token(int64_t id) const;
  // The id of a token, or -1.
  int64_t id(const std::string& token) const;
  size_t vocab_size() const { return vocab_.size(); }
  const std::unordered_map<std::string, int64_t>& vocab() const { return vocab_; }
  const std::vector<std::pair<std::string, std::string>>& merges() const { return merge_list_; }

  // transformers' convert_tokens_to_string: the tokens' symbols back to
  // bytes, decoded as UTF-8 with errors="replace", "</w>" read as a space,
  // then str.strip(). A symbol outside bytes_to_unicode() is an error.
  std::string tokens_to_string(const std::vector<const std::string*>& tokens) const;

 private:
  int32_t intern(const std::string& symbol);
  std::vector<int32_t> bpe(std::string_view piece) const;

  std::unordered_map<std::string, int64_t> vocab_;
  std::unordered_map<int64_t, std::string> decoder_;
  std::vector<std::pair<std::string, std::string>> merge_list_;
  std::unordered_map<std::string, int32_t> symbol_ids_;
  std::vector<std::string> symbols_;
  std::vector<int64_t> symbol_vocab_id_;  // -1: not in the vocabulary
  struct Merge {
    int32_t rank;
    int32_t merged;
  };
  std::unordered_map<uint64_t, Merge> ranks_;  // (first << 32 | second) -> rank and result
  int32_t byte_symbols_[256];
  int32_t byte_word_end_symbols_[256];  // the byte's symbol + "</w>"

  // Pieces already encoded (transformers' self.cache), bounded.
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int64_t>> cache_;
};

}  // namespace transformers
