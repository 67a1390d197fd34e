// CRC-32C (Castagnoli) for the model file's checksums (format 2). Hidden: not part of liblever's ABI.
#ifndef CLEVER_CRC32C_H
#define CLEVER_CRC32C_H
#include <stddef.h>
#include <stdint.h>
#include "clever_helpers.h"

/// CRC-32C of `n` bytes at `data` (as iSCSI, ext4 and RFC 3720: reflected, initial and final
/// value 0xFFFFFFFF). Uses the SSE4.2 crc32 instruction when the CPU has it, else a table.
CLEVER_HIDDEN uint32_t clever_crc32c(const void *data, size_t n);
/// The portable table-driven CRC-32C (what `clever_crc32c` falls back to), for tests.
CLEVER_HIDDEN uint32_t clever_crc32c_portable(const void *data, size_t n);
#endif
