/* TRANSPORT, TIMEOUT, API, DECODE, CANCELLED and MACHINE_ERROR, with real failures. */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_transport(void) {
    t_section("TRANSPORT");
    /* Port 1 on loopback: nothing listens, the connection is refused at once. */
    ps_client *client = NULL;
    char *error = NULL;
    ps_status status = ps_client_new(
        "{\"apiKey\":\"k\",\"baseUrl\":\"http://127.0.0.1:1\",\"maxRetries\":0}", &client, &error);
    CHECK_INT(status, PS_STATUS_OK);
    CHECK(error == NULL);
    char *out = NULL;
    status = ps_templates_list(client, NULL, &out);
    CHECK_ERROR(status, PS_STATUS_TRANSPORT, out, "templates_list");
    CHECK_JNULL(out, "httpStatus");
    CHECK_JNULL(out, "details");
    ps_string_free(out);
    /* A create is retried only when it never left; here it never did: still TRANSPORT. */
    out = NULL;
    status = ps_machines_create(client,
                                "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50,"
                                "\"billingType\":\"hourly\",\"machineName\":\"x\",\"templateId\":\"t04azgph\"}",
                                &out);
    CHECK_ERROR(status, PS_STATUS_TRANSPORT, out, "machines_create");
    ps_string_free(out);
    ps_client_free(client);

    /* A connection closed without an answer. */
    client = make_client(ADMIN_KEY, ",\"maxRetries\":0");
    if (emu_fault("{\"path\":\"/templates/getTemplates\",\"action\":\"close\"}")) {
        out = NULL;
        status = ps_templates_list(client, NULL, &out);
        CHECK_ERROR(status, PS_STATUS_TRANSPORT, out, "templates_list");
        ps_string_free(out);
    }
    /* A body shorter than its Content-Length. */
    if (emu_fault("{\"path\":\"/users/getUsers\",\"action\":\"truncate\"}")) {
        out = NULL;
        status = ps_users_list(client, NULL, &out);
        CHECK_ERROR(status, PS_STATUS_TRANSPORT, out, "users_list");
        ps_string_free(out);
    }
    emu_clear_faults();
    ps_client_free(client);
}

static void test_retries(void) {
    t_section("retries of safe calls");
    ps_client *client = make_client(ADMIN_KEY, ",\"maxRetries\":2");
    /* Two 503s, then the real answer: the caller sees only success. */
    if (emu_fault("{\"path\":\"/templates/getTemplates\",\"status\":503,\"count\":2}")) {
        long long before = emu_request_count();
        char *out = NULL;
        ps_status status = ps_templates_list(client, "{\"id\":\"t04azgph\"}", &out);
        CHECK_STATUS(status, PS_STATUS_OK, out);
        CHECK_JSTR(out, "0.id", "t04azgph");
        CHECK_INT(emu_request_count() - before, 3);
        ps_string_free(out);
    }
    /* Three 503s exhaust two retries: the last answer is the error. */
    if (emu_fault("{\"path\":\"/templates/getTemplates\",\"status\":503,\"count\":3}")) {
        char *out = NULL;
        ps_status status = ps_templates_list(client, NULL, &out);
        CHECK_ERROR(status, PS_STATUS_API, out, "templates_list");
        CHECK_JINT(out, "httpStatus", 503);
        CHECK_JSTR(out, "message", "Service Unavailable");
        ps_string_free(out);
    }
    /* A stop is never sent twice: one 503, one request, the error comes back. */
    if (g_machine_id[0] && emu_fault("{\"path\":\"/machines/*/stop\",\"status\":503}")) {
        char params[128];
        snprintf(params, sizeof params, "{\"machineId\":\"%s\"}", g_machine_id);
        long long before = emu_request_count();
        char *out = NULL;
        ps_status status = ps_machines_stop(client, params, &out);
        CHECK_ERROR(status, PS_STATUS_API, out, "machines_stop");
        CHECK_JINT(out, "httpStatus", 503);
        CHECK_INT(emu_request_count() - before, 1);
        ps_string_free(out);
    }
    emu_clear_faults();
    ps_client_free(client);
}

