/* Port program for the differential tests: show_env NAME...
 * For each NAME prints "NAME=VALUE" if it is set in the environment, "NAME unset" otherwise; the
 * name "." prints the working directory as "cwd=DIR". Then exits with status 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], ".") == 0) {
            char dir[4096];
            if (getcwd(dir, sizeof dir)) printf("cwd=%s\n", dir);
            else printf("cwd unknown\n");
            continue;
        }
        const char *v = getenv(argv[i]);
        if (v) printf("%s=%s\n", argv[i], v);
        else printf("%s unset\n", argv[i]);
    }
    return 0;
}
