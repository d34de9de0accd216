/* blocked_thread.h -- a thread blocked in a Wirelane call, for the wake
 * tests (test_wake.c, test_kinds_nonblock.c): start() runs a body on its
 * own thread and returns once that thread is asleep in the kernel
 * (/proc/self/task/<tid>/stat says 'S'), so the test wakes a call that
 * really waits; join_within() bounds the wake. No sleep is used as
 * synchronisation. The test program defines _GNU_SOURCE before its first
 * include (pthread_timedjoin_np). */
#ifndef WL_BLOCKED_THREAD_H
#define WL_BLOCKED_THREAD_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

typedef struct blocked {
    pthread_t thread;
    atomic_int tid;   /* set by the thread before it blocks */
    long result;      /* the call's return value */
    char message[512];/* the thread's last error after the call */
    void *handle;     /* what to block on */
    void *extra;
} blocked;

/* A body's call result, and its last error message if it failed. */
static void record(blocked *b, long rc) {
    b->result = rc;
    b->message[0] = 0;
    if (rc < 0) {
        wl_last_error_message(b->message, sizeof b->message);
    }
}

/* A body says which thread it is, right before its blocking call. */
static void announce(blocked *b) {
    atomic_store(&b->tid, (int)syscall(SYS_gettid));
}

/* Whether thread `tid` of this process sleeps interruptibly ('S'). */
static int sleeping(int tid) {
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = 0;
    const char *close_paren = strrchr(stat, ')');
    return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] == 'S';
}

static void start(blocked *b, void *(*body)(void *)) {
    atomic_store(&b->tid, 0);
    b->result = 1;
    CHECK(pthread_create(&b->thread, NULL, body, b) == 0);
    /* Until it has announced itself and sleeps; 10 s at most. */
    for (int i = 0; i < 10000; i++) {
        int tid = atomic_load(&b->tid);
        if (tid != 0 && sleeping(tid)) {
            return;
        }
        poll(NULL, 0, 1);
    }
    fprintf(stderr, "the thread did not block within 10 s\n");
    exit(1);
}

static void join_within(blocked *b, int seconds) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += seconds;
    int rc = pthread_timedjoin_np(b->thread, NULL, &deadline);
    if (rc != 0) {
        fprintf(stderr, "the blocked call was not woken within %d s\n", seconds);
        exit(1);
    }
}

#endif
