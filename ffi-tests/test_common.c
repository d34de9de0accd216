/* The calls every state has: per handle type fd, into_fd and free (NULL
 * for each); once, on the descriptor, wl_socket_domain, _local_addr,
 * non-blocking mode, timeouts and _take_error (bad descriptors too). */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>

/* Exercises the calls every state has on one handle with prefix P: the
 * per-type fd, and the generic wl_socket_* calls on that descriptor. */
#define COMMON(P, h, family)                                                           \
    do {                                                                               \
        wl_addr a_;                                                                    \
        uint64_t ms_ = 99;                                                             \
        int err_ = -1;                                                                 \
        int fd_ = P##_fd(h);                                                           \
        CHECK(fd_ >= 0);                                                               \
        CHECK(fcntl(fd_, F_GETFD) & FD_CLOEXEC);                                       \
        CHECK(wl_socket_domain(fd_) == (family));                                      \
        CHECK_OK(wl_socket_local_addr(fd_, &a_));                                      \
        CHECK(wl_addr_family(&a_) == (family));                                        \
        CHECK_ERR(wl_socket_local_addr(fd_, NULL), EINVAL);                            \
        int nb_ = wl_socket_is_nonblocking(fd_);                                       \
        CHECK_OK(wl_socket_set_nonblocking(fd_, true));                                \
        CHECK(wl_socket_is_nonblocking(fd_) == 1);                                     \
        CHECK_OK(wl_socket_set_nonblocking(fd_, false));                               \
        CHECK(wl_socket_is_nonblocking(fd_) == 0);                                     \
        CHECK_OK(wl_socket_set_nonblocking(fd_, nb_ == 1));                            \
        CHECK_OK(wl_socket_read_timeout(fd_, &ms_));                                   \
        CHECK(ms_ == 0);                                                               \
        CHECK_OK(wl_socket_set_read_timeout(fd_, 1500));                               \
        CHECK_OK(wl_socket_read_timeout(fd_, &ms_));                                   \
        CHECK(ms_ == 1500);                                                            \
        CHECK_OK(wl_socket_set_read_timeout(fd_, 0));                                  \
        CHECK_OK(wl_socket_read_timeout(fd_, &ms_));                                   \
        CHECK(ms_ == 0);                                                               \
        CHECK_OK(wl_socket_set_write_timeout(fd_, 2000));                              \
        CHECK_OK(wl_socket_write_timeout(fd_, &ms_));                                  \
        CHECK(ms_ == 2000);                                                            \
        CHECK_ERR(wl_socket_read_timeout(fd_, NULL), EINVAL);                          \
        CHECK_ERR(wl_socket_write_timeout(fd_, NULL), EINVAL);                         \
        CHECK_OK(wl_socket_take_error(fd_, &err_));                                    \
        CHECK(err_ == 0);                                                              \
        CHECK_ERR(wl_socket_take_error(fd_, NULL), EINVAL);                            \
    } while (0)

