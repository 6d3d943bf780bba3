#include "byte_level_bpe.h"

#include <brick/sdk/error.h>

#include <array>
#include <limits>

#include "kwargs.h"
#include "unicode_text.h"

namespace transformers {

namespace {

// bytes_to_unicode(): the printable Latin-1 bytes stand for themselves, the
// other 68 for U+0100 onwards, in byte order.
std::array<std::string, 256> make_byte_symbols() {
  std::array<std::string, 256> symbols;
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    append_utf8(symbols[b], printable ? static_cast<char32_t>(b) : next++);
  }
  return symbols;
}

const std::array<std::string, 256>& byte_symbols() {
  static const std::array<std::string, 256> symbols = make_byte_symbols();
  return symbols;
}

// The byte each symbol code point stands for, or -1.
int byte_of(char32_t c) {
  if (c < 256) {
    bool printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF);
    return printable ? static_cast<int>(c) : -1;
  }
  static const std::array<int, 68> shifted = [] {
    std::array<int, 68> table{};
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      if (!printable) table[n++] = b;
    }
    return table;
  }();
  return c - 256 < 68 ? shifted[c - 256] : -1;
}

// Python's bytes.decode("utf-8", errors="replace"): each maximal ill-formed
// subsequence becomes one U+FFFD (the Unicode "maximal subpart" practice).
std::string decode_replacing(const std::string& bytes) {
  std::string out;
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    unsigned char b = s[i];
    if (b < 0x80) {
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    int extra = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      if (b == 0xE0) low = 0xA0;
      if (b == 0xED) high = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;
    }
    size_t used = 1;
    bool complete = extra > 0;
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= n) {
        complete = false;
        break;
      }
      unsigned char c = s[i + k];
      bool ok = k == 1 ? (c >= low && c <= high) : (c >= 0x80 && c <= 0xBF);
      if (!ok) {
        complete = false;
        break;
      }
      ++used;
    }
    if (complete) {
      out.append(bytes, i, used);
    } else {
      out += "\xEF\xBF\xBD";
    }
    i += used;
  }
  return out;
}

constexpr size_t kCacheLimit = 1 << 16;

}  // namespace

const std::string& byte_symbol(unsigned char byte) { return byte_symbols()[byte]; }

ByteLevelBpe::ByteLevelBpe(std::unordered_map<std::string, int64_t> vocab,
                           const std::vector<std::pair<std::string, std::string>>& merges)
    : vocab_(std::move(vocab)), merge_list_(merges) {
  for (const auto& [token, id] : vocab_) decoder_.emplace(id, token);
  for (int b = 0; b < 256; ++b) {
    byte_symbols_[b] = intern(byte_symbols()[b]);
    byte_word_end_symbols_[b] = intern(byte_symbols()[b] + "</w>");
  }
  intern("<|startoftext|>");
  intern("<|endoftext|>");
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [first, second] = merges[rank];
    int32_t a = intern(first);
    int32_t b = intern(second);
    int32_t merged = intern(first + second);
    uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    ranks_.insert_or_assign(key, Merge{static_cast<int32_t>(rank), merged});
  }
}

int32_t ByteLevelBpe::intern(const std::string& symbol) {
  auto [it, fresh] = symbol_ids_.emplace(symbol, static_cast<int32_t>(symbols_.size()));
  if (fresh) {
    symbols_.push_back(symbol);
    auto found = vocab_.find(symbol);
    symbol_vocab_id_.push_back(found == vocab_.end() ? -1 : found->second);
  }
  return it->second;
}

std::vector<int32_t> ByteLevelBpe::bpe(std::string_view piece) const {
  // The cache's two seeds: the special tokens stay whole.
  if (piece == "<|startoftext|>" || piece == "<|endoftext|>") return {symbol_ids_.at(std::string(piece))};
  std::vector<int32_t> word;
  word.reserve(piece.size());
  for (size_t k = 0; k < piece.size(); ++k) {
    auto byte = static_cast<unsigned char>(piece[k]);
    word.push_back(k + 1 == piece.size() ? byte_word_end_symbols_[byte] : byte_symbols_[byte]);
  }
  std::vector<int32_t> merged;
  while (word.size() > 1) {
    int32_t best = std::numeric_limits<int32_t>::max();
    int32_t first = -1, second = -1, result = -1;
    for (size_t k = 0; k + 1 < word.size(); ++k) {
      uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(word[k])) << 32) | static_cast<uint32_t>(word[k + 1]);
      auto it = ranks_.find(key);
      if (it != ranks_.end() && it->second.rank < best) {
        best = it->second.rank;
        first = word[k];
        second = word[k + 1];
        result = it->second.merged;
      }
    }
    if (first < 0) break;
    // Every occurrence of the pair, left to right, without overlap.
    merged.clear();
    for (size_t k = 0; k < word.size();) {
      if (k + 1 < word.size() && word[k] == first && word[k + 1] == second) {
        merged.push_back(result);
        k += 2;
      } else {
        merged.push_back(word[k]);
        ++k;
      }
    }
    word.swap(merged);
  }
  return word;
}

void ByteLevelBpe::encode_piece(std::string_view piece, int64_t unk_id, std::vector<int64_t>& ids) const {
  if (piece.empty()) return;
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(std::string(piece));
    if (it != cache_.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int64_t> out;
  for (int32_t symbol : bpe(piece)) {
    int64_t id = symbol_vocab_id_[static_cast<size_t>(symbol)];
    out.push_back(id >= 0 ? id : unk_id);
  }
  ids.insert(ids.end(), out.begin(), out.end());
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_.emplace(std::string(piece), std::move(out));
}

const std::string* ByteLevelBpe::token(int64_t id) const {
  auto it = decoder_.find(id);
  return it == decoder_.end() ? nullptr : &it->second;
}

int64_t ByteLevelBpe::id(const std::string& token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

std::string ByteLevelBpe::tokens_to_string(const std::vector<const std::string*>& tokens) const {
  std::string bytes;
  for (const std::string* token : tokens) {
    for (char32_t c : code_points(*token)) {
      int byte = byte_of(c);
      if (byte < 0) {
        std::string symbol;
        append_utf8(symbol, c);
        throw invalid(
            concat("token '", *token, "' has the symbol '", symbol, "', which stands for no byte (bytes_to_unicode)"));
      }
      bytes += static_cast<char>(byte);
    }
  }
  std::string text = decode_replacing(bytes);
  std::string spaced;
  for (size_t k = 0; k < text.size();) {
    if (text.compare(k, 4, "</w>") == 0) {
      spaced += ' ';
      k += 4;
    } else {
      spaced += text[k++];
    }
  }
  std::u32string points = code_points(spaced);
  size_t begin = 0, end = points.size();
  while (begin < end && is_python_space(points[begin])) ++begin;
  while (end > begin && is_python_space(points[end - 1])) --end;
  std::string out;
  for (size_t k = begin; k < end; ++k) append_utf8(out, points[k]);
  return out;
}

}  // namespace transformers
