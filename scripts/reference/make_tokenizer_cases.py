#!/usr/bin/env python3
"""Writes the tokenizer reference cases of Tests/Fixtures/tokenizers/<case>/: small tokenizers trained
with Hugging Face `tokenizers` on the calibration text, each varying the options slimtrace implements,
and `expected.json` holding what `tokenizers` gives for hard sentences (ids, tokens, type ids, char
offsets, masks, word ids, pairs, decodes, batch padding).

    python3 scripts/reference/make_tokenizer_cases.py /work/shared/fixtures/text/calibration.txt [--precompiled-only | --config-only]

Made with tokenizers 0.23.3 and sentencepiece 0.2.3 (for a real precompiled charsmap). Nothing in the
build or the tests runs Python."""
import json, os, sys
from tokenizers import Tokenizer, AddedToken, Regex, models, normalizers, pre_tokenizers, processors, decoders, trainers

CORPUS = open(sys.argv[1], encoding="utf-8").read().splitlines()[:3000]
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "tokenizers")
# `--precompiled-only` / `--config-only` write just that case (training is not deterministic, so
# rerunning everything rewrites every case).
ONLY_PRECOMPILED = "--precompiled-only" in sys.argv or "--config-only" in sys.argv
SHARED = open(os.path.join(OUT, "shared", "sentences.txt"), encoding="utf-8").read().splitlines()

EXTRA = [
    "", " ", "   ", "\t\n\r", "a", "Don't you'll we've they're I'm he'd it's",
    "NUL\x00byte, bell\x07, escape\x1b, delete\x7f and \x85 next-line",
    "e\u0301 vs \u00e9, a\u0308\u0304 stacked, \u1e0b\u0323 reorder, \u0071\u0307\u0323",
    "\u0130stanbul \u01c5 \u03a3\u039f\u03a3 \u1e9e \ufb03 \u2460 \u00bd \u2168",
    "\U0001F469\u200d\U0001F4BB \U0001F3F3\ufe0f\u200d\U0001F308 \U0001F1EB\U0001F1F7 \u0915\u094d\u0937 \u0e01\u0e33",
    "\uff28\uff45\uff4c\uff4c\uff4f\u3000\uff17\uff18\uff19 \u3002\uff01",
    "\u200b\u200c\u200d\ufeff\u00ad soft\u00adhyphen",
    "x" * 120 + " " + "ab" * 70,
    "    four spaces   three  two \n\n\n newlines \t\t tabs  ",
    "  leading and trailing  ",
    "\u2581already\u2581metaspace \u2581 and \u0120G",
    "123456789 3.14 \u0661\u0662\u0663 \u00b2\u00b3 \u2155",
    "[MASK] <mask> [SEP]in[CLS] <|endoftext|> <s></s> [UNK]",
    "special<mask>glued  <mask>  spaced [MASK]x",
    "\ud55c\uad6d\uc5b4 \u1100\u1161\u11a8 jamo",
]
SENTENCES = SHARED + EXTRA
PAIRS = [(SENTENCES[i], SENTENCES[-1 - i]) for i in range(0, len(SENTENCES), 3)]


def train(tok, trainer):
    tok.train_from_iterator(CORPUS, trainer=trainer)
    return tok


def expected(tok, batch=None):
    out = {"encodings": [], "pairs": [], "decoded": [], "no_special": []}
    for s in SENTENCES:
        e = tok.encode(s)
        out["encodings"].append({
            "text": s, "ids": e.ids, "tokens": e.tokens, "type_ids": e.type_ids,
            "offsets": [list(o) for o in e.offsets], "attention_mask": e.attention_mask,
            "special_tokens_mask": e.special_tokens_mask,
        })
        out["decoded"].append({"ids": e.ids, "text": tok.decode(e.ids), "skip_special_tokens": True})
        out["decoded"].append({"ids": e.ids, "text": tok.decode(e.ids, skip_special_tokens=False), "skip_special_tokens": False})
        n = tok.encode(s, add_special_tokens=False)
        out["no_special"].append({"text": s, "ids": n.ids})
    for a, b in PAIRS:
        e = tok.encode(a, b)
        out["pairs"].append({"text": a, "pair": b, "ids": e.ids, "type_ids": e.type_ids,
                             "offsets": [list(o) for o in e.offsets], "special_tokens_mask": e.special_tokens_mask})
    out["truncations"] = []
    for strategy in ["longest_first", "only_first", "only_second"]:
        for direction in ["right", "left"]:
            for max_length in [7, 12]:
                t = Tokenizer.from_str(tok.to_str())
                t.no_padding()
                t.enable_truncation(max_length, strategy=strategy, direction=direction)
                for a, b in [(SENTENCES[1], SENTENCES[2]), (SENTENCES[0], SENTENCES[12])]:
                    try:
                        ids = t.encode(a, b).ids
                    except Exception:
                        ids = None
                    out["truncations"].append({"strategy": strategy, "direction": direction, "max_length": max_length,
                                               "text": a, "pair": b, "ids": ids})
    if batch:
        es = tok.encode_batch(batch)
        out["batch"] = {"texts": batch, "ids": [e.ids for e in es], "attention_mask": [e.attention_mask for e in es],
                        "type_ids": [e.type_ids for e in es]}
    return out


