/* Port program for the differential tests: big_writer SIZE
 * Writes SIZE bytes to stdout, byte i being (i * 7 + i / 251) % 256, in writes of 4096 bytes,
 * then exits with status 0. */
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

int main(int argc, char **argv) {
    long size = argc > 1 ? atol(argv[1]) : 0;
    unsigned char buf[4096];
    long i = 0;
    while (i < size) {
        size_t n = 0;
        while (n < sizeof buf && i < size) {
            buf[n++] = (unsigned char)((i * 7 + i / 251) % 256);
            i++;
        }
        unsigned char *p = buf;
        while (n > 0) {
            ssize_t w = write(1, p, n);
            if (w < 0) {
                if (errno == EINTR) continue;
                return 1;
            }
            p += w;
            n -= (size_t)w;
        }
    }
    return 0;
}
