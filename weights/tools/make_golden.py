#!/usr/bin/env python3
"""Golden files for clipvr's checkpoint readers and CLIP implementation, produced by PyTorch itself.

Builds a tiny, seeded, randomly initialised Hugging Face ``CLIPModel`` (same sizes as the shared tiny-vit
fixture: vision 64px / patch 16 / width 128 / 2 heads / 2 layers; text width 64 / 1 head / 2 layers;
projection 32; quick_gelu) and writes, into ``tests/src/test/resources/golden/`` by default:

  hf/model.safetensors, hf/config.json   CLIPModel.save_pretrained (safetensors, HF names)
  hf/pytorch_model.bin                   torch.save(model.state_dict())  (zip format, folder "pytorch_model")
  openai_state_dict.pt                   torch.save of the same weights under OpenAI names (spec §7.2)
  openai_torchscript.pt                  torch.jit.trace of an OpenAI-style CLIP module holding those weights,
                                         with input_resolution / context_length / vocab_size buffers, like
                                         OpenAI's released .pt files (spec §4, §5)
  inputs.safetensors                     pixel_values F32 [4,3,64,64], input_ids I32 [3,77] (zero padded),
                                         labels I32 [4]
  outputs.safetensors                    image_embeds [4,32], text_embeds [3,32] (unnormalised projections),
                                         logits_per_image [4,3], logits_per_text [3,4], loss [] (mean
                                         cross-entropy of logits_per_image vs labels), grad_pixel_values
                                         [4,3,64,64] (d loss / d pixel_values); all F32
  MANIFEST.json                          versions, seed, SHA-256 and size of every file

Every file must stay below 16 MiB; the script fails otherwise. Requires: torch, transformers, safetensors.
Run from anywhere:  python weights/tools/make_golden.py [--out DIR] [--seed N]
"""
import argparse
import hashlib
import json
import math
import os
import sys
from collections import OrderedDict
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    import transformers
    from transformers import CLIPConfig, CLIPModel
    from safetensors.torch import save_file
except ImportError as e:  # pragma: no cover
    sys.exit(f"make_golden.py needs torch, transformers and safetensors: {e}")

MAX_BYTES = 16 * 1024 * 1024
REPO_ROOT = Path(__file__).resolve().parents[2]

VISION = dict(hidden_size=128, intermediate_size=512, num_hidden_layers=2, num_attention_heads=2,
              image_size=64, patch_size=16, num_channels=3, hidden_act="quick_gelu", layer_norm_eps=1e-5)
TEXT = dict(vocab_size=49408, hidden_size=64, intermediate_size=256, num_hidden_layers=2,
            num_attention_heads=1, max_position_embeddings=77, hidden_act="quick_gelu", layer_norm_eps=1e-5,
            bos_token_id=49406, eos_token_id=49407, pad_token_id=1)
PROJ = 32

# Token ids of the spec's tokenizer test vectors (§7.5): [SOT] + BPE + [EOT], zero padded to 77 like clip.tokenize.
TEXTS = {
    "a photo of a cat": [49406, 320, 1125, 539, 320, 2368, 49407],
    "a diagram": [49406, 320, 22697, 49407],
    "a dog": [49406, 320, 1929, 49407],
}


# ---------------------------------------------------------------------------------------------------------------
# OpenAI-style CLIP (module tree and names of openai/CLIP clip/model.py, written here from the math)

