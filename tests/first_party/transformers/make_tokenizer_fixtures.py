#!/usr/bin/python3
"""The CLIP tokenizer fixtures of tests/first_party/transformers (not run by CI).

What it writes, under fixtures/ beside this file:

  clip_tokenizer/vocab.json, merges.txt   OpenAI's CLIP BPE vocabulary, converted
  clip_tokenizer/tokenizer_config.json,   Stable Diffusion 1.x's tokenizer settings
    special_tokens_map.json                (pad token "<|endoftext|>", model_max_length 77)
  clip_tokenizer/LICENSE                   the vocabulary's licence (MIT, OpenAI)
  tokenizer_corpus.json                    the prompts and the ids OpenAI's tokenizer gives them

The vocabulary. OpenAI's `clip/bpe_simple_vocab_16e6.txt.gz` (openai/CLIP, MIT licence) holds a
header line and the BPE merges in rank order. The vocabulary is derived from it exactly as
`clip/simple_tokenizer.py` does (SimpleTokenizer.__init__): the 256 byte symbols of
bytes_to_unicode(), the same followed by "</w>", one symbol per merge among the first
49152 - 256 - 2 merges, then "<|startoftext|>" and "<|endoftext|>" (49408 entries). The two files
are written in the format transformers' CLIPTokenizer.save_vocabulary writes them
(src/transformers/models/clip/tokenization_clip.py, huggingface/transformers at 01f287b3):
vocab.json is json.dumps(encoder, indent=2, sort_keys=True, ensure_ascii=False) plus a newline,
merges.txt is "#version: 0.2" followed by one "a b" line per merge in rank order. That is the form
of the vocab.json / merges.txt in every Stable Diffusion folder's tokenizer/.

The expected ids. Each prompt is encoded by OpenAI's own `clip/simple_tokenizer.py`, imported from
a checkout of openai/CLIP (never copied into this tree). It imports `ftfy`, which Debian does not
package: this script puts in its place a module whose fix_text is the identity, so the reference
is basic_clean without ftfy (html.unescape twice, strip), whitespace_clean, lower-casing, the
regex pre-tokenizer and the BPE. transformers' CLIPTokenizer (with ftfy absent from the picture)
does not unescape HTML entities, and brick's follows transformers, so the script checks that
html.unescape leaves every prompt of the corpus unchanged: on such prompts the two agree. The
stored ids are SimpleTokenizer.encode's, without start/end tokens and untruncated; the C++ test
builds the padded and truncated rows from them (bos + ids[:75] + eos + padding, as transformers'
truncation to max_length 77 does).

One more rule is transformers' own (tokenization_utils.py, PreTrainedTokenizer.tokenize): the
text is first cut at the special tokens' text, and each part is tokenized alone. For Stable
Diffusion's tokenizer (<|startoftext|>, <|endoftext|>) that changes nothing but text glued to a
special token ("!<|endoftext|>"); SDXL's second tokenizer has the pad token "!" (id 0), so there
every "!" becomes id 0 (diffusers issue #4153 shows "! !! !!!" giving six 0s). Where these rules
change the ids, the entry also has "ids_sd" / "ids_sdxl2": OpenAI's encode of each part, the
special tokens' ids between them.

Run it with Debian's interpreter (python3-regex is the only package it needs):

    git clone <openai/CLIP> /tmp/CLIP          # or unpack a snapshot of it there
    /usr/bin/python3 tests/first_party/transformers/make_tokenizer_fixtures.py --clip /tmp/CLIP

The fixtures it wrote were made from openai/CLIP at d05afc436d78f1c48dc0dbf8e5980a9d471f35f6.
"""
import argparse
import gzip
import html
import importlib.util
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")


