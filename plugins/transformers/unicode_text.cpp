#include "unicode_text.h"

#include <brick/sdk/error.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>

#include <memory>

namespace transformers {

namespace {

[[noreturn]] void bad_utf8(size_t offset, unsigned char byte) {
  static const char* hex = "0123456789abcdef";
  std::string message = "text is not valid UTF-8: byte 0x";
  message += hex[byte >> 4];
  message += hex[byte & 15];
  message += " at offset " + std::to_string(offset);
  throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
}

struct CaseMapCloser {
  void operator()(UCaseMap* map) const { ucasemap_close(map); }
};

}  // namespace

std::u32string code_points(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  for (size_t i = 0; i < n;) {
    unsigned char b = s[i];
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    int extra;
    char32_t c;
    char32_t least;
    if ((b & 0xE0) == 0xC0) {
      extra = 1, c = b & 0x1F, least = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2, c = b & 0x0F, least = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3, c = b & 0x07, least = 0x10000;
    } else {
      bad_utf8(i, b);
    }
    if (i + static_cast<size_t>(extra) >= n) bad_utf8(i, b);  // truncated
    for (int k = 1; k <= extra; ++k) {
      unsigned char next = s[i + k];
      if ((next & 0xC0) != 0x80) bad_utf8(i + k, next);
      c = (c << 6) | (next & 0x3F);
    }
    if (c < least || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) bad_utf8(i, b);
    out.push_back(c);
    i += extra + 1;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool is_letter(char32_t c) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_L_MASK) != 0; }

bool is_number(char32_t c) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_N_MASK) != 0; }

bool is_white_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_WHITE_SPACE) != 0;
}

bool is_python_space(char32_t c) { return is_white_space(c) || (c >= 0x1C && c <= 0x1F); }

char32_t fold_case(char32_t c) {
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

std::string whitespace_clean(std::string_view utf8) {
  std::u32string text = code_points(utf8);
  std::u32string joined;
  joined.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (!is_white_space(text[i])) {
      joined.push_back(text[i]);
      continue;
    }
    joined.push_back(U' ');
    while (i + 1 < text.size() && is_white_space(text[i + 1])) ++i;
  }
  size_t begin = 0, end = joined.size();
  while (begin < end && is_python_space(joined[begin])) ++begin;
  while (end > begin && is_python_space(joined[end - 1])) --end;
  std::string out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) append_utf8(out, joined[i]);
  return out;
}

std::string lower(std::string_view utf8) {
  bool ascii = true;
  for (char ch : utf8) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  std::string out(utf8);
  if (ascii) {
    for (char& ch : out) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return out;
  }
  // "" is ICU's root locale: no Turkish or Lithuanian rules, as Python.
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCaseMap, CaseMapCloser> map(ucasemap_open("", U_FOLD_CASE_DEFAULT, &status));
  if (U_FAILURE(status))
    throw brick::Error(BRICK_ERR_INTERNAL, std::string("ICU ucasemap_open: ") + u_errorName(status));
  // Lower-casing can lengthen UTF-8 (U+0130 -> i + U+0307, 2 -> 3 bytes);
  // ICU says how much room it needed when the first guess is short.
  out.resize(utf8.size() + utf8.size() / 2 + 4);
  for (int attempt = 0; attempt < 2; ++attempt) {
    status = U_ZERO_ERROR;
    int32_t length = ucasemap_utf8ToLower(map.get(), out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                          static_cast<int32_t>(utf8.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      out.resize(static_cast<size_t>(length));
      continue;
    }
    if (U_FAILURE(status))
      throw brick::Error(BRICK_ERR_INTERNAL, std::string("ICU lower-casing: ") + u_errorName(status));
    out.resize(static_cast<size_t>(length));
    return out;
  }
  throw brick::Error(BRICK_ERR_INTERNAL, "ICU lower-casing: buffer size");
}

}  // namespace transformers
