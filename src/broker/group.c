/* group.c: the group coordinator (Kafka's classic consumer-group protocol).
 *
 * One example, walked through. Three consumers c1, c2, c3 start with group.id "g" against an
 * empty broker.
 *
 * 1. c1 sends JoinGroup(g, member_id ""). The group does not exist: it is created Empty, c1 gets a
 *    fresh member id ("<client id>-<n>") and its request is parked in member->join_req. The group
 *    moves to PreparingRebalance. Because it was empty, the join phase lasts at least
 *    group.initial.rebalance.delay.ms (3 s by default), so that c2 and c3, starting a moment later,
 *    land in the same generation instead of causing two more rebalances.
 * 2. c2 and c3 join the same way and park too. When the delay is over and every known member has a
 *    parked JoinGroup (or the largest rebalance timeout has passed, after which members that did
 *    not rejoin are dropped), complete_join runs: generation 1, the protocol every member supports
 *    that ranks best with the members ("range"), leader c1 (the old leader if it is still there,
 *    else the first member). All three JoinGroups are answered; only the leader's answer carries
 *    the member list with each member's metadata, as assignors run in the client. The group is
 *    now CompletingRebalance.
 * 3. c2 and c3 send SyncGroup with no assignments and are parked in member->sync_req. c1, the
 *    leader, computes the assignment and sends SyncGroup with one entry per member: the group
 *    stores each member's bytes, becomes Stable and answers all three.
 * 4. Heartbeats (every few seconds) refresh member->last_seen_ms and return 0 while Stable.
 * 5. c2 is killed. Its heartbeats stop; once session_timeout_ms passes, groups_tick removes it and
 *    starts a rebalance: PreparingRebalance. c1's and c3's next Heartbeat returns
 *    REBALANCE_IN_PROGRESS, they rejoin (step 2, without the initial delay), generation 2 hands
 *    c2's partitions to them. A member that leaves cleanly (LeaveGroup) starts the same rebalance
 *    at once; when the last member leaves, the group is Empty again and keeps its offsets.
 *
 * OffsetCommit is allowed from a member of the current generation (Stable or PreparingRebalance),
 * or from anybody with generation -1 and member "" while the group has no members. Offsets live in
 * offsets.c and survive restarts; membership does not (clients rejoin after UNKNOWN_MEMBER_ID).
 * A connection that closes cancels its parked JoinGroup/SyncGroup; the member stays until its
 * session times out, as in Kafka. */
#include "broker/group.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/time.h"

static uint64_t member_counter;

const char *sl_broker_group_state_name(sl_broker_group_state st)
{
        switch (st) {
        case SL_GROUP_EMPTY: return "Empty";
        case SL_GROUP_PREPARING_REBALANCE: return "PreparingRebalance";
        case SL_GROUP_COMPLETING_REBALANCE: return "CompletingRebalance";
        case SL_GROUP_STABLE: return "Stable";
        }
        return "Dead";
}

sl_broker_group *sl_broker_group_find(sl_broker *broker, const char *id, size_t len)
{
        return sl_map_get(&broker->groups, id, len);
}

sl_broker_group *sl_broker_group_ensure(sl_broker *broker, const char *id, size_t len)
{
        sl_broker_group *group = sl_broker_group_find(broker, id, len);
        if (group)
                return group;
        group = sl_calloc(1, sizeof *group);
        group->id = sl_strndup(id, len);
        sl_vec_init(&group->members, sizeof(sl_broker_member *));
        sl_map_put(&broker->groups, id, len, group);
        return group;
}

sl_broker_member *sl_broker_group_member(sl_broker_group *group, const char *id, size_t len)
{
        for (size_t i = 0; i < group->members.len; i++) {
                sl_broker_member *m = SL_VEC_AT(&group->members, sl_broker_member *, i);
                if (strlen(m->member_id) == len && memcmp(m->member_id, id, len) == 0)
                        return m;
        }
        return NULL;
}

