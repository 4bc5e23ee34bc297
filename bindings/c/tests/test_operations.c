/* The success path of every operation against the emulator, with exact values. */
#include "harness.h"

#include <stdlib.h>
#include <time.h>

char g_machine_id[64] = "";

/* The element of the array `list` whose "id" is `id`, or NULL. */
static const char *find_id(const char *list, const char *id) {
    const char *array = js_value(list);
    long n = js_len(array);
    for (long i = 0; i < n; i++) {
        const char *item = js_at(array, (size_t)i);
        char buf[128];
        if (js_str(js_get(item, "id"), buf, sizeof buf) && strcmp(buf, id) == 0) {
            return item;
        }
    }
    return NULL;
}

/* Runs `op(params)`, checks it is OK and returns the result (caller frees). */
static char *ok(ps_status (*op)(const ps_client *, const char *, char **), const ps_client *client,
                const char *params, int line) {
    char *out = NULL;
    ps_status status = op(client, params, &out);
    if (!t_check_status(__FILE__, line, status, PS_STATUS_OK, out)) {
        fprintf(stderr, "  (params: %.300s)\n", params ? params : "NULL");
    }
    return out;
}
#define OK(op, client, params) ok((op), (client), (params), __LINE__)

static void test_templates(const ps_client *client) {
    t_section("templates list");
    char *all = OK(ps_templates_list, client, NULL);
    CHECK_INT(js_len(js_value(all)), 15); /* 14 public templates and the team's own */
    const char *ubuntu = find_id(all, "t04azgph");
    CHECK(ubuntu != NULL);
    char buf[256];
    CHECK(js_str(js_get(ubuntu, "os"), buf, sizeof buf) && strcmp(buf, "Ubuntu 18.04 Server") == 0);
    CHECK(js_str(js_get(ubuntu, "name"), buf, sizeof buf) && strcmp(buf, "paperspace/t04azgph") == 0);
    CHECK(js_str(js_get(ubuntu, "dtCreated"), buf, sizeof buf) && strcmp(buf, "2018-06-15T06:00:34.531Z") == 0);
    const char *windows = find_id(all, "tk9izniv");
    CHECK(js_str(js_get(windows, "label"), buf, sizeof buf) && strcmp(buf, "Windows 10") == 0);
    const char *team = find_id(all, "t456def");
    CHECK(js_str(js_get(team, "teamId"), buf, sizeof buf) && strcmp(buf, "tekq7vm2d") == 0);
    ps_string_free(all);

    /* "" params mean {} too. */
    char *empty = OK(ps_templates_list, client, "");
    CHECK_INT(js_len(js_value(empty)), 15);
    ps_string_free(empty);

    /* Exact-match filters, combined with AND. */
    char *one = OK(ps_templates_list, client, "{\"os\":\"Ubuntu 18.04 Server\"}");
    CHECK_INT(js_len(js_value(one)), 1);
    CHECK_JSTR(one, "0.id", "t04azgph");
    ps_string_free(one);
    char *win = OK(ps_templates_list, client, "{\"label\":\"Windows 10\"}");
    CHECK_INT(js_len(js_value(win)), 2);
    ps_string_free(win);
    char *both = OK(ps_templates_list, client, "{\"label\":\"Windows 10\",\"id\":\"tk9izniv\"}");
    CHECK_INT(js_len(js_value(both)), 1);
    CHECK_JSTR(both, "0.os", "Windows 10 (Server 2016) - Licensed");
    ps_string_free(both);
    /* A filter value with spaces and parentheses is percent-encoded on the way. */
    char *region = OK(ps_templates_list, client, "{\"region\":\"East Coast (NY2)\"}");
    CHECK_INT(js_len(js_value(region)), 1);
    CHECK_JSTR(region, "0.id", "t456def");
    ps_string_free(region);
    /* null matches null. */
    char *null_label = OK(ps_templates_list, client, "{\"label\":null}");
    CHECK_INT(js_len(js_value(null_label)), 1);
    CHECK_JSTR(null_label, "0.id", "tibsmjg");
    CHECK_JNULL(null_label, "0.label");
    ps_string_free(null_label);
    char *none = OK(ps_templates_list, client, "{\"os\":\"BeOS\"}");
    CHECK_STR(none, "[]");
    ps_string_free(none);
}

static void test_availability(const ps_client *client) {
    t_section("machines availability");
    static const char *TYPES[] = {"GPU+", "P4000", "P5000", "P6000", "V100"};
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
        char params[256];
        snprintf(params, sizeof params, "{\"region\":\"Europe (AMS1)\",\"machineType\":\"%s\"}", TYPES[i]);
        char *out = OK(ps_machines_availability, client, params);
        int available = 0;
        CHECK(js_bool(js_path(out, "available"), &available) && available == 1);
        ps_string_free(out);
    }
}

