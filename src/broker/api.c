/* api.c: the ApiKey table: handler and the version range we advertise for each API (exactly the
 * versions the handlers implement; see ../shared/reference/kafka-protocol.md section 4.1 for why each
 * range looks the way it does). Produce advertises v0-v2 only so that librdkafka enables its
 * compression codecs; its handler refuses those versions per partition. */
#include "broker/broker_int.h"

typedef struct api_entry {
        const char *name;           /* Kafka's name of the API */
        sl_broker_handler handler;  /* NULL: not implemented */
        int16_t min, max;           /* advertised versions */
} api_entry;

static const api_entry apis[ApiKey__MAX] = {
        [ApiKey_Produce] = {"Produce", sl_broker_handle_Produce, 0, 7},
        [ApiKey_Fetch] = {"Fetch", sl_broker_handle_Fetch, 4, 11},
        [ApiKey_ListOffsets] = {"ListOffsets", sl_broker_handle_ListOffsets, 1, 3},
        [ApiKey_Metadata] = {"Metadata", sl_broker_handle_Metadata, 0, 4},
        [ApiKey_OffsetCommit] = {"OffsetCommit", sl_broker_handle_OffsetCommit, 2, 6},
        [ApiKey_OffsetFetch] = {"OffsetFetch", sl_broker_handle_OffsetFetch, 1, 5},
        [ApiKey_FindCoordinator] = {"FindCoordinator", sl_broker_handle_FindCoordinator, 0, 2},
        [ApiKey_JoinGroup] = {"JoinGroup", sl_broker_handle_JoinGroup, 0, 4},
        [ApiKey_Heartbeat] = {"Heartbeat", sl_broker_handle_Heartbeat, 0, 2},
        [ApiKey_LeaveGroup] = {"LeaveGroup", sl_broker_handle_LeaveGroup, 0, 2},
        [ApiKey_SyncGroup] = {"SyncGroup", sl_broker_handle_SyncGroup, 0, 2},
        [ApiKey_DescribeGroups] = {"DescribeGroups", sl_broker_handle_DescribeGroups, 0, 2},
        [ApiKey_ListGroups] = {"ListGroups", sl_broker_handle_ListGroups, 0, 2},
        [ApiKey_DeleteTopics] = {"DeleteTopics", sl_broker_handle_DeleteTopics, 0, 3},
        [ApiKey_DescribeConfigs] = {"DescribeConfigs", sl_broker_handle_DescribeConfigs, 0, 2},
        [ApiKey_InitProducerId] = {"InitProducerId", sl_broker_handle_InitProducerId, 0, 1},
        [ApiKey_ApiVersions] = {"ApiVersions", sl_broker_handle_ApiVersions, 0, 3},
        [ApiKey_CreateTopics] = {"CreateTopics", sl_broker_handle_CreateTopics, 0, 4},
};

sl_broker_handler sl_broker_api_handler(int16_t api_key, int16_t version, bool *known_key)
{
        *known_key = false;
        if (api_key < 0 || api_key >= ApiKey__MAX || !apis[api_key].handler)
                return NULL;
        *known_key = true;
        if (version < apis[api_key].min || version > apis[api_key].max)
                return NULL;
        return apis[api_key].handler;
}

const char *sl_broker_api_name(int16_t api_key)
{
        return api_key >= 0 && api_key < ApiKey__MAX ? apis[api_key].name : NULL;
}

int16_t sl_broker_api_max_version(int16_t api_key)
{
        return api_key >= 0 && api_key < ApiKey__MAX ? apis[api_key].max : -1;
}

void sl_broker_api_write_versions(sl_buf *out)
{
        size_t at = sl_wr_i32_later(out);
        int32_t n = 0;
        for (int k = 0; k < ApiKey__MAX; k++) {
                if (!apis[k].handler)
                        continue;
                sl_wr_i16(out, (int16_t)k);
                sl_wr_i16(out, apis[k].min);
                sl_wr_i16(out, apis[k].max);
                n++;
        }
        sl_wr_i32_patch(out, at, n);
}
