/* Input limits (issue 15): every length and count is checked against the
 * kernel's limit before use, fails with a message naming the problem, and
 * loses nothing (a rejected push leaves the batch as it was, a rejected
 * send sends nothing). No buffer here is ever as long as the length
 * claimed: the library must refuse before reading it. */
#define _GNU_SOURCE
#include "check.h"

#include <stdint.h>
#include <limits.h>
#include <sys/uio.h>

/* Any readable byte: lengths no buffer can have (over SSIZE_MAX) are
 * refused before anything is read. */
static char g_byte = 'x';
/* A buffer really as long as an over-long datagram. */
static char g_big[70000];

static wl_dgram *udp_bound(const char *text, wl_addr *addr) {
    wl_addr want = wl_parse(text);
    wl_raw *raw = NULL;
    wl_dgram *d = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&want), SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &want, &d));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(d), addr));
    return d;
}

static wl_dgram_conn *udp_connected_to(const wl_addr *peer) {
    wl_raw *raw = NULL;
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(peer), SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_connect_dgram(raw, peer, &c));
    return c;
}

/* Nothing arrived at `d` (a rejected send sent nothing). */
static void nothing_arrived(wl_dgram *d) {
    char buf[16];
    CHECK_ERR(wl_dgram_recv_from(d, buf, sizeof buf, NULL, MSG_DONTWAIT), EAGAIN);
}

static void a_batch_push_of_size_max_is_refused_and_changes_nothing(void) {
    wl_addr to;
    wl_dgram *sink = udp_bound("127.0.0.1:0", &to);
    wl_send_batch *b = NULL;
    CHECK_OK(wl_send_batch_new(AF_INET, 4, &b));
    CHECK_OK(wl_send_batch_push(b, &g_byte, 1, &to));
    CHECK(wl_send_batch_len(b) == 1);

    CHECK_ERR(wl_send_batch_push(b, &g_byte, SIZE_MAX, &to), EINVAL);
    CHECK_MSG("wl_send_batch_push: the length of `buf` is too large");
    CHECK_ERR(wl_send_batch_push(b, &g_byte, (size_t)SSIZE_MAX + 1, &to), EINVAL);
    CHECK(wl_send_batch_len(b) == 1);
    /* Within SSIZE_MAX but over what one UDP datagram carries. */
    CHECK_ERR(wl_send_batch_push(b, g_big, 65508, &to), EMSGSIZE);
    CHECK_MSG("65508 bytes");
    CHECK_MSG("65507");
    CHECK_ERR(wl_send_batch_push(b, g_big, 65508, NULL), EMSGSIZE);
    CHECK(wl_send_batch_len(b) == 1);

    /* The batch is intact: its one message goes out. */
    CHECK(wl_dgram_send_batch(sink, b, 0) == 1);
    char buf[4];
    CHECK(wl_dgram_recv_from(sink, buf, sizeof buf, NULL, 0) == 1);
    wl_send_batch_free(b);

    /* IPv6 allows 20 bytes more (no IPv4 header). */
    wl_addr to6;
    wl_dgram *sink6 = udp_bound("[::1]:0", &to6);
    CHECK_OK(wl_send_batch_new(AF_INET6, 2, &b));
    CHECK_ERR(wl_send_batch_push(b, g_big, 65528, &to6), EMSGSIZE);
    CHECK_MSG("65527");
    CHECK(wl_send_batch_len(b) == 0);
    wl_send_batch_free(b);
    wl_dgram_free(sink6);
    wl_dgram_free(sink);
}

static void single_sends_and_receives_refuse_lengths_over_ssize_max(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_ERR(wl_conn_send(a, &g_byte, SIZE_MAX, 0), EINVAL);
    CHECK_MSG("too large");
    CHECK_ERR(wl_conn_recv(a, &g_byte, (size_t)SSIZE_MAX + 1, 0), EINVAL);
    CHECK_ERR(wl_conn_send_all(a, &g_byte, SIZE_MAX, 1000, NULL, NULL), EINVAL);
    CHECK_ERR(wl_conn_send_zerocopy(a, &g_byte, SIZE_MAX), EINVAL);
    CHECK_ERR(wl_conn_send_fds(a, &g_byte, SIZE_MAX, NULL, 0), EINVAL);
    char buf[4];
    CHECK_ERR(wl_conn_recv(b, buf, sizeof buf, MSG_DONTWAIT), EAGAIN); /* nothing sent */
    wl_conn_free(a);
    wl_conn_free(b);

    wl_addr to;
    wl_dgram *sink = udp_bound("127.0.0.1:0", &to);
    CHECK_ERR(wl_dgram_send_to(sink, &g_byte, SIZE_MAX, &to, 0), EINVAL);
    wl_dgram_conn *c = udp_connected_to(&to);
    CHECK_ERR(wl_dgram_conn_send(c, &g_byte, SIZE_MAX, 0), EINVAL);
    CHECK_ERR(wl_dgram_conn_send_segmented(c, &g_byte, SIZE_MAX, 1200, NULL), EINVAL);
    CHECK_ERR(wl_dgram_conn_send_segmented(c, g_big, 65508, 1200, NULL), EMSGSIZE);
    CHECK_MSG("65507");
    nothing_arrived(sink);
    wl_dgram_conn_free(c);
    wl_dgram_free(sink);
}

