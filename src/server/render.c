/* render.c: engine result entities to ksqlDB's JSON, field by field with ksqlDB's names
 * (KsqlEntity subclasses as its REST API serializes them: "@type", "statementText", "warnings",
 * then the entity's own fields). */
#include <string.h>

#include "server/server_int.h"

static json_t *str_or_null(const char *s)
{
        return s ? json_string(s) : json_null();
}

json_t *sl_server_render_schema(const sl_engine_schema *s)
{
        json_t *j = json_object();
        json_object_set_new(j, "type", json_string(s->type));
        if (s->nfields > 0 || strcmp(s->type, "STRUCT") == 0) {
                json_t *fields = json_array();
                for (size_t i = 0; i < s->nfields; i++) {
                        json_t *f = json_object();
                        json_object_set_new(f, "name", json_string(s->fields[i].name));
                        json_object_set_new(f, "schema", sl_server_render_schema(s->fields[i].schema));
                        json_array_append_new(fields, f);
                }
                json_object_set_new(j, "fields", fields);
        } else {
                json_object_set_new(j, "fields", json_null());
        }
        json_object_set_new(j, "memberSchema", s->member ? sl_server_render_schema(s->member) : json_null());
        if (s->precision > 0) {
                json_t *p = json_object();
                json_object_set_new(p, "precision", json_integer(s->precision));
                json_object_set_new(p, "scale", json_integer(s->scale));
                json_object_set_new(j, "parameters", p);
        }
        return j;
}

static json_t *source_info(const sl_engine_source_info *s)
{
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "type", s->type, "name", s->name, "topic",
                         s->topic ? s->topic : "", "keyFormat", s->key_format, "valueFormat", s->value_format,
                         "format", s->value_format, "isWindowed", s->windowed);
}

static json_t *source_desc(const sl_engine_source_desc *d)
{
        json_t *j = json_object();
        json_t *fields = json_array();

        json_object_set_new(j, "name", json_string(d->info.name));
        json_object_set_new(j, "windowType", str_or_null(d->window_type));
        json_object_set_new(j, "readQueries", json_array());
        json_object_set_new(j, "writeQueries", json_array());
        for (size_t i = 0; i < d->nfields; i++) {
                const sl_engine_field *f = &d->fields[i];
                json_t *fj = json_object();
                json_object_set_new(fj, "name", json_string(f->name));
                json_object_set_new(fj, "schema", sl_server_render_schema(f->schema));
                if (f->field_type != NULL)
                        json_object_set_new(fj, "type", json_string(f->field_type));
                if (f->header_key != NULL)
                        json_object_set_new(fj, "headerKey", json_string(f->header_key));
                json_array_append_new(fields, fj);
        }
        json_object_set_new(j, "fields", fields);
        json_object_set_new(j, "type", json_string(d->info.type));
        json_object_set_new(j, "timestamp", json_string(d->timestamp ? d->timestamp : ""));
        json_object_set_new(j, "statistics", json_string(d->statistics ? d->statistics : ""));
        json_object_set_new(j, "errorStats", json_string(d->error_stats ? d->error_stats : ""));
        json_object_set_new(j, "extended", json_boolean(d->extended));
        json_object_set_new(j, "keyFormat", json_string(d->info.key_format));
        json_object_set_new(j, "valueFormat", json_string(d->info.value_format));
        json_object_set_new(j, "topic", json_string(d->info.topic ? d->info.topic : ""));
        json_object_set_new(j, "partitions", json_integer(d->partitions));
        json_object_set_new(j, "replication", json_integer(d->replication));
        json_object_set_new(j, "statement", json_string(d->statement ? d->statement : ""));
        json_object_set_new(j, "queryOffsetSummaries", json_array());
        json_object_set_new(j, "sourceConstraints", json_array());
        json_object_set_new(j, "clusterStatistics", json_array());
        json_object_set_new(j, "clusterErrorStats", json_array());
        return j;
}

