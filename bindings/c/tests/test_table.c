/* The operation table from C: every operation ps_operations() lists has its named export here
 * (a missing entry fails), the named export and ps_call agree on every operation, and the calls
 * beyond the first eleven work against the emulator with exact values. */
#include "harness.h"

#include <stdlib.h>

typedef ps_status (*named_fn)(const ps_client *, const char *, char **);

static const struct {
    const char *name;
    named_fn fn;
} EXPORTS[] = {
    {"templates_list", ps_templates_list},
    {"machines_create", ps_machines_create},
    {"machines_availability", ps_machines_availability},
    {"machines_show", ps_machines_show},
    {"machines_list", ps_machines_list},
    {"machines_wait", ps_machines_wait},
    {"machines_start", ps_machines_start},
    {"machines_stop", ps_machines_stop},
    {"machines_restart", ps_machines_restart},
    {"machines_destroy", ps_machines_destroy},
    {"users_list", ps_users_list},
    {"machines_update", ps_machines_update},
    {"machines_utilization", ps_machines_utilization},
    {"machines_set_access", ps_machines_set_access},
    {"networks_list", ps_networks_list},
    {"scripts_create", ps_scripts_create},
    {"scripts_list", ps_scripts_list},
    {"scripts_show", ps_scripts_show},
    {"scripts_text", ps_scripts_text},
    {"scripts_destroy", ps_scripts_destroy},
    {"resource_delegations_create", ps_resource_delegations_create},
    {"machines_wait_many", ps_machines_wait_many},
};
#define N_EXPORTS (sizeof EXPORTS / sizeof EXPORTS[0])

static named_fn export_of(const char *name) {
    for (size_t i = 0; i < N_EXPORTS; i++) {
        if (strcmp(EXPORTS[i].name, name) == 0) {
            return EXPORTS[i].fn;
        }
    }
    return NULL;
}

/* Runs `name` through ps_call, checks it is OK, returns the result (caller frees). */
static char *call_ok(const ps_client *client, const char *name, const char *params, int line) {
    char *out = NULL;
    ps_status status = ps_call(client, name, params, NULL, &out);
    if (!t_check_status(__FILE__, line, status, PS_STATUS_OK, out)) {
        fprintf(stderr, "  (%s %.300s)\n", name, params);
    }
    return out;
}
#define CALL_OK(client, name, params) call_ok((client), (name), (params), __LINE__)

static void test_every_operation_has_its_export(const ps_client *client) {
    t_section("ps_operations: every operation has its named export, and both agree");
    const char *ops = js_value(ps_operations());
    long n = js_len(ops);
    CHECK_INT(n, (long)N_EXPORTS);
    for (long i = 0; i < n; i++) {
        char name[64];
        if (!js_str(js_get(js_at(ops, (size_t)i), "name"), name, sizeof name)) {
            t_fail(__FILE__, __LINE__, "operation %ld has no name", i);
            continue;
        }
        named_fn fn = export_of(name);
        if (!fn) {
            t_fail(__FILE__, __LINE__, "no named export in test_table.c for %s", name);
            continue;
        }
        /* The same refusal, byte for byte, through both doors. */
        char *named = NULL, *by_name = NULL;
        ps_status a = fn(client, "[]", &named);
        ps_status b = ps_call(client, name, "[]", NULL, &by_name);
        CHECK_ERROR(a, PS_STATUS_INVALID_ARGUMENT, named, name);
        CHECK_INT(b, a);
        CHECK(named && by_name && strcmp(named, by_name) == 0);
        ps_string_free(named);
        ps_string_free(by_name);
    }
}

static void test_call_by_name(const ps_client *client) {
    t_section("ps_call: unknown names, cancel tokens");
    char *out = NULL;
    ps_status status = ps_call(client, "machines_explode", "{}", NULL, &out);
    CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "call");
    char message[2048];
    CHECK(js_str(js_get(js_value(out), "message"), message, sizeof message) &&
          strstr(message, "unknown operation; the operations are: templates_list, machines_create") == message);
    ps_string_free(out);
    status = ps_call(client, NULL, "{}", NULL, &out);
    CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "call");
    ps_string_free(out);
    CHECK_INT(ps_call(client, "templates_list", "{}", NULL, NULL), PS_STATUS_INVALID_ARGUMENT);

    ps_cancel *cancel = ps_cancel_new();
    ps_cancel_set_timeout(cancel, 0);
    status = ps_call(client, "users_list", NULL, cancel, &out);
    CHECK_ERROR(status, PS_STATUS_TIMEOUT, out, "users_list");
    ps_string_free(out);
    ps_cancel_set_timeout(cancel, 60000);
    status = ps_call(client, "users_list", NULL, cancel, &out);
    CHECK_STATUS(status, PS_STATUS_OK, out);
    ps_string_free(out);
    ps_cancel_trigger(cancel);
    status = ps_call(client, "users_list", NULL, cancel, &out);
    CHECK_ERROR(status, PS_STATUS_CANCELLED, out, "users_list");
    ps_string_free(out);
    ps_cancel_free(cancel);
}

