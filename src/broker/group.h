/* group.h: the group coordinator and committed offsets, between group.c / offsets.c and the
 * group API handlers (api_joingroup.c, api_syncgroup.c, ...). Network thread only. */
#ifndef SL_BROKER_GROUP_H
#define SL_BROKER_GROUP_H

#include "broker/broker_int.h"

typedef enum sl_broker_group_state {
        SL_GROUP_EMPTY,
        SL_GROUP_PREPARING_REBALANCE,
        SL_GROUP_COMPLETING_REBALANCE,
        SL_GROUP_STABLE,
} sl_broker_group_state;

/* One protocol a member offers (name + opaque metadata). */
typedef struct sl_broker_protocol {
        char *name;          /* owned */
        uint8_t *metadata;   /* owned */
        size_t len;
} sl_broker_protocol;

typedef struct sl_broker_member {
        char *member_id;                /* owned */
        char *client_id;                /* owned */
        char *client_host;              /* owned */
        int32_t session_timeout_ms;
        int32_t rebalance_timeout_ms;
        int64_t last_seen_ms;           /* monotonic time of the last join/sync/heartbeat */
        int nprotocols;
        sl_broker_protocol *protocols;  /* owned, in the member's order of preference */
        sl_broker_req *join_req;        /* parked JoinGroup, or NULL */
        sl_broker_req *sync_req;        /* parked SyncGroup, or NULL */
        uint8_t *assignment;            /* owned, from the leader's SyncGroup */
        size_t assignment_len;
        sl_broker_group *group;         /* owner */
} sl_broker_member;

struct sl_broker_group {
        char *id;                       /* owned */
        sl_broker_group_state state;
        int32_t generation;
        char *protocol_type;            /* owned, NULL while empty */
        char *protocol;                 /* chosen protocol of the generation, owned */
        char *leader;                   /* member id of the leader, owned */
        sl_vec members;                 /* sl_broker_member * */
        int64_t join_deadline_ms;       /* PreparingRebalance ends at this monotonic time */
        int64_t initial_until_ms;       /* first join of an empty group: wait for more members */
};

/* A decoded JoinGroup request (strings borrowed from the frame). */
typedef struct sl_broker_join {
        sl_str_ref group_id, member_id, protocol_type;
        int32_t session_timeout_ms, rebalance_timeout_ms;
        int32_t nprotocols;
        sl_str_ref *names, *metas;      /* nprotocols each, owned arrays */
} sl_broker_join;

const char *sl_broker_group_state_name(sl_broker_group_state st);
sl_broker_group *sl_broker_group_find(sl_broker *broker, const char *id, size_t len);
/* The next group of an iterator initialized over broker->groups, NULL at the end. */
sl_broker_group *sl_broker_groups_next(sl_map_iter *it);
sl_broker_member *sl_broker_group_member(sl_broker_group *group, const char *id, size_t len);
sl_broker_hres sl_broker_group_join(sl_broker_req *req, const sl_broker_join *join);
sl_broker_hres sl_broker_group_sync(sl_broker_req *req, sl_str_ref group_id, int32_t generation, sl_str_ref member_id,
                                    int32_t nassign, const sl_str_ref *assign_members, const sl_str_ref *assign_data);
ErrorCode sl_broker_group_heartbeat(sl_broker *broker, sl_str_ref group_id, int32_t generation, sl_str_ref member_id);
ErrorCode sl_broker_group_leave(sl_broker *broker, sl_str_ref group_id, sl_str_ref member_id);
/* Checks whether an OffsetCommit from this member/generation is allowed now. */
ErrorCode sl_broker_group_commit_check(sl_broker *broker, sl_str_ref group_id, int32_t generation, sl_str_ref member_id);
/* Makes sure an (empty) group exists, e.g. for committed offsets. */
sl_broker_group *sl_broker_group_ensure(sl_broker *broker, const char *id, size_t len);

/* A committed offset. */
typedef struct sl_broker_committed {
        int64_t offset;
        int32_t leader_epoch;
        char *metadata;                 /* owned, never NULL */
        int64_t commit_ms;
} sl_broker_committed;

/* Stores a commit (in memory now, on disk through the flush thread); returns the sequence number
 * the commit becomes durable at (compare with broker->offsets_durable). */
int64_t sl_broker_offsets_commit(sl_broker *broker, sl_str_ref group, sl_str_ref topic, int32_t partition,
                                 int64_t offset, int32_t epoch, sl_str_ref metadata);
/* Asks the flush thread to sync the offsets store. */
void sl_broker_offsets_flush(sl_broker *broker);
const sl_broker_committed *sl_broker_offsets_get(sl_broker *broker, sl_str_ref group, sl_str_ref topic,
                                                 int32_t partition);
/* Calls fn for every committed offset of `group`. */
void sl_broker_offsets_each(sl_broker *broker, sl_str_ref group,
                            void (*fn)(void *ctx, const char *topic, int32_t partition, const sl_broker_committed *c),
                            void *ctx);

#endif
