#!/usr/bin/env python3
"""Caps a corpus minimized by `cargo fuzz cmin` to at most N files, keeping the most coverage.

cmin keeps every input that adds a coverage edge, which is several hundred files for the TMX
reader; the committed corpus is meant to stay small. Given the control file libFuzzer wrote
during cmin (`-merge_control_file=F`), this picks files greedily by the number of edges they
add (ties: the smaller file) until N files, and deletes the others from the corpus directory.

usage: cap_corpus.py CONTROL_FILE CORPUS_DIR N
"""
import os
import sys


def main():
    control, corpus, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lines = open(control, encoding="utf-8", errors="replace").read().split("\n")
    count = int(lines[0])
    files = lines[2 : 2 + count]
    cov, size = {}, {}
    for line in lines[2 + count :]:
        parts = line.split()
        if parts and parts[0] == "STARTED":
            size[int(parts[1])] = int(parts[2])
        elif parts and parts[0] == "COV":
            cov[int(parts[1])] = set(parts[2:])
    # Only files still in the corpus directory (cmin deleted the rest).
    present = set(os.listdir(corpus))
    cov = {i: c for i, c in cov.items() if os.path.basename(files[i]) in present}
    total = set().union(*cov.values()) if cov else set()
    got, chosen = set(), []
    while len(chosen) < cap and cov:
        best = max(cov, key=lambda i: (len(cov[i] - got), -size.get(i, 0)))
        if not cov[best] - got:
            break
        chosen.append(best)
        got |= cov.pop(best)
    keep = {os.path.basename(files[i]) for i in chosen}
    for name in present - keep:
        os.remove(os.path.join(corpus, name))
    print(f"{corpus}: kept {len(keep)} of {len(present)} files, {len(got)}/{len(total)} edges")


if __name__ == "__main__":
    main()
