#ifndef EKYC_CCRYPTO_SHIM_H
#define EKYC_CCRYPTO_SHIM_H
// Only the one-shot digest, MAC and random functions of libcrypto: no TLS here (curl has its own).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#endif
