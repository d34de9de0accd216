/* Version, error codes, wl_strerror and the per-thread last error. */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

static void version_matches_header(void) {
    CHECK(strcmp(wl_version(), WIRELANE_VERSION) == 0);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", WIRELANE_VERSION_MAJOR, WIRELANE_VERSION_MINOR,
             WIRELANE_VERSION_PATCH);
    CHECK(strcmp(WIRELANE_VERSION, expected) == 0);
}

static void strerror_takes_either_sign(void) {
    CHECK(strcmp(wl_strerror(-EPIPE), strerror(EPIPE)) == 0);
    CHECK(strcmp(wl_strerror(EADDRINUSE), strerror(EADDRINUSE)) == 0);
    CHECK(strcmp(wl_strerror(0), "Success") == 0);
    CHECK(strcmp(wl_strerror(100000), "Unknown error") == 0);
    CHECK(strcmp(wl_strerror(-2147483647 - 1), "Unknown error") == 0);
    /* Static: the pointer stays valid and stable. */
    CHECK(wl_strerror(EPIPE) == wl_strerror(-EPIPE));
}

static void *fresh_thread(void *arg) {
    (void)arg;
    char buf[64] = "untouched";
    /* A thread that never failed has an empty message. */
    CHECK(wl_last_error_message(buf, sizeof buf) == 0);
    CHECK(buf[0] == '\0');
    return NULL;
}

static void last_error_names_function_and_problem(void) {
    wl_addr a;
    char buf[256];
    CHECK_ERR(wl_addr_parse("nonsense", &a), EINVAL);
    int n = wl_last_error_message(buf, sizeof buf);
    CHECK(n > 0 && (size_t)n == strlen(buf));
    CHECK(strncmp(buf, "wl_addr_parse: ", 15) == 0);
    CHECK(strstr(buf, "nonsense") != NULL);

    /* snprintf semantics: length query, truncation, always NUL-terminated. */
    CHECK(wl_last_error_message(NULL, 0) == n);
    char small[8];
    CHECK(wl_last_error_message(small, sizeof small) == n);
    CHECK(strlen(small) == 7 && strncmp(small, buf, 7) == 0);
    CHECK_ERR(wl_last_error_message(NULL, 5), EINVAL);

    /* An OS error carries its strerror text. */
    wl_conn *a1 = NULL, *b1 = NULL;
    CHECK_OK(wl_conn_pair(&a1, &b1));
    CHECK_OK(wl_socket_set_nonblocking(wl_conn_fd(a1), true));
    char data[4];
    CHECK_ERR(wl_conn_recv(a1, data, sizeof data, 0), EAGAIN);
    wl_last_error_message(buf, sizeof buf);
    CHECK(strncmp(buf, "wl_conn_recv: ", 14) == 0);
    CHECK(strstr(buf, strerror(EAGAIN)) != NULL);
    wl_conn_free(a1);
    wl_conn_free(b1);

    /* Success leaves the message alone. */
    CHECK_OK(wl_addr_parse("1.2.3.4:5", &a));
    wl_last_error_message(buf, sizeof buf);
    CHECK(strncmp(buf, "wl_conn_recv: ", 14) == 0);

    /* Per thread. */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, fresh_thread, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
}

int main(void) {
    wl_test_start(60);
    RUN(version_matches_header);
    RUN(strerror_takes_either_sign);
    RUN(last_error_names_function_and_problem);
    return wl_test_end("test_errors");
}
