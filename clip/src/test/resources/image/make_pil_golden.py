#!/usr/bin/env python3
"""Writes golden outputs of real Pillow into ./pil/ for clipvr's image tests.

Run from this directory with a Python that has Pillow and numpy (the committed files were made
with Debian bookworm's python3-pil 9.4.0 and python3-numpy 1.24.2):

    python3 make_pil_golden.py

Every array is raw bytes: uint8 RGB interleaved (HWC) for ".rgb", little-endian float32 for
".f32" (HW for single-channel mode "F" resizes, CHW for the CLIP transform). pil/manifest.txt lists
one case per line:

    resize  FILTER SRC SW SH DW DH OUT    8-bit RGB  img.resize((DW, DH), FILTER)
    resizef FILTER SRC SW SH DW DH OUT    mode "F"   img.resize((DW, DH), FILTER)
    clip    NPX    SRC SW SH OUT          CLIP _transform(NPX), see clip_transform() below
    decode  FILE   OUT W H                Image.open(FILE).convert("RGB")
    hash    FILTER SRC SW SH DW DH SHA256 like resize, but only the SHA-256 of the output bytes
    cliphash NPX   SRC SW SH SHA256       like clip, SHA-256 of the float32 little-endian bytes

SRC "gen" is the synthetic image generated() below (the test computes the same formula), so that
realistic sizes (e.g. 500x375 -> 224) are covered without committing large files.
"""
import os

import numpy as np
from PIL import Image

OUT = "pil"
FILTERS = {
    "NEAREST": Image.NEAREST, "BOX": Image.BOX, "BILINEAR": Image.BILINEAR,
    "HAMMING": Image.HAMMING, "BICUBIC": Image.BICUBIC, "LANCZOS": Image.LANCZOS,
}
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
manifest = []


def save(name, arr):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(np.ascontiguousarray(arr).tobytes())


