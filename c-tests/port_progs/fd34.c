/* Port program for the differential tests of nouse_stdio: copies everything read on fd 3 to
 * fd 4 until EOF on fd 3, then exits with status 0. Writes nothing to stdout. */
#include <unistd.h>
#include <errno.h>

int main(void) {
    char buf[4096];
    for (;;) {
        ssize_t r = read(3, buf, sizeof buf);
        if (r == 0) return 0;
        if (r < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        char *p = buf;
        while (r > 0) {
            ssize_t w = write(4, p, (size_t)r);
            if (w < 0) {
                if (errno == EINTR) continue;
                return 2;
            }
            p += w;
            r -= w;
        }
    }
}
