#include "clip_pre_tokenizer.h"

#include "unicode_text.h"

namespace transformers {

namespace {

// U+0345 COMBINING GREEK YPOGEGRAMMENI is a mark whose case fold is a letter
// (U+03B9). Under IGNORECASE the regex module's [^\s\p{L}\p{N}] does not
// match it (its fold is a letter) and neither does [\p{L}] (it is not one):
// no alternative does, so findall skips it like white space. Measured with
// python3-regex 2022.10.31 over every code point; it is the only such one.
constexpr char32_t kYpogegrammeni = 0x345;

bool is_symbol(char32_t c) { return !is_white_space(c) && !is_letter(c) && !is_number(c) && c != kYpogegrammeni; }

// Whether `literal` (ASCII, lower case) matches at text[i], under IGNORECASE.
bool matches_at(const std::u32string& text, size_t i, std::string_view literal) {
  if (text.size() - i < literal.size()) return false;
  for (size_t k = 0; k < literal.size(); ++k) {
    char32_t c = text[i + k];
    char32_t want = static_cast<unsigned char>(literal[k]);
    if (c != want && fold_case(c) != want) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> clip_pre_tokenize(std::string_view utf8) {
  static constexpr std::string_view kAlternatives[] = {
      "<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
  const std::u32string text = code_points(utf8);
  std::vector<std::string> pieces;
  auto emit = [&](size_t begin, size_t end) {
    std::string piece;
    for (size_t k = begin; k < end; ++k) append_utf8(piece, text[k]);
    pieces.push_back(std::move(piece));
  };
  size_t i = 0;
  while (i < text.size()) {
    const char32_t c = text[i];
    if (c == U'<' || c == U'\'') {
      size_t matched = 0;
      for (std::string_view literal : kAlternatives) {
        if (matches_at(text, i, literal)) {
          matched = literal.size();
          break;
        }
      }
      if (matched) {
        emit(i, i + matched);
        i += matched;
        continue;
      }
    }
    size_t end = i + 1;
    if (is_letter(c)) {
      while (end < text.size() && is_letter(text[end])) ++end;
    } else if (is_number(c)) {
      // [\p{N}]: one digit at a time.
    } else if (is_symbol(c)) {
      while (end < text.size() && is_symbol(text[end])) ++end;
    } else {
      ++i;  // white space (or U+0345): no alternative matches here
      continue;
    }
    emit(i, end);
    i = end;
  }
  return pieces;
}

}  // namespace transformers
