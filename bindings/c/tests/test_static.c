/* Static strings, NULL-safe frees, and NULL pointers at the boundary. */
#include "harness.h"

#include <stdint.h>

typedef ps_status (*op_fn)(const ps_client *, const char *, char **);

static ps_status wait_cancellable_no_cancel(const ps_client *c, const char *p, char **out) {
    return ps_machines_wait_cancellable(c, p, NULL, out);
}

static const struct {
    const char *name;
    op_fn fn;
    const char *params; /* valid params, so that only the NULL pointer is wrong */
} OPS[] = {
    {"templates_list", ps_templates_list, "{}"},
    {"machines_create", ps_machines_create,
     "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50,\"billingType\":\"hourly\","
     "\"machineName\":\"never-sent\",\"templateId\":\"t04azgph\"}"},
    {"machines_availability", ps_machines_availability,
     "{\"region\":\"East Coast (NY2)\",\"machineType\":\"P4000\"}"},
    {"machines_show", ps_machines_show, "{\"machineId\":\"psnothere\"}"},
    {"machines_list", ps_machines_list, "{}"},
    {"machines_wait", ps_machines_wait, "{\"machineId\":\"psnothere\",\"state\":\"ready\"}"},
    {"machines_wait", wait_cancellable_no_cancel, "{\"machineId\":\"psnothere\",\"state\":\"ready\"}"},
    {"machines_start", ps_machines_start, "{\"machineId\":\"psnothere\"}"},
    {"machines_stop", ps_machines_stop, "{\"machineId\":\"psnothere\"}"},
    {"machines_restart", ps_machines_restart, "{\"machineId\":\"psnothere\"}"},
    {"machines_destroy", ps_machines_destroy, "{\"machineId\":\"psnothere\"}"},
    {"users_list", ps_users_list, "{}"},
};

/* The scanner the other checks rely on: if it were wrong, they could pass for wrong reasons. */
static void test_jsonscan(void) {
    t_section("jsonscan self-test");
    const char *doc = " {\"a\": [1, {\"b\": \"x\\\"y\\u00e9\\ud83d\\ude00\"}, null, true],"
                      " \"k\\u0065y\": -12, \"f\": 1.5e3, \"e\": {}} ";
    char buf[64];
    long long n = 0;
    int b = 0;
    CHECK(js_skip(js_value(doc)) != NULL);
    CHECK_INT(js_len(js_value(doc)), 4);
    CHECK_INT(js_len(js_path(doc, "a")), 4);
    CHECK(js_path_int(doc, "a.0", &n) && n == 1);
    CHECK(js_path_str(doc, "a.1.b", buf, sizeof buf) && strcmp(buf, "x\"y\xc3\xa9\xf0\x9f\x98\x80") == 0);
    CHECK(!js_path_str(doc, "a.1.b", buf, 4)); /* does not fit */
    CHECK(js_is_null(js_path(doc, "a.2")));
    CHECK(js_bool(js_path(doc, "a.3"), &b) && b == 1);
    CHECK(js_path(doc, "a.4") == NULL);
    CHECK(js_path_int(doc, "key", &n) && n == -12); /* an escaped key */
    CHECK(!js_path_int(doc, "f", &n));              /* not an integer */
    CHECK_INT(js_len(js_path(doc, "e")), 0);
    CHECK(js_path(doc, "missing") == NULL);
    CHECK(js_path(doc, "a.x") == NULL);
    char key[16];
    CHECK(js_entry(js_value(doc), 1, key, sizeof key) != NULL && strcmp(key, "key") == 0);
    static const char *BAD[] = {"{", "[1,]", "{\"a\" 1}", "\"\\x\"", "01", "1.", "tru", "\"\\ud800\"",
                                "{\"a\":1,}", "\"a\nb\""};
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        const char *end = js_skip(js_value(BAD[i]));
        CHECK(end == NULL || *end != '\0');
    }
}

