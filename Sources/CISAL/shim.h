#ifndef AUTHLOG_CISAL_SHIM_H
#define AUTHLOG_CISAL_SHIM_H

// ISA-L's inflate (SIMD Huffman decoding, several times zlib's speed) and its CRC32, for
// the .gz archives; zlib stays for the headers ISA-L refuses.
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

#endif
