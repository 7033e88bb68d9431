#include <zlib.h>

/// deflateInit2 is a macro around deflateInit2_ that Swift cannot import.
static inline int neuvo_deflate_init_gzip(z_streamp stream, int level) {
    /* 15 + 16: a gzip wrapper around the deflate stream; memLevel 8 is zlib's default. */
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
