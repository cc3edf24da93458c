// libcurl loaded on first use: see shim.h for why. Each pointer has the type of the function's
// own declaration (__typeof__), so a wrong signature is a compile error, as with direct calls.
#include "shim.h"
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

// Debian's libcurl4 (the OpenSSL flavour, whose headers libcurl4-openssl-dev installs).
#define EKYC_LIBCURL "libcurl.so.4"

#define EKYC_CURL_FUNCTIONS(X) \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_setopt) \
    X(curl_easy_getinfo) X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all) \
    X(curl_multi_init) X(curl_multi_add_handle) X(curl_multi_remove_handle) X(curl_multi_perform) \
    X(curl_multi_info_read) X(curl_multi_poll) X(curl_multi_wakeup)
// libssl and libcrypto come with libcurl, and are found through its handle.
#define EKYC_SSL_FUNCTIONS(X) \
    X(SSL_CTX_set1_cert_store) X(SSL_CTX_ctrl) X(X509_STORE_new) X(X509_STORE_free) \
    X(X509_STORE_load_file) X(X509_STORE_set_default_paths) X(X509_STORE_add_lookup) \
    X(X509_LOOKUP_hash_dir) X(X509_LOOKUP_ctrl) X(X509_get_default_cert_dir) X(X509_get_default_cert_dir_env) \
    X(X509_get_default_cert_file_env)

#define EKYC_POINTER(name) __typeof__(name) *name;
static struct {
    EKYC_CURL_FUNCTIONS(EKYC_POINTER)
    EKYC_SSL_FUNCTIONS(EKYC_POINTER)
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];
static const char *load_result = load_error;

#ifdef EKYC_CURL_STATIC
// The static build (scripts/build-static) links libcurl, libssl and libcrypto into the
// executable, which has no dynamic loader to load anything with: the pointers are the linked
// functions themselves.
static void load(void) {
#define EKYC_BIND(name) fn.name = name;
    EKYC_CURL_FUNCTIONS(EKYC_BIND)
    EKYC_SSL_FUNCTIONS(EKYC_BIND)
    load_result = NULL;
}
#else
static void load(void) {
    // RTLD_LAZY: a symbol of libcurl's dependency tree is bound when first called, so loading
    // does not resolve the thousands that this program never calls. RTLD_LOCAL: nothing of it
    // becomes visible to other libraries.
    void *lib = dlopen(EKYC_LIBCURL, RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        snprintf(load_error, sizeof load_error,
                 "cannot load %s (%s); install libcurl4 (Debian: apt-get install libcurl4)", EKYC_LIBCURL, dlerror());
        return;
    }
#define EKYC_RESOLVE(name) \
    if (!(fn.name = (__typeof__(name) *)dlsym(lib, #name))) { \
        snprintf(load_error, sizeof load_error, \
                 "%s has no %s: libcurl 7.88 or later built with OpenSSL 3 is needed (Debian 12's libcurl4)", EKYC_LIBCURL, #name); \
        return; \
    }
    EKYC_CURL_FUNCTIONS(EKYC_RESOLVE)
    EKYC_SSL_FUNCTIONS(EKYC_RESOLVE)
    load_result = NULL;
}
#endif

const char *ekyc_curl_load(void) {
    pthread_once(&once, load);
    return load_result;
}

CURLcode ekyc_curl_global_init(long flags) { return fn.curl_global_init(flags); }
CURL *ekyc_curl_easy_init(void) { return fn.curl_easy_init(); }
void ekyc_curl_easy_cleanup(CURL *h) { fn.curl_easy_cleanup(h); }
const char *ekyc_curl_easy_strerror(CURLcode code) { return fn.curl_easy_strerror(code); }
struct curl_slist *ekyc_curl_slist_append(struct curl_slist *list, const char *line) { return fn.curl_slist_append(list, line); }
void ekyc_curl_slist_free_all(struct curl_slist *list) { fn.curl_slist_free_all(list); }
CURLM *ekyc_curl_multi_init(void) { return fn.curl_multi_init(); }
CURLMcode ekyc_curl_multi_add_handle(CURLM *m, CURL *h) { return fn.curl_multi_add_handle(m, h); }
CURLMcode ekyc_curl_multi_remove_handle(CURLM *m, CURL *h) { return fn.curl_multi_remove_handle(m, h); }
CURLMcode ekyc_curl_multi_perform(CURLM *m, int *running) { return fn.curl_multi_perform(m, running); }
CURLMsg *ekyc_curl_multi_info_read(CURLM *m, int *left) { return fn.curl_multi_info_read(m, left); }
CURLMcode ekyc_curl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned int count, int timeout_ms, int *ready) {
    return fn.curl_multi_poll(m, fds, count, timeout_ms, ready);
}
CURLMcode ekyc_curl_multi_wakeup(CURLM *m) { return fn.curl_multi_wakeup(m); }

CURLcode ekyc_curl_setopt_long(CURL *h, CURLoption o, long v) { return fn.curl_easy_setopt(h, o, v); }
CURLcode ekyc_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return fn.curl_easy_setopt(h, o, v); }
CURLcode ekyc_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return fn.curl_easy_setopt(h, o, v); }
CURLcode ekyc_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return fn.curl_easy_setopt(h, o, v); }
CURLcode ekyc_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return fn.curl_easy_setopt(h, o, v); }
CURLcode ekyc_curl_setopt_write_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return fn.curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
CURLcode ekyc_curl_setopt_header_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return fn.curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
CURLcode ekyc_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return fn.curl_easy_getinfo(h, i, v); }
CURLcode ekyc_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return fn.curl_easy_getinfo(h, i, v); }

