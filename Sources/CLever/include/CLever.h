// The C module Swift imports: the public ABI, OpenBLAS's cblas, json-c, and hidden helpers.
#ifndef CLEVER_H
#define CLEVER_H
#include "../../../include/lever.h"
#include <cblas.h>
#include <json-c/json.h>
#include "clever_helpers.h"
#include "clever_crc32c.h"
#include "clever_half.h"
#include "clever_finite.h"
#include "clever_vector.h"
#include "clever_scan.h"
#endif
