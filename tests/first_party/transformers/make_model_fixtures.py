#!/usr/bin/python3
"""The CLIP text model fixtures of tests/first_party/transformers (not run by CI).

What it is. transformers cannot be installed here, so this file holds a small pure-PyTorch
reference of transformers' CLIPTextModel and CLIPTextModelWithProjection, written from
src/transformers/models/clip/modeling_clip.py and configuration_clip.py of huggingface/transformers
(modeling_clip.py at commit 679021a6b0ded09d623a96e2bd2f822c5a548872, the 4.4x layout with
CLIPAttention/CLIPSdpaAttention and CLIPTextTransformer's `eos_token_id == 2` pooling rule;
configuration_clip.py at 01841b341b64ab547cd2e30f09cb9c74929f50f2 for CLIPTextConfig's defaults;
the masks as modeling_attn_mask_utils.py builds them). It follows that code line by line in
what it computes, with the same module tree, so that state_dict() gives transformers' key names;
it keeps only the inference path of the eager attention (no dropout, no output_attentions,
no gradient checkpointing, no flash attention). Nothing of transformers is copied: the classes
below are re-written.

What it writes, under fixtures/ beside this file:
  models/<name>/config.json        the config as transformers' save_pretrained writes it (its keys)
  models/<name>/model.safetensors  random weights under transformers' names (the pure-Python
                                   writer of shared/reference/pyref/shim/safetensors)
  expected/<name>.safetensors      fixed input ids (and an attention mask) with the reference's
                                   outputs: last_hidden_state, pooler_output or text_embeds, every
                                   hidden state, and the same with the attention mask (masked.*)

The weights are random with transformers' _init_weights scales, and then every bias and layer
norm is randomised too (transformers initialises them to 0 and 1, which would let a swapped
bias or layer norm go unnoticed).

Run it with Debian's interpreter and packages (python3-torch, python3-numpy):

    PYTHONPATH=/work/shared/reference/pyref/shim /usr/bin/python3 tests/first_party/transformers/make_model_fixtures.py

(the shim folder provides the `safetensors` module; any path to shared/reference/pyref/shim will do).
"""
import json
import math
import os

import torch
from torch import nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "fixtures", "models")
EXPECTED = os.path.join(HERE, "fixtures", "expected")


class CLIPTextConfig:
    """configuration_clip.py's CLIPTextConfig: its keys and defaults."""

    def __init__(self, vocab_size=49408, hidden_size=512, intermediate_size=2048, projection_dim=512,
                 num_hidden_layers=12, num_attention_heads=8, max_position_embeddings=77, hidden_act="quick_gelu",
                 layer_norm_eps=1e-5, attention_dropout=0.0, initializer_range=0.02, initializer_factor=1.0,
                 pad_token_id=1, bos_token_id=49406, eos_token_id=49407):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.intermediate_size = intermediate_size
        self.projection_dim = projection_dim
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.max_position_embeddings = max_position_embeddings
        self.hidden_act = hidden_act
        self.layer_norm_eps = layer_norm_eps
        self.attention_dropout = attention_dropout
        self.initializer_range = initializer_range
        self.initializer_factor = initializer_factor
        self.pad_token_id = pad_token_id
        self.bos_token_id = bos_token_id
        self.eos_token_id = eos_token_id

    def to_json(self, architecture):
        d = dict(vars(self))
        d.update({"architectures": [architecture], "model_type": "clip_text_model", "torch_dtype": "float32",
                  "dropout": 0.0, "transformers_version": "4.46.0"})
        return json.dumps(d, indent=2, sort_keys=True) + "\n"


# activations.py: ACT2FN's entries the CLIP configs use.
def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACT2FN = {"quick_gelu": quick_gelu, "gelu": nn.functional.gelu, "gelu_new": gelu_new}


def create_4d_causal_attention_mask(input_shape, dtype, device):
    """AttentionMaskConverter._make_causal_mask: finfo.min above the diagonal, 0 elsewhere."""
    bsz, tgt_len = input_shape
    mask = torch.full((tgt_len, tgt_len), torch.finfo(dtype).min, device=device)
    mask_cond = torch.arange(mask.size(-1), device=device)
    mask.masked_fill_(mask_cond < (mask_cond + 1).view(mask.size(-1), 1), 0)
    mask = mask.to(dtype)
    return mask[None, None, :, :].expand(bsz, 1, tgt_len, tgt_len)