static void member_set_protocols(sl_broker_member *m, const sl_broker_join *join)
{
        for (int i = 0; i < m->nprotocols; i++) {
                sl_free(m->protocols[i].name);
                sl_free(m->protocols[i].metadata);
        }
        sl_free(m->protocols);
        m->nprotocols = join->nprotocols;
        m->protocols = sl_calloc((size_t)(join->nprotocols ? join->nprotocols : 1), sizeof *m->protocols);
        for (int i = 0; i < join->nprotocols; i++) {
                m->protocols[i].name = sl_strndup(join->names[i].ptr, join->names[i].len);
                m->protocols[i].len = join->metas[i].len;
                m->protocols[i].metadata = sl_malloc(join->metas[i].len ? join->metas[i].len : 1);
                if (join->metas[i].len)
                        memcpy(m->protocols[i].metadata, join->metas[i].ptr, join->metas[i].len);
        }
}

static bool same_protocols(const sl_broker_member *m, const sl_broker_join *join)
{
        if (m->nprotocols != join->nprotocols)
                return false;
        for (int i = 0; i < m->nprotocols; i++) {
                if (!sl_str_ref_eq(join->names[i], m->protocols[i].name) || join->metas[i].len != m->protocols[i].len ||
                    (m->protocols[i].len && memcmp(join->metas[i].ptr, m->protocols[i].metadata, m->protocols[i].len)))
                        return false;
        }
        return true;
}

static const sl_broker_protocol *member_protocol(const sl_broker_member *m, const char *name)
{
        for (int i = 0; name && i < m->nprotocols; i++)
                if (strcmp(m->protocols[i].name, name) == 0)
                        return &m->protocols[i];
        return NULL;
}

/* Writes a JoinGroup response body for `m`. */
static void write_join(sl_broker_req *req, sl_broker_group *group, sl_broker_member *m, ErrorCode ec)
{
        sl_buf *out = sl_broker_req_out(req);
        if (req->api_version >= 2)
                sl_wr_i32(out, 0);
        sl_wr_i16(out, (int16_t)ec);
        sl_wr_i32(out, ec ? -1 : group->generation);
        sl_wr_str(out, ec ? "" : group->protocol ? group->protocol : "");
        sl_wr_str(out, ec ? "" : group->leader ? group->leader : "");
        sl_wr_str(out, m ? m->member_id : "");
        bool leader = !ec && m && group->leader && strcmp(group->leader, m->member_id) == 0;
        if (!leader) {
                sl_wr_i32(out, 0);
                return;
        }
        sl_wr_i32(out, (int32_t)group->members.len);
        for (size_t i = 0; i < group->members.len; i++) {
                sl_broker_member *o = SL_VEC_AT(&group->members, sl_broker_member *, i);
                const sl_broker_protocol *p = member_protocol(o, group->protocol);
                sl_wr_str(out, o->member_id);
                sl_wr_bytes(out, p ? p->metadata : NULL, p ? p->len : 0, false);
        }
}

static void write_sync(sl_broker_req *req, ErrorCode ec, const uint8_t *assignment, size_t len)
{
        sl_buf *out = sl_broker_req_out(req);
        if (req->api_version >= 1)
                sl_wr_i32(out, 0);
        sl_wr_i16(out, (int16_t)ec);
        sl_wr_bytes(out, assignment, ec ? 0 : len, false);
}

static void cancel_join(sl_broker_req *req)
{
        sl_broker_member *m = req->park;
        if (m && m->join_req == req)
                m->join_req = NULL;
}

static void cancel_sync(sl_broker_req *req)
{
        sl_broker_member *m = req->park;
        if (m && m->sync_req == req)
                m->sync_req = NULL;
}

static void answer_join(sl_broker_member *m, ErrorCode ec)
{
        sl_broker_req *req = m->join_req;
        if (!req)
                return;
        m->join_req = NULL;
        write_join(req, m->group, ec ? NULL : m, ec);
        sl_broker_req_finish(req);
}

static void answer_sync(sl_broker_member *m, ErrorCode ec)
{
        sl_broker_req *req = m->sync_req;
        if (!req)
                return;
        m->sync_req = NULL;
        write_sync(req, ec, m->assignment, m->assignment_len);
        sl_broker_req_finish(req);
}

static void member_free(sl_broker_member *m)
{
        for (int i = 0; i < m->nprotocols; i++) {
                sl_free(m->protocols[i].name);
                sl_free(m->protocols[i].metadata);
        }
        sl_free(m->protocols);
        sl_free(m->member_id);
        sl_free(m->client_id);
        sl_free(m->client_host);
        sl_free(m->assignment);
        sl_free(m);
}