def clip_transform(img, n_px):
    """torchvision Resize(n_px, BICUBIC) + CenterCrop(n_px) + ToTensor + Normalize, written out
    with the formulas of torchvision's functional.py (torchvision itself is not installed here)."""
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = n_px, int(n_px * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    img = img.resize((new_w, new_h), Image.BICUBIC)
    top = int(round((new_h - n_px) / 2.0))
    left = int(round((new_w - n_px) / 2.0))
    img = img.crop((left, top, left + n_px, top + n_px))
    x = np.asarray(img, dtype=np.uint8).astype(np.float32) / np.float32(255)
    x = x.transpose(2, 0, 1)
    return ((x - MEAN[:, None, None]) / STD[:, None, None]).astype(np.float32)


def generated(w, h):
    """v(x, y, c) = (3x^2 + 5y + 71c + (x*y mod 17)) mod 256, as uint8 HWC."""
    y, x, c = np.mgrid[0:h, 0:w, 0:3].astype(np.int64)
    return ((3 * x * x + 5 * y + 71 * c + (x * y) % 17) % 256).astype(np.uint8)


def sha256(arr):
    import hashlib
    return hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    sources = {
        "noise37x23": rng.integers(0, 256, size=(23, 37, 3), dtype=np.uint8),
        "noise13x9": rng.integers(0, 256, size=(9, 13, 3), dtype=np.uint8),
    }
    yy, xx = np.mgrid[0:40, 0:50]
    smooth = np.stack([xx * 5, yy * 6, (xx + yy) * 2], axis=-1) + rng.integers(0, 16, size=(40, 50, 3))
    sources["smooth50x40"] = np.clip(smooth, 0, 255).astype(np.uint8)
    sources["wide61x17"] = rng.integers(0, 256, size=(17, 61, 3), dtype=np.uint8)
    for name, arr in sources.items():
        save(name + ".rgb", arr)

    resize_cases = [
        ("noise37x23", (16, 11)), ("noise37x23", (37, 11)), ("noise37x23", (16, 23)),
        ("noise37x23", (50, 7)), ("noise37x23", (5, 3)), ("noise37x23", (1, 1)),
        ("noise13x9", (40, 29)), ("noise13x9", (14, 10)), ("smooth50x40", (23, 17)),
        ("wide61x17", (20, 33)),
    ]
    for src, (dw, dh) in resize_cases:
        img = Image.fromarray(sources[src], "RGB")
        for fname, f in FILTERS.items():
            out = f"{src}_{fname}_{dw}x{dh}.rgb"
            save(out, np.asarray(img.resize((dw, dh), f)))
            manifest.append(f"resize {fname} {src}.rgb {img.width} {img.height} {dw} {dh} {out}")

    fsrc = rng.random(size=(23, 37), dtype=np.float32)
    save("float37x23.f32", fsrc)
    fimg = Image.fromarray(fsrc, "F")
    for dw, dh in [(16, 11), (50, 7), (80, 51)]:
        for fname in ("BILINEAR", "BICUBIC", "LANCZOS", "NEAREST"):
            out = f"float37x23_{fname}_{dw}x{dh}.f32"
            save(out, np.asarray(fimg.resize((dw, dh), FILTERS[fname]), dtype=np.float32))
            manifest.append(f"resizef {fname} float37x23.f32 37 23 {dw} {dh} {out}")

    for src, n_px in [("noise37x23", 24), ("smooth50x40", 16), ("wide61x17", 14), ("noise13x9", 32)]:
        img = Image.fromarray(sources[src], "RGB")
        out = f"{src}_clip{n_px}.f32"
        save(out, clip_transform(img, n_px))
        manifest.append(f"clip {n_px} {src}.rgb {img.width} {img.height} {out}")

    for (sw, sh), (dw, dh) in [((500, 375), (298, 224)), ((375, 500), (224, 298)),
                               ((640, 427), (335, 224)), ((32, 32), (224, 224))]:
        img = Image.fromarray(generated(sw, sh), "RGB")
        for fname in ("BICUBIC", "BILINEAR", "NEAREST"):
            digest = sha256(np.asarray(img.resize((dw, dh), FILTERS[fname])))
            manifest.append(f"hash {fname} gen {sw} {sh} {dw} {dh} {digest}")
    for (sw, sh), n_px in [((500, 375), 224), ((427, 640), 224), ((32, 32), 224), ((500, 375), 336)]:
        digest = sha256(clip_transform(Image.fromarray(generated(sw, sh), "RGB"), n_px))
        manifest.append(f"cliphash {n_px} gen {sw} {sh} {digest}")

    # Decoding: files written by Pillow, reference = Pillow's convert("RGB").
    gray = sources["smooth50x40"][:, :, 0]
    Image.fromarray(gray, "L").save(os.path.join(OUT, "dec_gray.png"))
    Image.fromarray(sources["noise13x9"], "RGB").convert(
        "P", palette=Image.ADAPTIVE, colors=7).save(os.path.join(OUT, "dec_palette.png"))
    rgba = np.concatenate([sources["noise13x9"], rng.integers(0, 256, size=(9, 13, 1), dtype=np.uint8)], -1)
    Image.fromarray(rgba, "RGBA").save(os.path.join(OUT, "dec_rgba.png"))
    Image.fromarray(np.concatenate([sources["noise13x9"][:, :, :1], rgba[:, :, 3:]], -1), "LA").save(
        os.path.join(OUT, "dec_la.png"))
    g16 = (rng.integers(0, 65536, size=(9, 13))).astype(np.uint16)
    g16[0, :4] = [0, 100, 255, 256]
    Image.fromarray(g16, "I;16").save(os.path.join(OUT, "dec_gray16.png"))
    Image.fromarray(sources["noise13x9"], "RGB").save(os.path.join(OUT, "dec_rgb.bmp"))
    Image.fromarray(sources["noise13x9"], "RGB").convert(
        "P", palette=Image.ADAPTIVE, colors=16).save(os.path.join(OUT, "dec_palette.gif"))
    Image.fromarray(sources["smooth50x40"], "RGB").save(os.path.join(OUT, "dec_rgb.jpg"), quality=90)
    for f in ["dec_gray.png", "dec_palette.png", "dec_rgba.png", "dec_la.png", "dec_gray16.png",
              "dec_rgb.bmp", "dec_palette.gif", "dec_rgb.jpg", "cifar_cat_0000.jpg"]:
        path = os.path.join(OUT, f)
        if not os.path.exists(path):
            continue
        im = Image.open(path)
        out = f + ".rgb"
        save(out, np.asarray(im.convert("RGB")))
        manifest.append(f"decode {f} {out} {im.width} {im.height}")

    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