void test_static(void) {
    test_jsonscan();
    t_section("version and status names");
    CHECK_STR(ps_version(), PS_VERSION);
    CHECK(ps_version() == ps_version()); /* one static string */
    CHECK_INT(PS_VERSION_MAJOR, 0);
    CHECK_INT(PS_VERSION_MINOR, 1);
    CHECK_INT(PS_VERSION_PATCH, 0);

    static const struct {
        int code;
        const char *name;
    } NAMES[] = {
        {PS_STATUS_OK, "ok"},
        {PS_STATUS_INVALID_ARGUMENT, "invalid_argument"},
        {PS_STATUS_VALIDATION, "validation"},
        {PS_STATUS_CONFIG, "config"},
        {PS_STATUS_TRANSPORT, "transport"},
        {PS_STATUS_TIMEOUT, "timeout"},
        {PS_STATUS_API, "api"},
        {PS_STATUS_DECODE, "decode"},
        {PS_STATUS_CANCELLED, "cancelled"},
        {PS_STATUS_MACHINE_ERROR, "machine_error"},
        {PS_STATUS_INTERNAL, "internal"},
        {PS_STATUS_PANIC, "panic"},
    };
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        CHECK_STR(ps_status_name(NAMES[i].code), NAMES[i].name);
    }
    /* The numbers are part of the ABI: they must never move. */
    CHECK_INT(PS_STATUS_OK, 0);
    CHECK_INT(PS_STATUS_INVALID_ARGUMENT, 1);
    CHECK_INT(PS_STATUS_VALIDATION, 2);
    CHECK_INT(PS_STATUS_CONFIG, 3);
    CHECK_INT(PS_STATUS_TRANSPORT, 4);
    CHECK_INT(PS_STATUS_TIMEOUT, 5);
    CHECK_INT(PS_STATUS_API, 6);
    CHECK_INT(PS_STATUS_DECODE, 7);
    CHECK_INT(PS_STATUS_CANCELLED, 8);
    CHECK_INT(PS_STATUS_MACHINE_ERROR, 9);
    CHECK_INT(PS_STATUS_INTERNAL, 98);
    CHECK_INT(PS_STATUS_PANIC, 99);
    static const int32_t UNKNOWN[] = {-1, 10, 11, 50, 97, 100, 1000, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof UNKNOWN / sizeof UNKNOWN[0]; i++) {
        CHECK_STR(ps_status_name(UNKNOWN[i]), "unknown");
    }
    CHECK(ps_status_name(2) == ps_status_name(2));

    t_section("NULL-safe frees");
    ps_string_free(NULL);
    ps_client_free(NULL);
    ps_cancel_free(NULL);
    ps_cancel_trigger(NULL);
    ps_cancel *cancel = ps_cancel_new();
    CHECK(cancel != NULL);
    ps_cancel_trigger(cancel);
    ps_cancel_trigger(cancel); /* idempotent */
    ps_cancel_free(cancel);
    CHECK(1); /* reached without a crash */

    t_section("NULL out_json and NULL client");
    ps_client *client = make_client(ADMIN_KEY, "");
    long long before = emu_request_count();
    CHECK(before >= 0);
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
        /* NULL out_json: status 1, nothing written anywhere, nothing sent. */
        CHECK_INT(OPS[i].fn(client, OPS[i].params, NULL), PS_STATUS_INVALID_ARGUMENT);
        CHECK_INT(OPS[i].fn(NULL, OPS[i].params, NULL), PS_STATUS_INVALID_ARGUMENT);

        /* NULL client: status 1 and an error JSON; a stale value in *out is replaced. */
        char sentinel = 'x';
        char *out = &sentinel;
        ps_status status = OPS[i].fn(NULL, OPS[i].params, &out);
        CHECK(out != &sentinel);
        CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, OPS[i].name);
        CHECK_JNULL(out, "httpStatus");
        CHECK_JNULL(out, "details");
        CHECK_JSTR(out, "message", "client is NULL");
        ps_string_free(out);
    }
    CHECK_INT(ps_machines_wait_cancellable(client, OPS[5].params, NULL, NULL), PS_STATUS_INVALID_ARGUMENT);
    CHECK_INT(emu_request_count(), before); /* not one request was sent */

    t_section("ps_client_new out pointers");
    /* out_client NULL: refused, with an error when out_error is given. */
    char *error = NULL;
    CHECK_INT(ps_client_new("{\"apiKey\":\"k\"}", NULL, &error), PS_STATUS_INVALID_ARGUMENT);
    CHECK_JSTR(error, "kind", "invalid_argument");
    CHECK_JSTR(error, "operation", "client_new");
    CHECK_JSTR(error, "message", "out_client is NULL");
    ps_string_free(error);
    CHECK_INT(ps_client_new("{\"apiKey\":\"k\"}", NULL, NULL), PS_STATUS_INVALID_ARGUMENT);

    /* A failure leaves *out_client NULL and *out_error set, whatever they held before. */
    char sentinel = 'x';
    ps_client *bogus = (ps_client *)(void *)&sentinel;
    error = &sentinel;
    CHECK_INT(ps_client_new("{\"nope\":1}", &bogus, &error), PS_STATUS_INVALID_ARGUMENT);
    CHECK(bogus == NULL);
    CHECK(error != &sentinel && error != NULL);
    ps_string_free(error);

    /* out_error NULL on failure: only the status. */
    bogus = (ps_client *)(void *)&sentinel;
    CHECK_INT(ps_client_new("{\"nope\":1}", &bogus, NULL), PS_STATUS_INVALID_ARGUMENT);
    CHECK(bogus == NULL);

    /* Success leaves *out_error NULL. */
    ps_client *fine = NULL;
    error = &sentinel;
    char config[512], url[256];
    json_quote(url, sizeof url, emu_url());
    snprintf(config, sizeof config, "{\"apiKey\":\"%s\",\"baseUrl\":%s}", ADMIN_KEY, url);
    CHECK_INT(ps_client_new(config, &fine, &error), PS_STATUS_OK);
    CHECK(fine != NULL);
    CHECK(error == NULL);
    ps_client_free(fine);

    ps_client_free(client);
}
