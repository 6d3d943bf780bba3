// CLIP's pre-tokenizer: the pieces that
//
//   re.findall(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
//              text, re.IGNORECASE)
//
// returns (transformers' tokenization_clip.py and OpenAI's simple_tokenizer.py,
// both with the `regex` module), written as a scanner over code points: at
// each position the first alternative that matches wins, and a position no
// alternative matches (white space) is skipped. IGNORECASE compares simple
// case folds, so "'ſ" is a contraction like "'s" and "<|ſtartoftext|>" is the
// special token.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace transformers {

// `text` is UTF-8, already cleaned and lower-cased; the pieces are UTF-8.
std::vector<std::string> clip_pre_tokenize(std::string_view text);

}  // namespace transformers
