// The Unicode questions CLIP's text clean-up and pre-tokenizer ask, answered
// by ICU (Debian's libicu, which LibTorch already loads into every brick
// process): code points of UTF-8 text, general categories (\p{L}, \p{N}),
// White_Space, simple case folding, and Python's str.lower() (full lower-case
// mapping, root locale, final sigma).
#pragma once

#include <string>
#include <string_view>

namespace transformers {

// The code points of UTF-8 text; invalid UTF-8 (overlong forms, surrogates,
// truncated sequences, > U+10FFFF) is an error naming the byte offset.
std::u32string code_points(std::string_view utf8);
void append_utf8(std::string& out, char32_t c);

bool is_letter(char32_t c);       // \p{L}: Lu, Ll, Lt, Lm, Lo
bool is_number(char32_t c);       // \p{N}: Nd, Nl, No
bool is_white_space(char32_t c);  // the regex module's \s: the White_Space property
// Python's str.isspace(): White_Space plus the separators U+001C..U+001F.
bool is_python_space(char32_t c);
// Simple case folding, what the regex module's IGNORECASE compares.
char32_t fold_case(char32_t c);

// transformers' whitespace_clean: every run of \s becomes one space, then
// str.strip().
std::string whitespace_clean(std::string_view utf8);

// Python's str.lower() (locale independent).
std::string lower(std::string_view utf8);

}  // namespace transformers
