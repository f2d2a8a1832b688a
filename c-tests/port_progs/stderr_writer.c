/* Port program for the differential tests: writes "out1\n" to stdout, then "err1\n" to stderr,
 * then "out2\n" to stdout, each with one write(2) and in that order, then exits with status 0. */
#include <string.h>
#include <unistd.h>

static void put(int fd, const char *s) {
    size_t n = strlen(s);
    if (write(fd, s, n) != (ssize_t)n) _exit(1);
}

int main(void) {
    put(1, "out1\n");
    put(2, "err1\n");
    put(1, "out2\n");
    return 0;
}