static void test_timeout(void) {
    t_section("TIMEOUT");
    ps_client *client = make_client(ADMIN_KEY, ",\"timeoutMs\":200,\"maxRetries\":0");
    if (emu_fault("{\"path\":\"/templates/getTemplates\",\"delayMs\":1500}")) {
        long long start = now_ms();
        char *out = NULL;
        ps_status status = ps_templates_list(client, NULL, &out);
        long long took = now_ms() - start;
        CHECK_ERROR(status, PS_STATUS_TIMEOUT, out, "templates_list");
        CHECK_JNULL(out, "httpStatus");
        CHECK(took >= 150 && took < 1400);
        ps_string_free(out);
    }
    emu_clear_faults();
    ps_client_free(client);

    /* A wait's own timeoutMs: the machine is ready and never gets "off". */
    if (!g_machine_id[0]) {
        t_skip("the wait timeout", "no machine from the operation tests");
        return;
    }
    client = make_client(ADMIN_KEY, "");
    char params[256];
    snprintf(params, sizeof params,
             "{\"machineId\":\"%s\",\"state\":\"off\",\"intervalMs\":50,\"timeoutMs\":200}", g_machine_id);
    long long start = now_ms();
    char *out = NULL;
    ps_status status = ps_machines_wait(client, params, &out);
    long long took = now_ms() - start;
    CHECK_ERROR(status, PS_STATUS_TIMEOUT, out, "machines_wait");
    CHECK_JSTR(out, "details.machineId", g_machine_id);
    CHECK_JSTR(out, "details.state", "ready");
    CHECK_JSTR(out, "details.target", "off");
    CHECK(took < 5000);
    ps_string_free(out);
    ps_client_free(client);
}

static void test_api(void) {
    t_section("API");
    ps_client *client = make_client(ADMIN_KEY, ",\"maxRetries\":0");
    /* An unknown machine: 404 with the server's own message and body. */
    char *out = NULL;
    ps_status status = ps_machines_show(client, "{\"machineId\":\"psnothere\"}", &out);
    CHECK_ERROR(status, PS_STATUS_API, out, "machines_show");
    CHECK_JINT(out, "httpStatus", 404);
    CHECK_JSTR(out, "message", "Not found. Please contact support@paperspace.com for help.");
    CHECK_JSTR(out, "details.error.name", "Error");
    CHECK_JINT(out, "details.error.status", 404);
    CHECK_JSTR(out, "details.error.message", "Not found. Please contact support@paperspace.com for help.");
    ps_string_free(out);

    /* The same for an action on it (never retried, one 404). */
    out = NULL;
    status = ps_machines_start(client, "{\"machineId\":\"psnothere\"}", &out);
    CHECK_ERROR(status, PS_STATUS_API, out, "machines_start");
    CHECK_JINT(out, "httpStatus", 404);
    ps_string_free(out);

    /* An id cannot leave its path segment: it is percent-encoded, so this is just unknown. */
    out = NULL;
    status = ps_machines_destroy(client, "{\"machineId\":\"../../users/getUsers?x=1#\"}", &out);
    CHECK_ERROR(status, PS_STATUS_API, out, "machines_destroy");
    CHECK_JINT(out, "httpStatus", 404);
    ps_string_free(out);

    /* A rule only the server can check: a Windows template cannot make a CPU machine. */
    out = NULL;
    status = ps_machines_create(client,
                                "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50,"
                                "\"billingType\":\"hourly\",\"machineName\":\"win\",\"templateId\":\"tk9izniv\"}",
                                &out);
    CHECK_ERROR(status, PS_STATUS_API, out, "machines_create");
    CHECK_JINT(out, "httpStatus", 400);
    CHECK_JSTR(out, "message",
               "Windows os templates cannot be used to create CPU-only machine types 'C1' - 'C10'");
    ps_string_free(out);
    ps_client_free(client);

    /* A team member cannot create machines. */
    client = make_client(MEMBER_KEY, ",\"maxRetries\":0");
    out = NULL;
    status = ps_machines_create(client,
                                "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50,"
                                "\"billingType\":\"hourly\",\"machineName\":\"m\",\"templateId\":\"t04azgph\"}",
                                &out);
    CHECK_ERROR(status, PS_STATUS_API, out, "machines_create");
    CHECK_JINT(out, "httpStatus", 403);
    CHECK_JINT(out, "details.error.status", 403);
    CHECK(out && !strstr(out, MEMBER_KEY));
    ps_string_free(out);
    ps_client_free(client);

    /* A non-JSON error body is kept as text in details. */
    client = make_client(ADMIN_KEY, ",\"maxRetries\":0");
    if (emu_fault("{\"path\":\"/users/getUsers\",\"status\":500,\"body\":\"upstream exploded\"}")) {
        out = NULL;
        status = ps_users_list(client, NULL, &out);
        CHECK_ERROR(status, PS_STATUS_API, out, "users_list");
        CHECK_JINT(out, "httpStatus", 500);
        CHECK_JSTR(out, "details", "upstream exploded");
        ps_string_free(out);
    }
    emu_clear_faults();
    ps_client_free(client);
}