def save(name, tok, batch=None):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    tok.save(os.path.join(d, "tokenizer.json"))
    # Reload: the reference is what the saved file gives.
    tok = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected(tok, batch), f, ensure_ascii=False)
    print(name, os.path.getsize(os.path.join(d, "tokenizer.json")), os.path.getsize(os.path.join(d, "expected.json")))


SPECIAL_BERT = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def wordpiece(name, normalizer, pre, post, vocab=600, decoder=None, setup=None, batch=None):
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=60))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre
    train(tok, trainers.WordPieceTrainer(vocab_size=vocab, special_tokens=SPECIAL_BERT))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = post(cls, sep)
    tok.decoder = decoder or decoders.WordPiece()
    if setup:
        setup(tok)
    save(name, tok, batch)


def bert_template(cls, sep):
    return processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                         special_tokens=[("[CLS]", cls), ("[SEP]", sep)])


if not ONLY_PRECOMPILED: wordpiece("wordpiece-cased-bertprocessing",
          normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=None, lowercase=False),
          pre_tokenizers.BertPreTokenizer(), lambda c, s: processors.BertProcessing(("[SEP]", s), ("[CLS]", c)))
if not ONLY_PRECOMPILED: wordpiece("wordpiece-lowercase-keepaccents",
          normalizers.BertNormalizer(lowercase=True, strip_accents=False, handle_chinese_chars=True),
          pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation("isolated")]), bert_template)


def truncate_pad(tok):
    tok.enable_truncation(24, stride=2, strategy="longest_first")
    tok.enable_padding(direction="left", pad_id=0, pad_token="[PAD]", pad_to_multiple_of=8)
    tok.add_tokens([AddedToken("snake_case", single_word=True, normalized=True)])


if not ONLY_PRECOMPILED: wordpiece("wordpiece-nfkd-truncation-padding",
          normalizers.Sequence([normalizers.NFKD(), normalizers.StripAccents(), normalizers.Lowercase()]),
          pre_tokenizers.Whitespace(), bert_template, setup=truncate_pad,
          batch=["short", "a somewhat longer sentence with more words in it", "mid length text"])


def only_second(tok):
    tok.enable_truncation(20, strategy="longest_first", direction="left")
    tok.enable_padding(length=28, pad_id=0, pad_type_id=1, pad_token="[PAD]")


def bytelevel(name, pre, post, dec=None, vocab=700, added=None, setup=None, norm=None, model_kwargs=None, batch=None):
    tok = Tokenizer(models.BPE(**(model_kwargs or {})))
    tok.normalizer = norm
    tok.pre_tokenizer = pre
    train(tok, trainers.BpeTrainer(vocab_size=vocab, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                   initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = post(tok)
    tok.decoder = dec or decoders.ByteLevel()
    if added:
        tok.add_special_tokens(added)
    if setup:
        setup(tok)
    save(name, tok, batch)


if not ONLY_PRECOMPILED: bytelevel("bytelevel-roberta-prefix", pre_tokenizers.ByteLevel(add_prefix_space=True),
          lambda t: processors.RobertaProcessing(("</s>", t.token_to_id("</s>")), ("<s>", t.token_to_id("<s>")), trim_offsets=True, add_prefix_space=True),
          added=[AddedToken("<mask>", lstrip=True, special=True)])
if not ONLY_PRECOMPILED: bytelevel("bytelevel-notrim-template", pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False),
          lambda t: processors.Sequence([processors.ByteLevel(trim_offsets=False),
                                         processors.TemplateProcessing(single="<s> $A </s>", pair="<s> $A </s> <s>:1 $B:1 </s>:1",
                                                                       special_tokens=[("<s>", t.token_to_id("<s>")), ("</s>", t.token_to_id("</s>"))])]),
          added=[AddedToken("<mask>", rstrip=True, special=True), AddedToken("[MASK]", single_word=True, special=False, normalized=False)])
LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
if not ONLY_PRECOMPILED: bytelevel("bytelevel-llama3-split-ignoremerges",
          pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(LLAMA3), behavior="isolated"),
                                   pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]),
          lambda t: processors.ByteLevel(trim_offsets=True), model_kwargs={"ignore_merges": True},
          added=[AddedToken("<|endoftext|>", special=True)], setup=only_second)


