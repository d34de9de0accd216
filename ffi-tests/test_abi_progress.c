/* Partial progress is never lost (the PROGRESS convention at the top of
 * wirelane.h): a looping call (send_all, recv_until, sendfile_all,
 * splice_all) that stops with an error reports through its out parameter
 * exactly what it did, and the peer then receives exactly that; a signal
 * (SIGUSR1 without SA_RESTART) inside a looping call is retried, losing
 * nothing; a one-syscall batch call returns the prefix it sent and leaves
 * the error for the next call. The batch's iovec array is const and is
 * not written. */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define BIG (4u << 20)

static volatile sig_atomic_t signals;

static void on_usr1(int sig) {
    (void)sig;
    signals++;
}

static void catch_usr1(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = 0; /* no SA_RESTART: blocking syscalls return EINTR */
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    signals = 0;
}

static unsigned char pattern(size_t i) {
    return (unsigned char)(i * 131u + (i >> 12));
}

static unsigned char *patterned(size_t len) {
    unsigned char *buf = malloc(len);
    CHECK(buf != NULL);
    for (size_t i = 0; i < len; i++) buf[i] = pattern(i);
    return buf;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

/* Reads `conn` to end of stream; checks every byte is pattern(start + i)
 * and returns how many arrived. */
static size_t drain_checked(wl_conn *conn, size_t start) {
    static unsigned char buf[65536];
    size_t total = 0;
    for (;;) {
        long n = wl_conn_recv(conn, buf, sizeof buf, 0);
        if (n == -EINTR) continue;
        CHECK(n >= 0);
        if (n == 0) return total;
        for (long i = 0; i < n; i++) CHECK(buf[i] == pattern(start + total + (size_t)i));
        total += (size_t)n;
    }
}

/* A Unix stream pair with small buffers, so BIG bytes cannot fit. */
static void small_pair(wl_conn **a, wl_conn **b) {
    CHECK_OK(wl_conn_pair(a, b));
    CHECK_OK(wl_set_send_buffer_size(wl_conn_fd(*a), 16384));
    CHECK_OK(wl_set_recv_buffer_size(wl_conn_fd(*b), 16384));
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(*b), 10000));
}

/* A file of BIG patterned bytes (already unlinked). */
static int patterned_file(void) {
    char path[] = "/tmp/wl-progress-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    unsigned char *data = patterned(BIG);
    CHECK(write(fd, data, BIG) == (ssize_t)BIG);
    free(data);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

static void send_all_timeout_reports_what_the_peer_gets(void) {
    wl_conn *a = NULL, *b = NULL;
    small_pair(&a, &b);
    unsigned char *data = patterned(BIG);
    size_t sent = 0;
    CHECK_ERR(wl_conn_send_all(a, data, BIG, 100, NULL, &sent), ETIMEDOUT);
    CHECK(sent > 0 && sent < BIG);
    CHECK_OK(wl_conn_shutdown(a, SHUT_WR));
    CHECK(drain_checked(b, 0) == sent);
    free(data);
    wl_conn_free(a);
    wl_conn_free(b);
}

/* The peer of a transfer under signals: reads slowly, sending SIGUSR1 to
 * the sending thread before every read, until end of stream. */
struct slow_reader {
    wl_conn *conn;
    pthread_t sender;
    size_t got;
    atomic_bool done;
};

static void *read_slowly(void *arg) {
    struct slow_reader *r = arg;
    static unsigned char buf[65536];
    for (;;) {
        if (!atomic_load(&r->done)) pthread_kill(r->sender, SIGUSR1);
        sleep_ms(1);
        long n = wl_conn_recv(r->conn, buf, sizeof buf, 0);
        if (n <= 0) break;
        for (long i = 0; i < n; i++) {
            if (buf[i] != pattern(r->got + (size_t)i)) {
                fprintf(stderr, "byte %zu differs\n", r->got + (size_t)i);
                exit(1);
            }
        }
        r->got += (size_t)n;
    }
    return NULL;
}

static void send_all_under_signals_loses_nothing(void) {
    catch_usr1();
    wl_conn *a = NULL, *b = NULL;
    small_pair(&a, &b);
    unsigned char *data = patterned(BIG);
    struct slow_reader r = {b, pthread_self(), 0, false};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, read_slowly, &r) == 0);
    size_t sent = 0;
    CHECK_OK(wl_conn_send_all(a, data, BIG, -1, NULL, &sent));
    int during = signals;
    atomic_store(&r.done, true);
    CHECK(sent == BIG);
    CHECK(during >= 1); /* the signals did land inside the call */
    CHECK_OK(wl_conn_shutdown(a, SHUT_WR));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(r.got == BIG);
    free(data);
    wl_conn_free(a);
    wl_conn_free(b);
    CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
}

