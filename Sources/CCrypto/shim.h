#ifndef EKYC_CCRYPTO_SHIM_H
#define EKYC_CCRYPTO_SHIM_H
// Only SHA-256 and a constant-time compare from libcrypto: no TLS here (curl has its own).
//
// The low-level SHA256_Init/Update/Final, deprecated since OpenSSL 3.0 but present in every 3.x,
// are used on purpose: they run libcrypto's SHA-NI/AVX2 code directly, where the one-shot
// SHA256() and HMAC() go through EVP and the first call initialises the whole library (reads
// openssl.cnf, loads the default provider, registers every cipher and digest). A CGI process
// that only hashes a token and checks a cookie would spend more on that than on its request.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <openssl/crypto.h>
// getrandom(2) for SecureRandom: Swift's Glibc module does not export it.
#include <sys/random.h>
#endif
