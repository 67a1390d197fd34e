// Scans for NaN and infinity in a loaded model's arrays. Hidden: not part of liblever's ABI.
#ifndef CLEVER_FINITE_H
#define CLEVER_FINITE_H
#include <stddef.h>
#include <stdint.h>
#include "clever_helpers.h"

/// The index of the first NaN or infinity among `n` floats, or `n` when all are finite.
CLEVER_HIDDEN size_t clever_first_nonfinite_f32(const float *values, size_t n);
/// The same for `n` IEEE half floats given as bit patterns.
CLEVER_HIDDEN size_t clever_first_nonfinite_f16(const uint16_t *bits, size_t n);
#endif
