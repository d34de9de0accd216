/* wl_addr: parse, build, format, family, port, struct sockaddr input. */
#define _GNU_SOURCE
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

static void format_is(const wl_addr *a, const char *expected) {
    char buf[WL_ADDR_STRLEN];
    int n = wl_addr_format(a, buf, sizeof buf);
    CHECK_OK(n);
    CHECK((size_t)n == strlen(expected));
    if (strcmp(buf, expected) != 0) {
        fprintf(stderr, "formatted \"%s\", expected \"%s\"\n", buf, expected);
        exit(1);
    }
}

static void parse_every_form(void) {
    wl_addr a;
    CHECK_OK(wl_addr_parse("127.0.0.1:80", &a));
    CHECK(wl_addr_family(&a) == AF_INET);
    CHECK(wl_addr_port(&a) == 80);
    CHECK(a.len == sizeof(struct sockaddr_in));
    format_is(&a, "127.0.0.1:80");

    CHECK_OK(wl_addr_parse("[::1]:65535", &a));
    CHECK(wl_addr_family(&a) == AF_INET6);
    CHECK(wl_addr_port(&a) == 65535);
    format_is(&a, "[::1]:65535");

    CHECK_OK(wl_addr_parse("/run/app.sock", &a));
    CHECK(wl_addr_family(&a) == AF_UNIX);
    CHECK_ERR(wl_addr_port(&a), EAFNOSUPPORT);
    format_is(&a, "/run/app.sock");

    CHECK_OK(wl_addr_parse("./rel.sock", &a));
    format_is(&a, "./rel.sock");

    CHECK_OK(wl_addr_parse("@abstract", &a));
    CHECK(wl_addr_family(&a) == AF_UNIX);
    format_is(&a, "@abstract");
}

static void parse_rejects_garbage_and_writes_nothing(void) {
    wl_addr a;
    memset(&a, 0xAB, sizeof a);
    CHECK_ERR(wl_addr_parse("localhost:80", &a), EINVAL);
    CHECK_MSG("localhost:80");
    CHECK_ERR(wl_addr_parse("300.1.1.1:80", &a), EINVAL);
    CHECK_ERR(wl_addr_parse("[::1]", &a), EINVAL);
    CHECK_ERR(wl_addr_parse("", &a), EINVAL);
    CHECK_ERR(wl_addr_parse("\xff\xfe", &a), EINVAL);
    CHECK_MSG("UTF-8");
    CHECK_ERR(wl_addr_parse(NULL, &a), EINVAL);
    CHECK_ERR(wl_addr_parse("127.0.0.1:1", NULL), EINVAL);
    unsigned char *bytes = (unsigned char *)&a;
    for (size_t i = 0; i < sizeof a; i++) {
        CHECK(bytes[i] == 0xAB);
    }
}

static void unix_paths_are_checked_not_truncated(void) {
    char path[200];
    wl_addr a;
    memset(path, 'a', sizeof path);
    path[0] = '/';
    path[120] = '\0';
    CHECK_ERR(wl_addr_unix(path, &a), ENAMETOOLONG);
    CHECK_MSG("Unix socket path is 120 bytes");
    CHECK_MSG("sun_path");
    CHECK_ERR(wl_addr_parse(path, &a), ENAMETOOLONG);
    path[107] = '\0'; /* 107 bytes + NUL: the largest that fits */
    CHECK_OK(wl_addr_unix(path, &a));
    CHECK(a.len == offsetof(struct sockaddr_un, sun_path) + 108);
    CHECK_ERR(wl_addr_unix("", &a), EINVAL);
    CHECK_ERR(wl_addr_unix(NULL, &a), EINVAL);
    CHECK_ERR(wl_addr_unix("x", NULL), EINVAL);
    CHECK_OK(wl_addr_unix("relative.sock", &a));
    format_is(&a, "relative.sock");
}

static void abstract_names(void) {
    wl_addr a;
    unsigned char name[200];
    memset(name, 'n', sizeof name);
    CHECK_OK(wl_addr_unix_abstract(name, 107, &a));
    CHECK_ERR(wl_addr_unix_abstract(name, 108, &a), ENAMETOOLONG);
    CHECK_ERR(wl_addr_unix_abstract(NULL, 3, &a), EINVAL);
    CHECK_OK(wl_addr_unix_abstract(NULL, 0, &a)); /* empty name is legal */
    CHECK_ERR(wl_addr_unix_abstract(name, 1, NULL), EINVAL);
    const unsigned char odd[] = {0x01, 'x'};
    CHECK_OK(wl_addr_unix_abstract(odd, sizeof odd, &a));
    format_is(&a, "@\\x01x");
}