static void iovec_counts_and_totals_are_checked(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    enum { N = 1025 };
    static struct iovec iov[N];
    for (int i = 0; i < N; i++) {
        iov[i].iov_base = &g_byte;
        iov[i].iov_len = 1;
    }
    CHECK_ERR(wl_conn_send_vectored(a, iov, N), EMSGSIZE);
    CHECK_MSG("1025 buffers");
    CHECK_MSG("IOV_MAX (1024)");
    CHECK_ERR(wl_conn_recv_vectored(a, iov, N), EMSGSIZE);
    CHECK_MSG("IOV_MAX");
    CHECK(wl_conn_send_vectored(a, iov, 1024) == 1024); /* the limit itself is fine */
    char sink[1024];
    CHECK(wl_conn_recv(b, sink, sizeof sink, 0) == 1024);

    /* Lengths whose sum does not fit ssize_t. */
    struct iovec big[2] = {{&g_byte, (size_t)SSIZE_MAX}, {&g_byte, 2}};
    CHECK_ERR(wl_conn_send_vectored(a, big, 2), EINVAL);
    CHECK_MSG("SSIZE_MAX");
    struct iovec huge[1] = {{&g_byte, SIZE_MAX}};
    CHECK_ERR(wl_conn_recv_vectored(a, huge, 1), EINVAL);
    CHECK_MSG("SSIZE_MAX");
    CHECK_ERR(wl_conn_recv(b, sink, sizeof sink, MSG_DONTWAIT), EAGAIN);
    wl_conn_free(a);
    wl_conn_free(b);

    wl_addr to;
    wl_dgram *d = udp_bound("127.0.0.1:0", &to);
    wl_dgram_conn *c = udp_connected_to(&to);
    CHECK_ERR(wl_dgram_conn_send_vectored(c, iov, N), EMSGSIZE);
    CHECK_MSG("IOV_MAX");
    CHECK_ERR(wl_dgram_conn_recv_vectored(c, iov, N), EMSGSIZE);
    nothing_arrived(d);
    wl_dgram_conn_free(c);
    wl_dgram_free(d);
}

static void mmsg_counts_over_the_batch_limit_are_refused_whole(void) {
    wl_addr to;
    wl_dgram *sink = udp_bound("127.0.0.1:0", &to);
    enum { N = WL_MAX_BATCH + 1 };
    static wl_mmsg msgs[N];
    static struct iovec iovs[N];
    static size_t lens[N];
    for (int i = 0; i < N; i++) {
        msgs[i].buf = &g_byte;
        msgs[i].len = 1;
        msgs[i].to = &to;
        iovs[i].iov_base = &g_byte;
        iovs[i].iov_len = 1;
    }
    CHECK_ERR(wl_dgram_sendmmsg(sink, msgs, N, lens), EINVAL);
    CHECK_MSG("1025 messages");
    CHECK_MSG("at most WL_MAX_BATCH (1024");
    wl_dgram_conn *c = udp_connected_to(&to);
    CHECK_ERR(wl_dgram_conn_sendmmsg(c, iovs, N, lens), EINVAL);
    CHECK_MSG("WL_MAX_BATCH");
    nothing_arrived(sink);
    /* A message over the UDP payload limit is never handed to the kernel:
     * the ones before it go (the count says where it stopped), and a call
     * starting with it fails, so nothing is lost or misattributed. */
    msgs[1].buf = g_big;
    msgs[1].len = 65508;
    CHECK(wl_dgram_sendmmsg(sink, msgs, 3, lens) == 1);
    CHECK_ERR(wl_dgram_sendmmsg(sink, msgs + 1, 2, lens), EMSGSIZE);
    CHECK_MSG("`msgs[0]` is 65508 bytes; one UDP datagram over IPv4 carries at most 65507");
    iovs[0].iov_base = g_big;
    iovs[0].iov_len = 65508;
    CHECK_ERR(wl_dgram_conn_sendmmsg(c, iovs, 2, lens), EMSGSIZE);
    CHECK_MSG("msgs[0]");
    char one[4];
    CHECK(wl_dgram_recv_from(sink, one, sizeof one, NULL, 0) == 1);
    nothing_arrived(sink);
    /* A length no buffer can have is malformed input: refused whole. */
    iovs[0].iov_base = &g_byte;
    iovs[0].iov_len = 1;
    iovs[2].iov_len = SIZE_MAX;
    CHECK_ERR(wl_dgram_conn_sendmmsg(c, iovs, 3, lens), EINVAL);
    nothing_arrived(sink);
    wl_dgram_conn_free(c);
    wl_dgram_free(sink);
}