/* Sends three SIGUSR1 to `target`, then "t\n" on `conn`. */
struct late_writer {
    wl_conn *conn;
    pthread_t target;
};

static void *signal_then_write(void *arg) {
    struct late_writer *w = arg;
    for (int i = 0; i < 3; i++) {
        sleep_ms(20);
        pthread_kill(w->target, SIGUSR1);
    }
    sleep_ms(20);
    CHECK(wl_conn_send(w->conn, "t\n", 2, 0) == 2);
    return NULL;
}

static void recv_until_under_signals_loses_nothing(void) {
    catch_usr1();
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK(wl_conn_send(a, "par", 3, 0) == 3);
    struct late_writer w = {a, pthread_self()};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, signal_then_write, &w) == 0);
    char buf[64];
    size_t consumed = 0;
    CHECK(wl_conn_recv_until(b, "\n", 1, buf, sizeof buf, 10000, &consumed) == 5);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(signals == 3);
    CHECK(consumed == 5 && memcmp(buf, "part\n", 5) == 0);
    wl_conn_free(a);
    wl_conn_free(b);
    CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
}

static void sendfile_all_timeout_reports_the_offset(void) {
    int file = patterned_file();
    /* With an offset: *offset is the progress. */
    wl_conn *a = NULL, *b = NULL;
    small_pair(&a, &b);
    CHECK_OK(wl_socket_set_write_timeout(wl_conn_fd(a), 100));
    uint64_t offset = 0;
    CHECK_ERR(wl_conn_sendfile_all(a, file, &offset, BIG), EAGAIN);
    CHECK(offset > 0 && offset < BIG);
    CHECK_OK(wl_conn_shutdown(a, SHUT_WR));
    CHECK(drain_checked(b, 0) == offset);
    wl_conn_free(a);
    wl_conn_free(b);

    /* Without: the file position is. */
    small_pair(&a, &b);
    CHECK_OK(wl_socket_set_write_timeout(wl_conn_fd(a), 100));
    CHECK(lseek(file, 0, SEEK_SET) == 0);
    CHECK_ERR(wl_conn_sendfile_all(a, file, NULL, BIG), EAGAIN);
    off_t pos = lseek(file, 0, SEEK_CUR);
    CHECK(pos > 0 && pos < (off_t)BIG);
    CHECK_OK(wl_conn_shutdown(a, SHUT_WR));
    CHECK(drain_checked(b, 0) == (size_t)pos);
    wl_conn_free(a);
    wl_conn_free(b);
    close(file);
}

static void sendfile_all_under_signals_loses_nothing(void) {
    catch_usr1();
    int file = patterned_file();
    wl_conn *a = NULL, *b = NULL;
    small_pair(&a, &b);
    struct slow_reader r = {b, pthread_self(), 0, false};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, read_slowly, &r) == 0);
    uint64_t offset = 0;
    CHECK(wl_conn_sendfile_all(a, file, &offset, BIG) == (ssize_t)BIG);
    int during = signals;
    atomic_store(&r.done, true);
    CHECK(offset == BIG);
    CHECK(during >= 1);
    CHECK_OK(wl_conn_shutdown(a, SHUT_WR));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(r.got == BIG);
    wl_conn_free(a);
    wl_conn_free(b);
    close(file);
    CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
}

