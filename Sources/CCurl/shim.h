#ifndef EKYC_CCURL_SHIM_H
#define EKYC_CCURL_SHIM_H
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
// one typed wrapper per argument kind keeps every call site checked by the compiler.
static inline CURLcode ekyc_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ekyc_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ekyc_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ekyc_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ekyc_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ekyc_curl_setopt_write_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode ekyc_curl_setopt_header_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
static inline CURLcode ekyc_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ekyc_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }

// One CA store for every TLS connection of the process: left to itself, curl loads the CA
// bundle into each connection's SSL_CTX (hundreds of KiB a connection with a system bundle).
// Also, OpenSSL frees a connection's read/write buffers while it idles in the keep-alive pool.
static CURLcode ekyc_ssl_ctx_setup(CURL *curl, void *ssl_ctx, void *store) {
    (void)curl;
    if (store) SSL_CTX_set1_cert_store((SSL_CTX *)ssl_ctx, (X509_STORE *)store);
    SSL_CTX_set_mode((SSL_CTX *)ssl_ctx, SSL_MODE_RELEASE_BUFFERS);
    return CURLE_OK;
}
static inline CURLcode ekyc_curl_setopt_shared_ca_store(CURL *h, X509_STORE *store) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ekyc_ssl_ctx_setup);
    return rc != CURLE_OK ? rc : curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, (void *)store);
}
// A CA store from a PEM file, or OpenSSL's default locations when file is NULL; NULL on failure.
static inline X509_STORE *ekyc_ca_store_new(const char *file) {
    X509_STORE *store = X509_STORE_new();
    if (!store) return NULL;
    int ok = file ? X509_STORE_load_file(store, file) : X509_STORE_set_default_paths(store);
    if (ok != 1) { X509_STORE_free(store); return NULL; }
    return store;
}
#endif
