/* The calls every handle type has: fd, into_fd, domain, local_addr,
 * non-blocking mode, timeouts, take_error; and NULL for each of them. */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>

/* Exercises the shared calls on one handle of type T with prefix P. */
#define COMMON(P, h, family)                                                           \
    do {                                                                               \
        wl_addr a_;                                                                    \
        uint64_t ms_ = 99;                                                             \
        int err_ = -1;                                                                 \
        int fd_ = P##_fd(h);                                                           \
        CHECK(fd_ >= 0);                                                               \
        CHECK(fcntl(fd_, F_GETFD) & FD_CLOEXEC);                                       \
        CHECK(P##_domain(h) == (family));                                              \
        CHECK_OK(P##_local_addr(h, &a_));                                              \
        CHECK(wl_addr_family(&a_) == (family));                                        \
        CHECK_ERR(P##_local_addr(h, NULL), EINVAL);                                    \
        int nb_ = P##_is_nonblocking(h);                                               \
        CHECK_OK(P##_set_nonblocking(h, true));                                        \
        CHECK(P##_is_nonblocking(h) == 1);                                             \
        CHECK_OK(P##_set_nonblocking(h, false));                                       \
        CHECK(P##_is_nonblocking(h) == 0);                                             \
        CHECK_OK(P##_set_nonblocking(h, nb_ == 1));                                    \
        CHECK_OK(P##_read_timeout(h, &ms_));                                           \
        CHECK(ms_ == 0);                                                               \
        CHECK_OK(P##_set_read_timeout(h, 1500));                                       \
        CHECK_OK(P##_read_timeout(h, &ms_));                                           \
        CHECK(ms_ == 1500);                                                            \
        CHECK_OK(P##_set_read_timeout(h, 0));                                          \
        CHECK_OK(P##_read_timeout(h, &ms_));                                           \
        CHECK(ms_ == 0);                                                               \
        CHECK_OK(P##_set_write_timeout(h, 2000));                                      \
        CHECK_OK(P##_write_timeout(h, &ms_));                                          \
        CHECK(ms_ == 2000);                                                            \
        CHECK_ERR(P##_read_timeout(h, NULL), EINVAL);                                  \
        CHECK_ERR(P##_write_timeout(h, NULL), EINVAL);                                 \
        CHECK_OK(P##_take_error(h, &err_));                                            \
        CHECK(err_ == 0);                                                              \
        CHECK_ERR(P##_take_error(h, NULL), EINVAL);                                    \
    } while (0)

/* Every shared call with a NULL handle returns -EINVAL. */
#define NULLS(P)                                                                       \
    do {                                                                               \
        wl_addr a_;                                                                    \
        uint64_t ms_;                                                                  \
        int err_;                                                                      \
        CHECK_ERR(P##_fd(NULL), EINVAL);                                               \
        CHECK_MSG("handle is NULL");                                                   \
        CHECK_ERR(P##_into_fd(NULL), EINVAL);                                          \
        CHECK_ERR(P##_domain(NULL), EINVAL);                                           \
        CHECK_ERR(P##_local_addr(NULL, &a_), EINVAL);                                  \
        CHECK_ERR(P##_set_nonblocking(NULL, true), EINVAL);                            \
        CHECK_ERR(P##_is_nonblocking(NULL), EINVAL);                                   \
        CHECK_ERR(P##_set_read_timeout(NULL, 1), EINVAL);                              \
        CHECK_ERR(P##_read_timeout(NULL, &ms_), EINVAL);                               \
        CHECK_ERR(P##_set_write_timeout(NULL, 1), EINVAL);                             \
        CHECK_ERR(P##_write_timeout(NULL, &ms_), EINVAL);                              \
        CHECK_ERR(P##_take_error(NULL, &err_), EINVAL);                                \
        P##_free(NULL);                                                                \
    } while (0)

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
    CHECK_OK(wl_listener_local_addr(listener, &addr));

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
    CHECK_OK(wl_dgram_local_addr(dgram, &daddr));
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
    CHECK_OK(wl_conn_read_timeout(a, &ms));
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
    RUN(sub_millisecond_timeouts_round_up);
    return wl_test_end("test_common");
}
