/* A wake for every state that can block (issue 15): a thread blocked in
 * wl_listener_accept, wl_dgram_recv_from, wl_dgram_recv_batch,
 * wl_dgram_conn_recv or wl_conn_recv is woken by the state's shutdown
 * call, from another thread, and returns a clear result. Each test waits
 * until the thread is asleep in the kernel (/proc/.../stat says 'S'),
 * wakes it, and joins it within a bound: no sleep is used as
 * synchronisation. */
#define _GNU_SOURCE
#include "blocked_thread.h"

static void *accept_body(void *arg) {
    blocked *b = arg;
    wl_conn *c = NULL;
    announce(b);
    record(b, wl_listener_accept(b->handle, &c, NULL));
    wl_conn_free(c);
    return NULL;
}

static void *accept_flags_body(void *arg) {
    blocked *b = arg;
    wl_conn *c = NULL;
    announce(b);
    record(b, wl_listener_accept_flags(b->handle, WL_NONBLOCK, &c, NULL));
    wl_conn_free(c);
    return NULL;
}

/* Two threads blocked in accept on one listener: one shutdown wakes both,
 * each with -EINVAL saying so; the listener is finished afterwards. */
static void listener_shutdown_wakes_every_blocked_accept(void) {
    char path[128];
    wl_unique_path(path, sizeof path);
    const char *addrs[] = {"127.0.0.1:0", "[::1]:0", path};
    for (size_t i = 0; i < 3; i++) {
        wl_addr addr;
        wl_listener *l = wl_listen_on(addrs[i], &addr);
        blocked one = {.handle = l}, two = {.handle = l};
        start(&one, accept_body);
        start(&two, accept_flags_body);
        CHECK_OK(wl_listener_shutdown(l));
        join_within(&one, 10);
        join_within(&two, 10);
        CHECK(one.result == -EINVAL && two.result == -EINVAL);
        CHECK(strstr(one.message, "wl_listener_accept") != NULL);
        CHECK(strstr(one.message, "shut down") != NULL);
        CHECK(strstr(two.message, "shut down") != NULL);

        /* Later accepts fail at once the same way; a second shutdown is fine. */
        wl_conn *c = NULL;
        CHECK_ERR(wl_listener_accept_flags(l, 0, &c, NULL), EINVAL);
        CHECK_MSG("shut down");
        CHECK_OK(wl_listener_shutdown(l));
        CHECK(wl_wait(wl_listener_fd(l), WL_READABLE, 0) & WL_READABLE);
        /* New clients are refused. */
        wl_raw *raw = NULL;
        CHECK_OK(wl_raw_new(wl_addr_family(&addr), SOCK_STREAM, &raw));
        CHECK_ERR(wl_raw_connect(raw, &addr, &c), ECONNREFUSED);
        wl_raw_free(raw);
        wl_listener_free(l);
    }
    unlink(path);
    CHECK_ERR(wl_listener_shutdown(NULL), EINVAL);
}

static void *recv_from_body(void *arg) {
    blocked *b = arg;
    unsigned char buf[64];
    wl_addr from;
    announce(b);
    record(b, wl_dgram_recv_from(b->handle, buf, sizeof buf, &from, 0));
    return NULL;
}

static void *recv_batch_body(void *arg) {
    blocked *b = arg;
    announce(b);
    record(b, wl_dgram_recv_batch(b->handle, b->extra, 0));
    return NULL;
}

static wl_dgram *bound_dgram(const char *text) {
    wl_addr want = wl_parse(text);
    wl_raw *raw = NULL;
    wl_dgram *d = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&want), SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &want, &d));
    return d;
}

/* An unconnected UDP socket: Linux applies the shutdown but says
 * ENOTCONN; wl_dgram_shutdown reports success, the woken receive
 * -ESHUTDOWN. Queued datagrams are still delivered first. */