def spm_bpe(name, norm, pre, dec, post, model_kwargs, vocab=600, added=None, batch=None):
    tok = Tokenizer(models.BPE(**model_kwargs))
    tok.normalizer = norm
    tok.pre_tokenizer = pre
    special = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    train(tok, trainers.BpeTrainer(vocab_size=vocab + 259, special_tokens=special))
    tok.post_processor = post(tok)
    tok.decoder = dec
    if added:
        tok.add_tokens(added)
    save(name, tok, batch)


def bos_template(t):
    return processors.TemplateProcessing(single="<s> $A", pair="<s> $A </s> $B:1 </s>:1",
                                         special_tokens=[("<s>", t.token_to_id("<s>")), ("</s>", t.token_to_id("</s>"))])


META_DEC = decoders.Sequence([decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
if not ONLY_PRECOMPILED: spm_bpe("bpe-metaspace-first-nfkc", normalizers.NFKC(),
        pre_tokenizers.Metaspace(prepend_scheme="first", split=False),
        decoders.Sequence([decoders.ByteFallback(), decoders.Metaspace(prepend_scheme="first")]), bos_template,
        {"unk_token": "<unk>", "byte_fallback": True, "fuse_unk": True},
        added=[AddedToken("[MASK]", normalized=True, lstrip=True, rstrip=True)])
if not ONLY_PRECOMPILED: spm_bpe("bpe-metaspace-never-split-digits", normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " ")]),
        pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.Metaspace(prepend_scheme="never", split=True)]),
        META_DEC, bos_template, {"unk_token": "<unk>", "byte_fallback": False, "fuse_unk": False})