def prepare_4d_attention_mask(mask, dtype):
    """AttentionMaskConverter._expand_mask: [bsz, src] 1/0 -> [bsz, 1, tgt, src] 0/finfo.min."""
    bsz, src_len = mask.size()
    expanded_mask = mask[:, None, None, :].expand(bsz, 1, src_len, src_len).to(dtype)
    inverted_mask = 1.0 - expanded_mask
    return inverted_mask.masked_fill(inverted_mask.to(torch.bool), torch.finfo(dtype).min)


class CLIPTextEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.token_embedding = nn.Embedding(config.vocab_size, config.hidden_size)
        self.position_embedding = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.register_buffer("position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)),
                             persistent=False)

    def forward(self, input_ids):
        seq_length = input_ids.shape[-1]
        position_ids = self.position_ids[:, :seq_length]
        return self.token_embedding(input_ids) + self.position_embedding(position_ids)


class CLIPAttention(nn.Module):
    """The eager CLIPAttention: query scaled, bmm, causal then padding mask added, softmax, bmm."""

    def __init__(self, config):
        super().__init__()
        self.embed_dim = config.hidden_size
        self.num_heads = config.num_attention_heads
        self.head_dim = self.embed_dim // self.num_heads
        self.scale = self.head_dim ** -0.5
        self.k_proj = nn.Linear(self.embed_dim, self.embed_dim)
        self.v_proj = nn.Linear(self.embed_dim, self.embed_dim)
        self.q_proj = nn.Linear(self.embed_dim, self.embed_dim)
        self.out_proj = nn.Linear(self.embed_dim, self.embed_dim)

    def _shape(self, tensor, seq_len, bsz):
        return tensor.view(bsz, seq_len, self.num_heads, self.head_dim).transpose(1, 2).contiguous()

    def forward(self, hidden_states, attention_mask, causal_attention_mask):
        bsz, tgt_len, embed_dim = hidden_states.size()
        query_states = self.q_proj(hidden_states) * self.scale
        key_states = self._shape(self.k_proj(hidden_states), -1, bsz)
        value_states = self._shape(self.v_proj(hidden_states), -1, bsz)
        proj_shape = (bsz * self.num_heads, -1, self.head_dim)
        query_states = self._shape(query_states, tgt_len, bsz).view(*proj_shape)
        key_states = key_states.view(*proj_shape)
        value_states = value_states.view(*proj_shape)
        src_len = key_states.size(1)
        attn_weights = torch.bmm(query_states, key_states.transpose(1, 2))
        if causal_attention_mask is not None:
            attn_weights = attn_weights.view(bsz, self.num_heads, tgt_len, src_len) + causal_attention_mask
            attn_weights = attn_weights.view(bsz * self.num_heads, tgt_len, src_len)
        if attention_mask is not None:
            attn_weights = attn_weights.view(bsz, self.num_heads, tgt_len, src_len) + attention_mask
            attn_weights = attn_weights.view(bsz * self.num_heads, tgt_len, src_len)
        attn_weights = nn.functional.softmax(attn_weights, dim=-1)
        attn_output = torch.bmm(attn_weights, value_states)
        attn_output = attn_output.view(bsz, self.num_heads, tgt_len, self.head_dim)
        attn_output = attn_output.transpose(1, 2)
        attn_output = attn_output.reshape(bsz, tgt_len, embed_dim)
        return self.out_proj(attn_output)


class CLIPMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.activation_fn = ACT2FN[config.hidden_act]
        self.fc1 = nn.Linear(config.hidden_size, config.intermediate_size)
        self.fc2 = nn.Linear(config.intermediate_size, config.hidden_size)

    def forward(self, hidden_states):
        return self.fc2(self.activation_fn(self.fc1(hidden_states)))


class CLIPEncoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self_attn = CLIPAttention(config)
        self.layer_norm1 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.mlp = CLIPMLP(config)
        self.layer_norm2 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states, attention_mask, causal_attention_mask):
        residual = hidden_states
        hidden_states = self.layer_norm1(hidden_states)
        hidden_states = self.self_attn(hidden_states, attention_mask, causal_attention_mask)
        hidden_states = residual + hidden_states
        residual = hidden_states
        hidden_states = self.layer_norm2(hidden_states)
        hidden_states = self.mlp(hidden_states)
        return residual + hidden_states


class CLIPEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layers = nn.ModuleList([CLIPEncoderLayer(config) for _ in range(config.num_hidden_layers)])

    def forward(self, inputs_embeds, attention_mask, causal_attention_mask):
        encoder_states = ()
        hidden_states = inputs_embeds
        for encoder_layer in self.layers:
            encoder_states = encoder_states + (hidden_states,)
            hidden_states = encoder_layer(hidden_states, attention_mask, causal_attention_mask)
        encoder_states = encoder_states + (hidden_states,)
        return hidden_states, encoder_states


class CLIPTextTransformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embeddings = CLIPTextEmbeddings(config)
        self.encoder = CLIPEncoder(config)
        self.final_layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.eos_token_id = config.eos_token_id

    def forward(self, input_ids, attention_mask=None):
        input_shape = input_ids.size()
        input_ids = input_ids.view(-1, input_shape[-1])
        hidden_states = self.embeddings(input_ids)
        causal_attention_mask = create_4d_causal_attention_mask(input_shape, hidden_states.dtype, hidden_states.device)
        if attention_mask is not None:
            attention_mask = prepare_4d_attention_mask(attention_mask, hidden_states.dtype)
        last_hidden_state, hidden_states = self.encoder(hidden_states, attention_mask, causal_attention_mask)
        last_hidden_state = self.final_layer_norm(last_hidden_state)
        rows = torch.arange(last_hidden_state.shape[0], device=last_hidden_state.device)
        if self.eos_token_id == 2:
            # Configs written before transformers PR #24773: the row's largest id.
            pooled_output = last_hidden_state[rows, input_ids.to(dtype=torch.int).argmax(dim=-1)]
        else:
            # The first position of eos_token_id.
            pooled_output = last_hidden_state[rows, (input_ids.to(dtype=torch.int) == self.eos_token_id).int().argmax(dim=-1)]
        return last_hidden_state, pooled_output, hidden_states


class CLIPTextModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.text_model = CLIPTextTransformer(config)

    def forward(self, input_ids, attention_mask=None):
        last, pooled, hidden = self.text_model(input_ids, attention_mask)
        return {"last_hidden_state": last, "pooler_output": pooled, "hidden_states": hidden}


class CLIPTextModelWithProjection(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.text_model = CLIPTextTransformer(config)
        self.text_projection = nn.Linear(config.hidden_size, config.projection_dim, bias=False)

    def forward(self, input_ids, attention_mask=None):
        last, pooled, hidden = self.text_model(input_ids, attention_mask)
        return {"text_embeds": self.text_projection(pooled), "last_hidden_state": last, "hidden_states": hidden}


def init_weights(model, config):
    """CLIPPreTrainedModel._init_weights' scales; then biases and layer norms randomised as well."""
    factor = config.initializer_factor
    h = config.hidden_size
    in_proj_std = (h ** -0.5) * ((2 * config.num_hidden_layers) ** -0.5) * factor
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, CLIPTextEmbeddings):
                module.token_embedding.weight.normal_(mean=0.0, std=factor * 0.02)
                module.position_embedding.weight.normal_(mean=0.0, std=factor * 0.02)
            elif isinstance(module, CLIPAttention):
                for proj in (module.q_proj, module.k_proj, module.v_proj):
                    nn.init.normal_(proj.weight, std=in_proj_std)
                nn.init.normal_(module.out_proj.weight, std=(h ** -0.5) * factor)
            elif isinstance(module, CLIPMLP):
                nn.init.normal_(module.fc1.weight, std=(2 * h) ** -0.5 * factor)
                nn.init.normal_(module.fc2.weight, std=in_proj_std)
            elif isinstance(module, CLIPTextModelWithProjection):
                nn.init.normal_(module.text_projection.weight, std=h ** -0.5 * factor)
            if isinstance(module, nn.LayerNorm):
                module.weight.copy_(1.0 + 0.1 * torch.randn_like(module.weight))
                module.bias.normal_(0.0, 0.1)
            if isinstance(module, nn.Linear) and module.bias is not None:
                module.bias.normal_(0.0, 0.05)


