/* Port program for the differential tests: exit_with CODE [TEXT]
 * Writes TEXT (if given) to stdout, then exits with status CODE. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 2) {
        size_t n = strlen(argv[2]);
        if (write(1, argv[2], n) != (ssize_t)n) return 99;
    }
    return argc > 1 ? atoi(argv[1]) : 0;
}
