/* Thread safety as documented: one wl_conn used for sending on one thread
 * and receiving on another at the same time; per-thread last errors. */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

enum { MESSAGES = 2000 };

static void *sender(void *arg) {
    wl_conn *conn = arg;
    for (int i = 0; i < MESSAGES; i++) {
        unsigned char b = (unsigned char)(i & 0xff);
        CHECK(wl_conn_send(conn, &b, 1, 0) == 1);
    }
    return NULL;
}

static void *receiver(void *arg) {
    wl_conn *conn = arg;
    for (int i = 0; i < MESSAGES; i++) {
        unsigned char b;
        CHECK(wl_conn_recv(conn, &b, 1, MSG_WAITALL) == 1);
        CHECK(b == (unsigned char)(i & 0xff));
    }
    return NULL;
}

static void send_and_recv_on_one_handle_from_two_threads(void) {
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    pthread_t t1, t2, t3, t4;
    /* a sends while a receives; b likewise. */
    CHECK(pthread_create(&t1, NULL, sender, a) == 0);
    CHECK(pthread_create(&t2, NULL, receiver, a) == 0);
    CHECK(pthread_create(&t3, NULL, sender, b) == 0);
    CHECK(pthread_create(&t4, NULL, receiver, b) == 0);
    CHECK(pthread_join(t1, NULL) == 0 && pthread_join(t2, NULL) == 0);
    CHECK(pthread_join(t3, NULL) == 0 && pthread_join(t4, NULL) == 0);
    wl_conn_free(a);
    wl_conn_free(b);
}

static void *fail_in_thread(void *arg) {
    (void)arg;
    wl_addr a;
    CHECK_ERR(wl_addr_parse("thread-garbage", &a), EINVAL);
    CHECK_MSG("thread-garbage");
    return NULL;
}

static void last_error_is_per_thread(void) {
    wl_addr a;
    CHECK_ERR(wl_addr_parse("main-garbage", &a), EINVAL);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, fail_in_thread, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_MSG("main-garbage");
}

int main(void) {
    wl_test_start(60);
    RUN(send_and_recv_on_one_handle_from_two_threads);
    RUN(last_error_is_per_thread);
    return wl_test_end("test_threads");
}
