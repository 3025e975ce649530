/* broker_fixture.c: starts and stops the bundled broker (sluiced --broker-only) for unit tests. */
#include "broker_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

char sl_test_broker_bootstrap[64];

static pid_t broker_pid = -1;      /* the running sluiced, or -1 */
static char broker_dir[PATH_MAX];  /* its temporary directory, or "" */

int sl_test_port_free(void)
{
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof a;
        cr_assert(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
        getsockname(fd, (struct sockaddr *)&a, &len);
        close(fd);
        return ntohs(a.sin_port);
}

static bool port_open(int port)
{
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        return ok;
}

static bool find_sluiced(char *path, size_t cap)
{
        const char *bin = getenv("SLUICE_BIN");
        if (bin) {
                snprintf(path, cap, "%s/sluiced", bin);
        } else {
                char exe[PATH_MAX];
                ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
                if (n <= 0)
                        return false;
                exe[n] = 0;
                /* <build>/tests/unit_<module>_... -> <build>/bin/sluiced */
                snprintf(path, cap, "%s/../bin/sluiced", dirname(exe));
        }
        return access(path, X_OK) == 0;
}

static void rm_rf(const char *dir)
{
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", dir);
}

void sl_test_broker_stop(void)
{
        if (broker_pid > 0) {
                kill(broker_pid, SIGTERM);
                int st;
                for (int i = 0; i < 100 && waitpid(broker_pid, &st, WNOHANG) == 0; i++)
                        usleep(50000);
                kill(broker_pid, SIGKILL);
                waitpid(broker_pid, &st, 0);
                broker_pid = -1;
        }
        if (broker_dir[0]) {
                rm_rf(broker_dir);
                broker_dir[0] = 0;
        }
}

void sl_test_broker_start(const char *name)
{
        char sluiced[PATH_MAX];
        if (!find_sluiced(sluiced, sizeof sluiced))
                cr_skip_test("no sluiced binary (set SLUICE_BIN): broker tests skipped");
        snprintf(broker_dir, sizeof broker_dir, "/tmp/sl_%s_XXXXXX", name);
        cr_assert_not_null(mkdtemp(broker_dir));
        int port = sl_test_port_free();
        snprintf(sl_test_broker_bootstrap, sizeof sl_test_broker_bootstrap, "127.0.0.1:%d", port);
        char listeners[96], datadir[PATH_MAX + 16];
        snprintf(listeners, sizeof listeners, "--broker.listeners=PLAINTEXT://127.0.0.1:%d", port);
        snprintf(datadir, sizeof datadir, "--data.dir=%s/data", broker_dir);
        broker_pid = fork();
        cr_assert(broker_pid >= 0);
        if (broker_pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                int null = open("/dev/null", O_WRONLY);
                dup2(null, 1);
                execl(sluiced, "sluiced", "--broker-only", listeners, datadir, "--log.level=warn", (char *)NULL);
                _exit(127);
        }
        for (int i = 0; i < 200; i++) {
                if (port_open(port))
                        return;
                int st;
                if (waitpid(broker_pid, &st, WNOHANG) == broker_pid) {
                        broker_pid = -1;
                        sl_test_broker_stop();
                        cr_skip_test("sluiced exited at start (no bundled broker in this build): broker tests skipped");
                }
                usleep(50000);
        }
        sl_test_broker_stop();
        cr_assert_fail("sluiced --broker-only did not listen on %s within 10 s", sl_test_broker_bootstrap);
}