static void remove_member(sl_broker_group *group, sl_broker_member *m, ErrorCode ec)
{
        answer_join(m, ec);
        answer_sync(m, ec);
        for (size_t i = 0; i < group->members.len; i++) {
                if (SL_VEC_AT(&group->members, sl_broker_member *, i) == m) {
                        sl_vec_remove(&group->members, i);
                        break;
                }
        }
        if (group->leader && strcmp(group->leader, m->member_id) == 0) {
                sl_free(group->leader);
                group->leader = NULL;
        }
        member_free(m);
}

static void prepare_rebalance(sl_broker *broker, sl_broker_group *group, int64_t now)
{
        if (group->state == SL_GROUP_PREPARING_REBALANCE)
                return;
        /* followers waiting for an assignment must rejoin */
        for (size_t i = 0; i < group->members.len; i++)
                answer_sync(SL_VEC_AT(&group->members, sl_broker_member *, i), ErrorCode_REBALANCE_IN_PROGRESS);
        int32_t rt = 0;
        for (size_t i = 0; i < group->members.len; i++) {
                sl_broker_member *m = SL_VEC_AT(&group->members, sl_broker_member *, i);
                if (m->rebalance_timeout_ms > rt)
                        rt = m->rebalance_timeout_ms;
        }
        group->join_deadline_ms = now + rt;
        if (group->state == SL_GROUP_EMPTY) {
                group->initial_until_ms = now + broker->set.group_initial_delay_ms;
                if (group->join_deadline_ms < group->initial_until_ms)
                        group->join_deadline_ms = group->initial_until_ms;
        } else {
                group->initial_until_ms = 0;
        }
        group->state = SL_GROUP_PREPARING_REBALANCE;
        SL_LOG_DEBUG("broker", "group %s: rebalancing (%zu members)", group->id, group->members.len);
}

/* Chooses the protocol all members support, preferring the ones members rank first. */
static char *choose_protocol(sl_broker_group *group)
{
        sl_broker_member *first = SL_VEC_AT(&group->members, sl_broker_member *, 0);
        const char *best = NULL;
        int best_score = -1;
        for (int i = 0; i < first->nprotocols; i++) {
                const char *name = first->protocols[i].name;
                int score = 0;
                bool all = true;
                for (size_t k = 0; k < group->members.len && all; k++) {
                        sl_broker_member *m = SL_VEC_AT(&group->members, sl_broker_member *, k);
                        int rank = -1;
                        for (int j = 0; j < m->nprotocols; j++)
                                if (strcmp(m->protocols[j].name, name) == 0)
                                        rank = j;
                        if (rank < 0)
                                all = false;
                        else
                                score += m->nprotocols - rank;
                }
                if (all && score > best_score) {
                        best = name;
                        best_score = score;
                }
        }
        return best ? sl_strdup(best) : NULL;
}

static void complete_join(sl_broker *broker, sl_broker_group *group, int64_t now)
{
        (void)broker;
        /* members that did not rejoin in time are dropped */
        for (size_t i = group->members.len; i-- > 0;) {
                sl_broker_member *m = SL_VEC_AT(&group->members, sl_broker_member *, i);
                if (!m->join_req)
                        remove_member(group, m, ErrorCode_UNKNOWN_MEMBER_ID);
        }
        group->generation++;
        sl_free(group->protocol);
        group->protocol = NULL;
        if (group->members.len == 0) {
                group->state = SL_GROUP_EMPTY;
                sl_free(group->protocol_type);
                group->protocol_type = NULL;
                return;
        }
        group->protocol = choose_protocol(group);
        if (!group->leader)
                group->leader = sl_strdup(SL_VEC_AT(&group->members, sl_broker_member *, 0)->member_id);
        group->state = SL_GROUP_COMPLETING_REBALANCE;
        SL_LOG_INFO("broker", "group %s: generation %d with %zu members, protocol %s, leader %s", group->id,
                    group->generation, group->members.len, group->protocol ? group->protocol : "-", group->leader);
        for (size_t i = 0; i < group->members.len; i++) {
                sl_broker_member *m = SL_VEC_AT(&group->members, sl_broker_member *, i);
                m->last_seen_ms = now;
                sl_free(m->assignment);
                m->assignment = NULL;
                m->assignment_len = 0;
                answer_join(m, ErrorCode_NONE);
        }
}