static CURLcode ssl_ctx_setup(CURL *curl, void *ssl_ctx, void *store) {
    (void)curl;
    if (store) fn.SSL_CTX_set1_cert_store((SSL_CTX *)ssl_ctx, (X509_STORE *)store);
    // SSL_CTX_set_mode, a macro over SSL_CTX_ctrl.
    fn.SSL_CTX_ctrl((SSL_CTX *)ssl_ctx, SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS, NULL);
    return CURLE_OK;
}

CURLcode ekyc_curl_setopt_shared_ca_store(CURL *h, void *store) {
    CURLcode rc = fn.curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_setup);
    return rc != CURLE_OK ? rc : fn.curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, store);
}

// Whether DIR (OpenSSL's default certificate directory, or the first of $SSL_CERT_DIR) holds
// certificates named by subject hash ("5ad8a5d6.0"), as Debian's update-ca-certificates and
// `openssl rehash` make them.
static int hashed_directory(const char *dirs) {
    char dir[PATH_MAX];
    size_t length = strcspn(dirs, ":");
    if (length == 0 || length >= sizeof dir) return 0;
    memcpy(dir, dirs, length);
    dir[length] = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    int found = 0;
    struct dirent *entry;
    while (!found && (entry = readdir(d))) {
        const char *name = entry->d_name;
        found = strlen(name) == 10 && strspn(name, "0123456789abcdef") == 8 && name[8] == '.' && name[9] == '0';
    }
    closedir(d);
    return found;
}

void *ekyc_ca_store_new(const char *file) {
    X509_STORE *store = fn.X509_STORE_new();
    if (!store) return NULL;
    int ok;
    if (file) {
        ok = fn.X509_STORE_load_file(store, file);
    } else {
        // The system's CAs. X509_STORE_set_default_paths parses the whole bundle file (Debian's
        // 140 certificates: 16 ms of CPU, paid by every CGI request that calls the API) besides
        // adding the hashed directory, which holds the same certificates and from which OpenSSL
        // reads only those a chain needs. So the directory alone, when it is one (and no
        // SSL_CERT_FILE names a bundle to use); else both, as OpenSSL would.
        const char *dirs = getenv(fn.X509_get_default_cert_dir_env());
        if (!dirs || !*dirs) dirs = fn.X509_get_default_cert_dir();
        const char *bundle = getenv(fn.X509_get_default_cert_file_env());
        X509_LOOKUP *lookup;
        if ((!bundle || !*bundle) && hashed_directory(dirs) && (lookup = fn.X509_STORE_add_lookup(store, fn.X509_LOOKUP_hash_dir()))) {
            // X509_LOOKUP_add_dir, a macro over X509_LOOKUP_ctrl; the directories of $SSL_CERT_DIR
            // with X509_FILETYPE_DEFAULT, as X509_STORE_set_default_paths adds them.
            ok = fn.X509_LOOKUP_ctrl(lookup, X509_L_ADD_DIR, NULL, X509_FILETYPE_DEFAULT, NULL);
        } else {
            ok = fn.X509_STORE_set_default_paths(store);
        }
    }
    if (ok != 1) { fn.X509_STORE_free(store); return NULL; }
    return store;
}
