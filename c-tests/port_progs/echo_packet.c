/* Port program for the differential tests: echoes {packet,N} frames.
 * Usage: echo_packet N   (N = 1, 2 or 4, the size of the big-endian length header)
 * Reads frames from stdin and writes each one back unchanged (header and payload) until EOF,
 * then exits with status 0. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

static int read_full(int fd, unsigned char *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r == 0) return 0;
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 1;
}

static int write_full(int fd, const unsigned char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv) {
    int hdr = argc > 1 ? atoi(argv[1]) : 2;
    if (hdr != 1 && hdr != 2 && hdr != 4) return 2;
    for (;;) {
        unsigned char h[4];
        int r = read_full(0, h, (size_t)hdr);
        if (r == 0) return 0;
        if (r < 0) return 3;
        size_t len = 0;
        for (int i = 0; i < hdr; i++) len = (len << 8) | h[i];
        unsigned char *buf = malloc(len ? len : 1);
        if (!buf) return 4;
        if (len && read_full(0, buf, len) != 1) return 5;
        if (write_full(1, h, (size_t)hdr) || write_full(1, buf, len)) return 6;
        free(buf);
    }
}
