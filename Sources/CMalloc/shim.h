#ifndef EKYC_CMALLOC_SHIM_H
#define EKYC_CMALLOC_SHIM_H
// mallopt and its parameters: Swift's Glibc module leaves malloc.h out.
#include <malloc.h>
#endif