static void splice_all_timeout_reports_delivered_and_in_pipe(void) {
    int file = patterned_file();
    wl_conn *a = NULL, *b = NULL;
    small_pair(&a, &b);
    CHECK_OK(wl_socket_set_write_timeout(wl_conn_fd(a), 100));
    wl_pipe *p = NULL;
    CHECK_OK(wl_pipe_new(0, &p));
    uint64_t moved = 0;
    size_t left = 0;
    CHECK_ERR(wl_splice_all(file, wl_conn_fd(a), BIG, p, &moved, &left), EAGAIN);
    CHECK(moved > 0 && moved < BIG);
    CHECK_OK(wl_conn_shutdown(a, SHUT_WR));
    CHECK(drain_checked(b, 0) == moved);
    /* The bytes read but not delivered are the next ones, in the pipe. */
    size_t pending = 0;
    CHECK_OK(wl_pipe_pending(p, &pending));
    CHECK(left == pending);
    unsigned char *rest = malloc(left + 1);
    CHECK(rest != NULL);
    CHECK(read(wl_pipe_reader(p), rest, left) == (ssize_t)left);
    for (size_t i = 0; i < left; i++) CHECK(rest[i] == pattern((size_t)moved + i));
    /* And the file position is right after them. */
    CHECK(lseek(file, 0, SEEK_CUR) == (off_t)(moved + left));
    free(rest);
    wl_pipe_free(p);
    wl_conn_free(a);
    wl_conn_free(b);
    close(file);
}

/* One sendmmsg: the prefix it sent is the count, the error comes with
 * the next call; the receiver gets exactly that prefix. */
static void sendmmsg_returns_the_prefix_then_the_error(void) {
    wl_dgram_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_dgram_conn_pair(&a, &b));
    CHECK_OK(wl_set_send_buffer_size(wl_dgram_conn_fd(a), 4096));
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_conn_fd(a), true));
    enum { N = 256 };
    static unsigned char payload[N][200];
    static struct iovec iov_storage[N];
    for (int i = 0; i < N; i++) {
        memset(payload[i], i, sizeof payload[i]);
        iov_storage[i].iov_base = payload[i];
        iov_storage[i].iov_len = sizeof payload[i];
    }
    /* The header takes a const array; check it is not written either. */
    const struct iovec *iov = iov_storage;
    static struct iovec before[N];
    memcpy(before, iov_storage, sizeof before);
    size_t lens[N];
    int sent = wl_dgram_conn_sendmmsg(a, iov, N, lens);
    CHECK(sent > 0 && sent < N);
    CHECK(memcmp(before, iov_storage, sizeof before) == 0);
    for (int i = 0; i < sent; i++) CHECK(lens[i] == sizeof payload[i]);
    /* Nothing more fits: the next call reports the error. */
    CHECK_ERR(wl_dgram_conn_sendmmsg(a, iov + sent, (size_t)(N - sent), lens), EAGAIN);
    /* The receiver gets exactly the `sent` first datagrams. */
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_conn_fd(b), true));
    unsigned char buf[256];
    for (int i = 0; i < sent; i++) {
        CHECK(wl_dgram_conn_recv(b, buf, sizeof buf, 0) == (long)sizeof payload[i]);
        CHECK(buf[0] == (unsigned char)i && buf[199] == (unsigned char)i);
    }
    CHECK_ERR(wl_dgram_conn_recv(b, buf, sizeof buf, 0), EAGAIN);
    wl_dgram_conn_free(a);
    wl_dgram_conn_free(b);
}

int main(void) {
    wl_test_start(120);
    RUN(send_all_timeout_reports_what_the_peer_gets);
    RUN(send_all_under_signals_loses_nothing);
    RUN(recv_until_under_signals_loses_nothing);
    RUN(sendfile_all_timeout_reports_the_offset);
    RUN(sendfile_all_under_signals_loses_nothing);
    RUN(splice_all_timeout_reports_delivered_and_in_pipe);
    RUN(sendmmsg_returns_the_prefix_then_the_error);
    return wl_test_end("test_abi_progress");
}