/* Polls show until it answers 404 (a destroyed machine disappears). */
static int gone_within(const ps_client *client, const char *id, long long ms) {
    char params[128];
    snprintf(params, sizeof params, "{\"machineId\":\"%s\"}", id);
    long long deadline = now_ms() + ms;
    while (now_ms() < deadline) {
        char *out = NULL;
        ps_status status = ps_machines_show(client, params, &out);
        long long http = 0;
        int gone = status == PS_STATUS_API && js_path_int(out, "httpStatus", &http) && http == 404;
        ps_string_free(out);
        if (gone) {
            return 1;
        }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static char *wait_for(const ps_client *client, const char *id, const char *state) {
    char params[256];
    snprintf(params, sizeof params,
             "{\"machineId\":\"%s\",\"state\":\"%s\",\"intervalMs\":50,\"timeoutMs\":10000}", id, state);
    return OK(ps_machines_wait, client, params);
}

static void test_machines(const ps_client *client) {
    t_section("machines create");
    char name[64];
    snprintf(name, sizeof name, "c-test-%ld", (long)now_ms());
    char params[1024];
    snprintf(params, sizeof params,
             "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50,"
             "\"billingType\":\"hourly\",\"machineName\":\"%s\",\"templateId\":\"t04azgph\","
             "\"assignPublicIp\":true}",
             name);
    char *created = OK(ps_machines_create, client, params);
    char id[64] = "";
    CHECK(js_path_str(created, "id", id, sizeof id) && strncmp(id, "ps", 2) == 0);
    CHECK_JSTR(created, "name", name);
    CHECK_JSTR(created, "state", "provisioning");
    CHECK_JSTR(created, "teamId", "tekq7vm2d");
    CHECK_JSTR(created, "userId", "uq8w3kz5");
    ps_string_free(created);

    t_section("machines show");
    char show_params[128];
    snprintf(show_params, sizeof show_params, "{\"machineId\":\"%s\"}", id);
    char *shown = OK(ps_machines_show, client, show_params);
    CHECK_JSTR(shown, "id", id);
    CHECK_JSTR(shown, "name", name);
    /* While provisioning, the API shows region and os as null (fixture GetMachine_Create_New). */
    CHECK(js_kind(js_path(shown, "events")) == '[' && js_len(js_path(shown, "events")) >= 1);
    CHECK(js_kind(js_path(shown, "events.0.state")) == '"');
    /* Numbers the API sends as strings stay strings (or null while provisioning). */
    char ram_kind = js_kind(js_path(shown, "ram"));
    CHECK(ram_kind == '"' || ram_kind == 'n');
    ps_string_free(shown);

    t_section("machines wait");
    char *ready = wait_for(client, id, "ready");
    CHECK_JSTR(ready, "id", id);
    CHECK_JSTR(ready, "state", "ready");
    CHECK_JSTR(ready, "region", "East Coast (NY2)");
    CHECK_JSTR(ready, "os", "Ubuntu 18.04 Server");
    CHECK_JSTR(ready, "usageRate", "C4 hourly");
    CHECK_JSTR(ready, "ram", "4294967296"); /* a number the API sends as a string */
    CHECK(js_kind(js_path(ready, "events")) == '[');
    CHECK(js_kind(js_path(ready, "publicIpAddress")) == '"');
    ps_string_free(ready);
    /* The state is matched in any letter case. */
    char upper[256];
    snprintf(upper, sizeof upper, "{\"machineId\":\"%s\",\"state\":\"READY\",\"intervalMs\":50,\"timeoutMs\":5000}", id);
    char *again = OK(ps_machines_wait, client, upper);
    CHECK_JSTR(again, "state", "ready");
    ps_string_free(again);

    t_section("machines list");
    /* A second machine, so that limit and skip have something to page through. */
    char name2[80];
    snprintf(name2, sizeof name2, "%s-b", name);
    snprintf(params, sizeof params,
             "{\"region\":\"West Coast (CA1)\",\"machineType\":\"C2\",\"size\":100,"
             "\"billingType\":\"monthly\",\"machineName\":\"%s\",\"templateId\":\"t04azgph\"}",
             name2);
    char *created2 = OK(ps_machines_create, client, params);
    char id2[64] = "";
    CHECK(js_path_str(created2, "id", id2, sizeof id2));
    ps_string_free(created2);
    char *ready2 = wait_for(client, id2, "ready"); /* region is null until provisioned */
    CHECK_JSTR(ready2, "region", "West Coast (CA1)");
    ps_string_free(ready2);

    char *all = OK(ps_machines_list, client, NULL);
    long total = js_len(js_value(all));
    CHECK(total >= 2);
    CHECK(find_id(all, id) != NULL && find_id(all, id2) != NULL);
    ps_string_free(all);

    snprintf(params, sizeof params, "{\"machineId\":\"%s\"}", id);
    char *by_id = OK(ps_machines_list, client, params);
    CHECK_INT(js_len(js_value(by_id)), 1);
    CHECK_JSTR(by_id, "0.id", id);
    ps_string_free(by_id);

    snprintf(params, sizeof params, "{\"name\":\"%s\",\"region\":\"West Coast (CA1)\"}", name2);
    char *by_name = OK(ps_machines_list, client, params);
    CHECK_INT(js_len(js_value(by_name)), 1);
    CHECK_JSTR(by_name, "0.id", id2);
    ps_string_free(by_name);

    snprintf(params, sizeof params, "{\"name\":\"%s\",\"region\":\"Europe (AMS1)\"}", name2);
    char *nothing = OK(ps_machines_list, client, params);
    CHECK_STR(nothing, "[]");
    ps_string_free(nothing);

    char *ready_ones = OK(ps_machines_list, client, "{\"state\":\"ready\",\"region\":\"East Coast (NY2)\"}");
    CHECK(find_id(ready_ones, id) != NULL);
    ps_string_free(ready_ones);

    char *first = OK(ps_machines_list, client, "{\"limit\":1}");
    CHECK_INT(js_len(js_value(first)), 1);
    char first_id[64] = "";
    js_path_str(first, "0.id", first_id, sizeof first_id);
    ps_string_free(first);
    char *second = OK(ps_machines_list, client, "{\"limit\":1,\"skip\":1}");
    CHECK_INT(js_len(js_value(second)), 1);
    char second_id[64] = "";
    js_path_str(second, "0.id", second_id, sizeof second_id);
    CHECK(first_id[0] && second_id[0] && strcmp(first_id, second_id) != 0);
    ps_string_free(second);
    snprintf(params, sizeof params, "{\"skip\":%ld}", total);
    char *past = OK(ps_machines_list, client, params);
    CHECK_STR(past, "[]");
    ps_string_free(past);
    char *rest = OK(ps_machines_list, client, "{\"skip\":1}");
    CHECK_INT(js_len(js_value(rest)), total - 1);
    ps_string_free(rest);

    t_section("machines stop / start / restart");
    char *stopped = OK(ps_machines_stop, client, show_params);
    CHECK_STR(stopped, "{}");
    ps_string_free(stopped);
    char *off = wait_for(client, id, "off");
    CHECK_JSTR(off, "state", "off");
    ps_string_free(off);

    char *started = OK(ps_machines_start, client, show_params);
    CHECK_STR(started, "{}");
    ps_string_free(started);
    char *on = wait_for(client, id, "ready");
    CHECK_JSTR(on, "state", "ready");
    ps_string_free(on);

    char *restarted = OK(ps_machines_restart, client, show_params);
    CHECK_STR(restarted, "{}");
    ps_string_free(restarted);
    char *back = wait_for(client, id, "ready");
    CHECK_JSTR(back, "state", "ready");
    ps_string_free(back);

    t_section("machines destroy");
    snprintf(params, sizeof params, "{\"machineId\":\"%s\",\"releasePublicIp\":true}", id);
    char *destroyed = OK(ps_machines_destroy, client, params);
    CHECK_STR(destroyed, "{}");
    ps_string_free(destroyed);
    CHECK(gone_within(client, id, 5000));

    /* The second machine stays for the thread tests. */
    snprintf(g_machine_id, sizeof g_machine_id, "%s", id2);
}

static void test_users(const ps_client *client) {
    t_section("users list");
    char *all = OK(ps_users_list, client, NULL);
    CHECK_INT(js_len(js_value(all)), 2);
    const char *ada = find_id(all, "uq8w3kz5");
    char buf[128];
    CHECK(js_str(js_get(ada, "email"), buf, sizeof buf) && strcmp(buf, "admin@example.com") == 0);
    CHECK(js_str(js_get(ada, "firstname"), buf, sizeof buf) && strcmp(buf, "Ada") == 0);
    CHECK(js_get(ada, "apiKey") == NULL); /* keys are never rendered */
    ps_string_free(all);

    char *max = OK(ps_users_list, client, "{\"email\":\"member@example.com\"}");
    CHECK_INT(js_len(js_value(max)), 1);
    CHECK_JSTR(max, "0.id", "um7x2p4j");
    CHECK_JSTR(max, "0.lastname", "Member");
    ps_string_free(max);

    char *by_name = OK(ps_users_list, client, "{\"firstname\":\"Ada\",\"teamId\":\"tekq7vm2d\"}");
    CHECK_INT(js_len(js_value(by_name)), 1);
    CHECK_JSTR(by_name, "0.email", "admin@example.com");
    ps_string_free(by_name);
}

void test_operations(void) {
    ps_client *client = make_client(ADMIN_KEY, "");
    if (!client) {
        return;
    }
    test_templates(client);
    test_availability(client);
    test_machines(client);
    test_users(client);
    ps_client_free(client);
}
