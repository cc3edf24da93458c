/* limit-group: START's ceiling when the store makes records durable by group commit, with no
 * handler in the way: a FastCGI app (libfcgi, THREADS threads on one unix socket) whose every
 * request appends a record-sized line to one journal, waits until an fdatasync that began after
 * its append has finished (leader/follower: the first waiter flushes for everyone who appended
 * before the flush began, the others wait for it), then writes the token file (no fsync: the
 * journal holds the record), and answers 303 the way START does.
 *
 * usage: group-limit SOCKET DIRECTORY THREADS [RECORD_BYTES]   (DIRECTORY must exist) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int listen_fd, journal_fd;
static const char *base;
static size_t record_bytes = 600;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flushed = PTHREAD_COND_INITIALIZER;
static unsigned long appended, durable; /* sequence numbers of records, under lock */
static int flushing;                    /* a leader's fdatasync is under way */

static void fail(const char *call, const char *what) {
    fprintf(stderr, "group-limit: %s %s: %s\n", call, what, strerror(errno));
    exit(1);
}

/* Appends one record and returns once it is on disk. */
static void journal_append(const char *record, size_t length) {
    pthread_mutex_lock(&lock);
    if (write(journal_fd, record, length) != (ssize_t)length) fail("write", "journal");
    unsigned long mine = ++appended;
    while (durable < mine) {
        if (!flushing) {
            /* Leader: one flush covers every record appended so far. */
            flushing = 1;
            unsigned long covered = appended;
            pthread_mutex_unlock(&lock);
            if (fdatasync(journal_fd) != 0) fail("fdatasync", "journal");
            pthread_mutex_lock(&lock);
            flushing = 0;
            durable = covered;
            pthread_cond_broadcast(&flushed);
        } else {
            pthread_cond_wait(&flushed, &lock);
        }
    }
    pthread_mutex_unlock(&lock);
}

static void *worker(void *arg) {
    long id = (long)arg, count = 0;
    FCGX_Request request;
    FCGX_InitRequest(&request, listen_fd, 0);
    char *record = malloc(record_bytes + 1);
    char path[4200];
    while (FCGX_Accept_r(&request) >= 0) {
        count++;
        char token[40];
        snprintf(token, sizeof token, "%08lx%08lx%016lx", id, (unsigned long)getpid(), count);
        int n = snprintf(record, record_bytes, "{\"token\":\"%s\",\"status\":\"pending\",\"pad\":\"", token);
        memset(record + n, 'x', record_bytes - n - 3);
        memcpy(record + record_bytes - 3, "\"}\n", 3);
        journal_append(record, record_bytes);
        snprintf(path, sizeof path, "%s/%02lx/%s.json", base, (id * 131 + count) % 256, token);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) fail("open", path);
        if (write(fd, record, record_bytes) != (ssize_t)record_bytes) fail("write", path);
        close(fd);
        FCGX_FPrintF(request.out,
                     "Status: 303 See Other\r\nLocation: https://intl.faceid.qq.com/reflect/?token=%s\r\n"
                     "Set-Cookie: ekyc_session=%s; Path=/ekyc/; HttpOnly; SameSite=Lax\r\n"
                     "Cache-Control: no-store\r\nContent-Length: 0\r\n\r\n", token, token);
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: group-limit SOCKET DIRECTORY THREADS [RECORD_BYTES]\n");
        return 2;
    }
    base = argv[2];
    long threads = atol(argv[3]);
    if (argc > 4) record_bytes = (size_t)atol(argv[4]);
    if (threads < 1 || record_bytes < 128) {
        fprintf(stderr, "group-limit: THREADS ≥ 1 and RECORD_BYTES ≥ 128\n");
        return 2;
    }
    char path[4200];
    for (int shard = 0; shard < 256; shard++) {
        snprintf(path, sizeof path, "%s/%02x", base, shard);
        if (mkdir(path, 0700) != 0 && errno != EEXIST) fail("mkdir", path);
    }
    snprintf(path, sizeof path, "%s/journal", base);
    journal_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (journal_fd < 0) fail("open", path);
    if (FCGX_Init() != 0) fail("FCGX_Init", "");
    /* libfcgi's SIGTERM handler only asks the accept loop to stop, which waits in accept(): the
     * bench stops this process by SIGTERM, so the default action is put back. */
    signal(SIGTERM, SIG_DFL);
    umask(0111); /* the socket 0666, for nginx's workers */
    listen_fd = FCGX_OpenSocket(argv[1], 1024);
    if (listen_fd < 0) fail("FCGX_OpenSocket", argv[1]);
    pthread_t *ids = calloc(threads, sizeof *ids);
    for (long i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, (void *)i);
    for (long i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    return 0;
}