static void test_decode(void) {
    t_section("DECODE");
    ps_client *client = make_client(ADMIN_KEY, ",\"maxRetries\":0");
    /* A list that answers an object. */
    if (emu_fault("{\"path\":\"/machines/getMachines\",\"status\":200,\"body\":\"{}\"}")) {
        char *out = NULL;
        ps_status status = ps_machines_list(client, NULL, &out);
        CHECK_ERROR(status, PS_STATUS_DECODE, out, "machines_list");
        ps_string_free(out);
    }
    /* An HTML page with status 200. */
    if (emu_fault("{\"path\":\"/templates/getTemplates\",\"action\":\"garbage\"}")) {
        char *out = NULL;
        ps_status status = ps_templates_list(client, NULL, &out);
        CHECK_ERROR(status, PS_STATUS_DECODE, out, "templates_list");
        ps_string_free(out);
    }
    /* A machine without its string id. */
    if (emu_fault("{\"path\":\"/machines/getMachinePublic\",\"status\":200,\"body\":\"{\\\"id\\\":7}\"}")) {
        char *out = NULL;
        ps_status status = ps_machines_show(client, "{\"machineId\":\"ps1\"}", &out);
        CHECK_ERROR(status, PS_STATUS_DECODE, out, "machines_show");
        ps_string_free(out);
    }
    /* Availability must be {"available": bool}. */
    if (emu_fault("{\"path\":\"/machines/getAvailability\",\"status\":200,\"body\":\"{\\\"available\\\":\\\"yes\\\"}\"}")) {
        char *out = NULL;
        ps_status status =
            ps_machines_availability(client, "{\"region\":\"East Coast (NY2)\",\"machineType\":\"V100\"}", &out);
        CHECK_ERROR(status, PS_STATUS_DECODE, out, "machines_availability");
        ps_string_free(out);
    }
    emu_clear_faults();
    ps_client_free(client);
}

struct canceller {
    const ps_cancel *cancel;
    long delay_ms;
};

static void *cancel_later(void *arg) {
    const struct canceller *c = arg;
    sleep_ms(c->delay_ms);
    ps_cancel_trigger(c->cancel);
    return NULL;
}

static void test_cancelled(void) {
    t_section("CANCELLED");
    if (!g_machine_id[0]) {
        t_skip("the cancellation tests", "no machine from the operation tests");
        return;
    }
    ps_client *client = make_client(ADMIN_KEY, "");
    char params[256];
    snprintf(params, sizeof params,
             "{\"machineId\":\"%s\",\"state\":\"off\",\"intervalMs\":5000,\"timeoutMs\":60000}", g_machine_id);

    /* Triggered from another thread while the wait sleeps between polls. */
    ps_cancel *cancel = ps_cancel_new();
    struct canceller c = {cancel, 300};
    pthread_t thread;
    CHECK_INT(pthread_create(&thread, NULL, cancel_later, &c), 0);
    long long start = now_ms();
    char *out = NULL;
    ps_status status = ps_machines_wait_cancellable(client, params, cancel, &out);
    long long took = now_ms() - start;
    pthread_join(thread, NULL);
    CHECK_ERROR(status, PS_STATUS_CANCELLED, out, "machines_wait");
    CHECK_JNULL(out, "httpStatus");
    CHECK(took >= 250 && took < 3000); /* well before the 5 s interval */
    ps_string_free(out);

    /* An already triggered flag: cancelled before the first poll. */
    long long before = emu_request_count();
    out = NULL;
    status = ps_machines_wait_cancellable(client, params, cancel, &out);
    CHECK_ERROR(status, PS_STATUS_CANCELLED, out, "machines_wait");
    CHECK_INT(emu_request_count(), before);
    ps_string_free(out);
    ps_cancel_free(cancel);

    /* A flag that is never triggered does not get in the way. */
    cancel = ps_cancel_new();
    snprintf(params, sizeof params,
             "{\"machineId\":\"%s\",\"state\":\"ready\",\"intervalMs\":50,\"timeoutMs\":5000}", g_machine_id);
    out = NULL;
    status = ps_machines_wait_cancellable(client, params, cancel, &out);
    CHECK_STATUS(status, PS_STATUS_OK, out);
    CHECK_JSTR(out, "state", "ready");
    ps_string_free(out);
    ps_cancel_free(cancel);
    ps_client_free(client);
}

