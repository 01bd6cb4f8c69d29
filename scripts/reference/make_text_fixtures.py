"""Makes Tests/Fixtures/models/{bert,gpt2,llama}-text: tiny models (random init, seed 0) whose
vocabulary is one of the shared fixture tokenizers, saved with that tokenizer as transformers saves
it (tokenizer.json + tokenizer_config.json), and what transformers gives for real text:

- reference_text.json: the texts of each batch (and the pairs, for BERT);
- reference_text_io.safetensors: for each batch NAME, `NAME.input_ids`, `NAME.attention_mask`
  (`NAME.token_type_ids` for BERT) as `tokenizer(texts, padding=True, truncation=True,
  max_length=max_position_embeddings)` makes them, and `NAME.logits` from the model in eval mode.

GPT-2 and LLaMA tokenizers have no pad token: batches are padded with the eos token, as the usual
`tokenizer.pad_token = tokenizer.eos_token` recipe does.

Run from the repository root: python3 scripts/reference/make_text_fixtures.py
"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import (AutoTokenizer, BertConfig, BertForSequenceClassification, GPT2Config,
                          GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast)

SHARED = "/work/shared/fixtures/tokenizers"
TEXTS = ["Hello, world!", "Slimming removes zeroed channels.", "The quick fox."]
PAIRS = [["Hello, world!", "The quick fox."], ["Slimming removes zeroed channels.", "Same outputs."]]
LONG = " ".join(["The quick brown fox jumps over the lazy dog."] * 6)

CASES = {
    "bert-text": dict(
        tokenizer="wordpiece-bert-uncased",
        special=dict(unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
                     model_input_names=["input_ids", "token_type_ids", "attention_mask"]),
        model=lambda: BertForSequenceClassification(BertConfig(
            vocab_size=2000, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
            intermediate_size=64, max_position_embeddings=64, num_labels=3)),
        batches={"texts": (TEXTS, None), "pairs": ([a for a, _ in PAIRS], [b for _, b in PAIRS]), "long": ([LONG, TEXTS[0]], None)},
    ),
    "gpt2-text": dict(
        tokenizer="bpe-bytelevel-gpt2",
        special=dict(bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<|endoftext|>"),
        model=lambda: GPT2LMHeadModel(GPT2Config(
            vocab_size=2000, n_embd=32, n_layer=2, n_head=4, n_positions=64, bos_token_id=0, eos_token_id=0)),
        batches={"texts": (TEXTS, None)},
    ),
    "llama-text": dict(
        tokenizer="bpe-sentencepiece-bytefallback",
        special=dict(bos_token="<s>", eos_token="</s>", unk_token="<unk>"),
        model=lambda: LlamaForCausalLM(LlamaConfig(
            vocab_size=2000, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=64, tie_word_embeddings=True, use_cache=False,
            bos_token_id=1, eos_token_id=2)),
        batches={"texts": (TEXTS, None)},
    ),
}

for name, case in CASES.items():
    out = os.path.join("Tests/Fixtures/models", name)
    os.makedirs(out, exist_ok=True)
    PreTrainedTokenizerFast(tokenizer_file=os.path.join(SHARED, case["tokenizer"], "tokenizer.json"),
                            model_max_length=512, **case["special"]).save_pretrained(out)
    tokenizer = AutoTokenizer.from_pretrained(out)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    torch.manual_seed(0)
    model = case["model"]().eval()
    model.save_pretrained(out, safe_serialization=True)
    max_length = model.config.max_position_embeddings
    tensors, texts = {}, {}
    for batch, (first, second) in case["batches"].items():
        encoded = tokenizer(first, second, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        with torch.no_grad():
            logits = model(**encoded).logits
        for key, value in encoded.items():
            tensors[f"{batch}.{key}"] = value.contiguous()
        tensors[f"{batch}.logits"] = logits.contiguous()
        texts[batch] = {"texts": first, "pairs": second}
    save_file(tensors, os.path.join(out, "reference_text_io.safetensors"))
    with open(os.path.join(out, "reference_text.json"), "w") as file:
        json.dump({"max_length": max_length, "batches": texts}, file, indent=2, ensure_ascii=False)
        file.write("\n")
