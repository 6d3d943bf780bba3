// transformers.CLIPTokenizer through the real loader, on OpenAI's CLIP
// vocabulary (fixtures/clip_tokenizer, converted from
// bpe_simple_vocab_16e6.txt.gz), against the ids OpenAI's simple_tokenizer.py
// gives a corpus of prompts (fixtures/tokenizer_corpus.json, written by
// make_tokenizer_fixtures.py): Stable Diffusion's tokenizer (padded with
// <|endoftext|>) and SDXL's second one (pad token "!").
#include <ATen/ops/equal.h>
#include <ATen/ops/tensor.h>

#include <fstream>
#include <sstream>

#include "brick/host/base/error.h"
#include "brick/host/value/json.h"
#include "transformers_test_support.h"

using namespace transformers_test;

namespace {

constexpr int64_t kBos = 49406, kEos = 49407;

struct Prompt {
  std::string text;
  std::vector<int64_t> ids;        // OpenAI's encode
  std::vector<int64_t> ids_sd;     // Stable Diffusion's tokenizer (transformers' split at special tokens)
  std::vector<int64_t> ids_sdxl2;  // SDXL's tokenizer_2 ("!" is its pad token, a special token)
  std::string decoded;
};

std::vector<int64_t> ints(const Value& list) {
  std::vector<int64_t> out;
  for (const Value& v : list.as_list()) out.push_back(v.as_int());
  return out;
}

const std::vector<Prompt>& corpus() {
  static const std::vector<Prompt> prompts = [] {
    std::ifstream in(kFixtures / "tokenizer_corpus.json", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    Value document = brick::host::parse_json(text.str());
    std::vector<Prompt> out;
    for (const Value& entry : document.find("prompts")->as_list()) {
      Prompt p;
      p.text = entry.find("text")->as_string();
      p.ids = ints(*entry.find("ids"));
      p.ids_sd = entry.find("ids_sd") ? ints(*entry.find("ids_sd")) : p.ids;
      p.ids_sdxl2 = entry.find("ids_sdxl2") ? ints(*entry.find("ids_sdxl2")) : p.ids;
      p.decoded = entry.find("decoded")->as_string();
      out.push_back(std::move(p));
    }
    return out;
  }();
  return prompts;
}

// transformers' truncation to max_length and padding: bos + ids[:max - 2] + eos + pads.
std::vector<int64_t> padded(const std::vector<int64_t>& ids, int64_t pad, size_t length = 77) {
  std::vector<int64_t> row{kBos};
  for (size_t i = 0; i < ids.size() && row.size() < length - 1; ++i) row.push_back(ids[i]);
  row.push_back(kEos);
  while (row.size() < length) row.push_back(pad);
  return row;
}

std::vector<int64_t> row(const at::Tensor& t, int64_t r) {
  at::Tensor x = t[r].contiguous();
  return std::vector<int64_t>(x.data_ptr<int64_t>(), x.data_ptr<int64_t>() + x.numel());
}

Value texts(const std::vector<Prompt>& prompts) {
  Value::List list;
  for (const Prompt& p : prompts) list.emplace_back(p.text);
  return Value::list(std::move(list));
}

// SDXL's tokenizer_2/: the same vocabulary, pad token "!".
void make_sdxl_tokenizer_2(const fs::path& folder) {
  copy_folder(kTokenizerFolder, folder);
  std::ofstream(folder / "special_tokens_map.json", std::ios::trunc)
      << R"({"bos_token": {"content": "<|startoftext|>", "lstrip": false, "normalized": true, "rstrip": false,)"
      << R"( "single_word": false}, "eos_token": {"content": "<|endoftext|>", "lstrip": false, "normalized": true,)"
      << R"( "rstrip": false, "single_word": false}, "pad_token": "!", "unk_token": {"content": "<|endoftext|>",)"
      << R"( "lstrip": false, "normalized": true, "rstrip": false, "single_word": false}})";
  std::ofstream(folder / "tokenizer_config.json", std::ios::trunc)
      << R"({"add_prefix_space": false, "bos_token": "<|startoftext|>", "do_lower_case": true, )"
      << R"("eos_token": "<|endoftext|>", "errors": "replace", "model_max_length": 77, "pad_token": "!", )"
      << R"("tokenizer_class": "CLIPTokenizer", "unk_token": "<|endoftext|>"})";
}

std::shared_ptr<Object> sd_tokenizer() {
  static std::shared_ptr<Object> tokenizer = load("CLIPTokenizer", kTokenizerFolder);
  return tokenizer;
}

Value encode(const std::shared_ptr<Object>& tokenizer, Value text, Value::Dict kwargs) {
  kwargs.emplace_back("text", std::move(text));
  return call(tokenizer, "__call__", std::move(kwargs));
}

}  // namespace

TEST(CLIPTokenizer, TheCorpusIsLargeAndVaried) {
  const std::vector<Prompt>& prompts = corpus();
  EXPECT_GE(prompts.size(), 200u);
  size_t long_ones = 0, empty = 0, non_ascii = 0;
  for (const Prompt& p : prompts) {
    long_ones += p.ids.size() > 75;
    empty += p.text.empty();
    bool ascii = true;
    for (char c : p.text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    non_ascii += !ascii;
  }
  EXPECT_GE(long_ones, 5u);
  EXPECT_EQ(empty, 1u);
  EXPECT_GE(non_ascii, 50u);
}

TEST(CLIPTokenizer, StableDiffusionIdsEqualOpenAIsOnTheCorpus) {
  const std::vector<Prompt>& prompts = corpus();
  std::shared_ptr<Object> tokenizer = sd_tokenizer();
  Value out = encode(tokenizer, texts(prompts), {{"padding", "max_length"}, {"max_length", 77}, {"truncation", true}});
  at::Tensor ids = tensor(out, "input_ids"), mask = tensor(out, "attention_mask");
  ASSERT_EQ(ids.sizes(), (std::vector<int64_t>{static_cast<int64_t>(prompts.size()), 77}));
  EXPECT_EQ(ids.scalar_type(), at::kLong);
  EXPECT_EQ(mask.scalar_type(), at::kLong);
  size_t differing = 0;
  for (size_t i = 0; i < prompts.size(); ++i) {
    std::vector<int64_t> want = padded(prompts[i].ids_sd, kEos);
    if (row(ids, static_cast<int64_t>(i)) != want) {
      ++differing;
      ADD_FAILURE() << "prompt " << i << " '" << prompts[i].text << "'";
    }
    int64_t real = static_cast<int64_t>(std::min<size_t>(prompts[i].ids_sd.size() + 2, 77));
    EXPECT_EQ(mask[static_cast<int64_t>(i)].sum().item<int64_t>(), real) << prompts[i].text;
    EXPECT_EQ(mask[static_cast<int64_t>(i)][real - 1].item<int64_t>(), 1);
  }
  EXPECT_EQ(differing, 0u);
}

TEST(CLIPTokenizer, SdxlSecondTokenizerPadsWithExclamationMarks) {
  TempDir dir;
  make_sdxl_tokenizer_2(dir / "tokenizer_2");
  std::shared_ptr<Object> tokenizer = load("CLIPTokenizer", dir / "tokenizer_2");
  const std::vector<Prompt>& prompts = corpus();
  Value out = encode(tokenizer, texts(prompts), {{"padding", "max_length"}, {"max_length", 77}, {"truncation", true}});
  at::Tensor ids = tensor(out, "input_ids");
  size_t differing = 0;
  for (size_t i = 0; i < prompts.size(); ++i) {
    if (row(ids, static_cast<int64_t>(i)) != padded(prompts[i].ids_sdxl2, 0)) {
      ++differing;
      ADD_FAILURE() << "prompt " << i << " '" << prompts[i].text << "'";
    }
  }
  EXPECT_EQ(differing, 0u);
  // diffusers issue #4153, as transformers' CLIPTokenizer prints it: every
  // "!" is the pad token, id 0.
  at::Tensor bang = tensor(
      encode(tokenizer, Value("! !! !!!"), {{"padding", "max_length"}, {"max_length", 77}, {"truncation", true}}),
      "input_ids");
  std::vector<int64_t> want{kBos, 0, 0, 0, 0, 0, 0, kEos};
  want.resize(77, 0);
  EXPECT_EQ(row(bang, 0), want);
}

TEST(CLIPTokenizer, PaddingAndTruncationFollowTransformers) {
  std::shared_ptr<Object> tokenizer = sd_tokenizer();
  const std::vector<Prompt>& prompts = corpus();
  const Prompt* long_prompt = nullptr;
  const Prompt* short_prompt = nullptr;
  for (const Prompt& p : prompts) {
    if (!long_prompt || p.ids.size() > long_prompt->ids.size()) long_prompt = &p;
    if (p.text == "a photo of a cat") short_prompt = &p;
  }
  ASSERT_TRUE(short_prompt);
  ASSERT_GT(long_prompt->ids.size(), 200u);
  // No padding, no truncation: one text as long as it is.
  at::Tensor ids = tensor(encode(tokenizer, Value(long_prompt->text), {}), "input_ids");
  std::vector<int64_t> full{kBos};
  full.insert(full.end(), long_prompt->ids.begin(), long_prompt->ids.end());
  full.push_back(kEos);
  EXPECT_EQ(row(ids, 0), full);
  // "longest": to the longest of the batch (what SD pipelines use to warn about truncation).
  Value both = Value::list({Value(short_prompt->text), Value(long_prompt->text)});
  Value out = encode(tokenizer, both, {{"padding", "longest"}});
  ids = tensor(out, "input_ids");
  ASSERT_EQ(ids.size(1), static_cast<int64_t>(full.size()));
  EXPECT_EQ(row(ids, 0), padded(short_prompt->ids, kEos, full.size()));
  EXPECT_EQ(tensor(out, "attention_mask")[0].sum().item<int64_t>(), 7);
  // Truncation to a max_length of its own, padding True (= longest).
  out = encode(tokenizer, both, {{"padding", true}, {"truncation", true}, {"max_length", 10}});
  ids = tensor(out, "input_ids");
  EXPECT_EQ(row(ids, 1), padded(long_prompt->ids, kEos, 10));
  EXPECT_EQ(row(ids, 0), padded(short_prompt->ids, kEos, 10));
  // max_length padding without a max_length: model_max_length (77).
  EXPECT_EQ(tensor(encode(tokenizer, Value("a"), {{"padding", "max_length"}}), "input_ids").size(1), 77);
  // No special tokens.
  ids = tensor(encode(tokenizer, Value("a photo of a cat"), {{"add_special_tokens", false}}), "input_ids");
  EXPECT_EQ(row(ids, 0), short_prompt->ids);
  // Ragged rows cannot make a tensor.
  try {
    encode(tokenizer, both, {});
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("Unable to create tensor"), std::string::npos) << e.what();
  }
}

TEST(CLIPTokenizer, DecodeGivesTheTextBack) {
  std::shared_ptr<Object> tokenizer = sd_tokenizer();
  size_t checked = 0;
  for (const Prompt& p : corpus()) {
    bool special = false;
    for (int64_t id : p.ids) special = special || id >= kBos;
    if (special) continue;
    EXPECT_EQ(call(tokenizer, "decode", {{"token_ids", Value::list(std::vector<Value>(p.ids.begin(), p.ids.end()))}})
                  .as_string(),
              p.decoded)
        << p.text;
    ++checked;
  }
  EXPECT_GT(checked, 200u);
  // A padded row, its special tokens skipped; batch_decode of a tensor.
  at::Tensor ids = tensor(encode(tokenizer, Value::list({Value("A photo of a CAT!"), Value("two dogs")}),
                                 {{"padding", "max_length"}, {"truncation", true}}),
                          "input_ids");
  Value decoded = call(tokenizer, "batch_decode", {{"sequences", ids}, {"skip_special_tokens", true}});
  EXPECT_EQ(decoded.as_list()[0].as_string(), "a photo of a cat !");
  EXPECT_EQ(decoded.as_list()[1].as_string(), "two dogs");
  EXPECT_EQ(call(tokenizer, "decode",
                 {{"token_ids", ids[1]}, {"skip_special_tokens", true}, {"clean_up_tokenization_spaces", true}})
                .as_string(),
            "two dogs");
  EXPECT_EQ(
      call(
          tokenizer, "decode",
          {{"token_ids", ids[0].slice(0, 0, 9)}, {"clean_up_tokenization_spaces", true}, {"skip_special_tokens", true}})
          .as_string(),
      "a photo of a cat!");
}

TEST(CLIPTokenizer, TokenizeAndConvertTokensToIds) {
  std::shared_ptr<Object> tokenizer = sd_tokenizer();
  Value tokens = call(tokenizer, "tokenize", {{"text", "A photo of a cat<|endoftext|>"}});
  std::vector<std::string> names;
  for (const Value& t : tokens.as_list()) names.push_back(t.as_string());
  EXPECT_EQ(names, (std::vector<std::string>{"a</w>", "photo</w>", "of</w>", "a</w>", "cat</w>", "<|endoftext|>"}));
  EXPECT_EQ(ints(call(tokenizer, "convert_tokens_to_ids", {{"tokens", tokens}})),
            (std::vector<int64_t>{320, 1125, 539, 320, 2368, kEos}));
  EXPECT_EQ(ints(call(tokenizer, "encode", {{"text", "a cat"}})), (std::vector<int64_t>{kBos, 320, 2368, kEos}));
}

TEST(CLIPTokenizer, ConfigSaveAndLoadBack) {
  std::shared_ptr<Object> tokenizer = sd_tokenizer();
  Value config = tokenizer->config();
  EXPECT_EQ(config.find("model_max_length")->as_int(), 77);
  EXPECT_EQ(config.find("pad_token")->as_string(), "<|endoftext|>");
  EXPECT_FALSE(config.find("_name_or_path"));
  TempDir dir;
  // Object::save (what ModularPipeline::save_pretrained calls) lets the type
  // write its folder: transformers' files, byte for byte for the vocabulary.
  tokenizer->save(dir / "tokenizer");
  EXPECT_FALSE(fs::exists(dir / "tokenizer" / "config.json"));
  for (const char* file : {"vocab.json", "merges.txt"}) {
    std::ifstream a(kTokenizerFolder / file, std::ios::binary), b(dir / "tokenizer" / file, std::ios::binary);
    std::stringstream sa, sb;
    sa << a.rdbuf();
    sb << b.rdbuf();
    EXPECT_TRUE(sa.str() == sb.str()) << file << " differs from the fixture's";
  }
  EXPECT_TRUE(fs::exists(dir / "tokenizer" / "tokenizer_config.json"));
  EXPECT_TRUE(fs::exists(dir / "tokenizer" / "special_tokens_map.json"));
  std::shared_ptr<Object> again = load("CLIPTokenizer", dir / "tokenizer");
  Value args = Value::dict({{"text", texts(corpus())}, {"padding", "max_length"}, {"truncation", true}});
  EXPECT_TRUE(at::equal(tensor(again->call("__call__", args), "input_ids"),
                        tensor(tokenizer->call("__call__", args), "input_ids")));
}

TEST(CLIPTokenizer, FilesGivenByPathAndBadInput) {
  // transformers' constructor arguments, without a folder.
  std::shared_ptr<Object> made =
      create("CLIPTokenizer", Value::dict({{"vocab_file", (kTokenizerFolder / "vocab.json").string()},
                                           {"merges_file", (kTokenizerFolder / "merges.txt").string()}}));
  EXPECT_EQ(ints(call(made, "encode", {{"text", "a cat"}})), (std::vector<int64_t>{kBos, 320, 2368, kEos}));
  try {
    create("CLIPTokenizer");
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs its vocabulary"), std::string::npos) << e.what();
  }
  TempDir dir;
  fs::create_directories(dir / "tokenizer");
  std::ofstream(dir / "tokenizer" / "tokenizer_config.json") << R"({"model_max_length": 77})";
  try {
    load("CLIPTokenizer", dir / "tokenizer");
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read '" + (dir / "tokenizer" / "vocab.json").string()),
              std::string::npos)
        << e.what();
  }
  try {
    encode(sd_tokenizer(), Value(std::string("caf\xC3")), {});
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not valid UTF-8"), std::string::npos) << e.what();
  }
  try {
    encode(sd_tokenizer(), Value("a"), {{"padding", "sideways"}});
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("padding 'sideways'"), std::string::npos) << e.what();
  }
}
