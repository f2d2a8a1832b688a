/* Port program for the differential tests: prints its argument vector, one line per element:
 * "argc N", then "argv[I]=VALUE" for each I (argv[0] included), then exits with status 0. */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    return 0;
}