static const char *type_name(sl_engine_entity_kind kind)
{
        switch (kind) {
        case SL_ENGINE_CURRENT_STATUS: return "currentStatus";
        case SL_ENGINE_STREAMS: return "streams";
        case SL_ENGINE_TABLES: return "tables";
        case SL_ENGINE_QUERIES: return "queries";
        case SL_ENGINE_PROPERTIES: return "properties";
        case SL_ENGINE_SOURCE_DESCRIPTION: return "sourceDescription";
        case SL_ENGINE_SOURCE_DESCRIPTIONS: return "source_descriptions";
        case SL_ENGINE_FUNCTION_NAMES: return "function_names";
        case SL_ENGINE_DESCRIBE_FUNCTION: return "describe_function";
        case SL_ENGINE_TYPE_LIST: return "type_list";
        case SL_ENGINE_VARIABLES: return "variables";
        case SL_ENGINE_WARNING: return "warning_entity";
        case SL_ENGINE_KAFKA_TOPICS: return "kafka_topics";
        }
        return "unknown";
}

json_t *sl_server_render_entity(const sl_engine_entity *ent)
{
        json_t *j = json_object();
        json_t *arr;

        json_object_set_new(j, "@type", json_string(type_name(ent->kind)));
        json_object_set_new(j, "statementText", json_string(ent->statement_text ? ent->statement_text : ""));
        switch (ent->kind) {
        case SL_ENGINE_CURRENT_STATUS: {
                json_t *st = json_pack("{s:s, s:s}", "status", ent->status, "message",
                                       ent->message ? ent->message : "");
                json_object_set_new(st, "queryId", str_or_null(ent->query_id));
                json_object_set_new(j, "commandId", json_string(ent->command_id));
                json_object_set_new(j, "commandStatus", st);
                json_object_set_new(j, "commandSequenceNumber", json_integer(ent->command_seq));
                break;
        }
        case SL_ENGINE_STREAMS:
        case SL_ENGINE_TABLES:
                arr = json_array();
                for (size_t i = 0; i < ent->nsources; i++)
                        json_array_append_new(arr, source_info(&ent->sources[i]));
                json_object_set_new(j, ent->kind == SL_ENGINE_STREAMS ? "streams" : "tables", arr);
                break;
        case SL_ENGINE_QUERIES:
                arr = json_array();
                for (size_t i = 0; i < ent->nqueries; i++) {
                        const sl_engine_query_info *q = &ent->queries[i];
                        json_t *qj = json_object();
                        json_object_set_new(qj, "queryString", json_string(q->query_string));
                        json_object_set_new(qj, "sinks", q->sink ? json_pack("[s]", q->sink) : json_array());
                        json_object_set_new(qj, "sinkKafkaTopics",
                                            q->sink_topic ? json_pack("[s]", q->sink_topic) : json_array());
                        json_object_set_new(qj, "id", json_string(q->id));
                        json_object_set_new(qj, "statusCount", json_pack("{s:i}", q->state, 1));
                        json_object_set_new(qj, "queryType", json_string(q->query_type));
                        json_object_set_new(qj, "state", json_string(q->state));
                        json_array_append_new(arr, qj);
                }
                json_object_set_new(j, "queries", arr);
                break;
        case SL_ENGINE_PROPERTIES: {
                json_t *over = json_array(), *defs = json_array();
                arr = json_array();
                for (size_t i = 0; i < ent->nprops; i++) {
                        const sl_engine_property *p = &ent->props[i];
                        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", p->name, "scope",
                                                             p->scope, "value", p->value ? p->value : "", "level",
                                                             p->level, "editable", p->editable));
                        json_array_append_new(p->overwritten ? over : defs, json_string(p->name));
                }
                json_object_set_new(j, "properties", arr);
                json_object_set_new(j, "overwrittenProperties", over);
                json_object_set_new(j, "defaultProperties", defs);
                break;
        }
        case SL_ENGINE_SOURCE_DESCRIPTION:
                json_object_set_new(j, "sourceDescription", source_desc(&ent->descs[0]));
                break;
        case SL_ENGINE_SOURCE_DESCRIPTIONS:
                arr = json_array();
                for (size_t i = 0; i < ent->ndescs; i++)
                        json_array_append_new(arr, source_desc(&ent->descs[i]));
                json_object_set_new(j, "sourceDescriptions", arr);
                break;
        case SL_ENGINE_FUNCTION_NAMES:
                arr = json_array();
                for (size_t i = 0; i < ent->nfuncs; i++)
                        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name", ent->funcs[i].name, "type",
                                                             ent->funcs[i].type, "category", ent->funcs[i].category));
                json_object_set_new(j, "functions", arr);
                break;
        case SL_ENGINE_DESCRIBE_FUNCTION: {
                const sl_engine_func_desc *d = ent->func;
                json_object_set_new(j, "name", json_string(d->name));
                json_object_set_new(j, "description", json_string(d->description));
                json_object_set_new(j, "author", json_string(d->author));
                json_object_set_new(j, "version", json_string(d->version));
                json_object_set_new(j, "path", json_string(d->path));
                arr = json_array();
                for (size_t i = 0; i < d->nvariants; i++) {
                        const sl_engine_func_variant *v = &d->variants[i];
                        json_t *args = json_array();
                        for (size_t k = 0; k < v->nargs; k++)
                                json_array_append_new(args, json_pack("{s:s, s:s, s:s, s:b}", "name", v->args[k].name,
                                                                      "type", v->args[k].type, "description",
                                                                      v->args[k].description, "isVariadic",
                                                                      v->args[k].variadic));
                        json_array_append_new(arr, json_pack("{s:o, s:s, s:s}", "arguments", args, "returnType",
                                                             v->return_type, "description", v->description));
                }
                json_object_set_new(j, "functions", arr);
                json_object_set_new(j, "type", json_string(d->type));
                break;
        }
        case SL_ENGINE_TYPE_LIST: {
                json_t *types = json_object();
                for (size_t i = 0; i < ent->ntypes; i++)
                        json_object_set_new(types, ent->types[i].name, sl_server_render_schema(ent->types[i].schema));
                json_object_set_new(j, "types", types);
                break;
        }
        case SL_ENGINE_VARIABLES:
                arr = json_array();
                for (size_t i = 0; i < ent->nvars; i++)
                        json_array_append_new(arr, json_pack("{s:s, s:s}", "name", ent->vars[i].name, "value",
                                                             ent->vars[i].value));
                json_object_set_new(j, "variables", arr);
                break;
        case SL_ENGINE_WARNING:
                json_object_set_new(j, "message", json_string(ent->message ? ent->message : ""));
                break;
        case SL_ENGINE_KAFKA_TOPICS:
                arr = json_array();
                for (size_t i = 0; i < ent->ntopics; i++) {
                        json_t *reps = json_array();
                        for (int p = 0; p < ent->topics[i].partitions; p++)
                                json_array_append_new(reps, json_integer(ent->topics[i].replication));
                        json_array_append_new(arr, json_pack("{s:s, s:o}", "name", ent->topics[i].name, "replicaInfo",
                                                             reps));
                }
                json_object_set_new(j, "topics", arr);
                break;
        }
        arr = json_array();
        for (size_t i = 0; i < ent->nwarnings; i++)
                json_array_append_new(arr, json_pack("{s:s}", "message", ent->warnings[i]));
        json_object_set_new(j, "warnings", arr);
        return j;
}

json_t *sl_server_render_error(const sl_engine_result *res)
{
        json_t *j = json_object();

        json_object_set_new(j, "@type", json_string(res->statement_error ? "statement_error" : "generic_error"));
        json_object_set_new(j, "error_code", json_integer(res->error_code));
        json_object_set_new(j, "message", json_string(res->error_message ? res->error_message : ""));
        if (res->statement_error) {
                json_t *ents = json_array();
                json_object_set_new(j, "statementText",
                                    json_string(res->error_statement ? res->error_statement : ""));
                for (size_t i = 0; i < res->entities.len; i++)
                        json_array_append_new(ents, sl_server_render_entity(sl_vec_at(&res->entities, i)));
                json_object_set_new(j, "entities", ents);
        }
        return j;
}