if not ONLY_PRECOMPILED: spm_bpe("bpe-normalizer-prepend-nfd", normalizers.Sequence([normalizers.NFD(), normalizers.Strip(), normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")]),
        None, META_DEC, bos_template, {"unk_token": "<unk>", "byte_fallback": True, "fuse_unk": True})


def suffix_bpe():
    tok = Tokenizer(models.BPE(unk_token="<unk>", continuing_subword_prefix="##", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(), pre_tokenizers.Digits(individual_digits=False)])
    train(tok, trainers.BpeTrainer(vocab_size=700, special_tokens=["<unk>"], continuing_subword_prefix="##", end_of_word_suffix="</w>"))
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    save("bpe-prefix-suffix", tok)


if not ONLY_PRECOMPILED: suffix_bpe()


def unigram(name, norm, pre, dec, post, byte_fallback=False, vocab=500, added=None):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = norm
    tok.pre_tokenizer = pre
    special = ["<pad>", "</s>", "<unk>"] + ([f"<0x{b:02X}>" for b in range(256)] if byte_fallback else [])
    train(tok, trainers.UnigramTrainer(vocab_size=vocab + len(special), special_tokens=special, unk_token="<unk>", byte_fallback=byte_fallback))
    tok.post_processor = post(tok)
    tok.decoder = dec
    if added:
        tok.add_tokens(added)
    save(name, tok)


def eos_template(t):
    return processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B:1 </s>:1", special_tokens=[("</s>", t.token_to_id("</s>"))])


if not ONLY_PRECOMPILED: unigram("unigram-bytefallback-nfkd-lowercase",
        normalizers.Sequence([normalizers.NFKD(), normalizers.Lowercase(), normalizers.StripAccents(), normalizers.Replace(Regex(" {2,}"), " ")]),
        pre_tokenizers.Metaspace(prepend_scheme="always", split=True),
        decoders.Sequence([decoders.Metaspace(), decoders.ByteFallback()]), eos_template, byte_fallback=True)
if not ONLY_PRECOMPILED: unigram("unigram-nmt-split-behaviours",
        normalizers.Sequence([normalizers.Nmt(), normalizers.NFKC()]),
        pre_tokenizers.Sequence([pre_tokenizers.Split(",", "merged_with_previous"), pre_tokenizers.Split(Regex(r"\d+"), "merged_with_next"),
                                 pre_tokenizers.Split("-", "contiguous"), pre_tokenizers.Split(Regex(r"[.!?]"), "removed"),
                                 pre_tokenizers.Split(Regex(r"[^\s]+"), "removed", invert=True),
                                 pre_tokenizers.Metaspace(prepend_scheme="always", split=False)]),
        decoders.Metaspace(), eos_template)


def wordlevel():
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.normalizer = normalizers.Sequence([normalizers.Strip(left=True, right=False), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.CharDelimiterSplit(" "), pre_tokenizers.Punctuation("merged_with_previous")])
    train(tok, trainers.WordLevelTrainer(vocab_size=800, special_tokens=["<pad>", "<unk>", "<cls>", "<sep>", "|"]))
    tok.post_processor = processors.TemplateProcessing(single="<cls>:1 $A:0 <sep>:0", pair="<cls> $A <sep> $B:1 <sep>:2",
                                                       special_tokens=[("<cls>", 2), ("<sep>", 3)])
    tok.decoder = decoders.CTC(pad_token="<pad>", word_delimiter_token="|", cleanup=True)
    tok.enable_padding(pad_id=0, pad_token="<pad>", pad_type_id=3)
    save("wordlevel-ctc-padding", tok, batch=["one", "one two three", "a b c d e f"])


if not ONLY_PRECOMPILED: wordlevel()


def precompiled():
    """A T5/XLM-R-like Unigram whose normalizer is a real SentencePiece `precompiled_charsmap` (nmt_nfkc
    rules), from a tiny model trained with the `sentencepiece` package."""
    import io, tempfile, unicodedata
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as model_pb2
    # A subset of the nmt_nfkc rules (the whole map is 240 KB): NFKC of full-width forms, ligatures,
    # super/subscripts, circled and Roman numerals, Latin-1/Extended-A as decomposed sequences (keys of
    # several scalars), spaces, and deletions of zero-width characters.
    rules = {}
    for code in list(range(0xFF01, 0xFF5F)) + list(range(0xFB00, 0xFB07)) + list(range(0x2070, 0x209D)) + \
            list(range(0x2460, 0x2474)) + list(range(0x2160, 0x2180)) + [0x00A0, 0x3000, 0x2002, 0x2003, 0x00BD, 0x00B2, 0x00B3]:
        c = chr(code)
        n = unicodedata.normalize("NFKC", c)
        if n != c and n:
            rules[c] = n
    for code in range(0x00C0, 0x0180):
        c = chr(code)
        d = unicodedata.normalize("NFD", c)
        if d != c:
            rules[d] = c
    for c in ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"]:
        rules[c] = ""
    rules["\t"] = " "
    rules["\n"] = " "
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as tsv:
        for source, target in rules.items():
            tsv.write(" ".join(f"{ord(x):X}" for x in source) + "\t" + " ".join(f"{ord(x):X}" for x in target) + "\n")
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(CORPUS), model_writer=buffer, vocab_size=600,
                                   model_type="unigram", normalization_rule_tsv=tsv.name, character_coverage=0.9995,
                                   minloglevel=2)
    proto = model_pb2.ModelProto()
    proto.ParseFromString(buffer.getvalue())
    vocab = [(p.piece, p.score) for p in proto.pieces]
    unk = next(i for i, p in enumerate(proto.pieces) if p.type == 2)
    tok = Tokenizer(models.Unigram(vocab, unk_id=unk))
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(proto.normalizer_spec.precompiled_charsmap),
                                           normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
                                                       special_tokens=[("<s>", 1), ("</s>", 2)])
    tok.decoder = decoders.Metaspace()
    tok.add_special_tokens([AddedToken("<s>", special=True), AddedToken("</s>", special=True), AddedToken("<mask>", lstrip=True, special=True)])
    save("unigram-precompiled-charsmap", tok)


if "--config-only" not in sys.argv:
    precompiled()


def tokenizer_config():
    """transformers 5.24's reading of a tokenizer_config.json beside tokenizer.json: `add_bos_token` /
    `add_eos_token` leave tokenizer.json's post-processor as it is (TokenizersBackend)."""
    import shutil
    from transformers import AutoTokenizer
    d = os.path.join(OUT, "config-add-bos-eos")
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(OUT, "bytelevel-roberta-prefix", "tokenizer.json"), os.path.join(d, "tokenizer.json"))
    config = {"add_bos_token": True, "add_eos_token": True, "bos_token": "<s>", "eos_token": "</s>",
              "model_max_length": 2048, "padding_side": "left", "tokenizer_class": "PreTrainedTokenizerFast"}
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump(config, f)
    tok = AutoTokenizer.from_pretrained(d)
    out = {"encodings": [{"text": s, "ids": tok(s)["input_ids"]} for s in SENTENCES[:12]],
           "pairs": [{"text": a, "pair": b, "ids": tok(a, b)["input_ids"], "type_ids": tok(a, b, return_token_type_ids=True)["token_type_ids"]}
                     for a, b in PAIRS[:4]],
           "model_max_length": tok.model_max_length}
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
    print("config-add-bos-eos", out["encodings"][0])


if "--precompiled-only" not in sys.argv:
    tokenizer_config()