static void dgram_shutdown_wakes_recv_from(void) {
    char path[128];
    wl_unique_path(path, sizeof path);
    const char *addrs[] = {"127.0.0.1:0", "[::1]:0", path};
    for (size_t i = 0; i < 3; i++) {
        wl_dgram *d = bound_dgram(addrs[i]);
        blocked b = {.handle = d};
        start(&b, recv_from_body);
        CHECK_OK(wl_dgram_shutdown(d, SHUT_RD));
        join_within(&b, 10);
        CHECK(b.result == -ESHUTDOWN);
        CHECK(strstr(b.message, "shut down for receiving") != NULL);

        /* A blocking receive fails at once from now on; a non-blocking one
         * still says -EAGAIN, while poll reports the socket readable and
         * read-hung-up for good. */
        unsigned char buf[16];
        CHECK_ERR(wl_dgram_recv_from(d, buf, sizeof buf, NULL, 0), ESHUTDOWN);
        CHECK_ERR(wl_dgram_recv_from(d, buf, sizeof buf, NULL, MSG_DONTWAIT), EAGAIN);
        int ready = wl_wait(wl_dgram_fd(d), WL_READABLE | WL_READ_HANGUP, 0);
        CHECK((ready & WL_READABLE) && (ready & WL_READ_HANGUP));
        CHECK_OK(wl_dgram_shutdown(d, SHUT_RDWR));
        wl_dgram_free(d);
    }
    unlink(path);

    /* Datagrams queued before the shutdown are still received. */
    wl_dgram *d = bound_dgram("127.0.0.1:0");
    wl_addr self;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(d), &self));
    CHECK(wl_dgram_send_to(d, "queued", 6, &self, 0) == 6);
    CHECK(wl_wait(wl_dgram_fd(d), WL_READABLE, 5000) & WL_READABLE);
    CHECK_OK(wl_dgram_shutdown(d, SHUT_RD));
    char buf[16];
    wl_addr from;
    CHECK(wl_dgram_recv_from(d, buf, sizeof buf, &from, 0) == 6 && memcmp(buf, "queued", 6) == 0);
    CHECK_ERR(wl_dgram_recv_from(d, buf, sizeof buf, &from, 0), ESHUTDOWN);
    /* After SHUT_WR sends fail with -EPIPE. */
    CHECK_OK(wl_dgram_shutdown(d, SHUT_WR));
    CHECK_ERR(wl_dgram_send_to(d, "x", 1, &self, 0), EPIPE);
    CHECK_ERR(wl_dgram_shutdown(d, 7), EINVAL);
    CHECK_MSG("SHUT_RDWR");
    wl_dgram_free(d);

    /* Not every empty, nameless receive is a shutdown: a zero-length
     * datagram from an unbound Unix socket is received as such. */
    char upath[128];
    wl_unique_path(upath, sizeof upath);
    d = bound_dgram(upath);
    wl_addr target = wl_parse(upath);
    int sender = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(sender >= 0);
    CHECK(sendto(sender, "", 0, 0, (const struct sockaddr *)&target.storage, target.len) == 0);
    close(sender);
    CHECK(wl_dgram_recv_from(d, buf, sizeof buf, &from, 0) == 0);
    CHECK(wl_addr_family(&from) == AF_UNIX);
    unlink(upath);
    CHECK_ERR(wl_dgram_shutdown(NULL, SHUT_RD), EINVAL);
    wl_dgram_free(d);
}

/* The batch receive wakes too (and reports no datagram as an error, not
 * as an empty success). */
static void dgram_shutdown_wakes_recv_batch(void) {
    wl_dgram *d = bound_dgram("127.0.0.1:0");
    wl_recv_batch *batch = NULL;
    CHECK_OK(wl_recv_batch_new(AF_INET, 4, 64, &batch));
    blocked b = {.handle = d, .extra = batch};
    start(&b, recv_batch_body);
    CHECK_OK(wl_dgram_shutdown(d, SHUT_RD));
    join_within(&b, 10);
    CHECK(b.result == -ESHUTDOWN);
    CHECK(strstr(b.message, "shut down for receiving") != NULL);
    wl_dgram_free(d);

    /* Two datagrams queued, then the shutdown: a blocking batch of 4 gets
     * exactly the two (the kernel fills the other slots with empty,
     * nameless "messages", which are not datagrams). */
    d = bound_dgram("127.0.0.1:0");
    wl_addr self;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(d), &self));
    CHECK(wl_dgram_send_to(d, "one", 3, &self, 0) == 3);
    CHECK(wl_dgram_send_to(d, "two", 3, &self, 0) == 3);
    CHECK(wl_wait(wl_dgram_fd(d), WL_READABLE, 5000) & WL_READABLE);
    CHECK_OK(wl_dgram_shutdown(d, SHUT_RD));
    CHECK(wl_dgram_recv_batch(d, batch, 0) == 2);
    CHECK(wl_recv_batch_len(batch) == 2);
    wl_recv_msg m;
    CHECK_OK(wl_recv_batch_get(batch, 1, &m));
    CHECK(m.len == 3 && memcmp(m.data, "two", 3) == 0);
    CHECK_ERR(wl_dgram_recv_batch(d, batch, 0), ESHUTDOWN);
    wl_recv_batch_free(batch);
    wl_dgram_free(d);
}

static void *recv_gro_body(void *arg) {
    blocked *b = arg;
    unsigned char buf[2048];
    wl_gro_recv out;
    announce(b);
    record(b, wl_dgram_recv_gro(b->handle, buf, sizeof buf, &out));
    return NULL;
}

static void *recv_meta_body(void *arg) {
    blocked *b = arg;
    unsigned char buf[2048];
    wl_udp_recv_meta out;
    announce(b);
    record(b, wl_dgram_recv_meta(b->handle, buf, sizeof buf, &out));
    return NULL;
}