/* The per-type calls with a NULL handle return -EINVAL. */
#define NULLS(P)                                                                       \
    do {                                                                               \
        CHECK_ERR(P##_fd(NULL), EINVAL);                                               \
        CHECK_MSG("handle is NULL");                                                   \
        CHECK_ERR(P##_into_fd(NULL), EINVAL);                                          \
        P##_free(NULL);                                                                \
    } while (0)

/* The generic calls on something that is not an open socket: a negative
 * descriptor (e.g. the -EINVAL of wl_conn_fd(NULL)) is -EBADF, a closed
 * one -EBADF, a pipe -ENOTSOCK; nothing is written to the outputs. */
static void generic_calls_on_bad_descriptors(void) {
    wl_addr a;
    uint64_t ms = 7;
    int err = 7;
    int bad[] = {-1, wl_conn_fd(NULL)};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERR(wl_socket_domain(bad[i]), EBADF);
        CHECK_MSG("is not a file descriptor");
        CHECK_ERR(wl_socket_local_addr(bad[i], &a), EBADF);
        CHECK_ERR(wl_socket_set_nonblocking(bad[i], true), EBADF);
        CHECK_ERR(wl_socket_is_nonblocking(bad[i]), EBADF);
        CHECK_ERR(wl_socket_set_read_timeout(bad[i], 1), EBADF);
        CHECK_ERR(wl_socket_read_timeout(bad[i], &ms), EBADF);
        CHECK_ERR(wl_socket_set_write_timeout(bad[i], 1), EBADF);
        CHECK_ERR(wl_socket_write_timeout(bad[i], &ms), EBADF);
        CHECK_ERR(wl_socket_take_error(bad[i], &err), EBADF);
    }
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(wl_socket_domain(p[0]), ENOTSOCK);
    CHECK_ERR(wl_socket_local_addr(p[0], &a), ENOTSOCK);
    CHECK_ERR(wl_socket_read_timeout(p[0], &ms), ENOTSOCK);
    CHECK_ERR(wl_socket_take_error(p[0], &err), ENOTSOCK);
    CHECK(close(p[0]) == 0 && close(p[1]) == 0);
    CHECK_ERR(wl_socket_is_nonblocking(p[0]), EBADF);
    CHECK(ms == 7 && err == 7);
}

/* Frees a handle by taking its fd back, then closes the fd. */
#define RELEASE(P, h)                                                                  \
    do {                                                                               \
        int fd_ = P##_into_fd(h);                                                      \
        CHECK(fd_ >= 0);                                                               \
        CHECK(close(fd_) == 0);                                                        \
    } while (0)

static void each_handle_type(int family, const char *any) {
    wl_addr addr = wl_parse(any);
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(family, SOCK_STREAM, &raw));
    COMMON(wl_raw, raw, family);
    wl_bound *bound = NULL;
    CHECK_OK(wl_raw_bind(raw, &addr, &bound));
    COMMON(wl_bound, bound, family);
    wl_listener *listener = NULL;
    CHECK_OK(wl_bound_listen(bound, 4, &listener));
    COMMON(wl_listener, listener, family);
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(listener), &addr));

    wl_pending *pending = NULL;
    CHECK_OK(wl_raw_new(family, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect_nonblocking(raw, &addr, &pending));
    CHECK(wl_pending_wait(pending, 5000) == 1);
    COMMON(wl_pending, pending, family);
    wl_conn *conn = NULL, *server = NULL;
    CHECK_OK(wl_pending_finish(pending, &conn));
    COMMON(wl_conn, conn, family);
    CHECK_OK(wl_listener_accept(listener, &server, NULL));
    RELEASE(wl_conn, conn);
    wl_conn_free(server);
    RELEASE(wl_listener, listener);

    wl_addr daddr = wl_parse(any);
    wl_dgram *dgram = NULL;
    CHECK_OK(wl_raw_new(family, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &daddr, &dgram));
    COMMON(wl_dgram, dgram, family);
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(dgram), &daddr));
    wl_dgram_conn *dconn = NULL;
    CHECK_OK(wl_raw_new(family, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_connect_dgram(raw, &daddr, &dconn));
    COMMON(wl_dgram_conn, dconn, family);
    RELEASE(wl_dgram_conn, dconn);
    RELEASE(wl_dgram, dgram);
}

static void ipv4(void) { each_handle_type(AF_INET, "127.0.0.1:0"); }
static void ipv6(void) { each_handle_type(AF_INET6, "[::1]:0"); }

static void unix_abstract(void) {
    char name[64];
    snprintf(name, sizeof name, "@wl-ffi-common-%ld", (long)getpid());
    each_handle_type(AF_UNIX, name);
}

static void null_handles(void) {
    NULLS(wl_raw);
    NULLS(wl_bound);
    NULLS(wl_listener);
    NULLS(wl_conn);
    NULLS(wl_pending);
    NULLS(wl_dgram);
    NULLS(wl_dgram_conn);
    CHECK_ERR(wl_raw_type(NULL), EINVAL);
    char buf[4];
    wl_addr a = wl_parse("127.0.0.1:1");
    CHECK_ERR(wl_conn_send(NULL, buf, 1, 0), EINVAL);
    CHECK_ERR(wl_conn_recv(NULL, buf, 1, 0), EINVAL);
    CHECK_ERR(wl_conn_send_vectored(NULL, NULL, 0), EINVAL);
    CHECK_ERR(wl_conn_recv_vectored(NULL, NULL, 0), EINVAL);
    CHECK_ERR(wl_conn_shutdown(NULL, SHUT_RDWR), EINVAL);
    CHECK_ERR(wl_conn_peer_addr(NULL, &a), EINVAL);
    CHECK_ERR(wl_conn_peer_credentials(NULL, NULL), EINVAL);
    CHECK_ERR(wl_dgram_recv_from(NULL, buf, 1, NULL, 0), EINVAL);
    CHECK_ERR(wl_dgram_conn_send(NULL, buf, 1, 0), EINVAL);
    CHECK_ERR(wl_dgram_conn_recv(NULL, buf, 1, 0), EINVAL);
}

static void sub_millisecond_timeouts_round_up(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    struct timeval tv = {0, 1}; /* 1 microsecond, set behind the library's back */
    CHECK(setsockopt(wl_conn_fd(a), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    uint64_t ms = 0;
    CHECK_OK(wl_socket_read_timeout(wl_conn_fd(a), &ms));
    CHECK(ms >= 1); /* never reads back as 0 = "none" (the kernel may round up to a tick) */
    wl_conn_free(a);
    wl_conn_free(b);
}

int main(void) {
    wl_test_start(60);
    RUN(ipv4);
    RUN(ipv6);
    RUN(unix_abstract);
    RUN(null_handles);
    RUN(generic_calls_on_bad_descriptors);
    RUN(sub_millisecond_timeouts_round_up);
    return wl_test_end("test_common");
}