def corpus():
    """At least 200 prompts: Stable Diffusion style, punctuation, numbers, unicode, emoji,
    whitespace, contractions, special-token text, prompts longer than 77 tokens, the empty one."""
    prompts = [
        "",
        " ",
        "\t\n ",
        "a photo of a cat",
        "A photo of a cat",
        "A PHOTO OF A CAT",
        "a photograph of an astronaut riding a horse",
        "An astronaut riding a green horse",
        "a painting of a fox sitting in a field at sunrise in the style of Claude Monet",
        "portrait of a young woman, highly detailed, digital painting, artstation, concept art, sharp focus, illustration",
        "masterpiece, best quality, 1girl, solo, long hair, looking at viewer, smile, blue eyes",
        "(masterpiece:1.2), (best quality:1.1), [blurry], {cinematic lighting}",
        "((ultra-detailed)), 8k uhd, dslr, soft lighting, high quality, film grain, Fujifilm XT3",
        "cyberpunk city at night, neon lights, rain, reflections, volumetric fog, octane render, unreal engine 5",
        "A cute corgi lives in a house made out of sushi",
        "Astronaut in a jungle, cold color palette, muted colors, detailed, 8k",
        "a red circle",
        "a blue square on a yellow background",
        "an oil painting of a lighthouse during a storm",
        "low poly, isometric, 3d render, blender, pastel colors",
        "watercolor illustration of a small village by the sea",
        "close-up photo of a dew drop on a leaf, macro, f/2.8, 100mm",
        "a bowl of ramen, food photography, top-down view",
        "steampunk airship above victorian london, matte painting",
        "pixel art of a knight fighting a dragon, 16-bit",
        "ukiyo-e print of mount fuji with cherry blossoms",
        "studio ghibli style, a girl and a cat on a train",
        "by Greg Rutkowski and Alphonse Mucha, trending on ArtStation",
        "negative prompt: lowres, bad anatomy, bad hands, text, error, missing fingers",
        "worst quality, low quality, jpeg artifacts, signature, watermark, username, blurry",
        # Contractions and apostrophes.
        "it's a dog's life",
        "don't stop, we'll see, they're here, I've been, I'm fine, you'd know",
        "IT'S LOUD, DON'T SHOUT, WE'LL SEE",
        "rock 'n' roll",
        "the '80s and the '90s",
        "'s 't 're 've 'm 'll 'd",
        "''quoted''",
        "\"double quoted\" and 'single quoted'",
        "o'clock o'neil rock'n'roll",
        "it\u2019s a typographic apostrophe",
        "it'\u017f the long s",
        # Punctuation.
        "Hello, world!",
        "wait... what?!",
        "a -- b --- c",
        "x+y=z; a*b/c; 50% off; #hashtag; @mention; $100; ^_^; ~tilde~",
        "email@example.com and https://example.com/path?query=1&x=2",
        "C:\\Users\\name\\file.txt",
        "a_b_c snake_case CamelCase kebab-case",
        "<html> <div class=\"x\"> </div>",
        "{[()]} <<>> ||| \\\\ ///",
        "!!!???...,,,;;;:::",
        "£100 €200 ¥300 ₹400 ₿ bitcoin",
        "© 2024 ® ™ § ¶ † ‡ • …",
        "“curly quotes” ‘single’ «guillemets» „low“",
        "en–dash em—dash minus−sign",
        "tab\tseparated\tvalues",
        "line one\nline two\r\nline three",
        "   leading and trailing spaces   ",
        "multiple     inner      spaces",
        "\u00a0no-break\u00a0spaces\u00a0",
        "ideographic\u3000space",
        "zero\u200bwidth\u200bspace",
        "thin\u2009space and hair\u200aspace",
        "line\u2028separator and paragraph\u2029separator",
        "next\u0085line",
        "unit\x1fseparator and record\x1eseparator",
        "\x1cfile separator at the start",
        "bell\x07 and escape\x1b characters",
        "null\x00byte",
        "soft\u00adhyphen",
        "word\u200djoiner\u200c",
        # Numbers.
        "1girl",
        "2 girls, 3 boys",
        "3.14159265358979",
        "1,000,000 and 1.000.000",
        "the year 2024, the 21st century",
        "x2 x10 100x 4k 8K 16:9 1920x1080",
        "007 0.5 -1 +2 1e10 0x1F",
        "12345678901234567890",
        "room 101, apartment 5B",
        "½ ¼ ¾ ⅓",
        "x² y³ H₂O",
        "Ⅰ Ⅱ Ⅲ Ⅻ ⅻ",
        "１２３ ＡＢＣ full-width",
        "٠١٢٣٤ arabic-indic digits",
        "०१२३ devanagari digits",
        "① ② ③ circled",
        # Letters beyond ASCII.
        "café crème brûlée",
        "naïve coöperation über Straße",
        "ÉCOLE ÉLÉMENTAIRE",
        "ÀÉÎÕÜ àéîõü",
        "e\u0301 combining acute",
        "Ångström",
        "Ærøskøbing",
        "İstanbul ve ıspanak",
        "ΟΔΟΣ Οδυσσέας",
        "Σίσυφος ΣΊΣΥΦΟΣ",
        "Москва — столица России",
        "Київ",
        "中文提示词：一只猫",
        "日本語のプロンプト、かわいい猫",
        "ひらがな カタカナ 漢字",
        "한국어 프롬프트 고양이",
        "مرحبا بالعالم",
        "שלום עולם",
        "नमस्ते दुनिया",
        "สวัสดีชาวโลก",
        "Tiếng Việt có dấu",
        "ǅungla ǈudevit ǋegoš",
        "ﬁne ﬂour ﬀ",
        "ẞ großes eszett",
        "Ωmega K kelvin Å angstrom",
        "𝓕𝓪𝓷𝓬𝔂 𝕋𝕖𝕩𝕥",
        "ʕ•ᴥ•ʔ (╯°□°）╯︵ ┻━┻",
        "ℌ𝔢𝔩𝔩𝔬",
        # Emoji and symbols.
        "😀",
        "a happy dog 🐶 playing with a ball ⚽",
        "👍🏽 thumbs up with skin tone",
        "👨‍👩‍👧‍👦 family",
        "🇫🇷 🇯🇵 🇺🇸 flags",
        "❤️ red heart with variation selector",
        "🔥🔥🔥 fire",
        "☀ ☁ ☂ ☃ ★ ☆",
        "→ ← ↑ ↓ ⇒ ⇔",
        "∑ ∫ √ ∞ ≈ ≠ ≤ ≥ ∂ ∇",
        "♠ ♣ ♥ ♦ ♪ ♫",
        "🏳️‍🌈 rainbow flag",
        "emoji😀without😀spaces",
        "🧑🏿‍🚀 astronaut",
        "©️ ®️ ™️",
        "keycap 1️⃣ 2️⃣ #️⃣",
        # Special-token text and odd cases.
        "<|startoftext|>",
        "<|endoftext|>",
        "a cat<|endoftext|>",
        "<|startoftext|>a dog<|endoftext|>",
        "<|ENDOFTEXT|> upper case",
        "<|\u017ftartoftext|> long s",
        "!<|endoftext|>",
        "! !! !!!",
        "hello!world!",
        "x\u0345 ypogegrammeni",
        "<|endoftext",
        "< |endoftext| >",
        "</w>",
        "a</w>b",
        "!",
        "!!",
        ".",
        "a",
        "I",
        "the the the the",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "supercalifragilisticexpialidocious",
        "pneumonoultramicroscopicsilicovolcanoconiosis",
        "antidisestablishmentarianism",
        "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
        "xyzzy qwerty asdf zxcv",
        "AbCdEfGhIjKlMnOpQrStUvWxYz",
        "ΑΒΓΔ αβγδ",
        "\u3042" * 20,
        "\u00e9" * 30,
        "🐱" * 40,
        "1" * 80,
        "a " * 100,
        ", " * 60,
    ]
    # Long prompts: more than 75 BPE tokens, truncated to 77 with the special tokens.
    long_base = ("a highly detailed matte painting of a vast ancient city built into the side of a mountain, "
                 "waterfalls, lush vegetation, birds flying, golden hour, volumetric light, by a famous artist, "
                 "trending on artstation, award winning, 8k, octane render, unreal engine, cinematic composition, "
                 "dramatic clouds, reflections in the water, tiny people walking on bridges, lanterns, festival")
    prompts += [long_base, long_base.upper(), long_base + ", " + long_base, long_base.replace(", ", " ")]
    prompts += ["photo of " + ", ".join(["item %d" % i for i in range(60)])]
    prompts += [" ".join(["word%d" % i for i in range(90)])]
    # Combinations: subjects, styles and modifiers, so common words appear in many contexts.
    subjects = ["a cat", "an old man", "a robot", "a castle", "a forest", "a sports car", "a bowl of fruit",
                "two dogs", "a spaceship", "a mermaid", "the Eiffel Tower", "a mountain lake"]
    styles = ["oil painting", "pencil sketch", "35mm photo", "anime style", "3D render", "charcoal drawing",
              "watercolour", "art nouveau", "vaporwave", "baroque", "minimalist poster", "claymation"]
    modifiers = ["at night", "in the rain", "under the sea", "on Mars", "in a snow globe", "made of glass",
                 "surrounded by flowers", "in 1920s Paris", "with dramatic lighting", "at 50% opacity",
                 "(highly detailed:1.3)", "— award-winning!"]
    for i in range(len(subjects)):
        for j in range(3):
            s = subjects[i]
            st = styles[(i * 5 + j * 7) % len(styles)]
            m = modifiers[(i * 3 + j * 11) % len(modifiers)]
            prompts.append("%s, %s, %s" % (s, st, m))
    for i, s in enumerate(subjects):
        prompts.append("%s %s" % (s.upper(), modifiers[i].upper()))
        prompts.append("%s\t%s\n" % (styles[i], s))
    return prompts


