/*
 * check.h -- a tiny test harness for the Wirelane C ABI tests.
 *
 * Every check that fails prints where, what, and the library's last error
 * message, then exits 1. RUN() also counts the process's open descriptors
 * (/proc/self/fd) before and after each test, so any fd leak fails it.
 * main() sets an alarm so a hang fails instead of blocking forever.
 */
#ifndef WL_CHECK_H
#define WL_CHECK_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wirelane.h"

static int wl_tests_passed;

static inline void wl_print_last_error(void) {
    char msg[512];
    if (wl_last_error_message(msg, sizeof msg) > 0) {
        fprintf(stderr, "    last error: %s\n", msg);
    }
}

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
            wl_print_last_error();                                                     \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

/* The call must succeed (return >= 0). */
#define CHECK_OK(expr)                                                                 \
    do {                                                                               \
        long rc_ = (long)(expr);                                                       \
        if (rc_ < 0) {                                                                 \
            fprintf(stderr, "%s:%d: %s failed: %ld (%s)\n", __FILE__, __LINE__, #expr, \
                    rc_, wl_strerror((int)rc_));                                       \
            wl_print_last_error();                                                     \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

/* The call must fail with exactly -code. */
#define CHECK_ERR(expr, code)                                                          \
    do {                                                                               \
        long rc_ = (long)(expr);                                                       \
        if (rc_ != -(long)(code)) {                                                    \
            fprintf(stderr, "%s:%d: %s returned %ld (%s), expected -%s\n", __FILE__,   \
                    __LINE__, #expr, rc_, rc_ < 0 ? wl_strerror((int)rc_) : "success", \
                    #code);                                                            \
            wl_print_last_error();                                                     \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

/* The last error message must contain `needle`. */
#define CHECK_MSG(needle)                                                              \
    do {                                                                               \
        char m_[512];                                                                  \
        wl_last_error_message(m_, sizeof m_);                                          \
        if (strstr(m_, (needle)) == NULL) {                                            \
            fprintf(stderr, "%s:%d: last error \"%s\" lacks \"%s\"\n", __FILE__,       \
                    __LINE__, m_, (needle));                                           \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

static inline int wl_count_fds(void) {
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;
    struct dirent *e;
    if (dir == NULL) {
        perror("opendir /proc/self/fd");
        exit(1);
    }
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] != '.') {
            n++;
        }
    }
    closedir(dir);
    return n - 1; /* the directory's own descriptor */
}

static inline int wl_fd_is_open(int fd) {
    return fcntl(fd, F_GETFD) != -1;
}

/* Runs one test function and checks it left no descriptor open. */
#define RUN(test)                                                                      \
    do {                                                                               \
        int before_ = wl_count_fds();                                                  \
        test();                                                                        \
        int after_ = wl_count_fds();                                                   \
        if (after_ != before_) {                                                       \
            fprintf(stderr, "%s: leaked %d descriptor(s)\n", #test, after_ - before_); \
            exit(1);                                                                   \
        }                                                                              \
        printf("ok %s\n", #test);                                                      \
        wl_tests_passed++;                                                             \
    } while (0)

/* Fails the program if it hangs (default SIGALRM disposition kills it). */
static inline void wl_test_start(unsigned seconds) {
    setvbuf(stdout, NULL, _IONBF, 0);
    alarm(seconds);
}

static inline int wl_test_end(const char *name) {
    printf("%s: %d passed, 0 failed\n", name, wl_tests_passed);
    return 0;
}

/* A unique Unix socket path for this process. */
static inline void wl_unique_path(char *buf, size_t len) {
    static int counter;
    snprintf(buf, len, "/tmp/wl-ffi-%ld-%d.sock", (long)getpid(), counter++);
    unlink(buf);
}

/* The domain of a socket descriptor (wl_socket_domain), checked. */
static inline int wl_domain_of(int fd) {
    int32_t domain = -1;
    CHECK_OK(wl_socket_domain(fd, &domain));
    return domain;
}

static inline wl_addr wl_parse(const char *text) {
    wl_addr a;
    CHECK_OK(wl_addr_parse(text, &a));
    return a;
}

/* A listener on `text` (port 0 / a fresh path); its address in *addr. */
static inline wl_listener *wl_listen_on(const char *text, wl_addr *addr) {
    wl_addr want = wl_parse(text);
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    wl_listener *listener = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&want), SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_bind(raw, &want, &bound));
    CHECK_OK(wl_bound_listen(bound, 16, &listener));
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(listener), addr));
    return listener;
}

/* A UDP (or Unix datagram) socket bound to `text` (port 0: any), with a
 * 5 s read timeout so a lost datagram fails the test instead of hanging. */
static inline wl_dgram *wl_bind_dgram(const char *text) {
    wl_addr a = wl_parse(text);
    wl_raw *raw = NULL;
    wl_dgram *d = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&a), SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &a, &d));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(d), 5000));
    return d;
}

/* A connected client/server pair over a fresh listener on `text`. */
static inline void wl_stream_pair(const char *text, wl_conn **client, wl_conn **server) {
    wl_addr addr;
    wl_listener *listener = wl_listen_on(text, &addr);
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&addr), SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect(raw, &addr, client));
    CHECK_OK(wl_listener_accept(listener, server, NULL));
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(*client), 5000));
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(*server), 5000));
    wl_listener_free(listener);
}

#endif