static void test_new_operations(const ps_client *client) {
    t_section("networks, scripts, settings, access, utilization, delegations, wait many");
    char *networks = CALL_OK(client, "networks_list", "{\"region\":\"Europe (AMS1)\"}");
    CHECK_INT(js_len(js_value(networks)), 1);
    CHECK_JSTR(networks, "0.name", "Default network AMS1");
    CHECK_JSTR(networks, "0.netmask", "255.255.255.0");
    CHECK_JSTR(networks, "0.teamId", "tekq7vm2d");
    ps_string_free(networks);

    char *script = CALL_OK(client, "scripts_create",
                           "{\"scriptName\":\"c table\",\"scriptText\":\"echo \\\"hi\\\"\",\"runOnce\":true}");
    char script_id[64] = "";
    CHECK(js_str(js_get(js_value(script), "id"), script_id, sizeof script_id));
    CHECK_JSTR(script, "name", "c table");
    CHECK_JSTR(script, "ownerType", "team");
    ps_string_free(script);
    char params[512];
    snprintf(params, sizeof params, "{\"scriptId\":\"%s\"}", script_id);
    char *text = CALL_OK(client, "scripts_text", params);
    CHECK_STR(text, "\"echo \\\"hi\\\"\"");
    ps_string_free(text);

    char create[512];
    snprintf(create, sizeof create,
             "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50,\"billingType\":\"hourly\","
             "\"machineName\":\"c table\",\"templateId\":\"t04azgph\",\"scriptId\":\"%s\"}",
             script_id);
    char *machine = CALL_OK(client, "machines_create", create);
    char id[64] = "";
    CHECK(js_str(js_get(js_value(machine), "id"), id, sizeof id));
    CHECK_JSTR(machine, "scriptId", script_id);
    ps_string_free(machine);

    snprintf(params, sizeof params, "{\"machineIds\":[\"%s\"],\"state\":\"ready\",\"intervalMs\":50}", id);
    char *ready = CALL_OK(client, "machines_wait_many", params);
    CHECK_INT(js_len(js_value(ready)), 1);
    CHECK_JSTR(ready, "0.id", id);
    CHECK_JSTR(ready, "0.state", "ready");
    ps_string_free(ready);

    snprintf(params, sizeof params, "{\"scriptId\":\"%s\"}", script_id);
    char *shown = CALL_OK(client, "scripts_show", params);
    CHECK_JSTR(shown, "machines.0.machineId", id);
    ps_string_free(shown);

    snprintf(params, sizeof params,
             "{\"machineId\":\"%s\",\"machineName\":\"renamed from C\",\"autoSnapshotFrequency\":null}", id);
    char *updated = CALL_OK(client, "machines_update", params);
    CHECK_STR(updated, "{}");
    ps_string_free(updated);
    snprintf(params, sizeof params, "{\"machineId\":\"%s\"}", id);
    char *after = CALL_OK(client, "machines_show", params);
    CHECK_JSTR(after, "name", "renamed from C");
    ps_string_free(after);

    snprintf(params, sizeof params, "{\"machineId\":\"%s\",\"billingMonth\":\"2026-11\"}", id);
    char *usage = CALL_OK(client, "machines_utilization", params);
    CHECK_JSTR(usage, "machineId", id);
    CHECK_JSTR(usage, "utilization.billingMonth", "2026-11");
    ps_string_free(usage);

    snprintf(params, sizeof params, "{\"machineId\":\"%s\",\"userId\":\"um7x2p4j\",\"enableAccess\":true}", id);
    char *access = CALL_OK(client, "machines_set_access", params);
    CHECK_JSTR(access, "id", id);
    ps_string_free(access);

    snprintf(params, sizeof params, "{\"machine\":{\"ids\":[\"%s\"]}}", id);
    char *delegation = CALL_OK(client, "resource_delegations_create", params);
    CHECK_INT(js_len(js_value(delegation)), 1);
    CHECK_JSTR(delegation, "0.delegation.machine.ids.0", id);
    char token[256] = "";
    CHECK(js_str(js_get(js_at(js_value(delegation), 0), "accessTokenId"), token, sizeof token) && token[0]);
    ps_string_free(delegation);

    snprintf(params, sizeof params, "{\"scriptId\":\"%s\"}", script_id);
    char *destroyed = CALL_OK(client, "scripts_destroy", params);
    CHECK_STR(destroyed, "{}");
    ps_string_free(destroyed);
    char *listed = CALL_OK(client, "scripts_list", "{\"name\":\"c table\"}");
    CHECK_INT(js_len(js_value(listed)), 0);
    ps_string_free(listed);

    snprintf(params, sizeof params, "{\"machineId\":\"%s\"}", id);
    char *gone = CALL_OK(client, "machines_destroy", params);
    ps_string_free(gone);
}

void test_table(void) {
    ps_client *client = make_client(ADMIN_KEY, "");
    if (!client) {
        return;
    }
    test_every_operation_has_its_export(client);
    test_call_by_name(client);
    test_new_operations(client);
    ps_client_free(client);
}
