#ifndef EKYC_CFASTCGI_SHIM_H
#define EKYC_CFASTCGI_SHIM_H
// libfcgi's reentrant API only (fcgiapp.h); fcgi_stdio.h would redefine stdio.
#include <fcgiapp.h>
#endif
