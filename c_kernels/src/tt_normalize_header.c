#include "tt_rules.h"

/* h_out[i] = normalize(h_in[i]) for n headers stored as (s, u, d) triples; u, d in [0, 5]. */
tt_status_t tt_normalize_header(const int8_t *h_in, int8_t *h_out, uint32_t n)
{
    uint32_t i;
    if (h_in == 0 || h_out == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS / 3u) return TT_ERR_SHAPE;
    for (i = 0; i < n; i++) {
        const int8_t *h = h_in + 3u * i;
        if (h[1] < 0 || h[1] > 5 || h[2] < 0 || h[2] > 5) return TT_ERR_RANGE;
    }
    for (i = 0; i < n; i++) {
        tt_hdr32_t w;
        tt_header_t out;
        w.s = h_in[3u * i];
        w.u = h_in[3u * i + 1u];
        w.d = h_in[3u * i + 2u];
        if (tt_hdr_narrow(tt_normalize(w), &out) != TT_OK) return TT_ERR_HEADER;
        h_out[3u * i] = out.s;
        h_out[3u * i + 1u] = out.u;
        h_out[3u * i + 2u] = out.d;
    }
    return TT_OK;
}