static void builders(void) {
    wl_addr a;
    const uint8_t v4[4] = {10, 1, 2, 3};
    CHECK_OK(wl_addr_ipv4(v4, 4567, &a));
    format_is(&a, "10.1.2.3:4567");
    CHECK_ERR(wl_addr_ipv4(NULL, 1, &a), EINVAL);
    CHECK_ERR(wl_addr_ipv4(v4, 1, NULL), EINVAL);

    uint8_t v6[16] = {0};
    v6[15] = 1;
    CHECK_OK(wl_addr_ipv6(v6, 443, 0, 0, &a));
    format_is(&a, "[::1]:443");
    CHECK(((struct sockaddr_in6 *)&a.storage)->sin6_port == htons(443));
    CHECK_OK(wl_addr_ipv6(v6, 443, 7, 3, &a));
    CHECK(((struct sockaddr_in6 *)&a.storage)->sin6_scope_id == 3);
    CHECK_ERR(wl_addr_ipv6(NULL, 1, 0, 0, &a), EINVAL);
    CHECK_ERR(wl_addr_ipv6(v6, 1, 0, 0, NULL), EINVAL);
}

static void from_sockaddr(void) {
    wl_addr a;
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(8080);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_OK(wl_addr_from_sockaddr((const struct sockaddr *)&sin, sizeof sin, &a));
    format_is(&a, "127.0.0.1:8080");
    /* The wl_addr is usable with plain socket calls too. */
    CHECK(((struct sockaddr_in *)&a.storage)->sin_port == htons(8080));

    CHECK_ERR(wl_addr_from_sockaddr((const struct sockaddr *)&sin, 4, &a), EINVAL);
    CHECK_ERR(wl_addr_from_sockaddr((const struct sockaddr *)&sin, 1, &a), EINVAL);
    CHECK_ERR(wl_addr_from_sockaddr((const struct sockaddr *)&sin, 4096, &a), EINVAL);
    CHECK_ERR(wl_addr_from_sockaddr(NULL, sizeof sin, &a), EINVAL);
    CHECK_ERR(wl_addr_from_sockaddr((const struct sockaddr *)&sin, sizeof sin, NULL), EINVAL);

    struct sockaddr_storage other;
    memset(&other, 0, sizeof other);
    other.ss_family = AF_APPLETALK;
    CHECK_ERR(wl_addr_from_sockaddr((const struct sockaddr *)&other, sizeof other, &a), EAFNOSUPPORT);

    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, "/tmp/x.sock");
    CHECK_OK(wl_addr_from_sockaddr((const struct sockaddr *)&sun,
                                   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 12), &a));
    format_is(&a, "/tmp/x.sock");
}

static void format_needs_room_and_checks_input(void) {
    wl_addr a = wl_parse("127.0.0.1:80");
    char buf[13];
    memset(buf, 'z', sizeof buf);
    CHECK_ERR(wl_addr_format(&a, buf, 12), ENOSPC); /* 12 chars + NUL = 13 */
    CHECK(buf[0] == 'z');
    CHECK(wl_addr_format(&a, buf, 13) == 12);
    CHECK_ERR(wl_addr_format(NULL, buf, sizeof buf), EINVAL);
    CHECK_ERR(wl_addr_format(&a, NULL, 10), EINVAL);

    wl_addr bad = a;
    bad.len = 0;
    CHECK_ERR(wl_addr_format(&bad, buf, sizeof buf), EINVAL);
    CHECK_ERR(wl_addr_family(&bad), EINVAL);
    CHECK_ERR(wl_addr_port(&bad), EINVAL);
    bad.len = 1000;
    CHECK_ERR(wl_addr_family(&bad), EINVAL);
    bad = a;
    bad.storage.ss_family = AF_APPLETALK;
    CHECK_ERR(wl_addr_family(&bad), EAFNOSUPPORT);
    CHECK_ERR(wl_addr_port(&bad), EAFNOSUPPORT);
    CHECK_ERR(wl_addr_format(&bad, buf, sizeof buf), EAFNOSUPPORT);
    CHECK_ERR(wl_addr_family(NULL), EINVAL);
    CHECK_ERR(wl_addr_port(NULL), EINVAL);
    bad = a;
    bad.len = 8; /* shorter than sockaddr_in */
    CHECK_ERR(wl_addr_port(&bad), EINVAL);
}

int main(void) {
    wl_test_start(60);
    RUN(parse_every_form);
    RUN(parse_rejects_garbage_and_writes_nothing);
    RUN(unix_paths_are_checked_not_truncated);
    RUN(abstract_names);
    RUN(builders);
    RUN(from_sockaddr);
    RUN(format_needs_room_and_checks_input);
    return wl_test_end("test_addr");
}
