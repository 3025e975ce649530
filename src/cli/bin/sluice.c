/* sluice.c: the `sluice` shell binary; everything lives in the sl_cli library (repl.c). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
        return sl_cli_main(argc, argv);
}