static void receive_batch_sizes_are_checked(void) {
    wl_recv_batch *b = NULL;
    CHECK_ERR(wl_recv_batch_new(AF_INET, WL_MAX_BATCH + 1, 64, &b), EINVAL);
    CHECK_MSG("1025");
    CHECK_ERR(wl_recv_batch_new(AF_INET, 0, 64, &b), EINVAL);
    CHECK_ERR(wl_recv_batch_new(AF_INET, 4, 0, &b), EINVAL);
    /* count x slot_size overflows size_t. */
    CHECK_ERR(wl_recv_batch_new(AF_INET, 2, SIZE_MAX / 2 + 1, &b), EINVAL);
    CHECK_MSG("overflow");
    /* More than any allocation may be (SSIZE_MAX). */
    CHECK_ERR(wl_recv_batch_new(AF_INET, 1, (size_t)SSIZE_MAX + 1, &b), EINVAL);
    CHECK_MSG("SSIZE_MAX");
    CHECK(b == NULL);
}

static void descriptor_counts_are_checked(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    static int fds[254];
    for (int i = 0; i < 254; i++) {
        fds[i] = 0;
    }
    CHECK_ERR(wl_conn_send_fds(a, &g_byte, 1, fds, 254), EINVAL);
    CHECK_MSG("253");
    size_t got = 0;
    char buf[4];
    CHECK_ERR(wl_conn_recv_fds(b, buf, sizeof buf, fds, 254, &got), EINVAL);
    CHECK_MSG("253");
    CHECK_ERR(wl_conn_recv_fds(b, buf, sizeof buf, fds, SIZE_MAX, &got), EINVAL);
    CHECK_ERR(wl_conn_recv(b, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    wl_conn_free(a);
    wl_conn_free(b);
}

static void values_the_kernel_takes_as_int_are_checked(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_ERR(wl_set_send_buffer_size(wl_conn_fd(a), (size_t)INT32_MAX + 1), EINVAL);
    CHECK_MSG("2147483647");
    CHECK_ERR(wl_set_recv_buffer_size(wl_conn_fd(a), SIZE_MAX), EINVAL);
    CHECK_ERR(wl_set_recv_low_watermark(wl_conn_fd(a), SIZE_MAX), EINVAL);
    wl_conn_free(a);
    wl_conn_free(b);

    wl_pipe *pipe = NULL;
    CHECK_ERR(wl_pipe_new((size_t)INT32_MAX + 1, &pipe), EINVAL);
    CHECK_MSG("does not fit in an int");
    CHECK(pipe == NULL);
    CHECK_OK(wl_pipe_new(0, &pipe));
    size_t cap = 0, before = 0;
    CHECK_OK(wl_pipe_capacity(pipe, &before));
    CHECK_ERR(wl_pipe_set_capacity(pipe, SIZE_MAX, &cap), EINVAL);
    CHECK_MSG("does not fit in an int");
    CHECK_OK(wl_pipe_capacity(pipe, &cap));
    CHECK(cap == before);
    wl_pipe_free(pipe);
}

int main(void) {
    wl_test_start(60);
    RUN(a_batch_push_of_size_max_is_refused_and_changes_nothing);
    RUN(single_sends_and_receives_refuse_lengths_over_ssize_max);
    RUN(iovec_counts_and_totals_are_checked);
    RUN(mmsg_counts_over_the_batch_limit_are_refused_whole);
    RUN(receive_batch_sizes_are_checked);
    RUN(descriptor_counts_are_checked);
    RUN(values_the_kernel_takes_as_int_are_checked);
    return wl_test_end("test_limits");
}
