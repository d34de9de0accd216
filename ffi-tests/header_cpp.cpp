// The header compiles as C++ and links with C linkage (extern "C" guards).
#include "wirelane.h"

#include <cstdio>
#include <cstring>

int main() {
    wl_addr a;
    if (wl_addr_parse("127.0.0.1:80", &a) != 0) return 1;
    char buf[WL_ADDR_STRLEN];
    if (wl_addr_format(&a, buf, sizeof buf) < 0) return 1;
    if (std::strcmp(wl_version(), WIRELANE_VERSION) != 0) return 1;
    wl_raw *raw = nullptr;
    if (wl_raw_new(AF_INET, SOCK_STREAM, &raw) != 0) return 1;
    wl_raw_free(raw);
    std::printf("C++: wirelane %s, %s\n", wl_version(), buf);
    return 0;
}
