/* service.c: what sluiced runs for schemas. With ksql.schema.registry.url unset or empty it serves
 * its own registry: the store on the engine's Kafka (the `_schemas` topic; in memory when
 * sluice.engine.kafka=false) and the REST server on schema.registry.listeners (default
 * http://127.0.0.1:8081). Either way it installs a client of the registry in use as the serdes'
 * default registry (ksql.schema.registry.basic.auth.user.info gives "user:password"). When the
 * default port is taken and no listener is configured, a free port is used (logged). */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "registry/registry.h"

#define DEFAULT_LISTENER "http://127.0.0.1:8081"

struct sl_registry_service {
        sl_registry_store *store;    /* own registry's data, or NULL */
        sl_registry_server *server;  /* own registry's REST server, or NULL */
        sl_serde_registry *client;   /* the client the serdes use */
};

sl_err sl_registry_service_start(const sl_config *cfg, const char *bootstrap, sl_registry_service **out,
                                 sl_err_detail *err)
{
        sl_registry_service *svc = sl_calloc(1, sizeof(*svc));
        const char *url = sl_config_get(cfg, "ksql.schema.registry.url");
        const char *auth = sl_config_get(cfg, "ksql.schema.registry.basic.auth.user.info");
        sl_err rc;

        *out = NULL;
        curl_global_init(CURL_GLOBAL_DEFAULT);
        if (!url || !*url) {
                const char *listener = sl_config_get(cfg, "schema.registry.listeners");
                if ((rc = sl_registry_store_new(bootstrap, &svc->store, err)) != SL_OK)
                        goto fail;
                bool given = listener && *listener;
                rc = sl_registry_server_start(svc->store, given ? listener : DEFAULT_LISTENER, &svc->server, err);
                /* the default port taken (another sluiced, a registry): any free port, so that the
                 * server still starts; an explicit listener must be honoured */
                if (rc != SL_OK && !given) {
                        SL_LOG_WARN("registry", "%s; serving the schema registry on another port", err->message);
                        rc = sl_registry_server_start(svc->store, "http://127.0.0.1:0", &svc->server, err);
                }
                if (rc != SL_OK)
                        goto fail;
                url = sl_registry_server_url(svc->server);
        } else {
                SL_LOG_INFO("registry", "schema registry: %s", url);
        }
        svc->client = sl_registry_client_new(url, auth);
        sl_serde_registry_set_default(svc->client);
        *out = svc;
        return SL_OK;
fail:
        sl_registry_service_stop(svc);
        return rc;
}

void sl_registry_service_stop(sl_registry_service *svc)
{
        if (!svc)
                return;
        if (sl_serde_registry_get_default() == svc->client)
                sl_serde_registry_set_default(NULL);
        sl_registry_server_stop(svc->server);
        sl_registry_store_free(svc->store);
        sl_registry_client_free(svc->client);
        sl_free(svc);
}
