#ifndef AUTHLOG_CZLIB_SHIM_H
#define AUTHLOG_CZLIB_SHIM_H

#include <zlib.h>

// inflateInit2 is a macro (it passes the library version and struct size); Swift cannot
// call macros, so this wrapper does.
static inline int authlog_inflate_init_gzip(z_stream *stream) {
    // 15 window bits + 32: accept gzip or zlib headers, detected automatically.
    return inflateInit2(stream, 15 + 32);
}

#endif