static const char CAPACITY_SCENARIO[] =
    "{\"delays\":{\"provisionMs\":100,\"startMs\":100,\"stopMs\":100,\"restartMs\":100,\"destroyMs\":100},"
    "\"users\":[{\"id\":\"uq8w3kz5\",\"email\":\"admin@example.com\",\"firstname\":\"Ada\","
    "\"lastname\":\"Admin\",\"isAdmin\":true,\"isOwner\":true,\"dtCreated\":\"2019-01-10T09:00:00.000Z\","
    "\"teamId\":\"tekq7vm2d\",\"apiKey\":\"emulator-admin-key\"}],"
    "\"templates\":[{\"id\":\"t04azgph\",\"name\":\"paperspace/t04azgph\",\"label\":\"Ubuntu 18.04 Server\","
    "\"os\":\"Ubuntu 18.04 Server\",\"dtCreated\":\"2018-06-15T06:00:34.531Z\"}],"
    "\"availability\":[{\"region\":\"*\",\"machineType\":\"C4\",\"available\":false}]}";

static void test_machine_error(void) {
    t_section("MACHINE_ERROR");
    if (!getenv("PAPERSPACE_EMULATOR")) {
        t_skip("MACHINE_ERROR", "PAPERSPACE_EMULATOR is not set, so no scenario emulator can be started");
        return;
    }
    char path[] = "/tmp/ps-capacity-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        t_skip("MACHINE_ERROR", "cannot write the scenario file");
        return;
    }
    ssize_t wrote = write(fd, CAPACITY_SCENARIO, sizeof CAPACITY_SCENARIO - 1);
    close(fd);
    CHECK_INT(wrote, (long long)(sizeof CAPACITY_SCENARIO - 1));
    char url[256];
    long pid = emu_spawn(path, url, sizeof url);
    unlink(path);
    if (pid < 0) {
        t_skip("MACHINE_ERROR", "the emulator did not start with the capacity scenario");
        return;
    }
    char key[128], base[300], config[512];
    json_quote(key, sizeof key, ADMIN_KEY);
    json_quote(base, sizeof base, url);
    snprintf(config, sizeof config, "{\"apiKey\":%s,\"baseUrl\":%s,\"maxRetries\":0}", key, base);
    ps_client *client = NULL;
    CHECK_INT(ps_client_new(config, &client, NULL), PS_STATUS_OK);

    char *out = NULL;
    ps_status status = ps_machines_create(client,
                                          "{\"region\":\"Europe (AMS1)\",\"machineType\":\"C4\",\"size\":50,"
                                          "\"billingType\":\"hourly\",\"machineName\":\"no-room\","
                                          "\"templateId\":\"t04azgph\"}",
                                          &out);
    char id[64] = "";
    if (CHECK_STATUS(status, PS_STATUS_OK, out)) {
        js_path_str(out, "id", id, sizeof id);
    }
    ps_string_free(out);
    if (id[0]) {
        char params[256];
        snprintf(params, sizeof params,
                 "{\"machineId\":\"%s\",\"state\":\"ready\",\"intervalMs\":50,\"timeoutMs\":10000}", id);
        out = NULL;
        status = ps_machines_wait(client, params, &out);
        CHECK_ERROR(status, PS_STATUS_MACHINE_ERROR, out, "machines_wait");
        CHECK_JSTR(out, "details.machineId", id);
        CHECK_JSTR(out, "details.target", "ready");
        CHECK_JSTR(out, "details.event.state", "error");
        CHECK_JSTR(out, "details.event.name", "start");
        CHECK_JSTR(out, "details.event.errorMsg",
                   "This machine type can't start due to insufficient capacity. Please try again later.");
        ps_string_free(out);
    }
    ps_client_free(client);
    emu_stop(pid);
}

void test_failures(void) {
    test_transport();
    test_retries();
    test_timeout();
    test_api();
    test_decode();
    test_cancelled();
    test_machine_error();
}
