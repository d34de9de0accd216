/* The header compiles on its own under strict C11 (no feature macros). */
#include "wirelane.h"

int header_c11_uses(void);

int header_c11_uses(void) {
    wl_addr a = {0};
    return (int)sizeof a + WIRELANE_VERSION_MAJOR + (int)WL_ADDR_STRLEN;
}