static void maybe_complete_join(sl_broker *broker, sl_broker_group *group, int64_t now)
{
        if (group->state != SL_GROUP_PREPARING_REBALANCE)
                return;
        if (now < group->initial_until_ms)
                return;
        bool all = true;
        for (size_t i = 0; i < group->members.len && all; i++)
                if (!SL_VEC_AT(&group->members, sl_broker_member *, i)->join_req)
                        all = false;
        if (all || now >= group->join_deadline_ms)
                complete_join(broker, group, now);
}

sl_broker_hres sl_broker_group_join(sl_broker_req *req, const sl_broker_join *join)
{
        sl_broker *broker = req->broker;
        int64_t now = sl_time_mono_ms();
        ErrorCode ec = ErrorCode_NONE;
        sl_broker_group *group = NULL;
        if (join->group_id.null || join->group_id.len == 0) {
                ec = ErrorCode_INVALID_GROUP_ID;
                goto reply_error;
        }
        if (join->session_timeout_ms < broker->set.group_min_session_ms ||
            join->session_timeout_ms > broker->set.group_max_session_ms) {
                ec = ErrorCode_INVALID_SESSION_TIMEOUT;
                goto reply_error;
        }
        group = sl_broker_group_ensure(broker, join->group_id.ptr, join->group_id.len);
        sl_broker_member *m = NULL;
        if (join->member_id.len > 0) {
                m = sl_broker_group_member(group, join->member_id.ptr, join->member_id.len);
                if (!m) {
                        ec = ErrorCode_UNKNOWN_MEMBER_ID;
                        goto reply_error;
                }
        }
        /* protocol compatibility with the current members */
        if (group->members.len > 0 && !(group->members.len == 1 && m)) {
                if (!group->protocol_type || !sl_str_ref_eq(join->protocol_type, group->protocol_type)) {
                        ec = ErrorCode_INCONSISTENT_GROUP_PROTOCOL;
                        goto reply_error;
                }
                bool common = false;
                for (int32_t i = 0; i < join->nprotocols && !common; i++) {
                        bool all = true;
                        for (size_t k = 0; k < group->members.len && all; k++) {
                                sl_broker_member *o = SL_VEC_AT(&group->members, sl_broker_member *, k);
                                if (o == m)
                                        continue;
                                bool has = false;
                                for (int j = 0; j < o->nprotocols; j++)
                                        if (sl_str_ref_eq(join->names[i], o->protocols[j].name))
                                                has = true;
                                all = has;
                        }
                        common = all;
                }
                if (!common) {
                        ec = ErrorCode_INCONSISTENT_GROUP_PROTOCOL;
                        goto reply_error;
                }
        }
        if (join->nprotocols <= 0) {
                ec = ErrorCode_INCONSISTENT_GROUP_PROTOCOL;
                goto reply_error;
        }
        bool changed = true;
        if (!m) {
                m = sl_calloc(1, sizeof *m);
                m->group = group;
                m->member_id = sl_asprintf("%s-%llu-%llx", req->client_id[0] ? req->client_id : "member",
                                           (unsigned long long)++member_counter,
                                           (unsigned long long)(sl_time_wall_us() & 0xffffffffffULL));
                m->client_id = sl_strdup(req->client_id);
                m->client_host = sl_asprintf("/%s", req->conn->peer);
                char *colon = strrchr(m->client_host, ':');
                if (colon)
                        *colon = 0;
                sl_vec_push(&group->members, &m);
        } else {
                changed = !same_protocols(m, join);
        }
        if (!group->protocol_type)
                group->protocol_type = sl_strndup(join->protocol_type.ptr, join->protocol_type.len);
        member_set_protocols(m, join);
        m->session_timeout_ms = join->session_timeout_ms;
        m->rebalance_timeout_ms = join->rebalance_timeout_ms;
        m->last_seen_ms = now;
        if (m->join_req) /* an older JoinGroup of the same member is superseded */
                answer_join(m, ErrorCode_REBALANCE_IN_PROGRESS);
        bool is_leader = group->leader && strcmp(group->leader, m->member_id) == 0;
        if (group->state == SL_GROUP_STABLE && !changed && !is_leader) {
                /* a follower rejoining with the same metadata: current generation, no rebalance */
                write_join(req, group, m, ErrorCode_NONE);
                return SL_BROKER_DONE;
        }
        m->join_req = req;
        sl_broker_req_park(req, NULL, cancel_join, m, 0);
        prepare_rebalance(broker, group, now);
        maybe_complete_join(broker, group, now);
        return SL_BROKER_PARKED;
reply_error:
        write_join(req, group, NULL, ec);
        /* echo the member id the client sent */
        return SL_BROKER_DONE;
}