/* The GRO and metadata receives (recvmsg with a source address) wake the
 * same way: -ESHUTDOWN, not an address error. */
static void dgram_shutdown_wakes_recv_gro_and_meta(void) {
    void *(*bodies[2])(void *) = {recv_gro_body, recv_meta_body};
    for (int i = 0; i < 2; i++) {
        wl_dgram *d = bound_dgram(i == 0 ? "127.0.0.1:0" : "[::1]:0");
        blocked b = {.handle = d};
        start(&b, bodies[i]);
        CHECK_OK(wl_dgram_shutdown(d, SHUT_RD));
        join_within(&b, 10);
        CHECK(b.result == -ESHUTDOWN);
        CHECK(strstr(b.message, "shut down for receiving") != NULL);
        wl_dgram_free(d);
    }
}

static void *conn_recv_meta_body(void *arg) {
    blocked *b = arg;
    unsigned char buf[2048];
    wl_udp_recv_meta out;
    announce(b);
    record(b, wl_dgram_conn_recv_meta(b->handle, buf, sizeof buf, &out));
    return NULL;
}

/* A connected UDP socket's metadata receive wakes with -ESHUTDOWN too. */
static void dgram_conn_shutdown_wakes_recv_meta(void) {
    wl_dgram *peer = bound_dgram("127.0.0.1:0");
    wl_addr addr;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(peer), &addr));
    wl_raw *raw = NULL;
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_connect_dgram(raw, &addr, &c));
    blocked b = {.handle = c};
    start(&b, conn_recv_meta_body);
    CHECK_OK(wl_dgram_conn_shutdown(c, SHUT_RD));
    join_within(&b, 10);
    CHECK(b.result == -ESHUTDOWN);
    CHECK(strstr(b.message, "shut down for receiving") != NULL);
    wl_dgram_conn_free(c);
    wl_dgram_free(peer);
}

static void *dgram_conn_recv_body(void *arg) {
    blocked *b = arg;
    unsigned char buf[64];
    announce(b);
    record(b, wl_dgram_conn_recv(b->handle, buf, sizeof buf, 0));
    return NULL;
}

/* A connected datagram socket (UDP and a Unix pair): the woken receive
 * returns 0. */
static void dgram_conn_shutdown_wakes_recv(void) {
    for (int i = 0; i < 3; i++) {
        wl_dgram_conn *c = NULL, *other = NULL;
        wl_dgram *peer = NULL;
        if (i < 2) {
            peer = bound_dgram(i == 0 ? "127.0.0.1:0" : "[::1]:0");
            wl_addr addr;
            CHECK_OK(wl_socket_local_addr(wl_dgram_fd(peer), &addr));
            wl_raw *raw = NULL;
            CHECK_OK(wl_raw_new(wl_addr_family(&addr), SOCK_DGRAM, &raw));
            CHECK_OK(wl_raw_connect_dgram(raw, &addr, &c));
        } else {
            CHECK_OK(wl_dgram_conn_pair_flags(0, &c, &other));
        }
        blocked b = {.handle = c};
        start(&b, dgram_conn_recv_body);
        CHECK_OK(wl_dgram_conn_shutdown(c, SHUT_RD));
        join_within(&b, 10);
        CHECK(b.result == 0);
        CHECK_ERR(wl_dgram_conn_shutdown(c, -1), EINVAL);
        wl_dgram_conn_free(c);
        wl_dgram_conn_free(other);
        wl_dgram_free(peer);
    }
    CHECK_ERR(wl_dgram_conn_shutdown(NULL, SHUT_RD), EINVAL);
}

static void *conn_recv_body(void *arg) {
    blocked *b = arg;
    unsigned char buf[64];
    announce(b);
    record(b, wl_conn_recv(b->handle, buf, sizeof buf, 0));
    return NULL;
}

/* The stream state had its wake already: wl_conn_shutdown ends a blocked
 * recv with 0 (end of stream). */
static void conn_shutdown_wakes_recv(void) {
    wl_conn *a = NULL, *b2 = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b2);
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(a), 0));
    blocked b = {.handle = a};
    start(&b, conn_recv_body);
    CHECK_OK(wl_conn_shutdown(a, SHUT_RD));
    join_within(&b, 10);
    CHECK(b.result == 0);
    wl_conn_free(a);
    wl_conn_free(b2);
}

int main(void) {
    wl_test_start(120);
    RUN(listener_shutdown_wakes_every_blocked_accept);
    RUN(dgram_shutdown_wakes_recv_from);
    RUN(dgram_shutdown_wakes_recv_batch);
    RUN(dgram_shutdown_wakes_recv_gro_and_meta);
    RUN(dgram_conn_shutdown_wakes_recv);
    RUN(dgram_conn_shutdown_wakes_recv_meta);
    RUN(conn_shutdown_wakes_recv);
    return wl_test_end("test_wake");
}
