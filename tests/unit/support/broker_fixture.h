/* broker_fixture.h: the bundled broker for unit tests that need a real one: `sluiced --broker-only`
 * on a free loopback port with its own temporary data directory. sluiced is found in $SLUICE_BIN or
 * in ../bin beside the test's build directory; when it is missing or exits at start (no bundled
 * broker in this build), the calling test is skipped with a message. */
#ifndef SL_TEST_BROKER_FIXTURE_H
#define SL_TEST_BROKER_FIXTURE_H

/* "127.0.0.1:<port>" of the running broker, valid between start and stop */
extern char sl_test_broker_bootstrap[64];

/* A loopback TCP port nobody listens on right now. */
int sl_test_port_free(void);

/* Starts the broker with data under a fresh /tmp/sl_<name>_XXXXXX, or skips the test; fails the test
 * when it does not listen within 10 s. */
void sl_test_broker_start(const char *name);

/* Stops the broker (SIGTERM, then SIGKILL after 5 s) and removes its directory; safe to call twice. */
void sl_test_broker_stop(void);

#endif
