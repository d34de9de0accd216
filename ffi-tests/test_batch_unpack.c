/* wl_recv_batch_unpack: a received batch copied out in one call. */
#define _GNU_SOURCE
#include "check.h"

static wl_dgram *udp4(void) {
    wl_addr a = wl_parse("127.0.0.1:0");
    wl_dgram *d = NULL;
    CHECK_OK(wl_datagram_bind(NULL, &a, &d));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(d), 5000));
    return d;
}

static void unpack_everything_in_order(void) {
    wl_dgram *tx = udp4(), *rx = udp4();
    wl_addr to, from;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(tx), &from));
    const char *payloads[] = {"a", "bb", "", "dddd", "eeeee"};
    for (int i = 0; i < 5; i++) {
        CHECK_OK(wl_dgram_send_to(tx, payloads[i], strlen(payloads[i]), &to, 0));
    }
    wl_recv_batch *rb = NULL;
    CHECK_OK(wl_recv_batch_new(AF_INET, 8, 4, &rb)); /* 4-byte slots: "eeeee" is cut */
    int got = 0;
    while (got < 5) {
        int k = wl_dgram_recv_batch(rx, rb, WL_MSG_WAITFORONE);
        CHECK_OK(k);
        char data[64];
        size_t lens[8];
        wl_addr src[8];
        int w = wl_recv_batch_unpack(rb, 0, data, sizeof data, lens, src, 8);
        CHECK(w == k);
        size_t at = 0;
        for (int i = 0; i < w; i++, got++) {
            size_t want = strlen(payloads[got]) < 4 ? strlen(payloads[got]) : 4;
            CHECK(lens[i] == want);
            CHECK(memcmp(data + at, payloads[got], want) == 0);
            CHECK(wl_addr_family(&src[i]) == AF_INET && wl_addr_port(&src[i]) == wl_addr_port(&from));
            at += lens[i];
        }
        /* Starting part-way, without senders; first == len writes nothing. */
        if (k >= 2) {
            CHECK(wl_recv_batch_unpack(rb, 1, data, sizeof data, lens, NULL, 8) == k - 1);
        }
        CHECK(wl_recv_batch_unpack(rb, (size_t)k, data, sizeof data, lens, NULL, 8) == 0);
        CHECK_ERR(wl_recv_batch_unpack(rb, (size_t)k + 1, data, sizeof data, lens, NULL, 8), EINVAL);
    }
    wl_recv_batch_free(rb);
    wl_dgram_free(tx);
    wl_dgram_free(rx);
}

static void stops_when_the_buffer_is_full(void) {
    wl_dgram *tx = udp4(), *rx = udp4();
    wl_addr to;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    for (int i = 0; i < 3; i++) {
        CHECK_OK(wl_dgram_send_to(tx, "123456", 6, &to, 0));
    }
    wl_recv_batch *rb = NULL;
    CHECK_OK(wl_recv_batch_new(AF_INET, 4, 64, &rb));
    /* Loopback queues a datagram during the send, so all three are there. */
    int k = wl_dgram_recv_batch(rx, rb, WL_MSG_WAITFORONE);
    CHECK(k == 3);
    unsigned char data[16];
    size_t lens[4];
    /* 12 of 16 bytes: the third 6-byte message does not fit. */
    CHECK(wl_recv_batch_unpack(rb, 0, data, sizeof data, lens, NULL, 4) == 2);
    CHECK(lens[0] == 6 && lens[1] == 6 && memcmp(data + 6, "123456", 6) == 0);
    CHECK_ERR(wl_recv_batch_unpack(rb, 0, data, 5, lens, NULL, 4), ENOBUFS);
    /* n limits too; n == 0 writes nothing. */
    CHECK(wl_recv_batch_unpack(rb, 0, data, sizeof data, lens, NULL, 1) == 1);
    CHECK(wl_recv_batch_unpack(rb, 0, NULL, 0, NULL, NULL, 0) == 0);
    /* Bad arguments: clear errors, no crash. */
    CHECK_ERR(wl_recv_batch_unpack(NULL, 0, data, sizeof data, lens, NULL, 4), EINVAL);
    CHECK_ERR(wl_recv_batch_unpack(rb, 0, NULL, 16, lens, NULL, 4), EINVAL);
    CHECK_ERR(wl_recv_batch_unpack(rb, 0, data, sizeof data, NULL, NULL, 4), EINVAL);
    wl_recv_batch_free(rb);
    wl_dgram_free(tx);
    wl_dgram_free(rx);
}

int main(void) {
    wl_test_start(60);
    RUN(unpack_everything_in_order);
    RUN(stops_when_the_buffer_is_full);
    return wl_test_end("test_batch_unpack");
}