def split_on_special_tokens(text, specials):
    """transformers' PreTrainedTokenizer.tokenize: the text is cut at its added tokens (the special
    tokens among them) by tokens_trie.split, longest match first, and each other part is
    tokenized on its own; CLIP's special tokens strip nothing around them."""
    parts, start, i = [], 0, 0
    while i < len(text):
        best = None
        for token in specials:
            if text.startswith(token, i) and (best is None or len(token) > len(best)):
                best = token
        if best is None:
            i += 1
            continue
        if i > start:
            parts.append((text[start:i], False))
        parts.append((best, True))
        i += len(best)
        start = i
    if start < len(text):
        parts.append((text[start:], False))
    return parts


def transformers_ids(tok, text, specials):
    """The ids transformers' CLIPTokenizer gives (no bos/eos), from OpenAI's encode of each part."""
    ids = []
    for part, special in split_on_special_tokens(text, specials):
        ids += [specials[part]] if special else tok.encode(part)
    return ids


def install_identity_ftfy():
    """simple_tokenizer imports ftfy at module level; Debian has no ftfy."""
    module = types.ModuleType("ftfy")
    module.fix_text = lambda text: text
    sys.modules["ftfy"] = module


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clip", required=True, help="a checkout of openai/CLIP")
    args = parser.parse_args()

    gz = os.path.join(args.clip, "clip", "bpe_simple_vocab_16e6.txt.gz")
    install_identity_ftfy()
    # OpenAI's module, from the checkout (the clip package's __init__ would import torchvision).
    spec = importlib.util.spec_from_file_location("simple_tokenizer", os.path.join(args.clip, "clip", "simple_tokenizer.py"))
    simple_tokenizer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(simple_tokenizer)

    tok = simple_tokenizer.SimpleTokenizer(gz)
    out = os.path.join(FIXTURES, "clip_tokenizer")
    os.makedirs(out, exist_ok=True)

    # vocab.json and merges.txt in save_vocabulary's format, from OpenAI's own tables.
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(tok.encoder, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for (a, b), rank in sorted(tok.bpe_ranks.items(), key=lambda kv: kv[1]):
            f.write(a + " " + b + "\n")
    assert len(tok.encoder) == 49408 and len(tok.bpe_ranks) == 48894
    # The settings of Stable Diffusion 1.x's tokenizer/ folder.
    token = lambda text: {"__type": "AddedToken", "content": text, "lstrip": False, "normalized": True,
                          "rstrip": False, "single_word": False}
    config = {"add_prefix_space": False, "bos_token": token("<|startoftext|>"), "do_lower_case": True,
              "eos_token": token("<|endoftext|>"), "errors": "replace", "model_max_length": 77,
              "pad_token": "<|endoftext|>", "tokenizer_class": "CLIPTokenizer", "unk_token": token("<|endoftext|>")}
    with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(config, indent=2, sort_keys=True) + "\n")
    special = {"bos_token": token("<|startoftext|>"), "eos_token": token("<|endoftext|>"),
               "pad_token": "<|endoftext|>", "unk_token": token("<|endoftext|>")}
    with open(os.path.join(out, "special_tokens_map.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(special, indent=2, sort_keys=True) + "\n")
    with open(os.path.join(args.clip, "LICENSE"), encoding="utf-8") as src:
        licence = src.read()
    with open(os.path.join(out, "LICENSE"), "w", encoding="utf-8") as f:
        f.write("vocab.json and merges.txt are converted from clip/bpe_simple_vocab_16e6.txt.gz of\n"
                "openai/CLIP (tests/first_party/transformers/make_tokenizer_fixtures.py), under this licence:\n\n")
        f.write(licence)

    prompts = corpus()
    assert len(prompts) >= 200 and len(set(prompts)) == len(prompts), "duplicate prompts"
    entries = []
    for text in prompts:
        if html.unescape(html.unescape(text)) != text:
            raise SystemExit("prompt %r has HTML entities: OpenAI's tokenizer unescapes them, transformers' does not"
                             % text)
        ids = tok.encode(text)
        entry = {"text": text, "ids": ids, "decoded": tok.decode(ids).strip()}
        # Stable Diffusion's tokenizer/ (special tokens <|startoftext|>, <|endoftext|>) and SDXL's
        # tokenizer_2/ (pad token "!", id 0, a special token too): stored where they differ from ids.
        sd = transformers_ids(tok, text, {"<|startoftext|>": 49406, "<|endoftext|>": 49407})
        sdxl2 = transformers_ids(tok, text, {"<|startoftext|>": 49406, "<|endoftext|>": 49407, "!": 0})
        if sd != ids:
            entry["ids_sd"] = sd
        if sdxl2 != ids:
            entry["ids_sdxl2"] = sdxl2
        entries.append(entry)
    document = {
        "source": "openai/CLIP clip/simple_tokenizer.py at d05afc436d78f1c48dc0dbf8e5980a9d471f35f6, "
                  "ftfy.fix_text replaced by the identity",
        "bos": tok.encoder["<|startoftext|>"],
        "eos": tok.encoder["<|endoftext|>"],
        "prompts": entries,
    }
    # One prompt a line, ASCII (control characters and non-ASCII text escaped).
    lines = ",\n".join("  " + json.dumps(e, ensure_ascii=True) for e in entries)
    head = json.dumps({k: v for k, v in document.items() if k != "prompts"}, ensure_ascii=True)
    with open(os.path.join(FIXTURES, "tokenizer_corpus.json"), "w", encoding="ascii") as f:
        f.write(head[:-1] + ',\n "prompts": [\n' + lines + "\n ]\n}\n")
    with open(os.path.join(FIXTURES, "tokenizer_corpus.json"), encoding="ascii") as f:
        assert json.load(f) == document
    longest = max(len(e["ids"]) for e in entries)
    print("%d prompts, %d longer than 75 tokens, longest %d" %
          (len(entries), sum(len(e["ids"]) > 75 for e in entries), longest))


if __name__ == "__main__":
    main()
