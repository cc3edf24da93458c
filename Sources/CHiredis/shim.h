#ifndef EKYC_CHIREDIS_SHIM_H
#define EKYC_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>

// redisCommand is variadic and redisCommandArgv returns void *: one typed wrapper each, so every
// call site passes a counted argument vector (binary-safe, no format string) and gets a reply.
static inline redisReply *ekyc_redis_command_argv(redisContext *c, int argc, const char **argv, const size_t *lens) {
    return (redisReply *)redisCommandArgv(c, argc, argv, lens);
}

static inline struct timeval ekyc_redis_timeval(long ms) {
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    return tv;
}

static inline redisContext *ekyc_redis_connect(const char *host, int port, long timeout_ms) {
    return redisConnectWithTimeout(host, port, ekyc_redis_timeval(timeout_ms));
}

static inline int ekyc_redis_set_timeout(redisContext *c, long timeout_ms) {
    return redisSetTimeout(c, ekyc_redis_timeval(timeout_ms));
}

// errstr is a fixed array, which Swift sees as a tuple.
static inline const char *ekyc_redis_errstr(const redisContext *c) { return c->errstr; }
#endif
