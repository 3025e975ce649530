/* main.c: sluiced, the server. Today it only reports what is built; the broker, engine and REST
 * server start here as their issues land. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        if (argc > 1 && strcmp(argv[1], "--version") == 0) {
                printf("sluiced 0.1.0\n");
                return 0;
        }
        fprintf(stderr, "sluiced 0.1.0: the server is not built yet; only the core libraries exist so far.\n");
        return 2;
}