def write_model(name, cls, config, input_ids, attention_mask, seed, keep_position_ids=False):
    torch.manual_seed(seed)
    model = cls(config).eval()
    init_weights(model, config)
    folder = os.path.join(MODELS, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(config.to_json(cls.__name__))
    weights = dict(model.state_dict())
    if keep_position_ids:
        # As Stable Diffusion 1.x's text_encoder/model.safetensors still holds it.
        weights["text_model.embeddings.position_ids"] = model.text_model.embeddings.position_ids.clone()
    save_file(weights, os.path.join(folder, "model.safetensors"))

    expected = {"input_ids": input_ids, "attention_mask": attention_mask}
    with torch.no_grad():
        plain = model(input_ids)
        masked = model(input_ids, attention_mask)
    for key, value in plain.items():
        if key == "hidden_states":
            for i, state in enumerate(value):
                expected["hidden_states.%d" % i] = state
        else:
            expected[key] = value
    for key, value in masked.items():
        if key != "hidden_states":
            expected["masked." + key] = value
    os.makedirs(EXPECTED, exist_ok=True)
    save_file({k: v.contiguous() for k, v in expected.items()}, os.path.join(EXPECTED, name + ".safetensors"))
    print(name, {k: list(v.shape) for k, v in expected.items() if not k.startswith("hidden_states.")})


def main():
    torch.set_grad_enabled(False)
    # Stable Diffusion 1.x's kind: quick_gelu, eos_token_id 2 (the legacy argmax pooling), and the
    # position_ids buffer in the file. Rows padded with the largest id, as SD's tokenizer pads with
    # <|endoftext|>; the last row has its largest id twice apart (argmax takes the first).
    legacy = CLIPTextConfig(vocab_size=400, hidden_size=24, intermediate_size=37, num_hidden_layers=3,
                            num_attention_heads=3, max_position_embeddings=16, hidden_act="quick_gelu",
                            bos_token_id=0, eos_token_id=2, pad_token_id=1)
    ids = torch.tensor([[398, 5, 17, 230, 399, 399, 399, 399, 399, 399, 399, 399, 399, 399, 399, 399],
                        [398, 12, 300, 45, 77, 9, 260, 31, 399, 399, 399, 399, 399, 399, 399, 399],
                        [398, 100, 397, 3, 8, 397, 44, 2, 2, 6, 7, 8, 9, 10, 11, 12]])
    mask = (torch.arange(16)[None, :] <= torch.tensor([[4], [8], [15]])).long()
    write_model("clip_quick_gelu_legacy", CLIPTextModel, legacy, ids, mask, seed=1, keep_position_ids=True)

    # The modern rule: eos_token_id 7 (first occurrence), with larger ids after it so that the
    # legacy argmax would pick another position; gelu.
    modern = CLIPTextConfig(vocab_size=400, hidden_size=16, intermediate_size=24, num_hidden_layers=2,
                            num_attention_heads=2, max_position_embeddings=12, hidden_act="gelu",
                            bos_token_id=6, eos_token_id=7, pad_token_id=7)
    ids = torch.tensor([[6, 55, 390, 7, 7, 7, 7, 7, 7, 7, 7, 7],
                        [6, 11, 22, 33, 44, 55, 66, 77, 7, 350, 399, 7],
                        [6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]])
    mask = (torch.arange(12)[None, :] <= torch.tensor([[3], [8], [1]])).long()
    write_model("clip_gelu_eos", CLIPTextModel, modern, ids, mask, seed=2)

    # SDXL's second encoder's kind: CLIPTextModelWithProjection, gelu, eos_token_id 2, "!" (id 0)
    # padding after the end token.
    projection = CLIPTextConfig(vocab_size=300, hidden_size=32, intermediate_size=40, projection_dim=24,
                                num_hidden_layers=2, num_attention_heads=2, max_position_embeddings=10,
                                hidden_act="gelu", layer_norm_eps=1e-6, bos_token_id=0, eos_token_id=2,
                                pad_token_id=1)
    ids = torch.tensor([[298, 4, 99, 299, 0, 0, 0, 0, 0, 0],
                        [298, 150, 151, 152, 153, 154, 155, 156, 157, 299]])
    mask = (torch.arange(10)[None, :] <= torch.tensor([[3], [9]])).long()
    write_model("clip_projection", CLIPTextModelWithProjection, projection, ids, mask, seed=3)


if __name__ == "__main__":
    main()
