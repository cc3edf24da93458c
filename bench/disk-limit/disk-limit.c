/* limit-disk: how many token records a second this file system makes durable the way the
 * store's contract says (DESIGN.md, "Token store"), with no handler in the way. N threads, each
 * in a loop: open a temp file O_EXCL 0600 in one of 256 shard directories, write a record-sized
 * buffer, fdatasync, close, rename to the final name, fsync the directory. Prints the records
 * per second over the run, the 99th percentile of one record's time in milliseconds, and the CPU
 * time (user + system) the process spent per record in microseconds: what the write alone costs
 * the machine, whoever does it.
 *
 * usage: disk-limit DIRECTORY THREADS SECONDS [RECORD_BYTES]   (DIRECTORY must exist, empty) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *base;
static double seconds;
static size_t record_bytes = 600;
static long total;
static double *latencies;   /* every record's time in seconds, of all threads */
static size_t latency_count, latency_capacity;
static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(const char *call, const char *path) {
    fprintf(stderr, "disk-limit: %s %s: %s\n", call, path, strerror(errno));
    exit(1);
}

static void *writer(void *arg) {
    long id = (long)arg, count = 0;
    size_t mine_count = 0, mine_capacity = 1024;
    double *mine = malloc(mine_capacity * sizeof *mine);
    char *record = malloc(record_bytes);
    memset(record, '{', record_bytes);
    char dir[4096], temp[4200], final[4200];
    double end = now() + seconds;
    double started;
    while ((started = now()) < end) {
        snprintf(dir, sizeof dir, "%s/%02lx", base, (id * 131 + count) % 256);
        snprintf(temp, sizeof temp, "%s/.tmp-%ld-%ld", dir, id, count);
        snprintf(final, sizeof final, "%s/%ld-%ld.json", dir, id, count);
        int fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) fail("open", temp);
        if (write(fd, record, record_bytes) != (ssize_t)record_bytes) fail("write", temp);
        if (fdatasync(fd) != 0) fail("fdatasync", temp);
        close(fd);
        if (rename(temp, final) != 0) fail("rename", temp);
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) != 0) fail("fsync", dir);
        close(dfd);
        count++;
        if (mine_count == mine_capacity) mine = realloc(mine, (mine_capacity *= 2) * sizeof *mine);
        mine[mine_count++] = now() - started;
    }
    pthread_mutex_lock(&total_lock);
    total += count;
    if (latency_count + mine_count > latency_capacity) {
        latency_capacity = (latency_count + mine_count) * 2;
        latencies = realloc(latencies, latency_capacity * sizeof *latencies);
    }
    memcpy(latencies + latency_count, mine, mine_count * sizeof *mine);
    latency_count += mine_count;
    pthread_mutex_unlock(&total_lock);
    free(mine);
    free(record);
    return NULL;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: disk-limit DIRECTORY THREADS SECONDS [RECORD_BYTES]\n");
        return 2;
    }
    base = argv[1];
    int threads = atoi(argv[2]);
    seconds = atof(argv[3]);
    if (argc > 4) record_bytes = (size_t)atol(argv[4]);
    if (threads < 1 || threads > 4096 || seconds <= 0 || record_bytes < 1) {
        fprintf(stderr, "disk-limit: THREADS 1..4096, SECONDS > 0, RECORD_BYTES > 0\n");
        return 2;
    }
    char dir[4096];
    for (int shard = 0; shard < 256; shard++) {
        snprintf(dir, sizeof dir, "%s/%02x", base, shard);
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) fail("mkdir", dir);
    }
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    for (long i = 0; i < threads; i++)
        if (pthread_create(&ids[i], NULL, writer, (void *)i) != 0) fail("pthread_create", "");
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    qsort(latencies, latency_count, sizeof *latencies, compare);
    double p99 = latency_count ? latencies[(size_t)(latency_count * 0.99)] : 0;
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
    printf("%.1f %.2f %.0f\n", total / seconds, p99 * 1000, total ? cpu * 1e6 / total : 0);
    return 0;
}