sl_broker_hres sl_broker_group_sync(sl_broker_req *req, sl_str_ref group_id, int32_t generation, sl_str_ref member_id,
                                    int32_t nassign, const sl_str_ref *assign_members, const sl_str_ref *assign_data)
{
        sl_broker *broker = req->broker;
        sl_broker_group *group = group_id.null ? NULL : sl_broker_group_find(broker, group_id.ptr, group_id.len);
        sl_broker_member *m = group ? sl_broker_group_member(group, member_id.ptr, member_id.len) : NULL;
        ErrorCode ec = ErrorCode_NONE;
        if (!m)
                ec = ErrorCode_UNKNOWN_MEMBER_ID;
        else if (generation != group->generation)
                ec = ErrorCode_ILLEGAL_GENERATION;
        else if (group->state == SL_GROUP_PREPARING_REBALANCE)
                ec = ErrorCode_REBALANCE_IN_PROGRESS;
        if (ec) {
                write_sync(req, ec, NULL, 0);
                return SL_BROKER_DONE;
        }
        m->last_seen_ms = sl_time_mono_ms();
        if (group->state == SL_GROUP_STABLE) {
                write_sync(req, ErrorCode_NONE, m->assignment, m->assignment_len);
                return SL_BROKER_DONE;
        }
        /* CompletingRebalance */
        if (m->sync_req)
                answer_sync(m, ErrorCode_REBALANCE_IN_PROGRESS);
        m->sync_req = req;
        sl_broker_req_park(req, NULL, cancel_sync, m, 0);
        if (group->leader && strcmp(group->leader, m->member_id) == 0) {
                for (int32_t i = 0; i < nassign; i++) {
                        sl_broker_member *o = sl_broker_group_member(group, assign_members[i].ptr, assign_members[i].len);
                        if (!o)
                                continue;
                        sl_free(o->assignment);
                        o->assignment_len = assign_data[i].len;
                        o->assignment = sl_malloc(o->assignment_len ? o->assignment_len : 1);
                        if (o->assignment_len)
                                memcpy(o->assignment, assign_data[i].ptr, o->assignment_len);
                }
                group->state = SL_GROUP_STABLE;
                for (size_t i = 0; i < group->members.len; i++)
                        answer_sync(SL_VEC_AT(&group->members, sl_broker_member *, i), ErrorCode_NONE);
        }
        return SL_BROKER_PARKED;
}

ErrorCode sl_broker_group_heartbeat(sl_broker *broker, sl_str_ref group_id, int32_t generation, sl_str_ref member_id)
{
        sl_broker_group *group = group_id.null ? NULL : sl_broker_group_find(broker, group_id.ptr, group_id.len);
        sl_broker_member *m = group ? sl_broker_group_member(group, member_id.ptr, member_id.len) : NULL;
        if (!m)
                return ErrorCode_UNKNOWN_MEMBER_ID;
        m->last_seen_ms = sl_time_mono_ms();
        if (group->state == SL_GROUP_PREPARING_REBALANCE)
                return ErrorCode_REBALANCE_IN_PROGRESS;
        if (generation != group->generation)
                return ErrorCode_ILLEGAL_GENERATION;
        return ErrorCode_NONE;
}

/* The last member left: a new generation with no protocol type. */
static void group_set_empty(sl_broker_group *group)
{
        group->state = SL_GROUP_EMPTY;
        group->generation++;
        sl_free(group->protocol_type);
        group->protocol_type = NULL;
}

sl_broker_group *sl_broker_groups_next(sl_map_iter *it)
{
        void *v;
        return sl_map_iter_next(it, NULL, NULL, &v) ? v : NULL;
}

ErrorCode sl_broker_group_leave(sl_broker *broker, sl_str_ref group_id, sl_str_ref member_id)
{
        sl_broker_group *group = group_id.null ? NULL : sl_broker_group_find(broker, group_id.ptr, group_id.len);
        sl_broker_member *m = group ? sl_broker_group_member(group, member_id.ptr, member_id.len) : NULL;
        if (!m)
                return ErrorCode_UNKNOWN_MEMBER_ID;
        SL_LOG_DEBUG("broker", "group %s: member %s leaves", group->id, m->member_id);
        remove_member(group, m, ErrorCode_UNKNOWN_MEMBER_ID);
        int64_t now = sl_time_mono_ms();
        if (group->members.len == 0) {
                group_set_empty(group);
        } else {
                prepare_rebalance(broker, group, now);
                maybe_complete_join(broker, group, now);
        }
        broker->dirty = true;
        return ErrorCode_NONE;
}

