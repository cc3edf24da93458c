#ifndef EKYC_CCURL_SHIM_H
#define EKYC_CCURL_SHIM_H
// libcurl is not linked: it is loaded with dlopen on the first API call (curl_loader.c), so a
// process that never calls the API (a CGI callback answered from the store, the sweep command)
// does not pay for loading libcurl and its ~30 dependencies. curl.h is used for types and
// constants only; every call goes through an ekyc_curl_* function below.
#include <curl/curl.h>

// Loads libcurl.so.4 and resolves every function below, once per process (thread-safe).
// Returns NULL when loaded, else a message naming what is missing and the package to install.
// No other function here may be called before it returned NULL.
const char *ekyc_curl_load(void);

CURLcode ekyc_curl_global_init(long flags);
CURL *ekyc_curl_easy_init(void);
void ekyc_curl_easy_cleanup(CURL *h);
const char *ekyc_curl_easy_strerror(CURLcode code);
struct curl_slist *ekyc_curl_slist_append(struct curl_slist *list, const char *line);
void ekyc_curl_slist_free_all(struct curl_slist *list);
CURLM *ekyc_curl_multi_init(void);
CURLMcode ekyc_curl_multi_add_handle(CURLM *m, CURL *h);
CURLMcode ekyc_curl_multi_remove_handle(CURLM *m, CURL *h);
CURLMcode ekyc_curl_multi_perform(CURLM *m, int *running);
CURLMsg *ekyc_curl_multi_info_read(CURLM *m, int *left);
CURLMcode ekyc_curl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned int count, int timeout_ms, int *ready);
CURLMcode ekyc_curl_multi_wakeup(CURLM *m);

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
// one typed wrapper per argument kind keeps every call site checked by the compiler.
CURLcode ekyc_curl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode ekyc_curl_setopt_string(CURL *h, CURLoption o, const char *v);
CURLcode ekyc_curl_setopt_pointer(CURL *h, CURLoption o, void *v);
CURLcode ekyc_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v);
CURLcode ekyc_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v);
CURLcode ekyc_curl_setopt_write_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *));
CURLcode ekyc_curl_setopt_header_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *));
CURLcode ekyc_curl_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode ekyc_curl_getinfo_double(CURL *h, CURLINFO i, double *v);

// One CA store for every TLS connection of the process: left to itself, curl loads the CA
// bundle into each connection's SSL_CTX (hundreds of KiB a connection with a system bundle).
// Also, OpenSSL frees a connection's read/write buffers while it idles in the keep-alive pool.
// The store is an X509_STORE of the OpenSSL that libcurl loaded, passed as an opaque pointer.
CURLcode ekyc_curl_setopt_shared_ca_store(CURL *h, void *store);
// A CA store from a PEM file, or when file is NULL the system's: its hashed directory alone when
// there is one (certificates read as a chain needs them), else OpenSSL's default locations. NULL
// on failure.
void *ekyc_ca_store_new(const char *file);
#endif
