// `next_in` as a const pointer: the zip reader inflates straight from read-only mapped bytes.
#define ZLIB_CONST
#include <zlib.h>
