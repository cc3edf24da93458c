#ifndef EKYC_CFASTCGI_SHIM_H
#define EKYC_CFASTCGI_SHIM_H
// libfcgi's reentrant API only (fcgiapp.h); fcgi_stdio.h would redefine stdio.
#include <fcgiapp.h>
// mallopt: the server fixes glibc's mmap threshold (Swift's Glibc module leaves malloc.h out).
#include <malloc.h>
#endif