ErrorCode sl_broker_group_commit_check(sl_broker *broker, sl_str_ref group_id, int32_t generation, sl_str_ref member_id)
{
        if (group_id.null || group_id.len == 0)
                return ErrorCode_INVALID_GROUP_ID;
        sl_broker_group *group = sl_broker_group_find(broker, group_id.ptr, group_id.len);
        if (generation < 0 && member_id.len == 0) {
                if (group && group->members.len > 0)
                        return ErrorCode_UNKNOWN_MEMBER_ID;
                return ErrorCode_NONE;
        }
        sl_broker_member *m = group ? sl_broker_group_member(group, member_id.ptr, member_id.len) : NULL;
        if (!m)
                return ErrorCode_UNKNOWN_MEMBER_ID;
        if (generation != group->generation)
                return ErrorCode_ILLEGAL_GENERATION;
        if (group->state == SL_GROUP_COMPLETING_REBALANCE)
                return ErrorCode_REBALANCE_IN_PROGRESS;
        m->last_seen_ms = sl_time_mono_ms();
        return ErrorCode_NONE;
}

void sl_broker_groups_tick(sl_broker *broker, int64_t now)
{
        sl_map_iter it;
        sl_map_iter_init(&it, &broker->groups);
        for (sl_broker_group *group; (group = sl_broker_groups_next(&it));) {
                bool expired = false;
                for (size_t i = group->members.len; i-- > 0;) {
                        sl_broker_member *m = SL_VEC_AT(&group->members, sl_broker_member *, i);
                        if (m->join_req || m->sync_req)
                                continue; /* waiting on us, not on the client */
                        if (now - m->last_seen_ms > m->session_timeout_ms) {
                                SL_LOG_INFO("broker", "group %s: member %s timed out", group->id, m->member_id);
                                remove_member(group, m, ErrorCode_UNKNOWN_MEMBER_ID);
                                expired = true;
                        }
                }
                if (expired) {
                        if (group->members.len == 0 && group->state != SL_GROUP_PREPARING_REBALANCE) {
                                group_set_empty(group);
                        } else {
                                prepare_rebalance(broker, group, now);
                        }
                }
                maybe_complete_join(broker, group, now);
        }
}

int64_t sl_broker_groups_next_deadline(sl_broker *broker)
{
        int64_t best = INT64_MAX;
        sl_map_iter it;
        sl_map_iter_init(&it, &broker->groups);
        for (sl_broker_group *group; (group = sl_broker_groups_next(&it));) {
                if (group->state == SL_GROUP_PREPARING_REBALANCE) {
                        int64_t d = group->initial_until_ms > 0 ? group->initial_until_ms : group->join_deadline_ms;
                        if (d < best)
                                best = d;
                        if (group->join_deadline_ms < best)
                                best = group->join_deadline_ms;
                }
                for (size_t i = 0; i < group->members.len; i++) {
                        sl_broker_member *m = SL_VEC_AT(&group->members, sl_broker_member *, i);
                        int64_t d = m->last_seen_ms + m->session_timeout_ms + 1;
                        if (d < best)
                                best = d;
                }
        }
        return best;
}

void sl_broker_groups_conn_closed(sl_broker *broker, sl_broker_conn *conn)
{
        /* parked requests were cancelled already; members stay until their session expires */
        (void)broker;
        (void)conn;
}

void sl_broker_groups_free(sl_broker *broker)
{
        sl_map_iter it;
        sl_map_iter_init(&it, &broker->groups);
        for (sl_broker_group *group; (group = sl_broker_groups_next(&it));) {
                for (size_t i = 0; i < group->members.len; i++)
                        member_free(SL_VEC_AT(&group->members, sl_broker_member *, i));
                sl_vec_deinit(&group->members);
                sl_free(group->id);
                sl_free(group->protocol_type);
                sl_free(group->protocol);
                sl_free(group->leader);
                sl_free(group);
        }
        sl_map_deinit(&broker->groups);
        sl_map_init(&broker->groups, false);
}