class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, heads, attn_mask=None):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)          # in_proj_weight [3W,W] = q;k;v
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, 4 * width)), ("gelu", QuickGELU()), ("c_proj", nn.Linear(4 * width, width))]))
        self.ln_2 = nn.LayerNorm(width)
        self.attn_mask = attn_mask                                # plain attribute: not in the state dict

    def forward(self, x):                                         # x: [L, N, W]
        mask = None if self.attn_mask is None else self.attn_mask.to(dtype=x.dtype, device=x.device)
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, attn_mask=None):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, resolution, patch, width, layers, heads, out_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(width))
        self.positional_embedding = nn.Parameter(torch.zeros((resolution // patch) ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(torch.zeros(width, out_dim))

    def forward(self, x):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)                   # [N, g*g, W]
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x).permute(1, 0, 2)
        x = self.transformer(x).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


class OpenAIStyleCLIP(nn.Module):
    def __init__(self, embed, res, patch, vw, vl, vh, ctx, vocab, tw, tl, th):
        super().__init__()
        self.visual = VisionTransformer(res, patch, vw, vl, vh, embed)
        mask = torch.full((ctx, ctx), float("-inf")).triu_(1)
        self.transformer = Transformer(tw, tl, th, mask)
        self.token_embedding = nn.Embedding(vocab, tw)
        self.positional_embedding = nn.Parameter(torch.zeros(ctx, tw))
        self.ln_final = nn.LayerNorm(tw)
        self.text_projection = nn.Parameter(torch.zeros(tw, embed))
        self.logit_scale = nn.Parameter(torch.zeros(()))
        # OpenAI's TorchScript state dicts carry these three integer extras (spec §5.3)
        self.register_buffer("input_resolution", torch.tensor(res))
        self.register_buffer("context_length", torch.tensor(ctx))
        self.register_buffer("vocab_size", torch.tensor(vocab))

    def encode_image(self, image):
        return self.visual(image)

    def encode_text(self, text):
        x = self.token_embedding(text) + self.positional_embedding
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection

    def forward(self, image, text):
        img = self.encode_image(image)
        txt = self.encode_text(text)
        img = img / img.norm(dim=-1, keepdim=True)
        txt = txt / txt.norm(dim=-1, keepdim=True)
        logits_per_image = self.logit_scale.exp() * img @ txt.t()
        return logits_per_image, logits_per_image.t()


# ---------------------------------------------------------------------------------------------------------------

def hf_to_openai(sd, vision_layers, text_layers):
    """HF CLIPModel names -> OpenAI names (spec §7.2): q,k,v concatenated on dim 0, projections transposed."""
    o = OrderedDict()
    o["positional_embedding"] = sd["text_model.embeddings.position_embedding.weight"]
    o["text_projection"] = sd["text_projection.weight"].t().contiguous()
    o["logit_scale"] = sd["logit_scale"]
    o["visual.class_embedding"] = sd["vision_model.embeddings.class_embedding"]
    o["visual.positional_embedding"] = sd["vision_model.embeddings.position_embedding.weight"]
    o["visual.proj"] = sd["visual_projection.weight"].t().contiguous()
    o["visual.conv1.weight"] = sd["vision_model.embeddings.patch_embedding.weight"]
    o["visual.ln_pre.weight"] = sd["vision_model.pre_layrnorm.weight"]
    o["visual.ln_pre.bias"] = sd["vision_model.pre_layrnorm.bias"]
    for hf_prefix, oai_prefix, n in (("vision_model.encoder.layers", "visual.transformer.resblocks", vision_layers),
                                     ("text_model.encoder.layers", "transformer.resblocks", text_layers)):
        for i in range(n):
            h, p = f"{hf_prefix}.{i}.", f"{oai_prefix}.{i}."
            for kind in ("weight", "bias"):
                o[p + f"attn.in_proj_{kind}"] = torch.cat([sd[h + f"self_attn.{x}_proj.{kind}"] for x in "qkv"], 0)
            for a, b in (("self_attn.out_proj", "attn.out_proj"), ("layer_norm1", "ln_1"), ("mlp.fc1", "mlp.c_fc"),
                         ("mlp.fc2", "mlp.c_proj"), ("layer_norm2", "ln_2")):
                for kind in ("weight", "bias"):
                    o[p + f"{b}.{kind}"] = sd[h + f"{a}.{kind}"]
    o["visual.ln_post.weight"] = sd["vision_model.post_layernorm.weight"]
    o["visual.ln_post.bias"] = sd["vision_model.post_layernorm.bias"]
    o["token_embedding.weight"] = sd["text_model.embeddings.token_embedding.weight"]
    o["ln_final.weight"] = sd["text_model.final_layer_norm.weight"]
    o["ln_final.bias"] = sd["text_model.final_layer_norm.bias"]
    return OrderedDict((k, v.detach().clone().contiguous()) for k, v in o.items())


def features(out):
    """get_*_features returns a tensor in transformers 4.x; newer versions may wrap it."""
    if isinstance(out, torch.Tensor):
        return out
    for name in ("image_embeds", "text_embeds", "pooler_output"):
        if getattr(out, name, None) is not None:
            return getattr(out, name)
    raise TypeError(f"cannot take features from {type(out)}")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "tests/src/test/resources/golden")
    ap.add_argument("--seed", type=int, default=20240501)
    args = ap.parse_args()
    out = args.out
    (out / "hf").mkdir(parents=True, exist_ok=True)

    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    config = CLIPConfig(text_config=TEXT, vision_config=VISION, projection_dim=PROJ)
    model = CLIPModel(config).eval()
    with torch.no_grad():  # a non-default logit scale, so that a reader that ignores it is caught
        model.logit_scale.fill_(math.log(1 / 0.07) + 0.25)

    # --- weight files -------------------------------------------------------------------------------------------
    model.save_pretrained(out / "hf", safe_serialization=True)
    hf_sd = OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items())
    torch.save(hf_sd, out / "hf" / "pytorch_model.bin")            # zip format, pickle protocol 2, folder "pytorch_model"

    oai_sd = hf_to_openai(hf_sd, VISION["num_hidden_layers"], TEXT["num_hidden_layers"])
    torch.save(oai_sd, out / "openai_state_dict.pt")

    oai = OpenAIStyleCLIP(PROJ, VISION["image_size"], VISION["patch_size"], VISION["hidden_size"],
                          VISION["num_hidden_layers"], VISION["num_attention_heads"], TEXT["max_position_embeddings"],
                          TEXT["vocab_size"], TEXT["hidden_size"], TEXT["num_hidden_layers"],
                          TEXT["num_attention_heads"]).eval()
    extras = {"input_resolution": torch.tensor(VISION["image_size"]),
              "context_length": torch.tensor(TEXT["max_position_embeddings"]),
              "vocab_size": torch.tensor(TEXT["vocab_size"])}
    oai.load_state_dict({**oai_sd, **extras}, strict=True)

    # --- inputs -------------------------------------------------------------------------------------------------
    g = torch.Generator().manual_seed(args.seed + 1)
    pixel_values = torch.randn(4, 3, VISION["image_size"], VISION["image_size"], generator=g)
    ids = torch.zeros(len(TEXTS), TEXT["max_position_embeddings"], dtype=torch.long)
    for r, toks in enumerate(TEXTS.values()):
        ids[r, :len(toks)] = torch.tensor(toks)
    labels = torch.tensor([0, 1, 2, 1])

    # --- PyTorch's outputs -----------------------------------------------------------------------------------------
    px = pixel_values.clone().requires_grad_(True)
    res = model(input_ids=ids, pixel_values=px)
    loss = F.cross_entropy(res.logits_per_image, labels)
    loss.backward()
    with torch.no_grad():
        image_embeds = features(model.get_image_features(pixel_values=pixel_values))
        text_embeds = features(model.get_text_features(input_ids=ids))
        oai_logits, _ = oai(pixel_values, ids)
        # the OpenAI-style module must agree with HF (the converter check of §7.2 uses atol 1e-3)
        torch.testing.assert_close(oai.encode_image(pixel_values), image_embeds, rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(oai.encode_text(ids), text_embeds, rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(oai_logits, res.logits_per_image, rtol=1e-4, atol=1e-4)

    traced = torch.jit.trace(oai, (pixel_values, ids), check_trace=True)
    torch.jit.save(traced, str(out / "openai_torchscript.pt"))
    reloaded = torch.jit.load(str(out / "openai_torchscript.pt")).state_dict()
    expected_keys = set(oai_sd) | set(extras)
    if set(reloaded) != expected_keys:
        sys.exit(f"TorchScript state dict keys differ: {sorted(set(reloaded) ^ expected_keys)}")

    save_file({"pixel_values": pixel_values.contiguous(), "input_ids": ids.to(torch.int32).contiguous(),
               "labels": labels.to(torch.int32).contiguous()}, str(out / "inputs.safetensors"),
              metadata={"texts": json.dumps(list(TEXTS)), "seed": str(args.seed)})
    save_file({"image_embeds": image_embeds.float().contiguous(),
               "text_embeds": text_embeds.float().contiguous(),
               "logits_per_image": res.logits_per_image.detach().float().contiguous(),
               "logits_per_text": res.logits_per_text.detach().float().contiguous(),
               "loss": loss.detach().float().reshape(()).contiguous(),
               "grad_pixel_values": px.grad.detach().float().contiguous()},
              str(out / "outputs.safetensors"),
              metadata={"loss": "mean cross-entropy of logits_per_image vs labels",
                        "embeds": "unnormalised projections (get_image_features / get_text_features)"})

    # --- manifest and size check ------------------------------------------------------------------------------------
    manifest = {"seed": args.seed, "torch": torch.__version__, "transformers": transformers.__version__,
                "python": sys.version.split()[0], "files": {}}
    too_big = []
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.name != "MANIFEST.json":
            rel = p.relative_to(out).as_posix()
            size = p.stat().st_size
            manifest["files"][rel] = {"bytes": size, "sha256": sha256(p)}
            if size >= MAX_BYTES:
                too_big.append(f"{rel} ({size} bytes)")
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    for rel, info in manifest["files"].items():
        print(f"{info['bytes']:>10}  {info['sha256']}  {rel}")
    if too_big:
        sys.exit("files at or above 16 MiB: " + ", ".join(too_big))
    print(f"golden files written to {out}")


if __name__ == "__main__":
    main()
