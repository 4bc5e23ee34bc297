/* INVALID_ARGUMENT (bytes and JSON shape) and VALIDATION (documented API rules). */
#include "harness.h"

#define CREATE_OK_FIELDS                                                                       \
    "\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50,\"billingType\":\"hourly\"," \
    "\"machineName\":\"never-sent\",\"templateId\":\"t04azgph\""

static void invalid(ps_client *client, const char *params, const char *what) {
    char *out = NULL;
    ps_status status = ps_machines_create(client, params, &out);
    if (!CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "machines_create")) {
        fprintf(stderr, "  (case: %s)\n", what);
    }
    CHECK_JNULL(out, "httpStatus");
    ps_string_free(out);
}

static void test_invalid_arguments(ps_client *client) {
    t_section("INVALID_ARGUMENT");
    long long before = emu_request_count();

    /* Invalid UTF-8 is refused, never repaired; the message says where. */
    char *out = NULL;
    ps_status status = ps_templates_list(client, "{\"os\":\"Ubuntu \xff\xfe\"}", &out);
    CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "templates_list");
    char message[512];
    CHECK(js_path_str(out, "message", message, sizeof message) && strstr(message, "UTF-8") &&
          strstr(message, "offset 14"));
    ps_string_free(out);
    /* An overlong encoding and a lone continuation byte are invalid too. */
    invalid(client, "{\"machineName\":\"\xc0\xaf\"}", "overlong /");
    invalid(client, "{\"machineName\":\"\x80\"}", "lone continuation byte");
    invalid(client, "{\"machineName\":\"\xed\xa0\x80\"}", "UTF-16 surrogate in UTF-8");

    /* Malformed JSON. */
    invalid(client, "{", "unterminated object");
    invalid(client, "{\"size\":50,}", "trailing comma");
    invalid(client, "{'size':50}", "single quotes");
    invalid(client, "not json", "bare word");
    invalid(client, "{\"size\":50} {}", "trailing data");

    /* Not an object. */
    invalid(client, "[]", "an array");
    invalid(client, "42", "a number");
    invalid(client, "null", "null");

    /* Wrong JSON types. */
    invalid(client, "{" CREATE_OK_FIELDS ",\"size\":\"50\"}", "size twice, once as a string");
    invalid(client,
            "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":\"50\","
            "\"billingType\":\"hourly\",\"machineName\":\"x\",\"templateId\":\"t04azgph\"}",
            "size as a string");
    invalid(client,
            "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50.5,"
            "\"billingType\":\"hourly\",\"machineName\":\"x\",\"templateId\":\"t04azgph\"}",
            "size as a fraction");
    invalid(client,
            "{\"region\":7,\"machineType\":\"C4\",\"size\":50,\"billingType\":\"hourly\","
            "\"machineName\":\"x\",\"templateId\":\"t04azgph\"}",
            "region as a number");
    invalid(client, "{" CREATE_OK_FIELDS ",\"assignPublicIp\":\"yes\"}", "assignPublicIp as a string");

    /* Unknown keys (typos must not be silently ignored). */
    invalid(client, "{" CREATE_OK_FIELDS ",\"machinetype\":\"C4\"}", "unknown key machinetype");
    out = NULL;
    status = ps_machines_list(client, "{\"limt\":1}", &out);
    CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "machines_list");
    CHECK(js_path_str(out, "message", message, sizeof message) && strstr(message, "limt"));
    ps_string_free(out);
    out = NULL;
    status = ps_users_list(client, "{\"firstName\":\"Ada\"}", &out); /* the API spells it firstname */
    CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "users_list");
    ps_string_free(out);
    out = NULL;
    status = ps_machines_wait(client, "{\"machineId\":\"ps1\",\"state\":\"ready\",\"interval\":5}", &out);
    CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "machines_wait");
    ps_string_free(out);

    /* Wrong types in list filters and wait. */
    out = NULL;
    status = ps_machines_list(client, "{\"limit\":\"10\"}", &out);
    CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "machines_list");
    ps_string_free(out);
    out = NULL;
    status = ps_machines_wait(client, "{\"machineId\":\"ps1\",\"state\":\"ready\",\"intervalMs\":-5}", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_wait");
    ps_string_free(out);

    CHECK_INT(emu_request_count(), before); /* nothing reached the server */
}

static void test_validation(ps_client *client) {
    t_section("VALIDATION");
    long long before = emu_request_count();
    char *out = NULL;

    /* Every missing field is reported at once, per field. */
    ps_status status = ps_machines_create(client, "{}", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_create");
    CHECK_JNULL(out, "httpStatus");
    CHECK_JSTR(out, "details.region", "is required");
    CHECK_JSTR(out, "details.machineType", "is required");
    CHECK_JSTR(out, "details.size", "is required");
    CHECK_JSTR(out, "details.billingType", "is required");
    CHECK_JSTR(out, "details.machineName", "is required");
    CHECK_JSTR(out, "details.templateId", "is required");
    CHECK_INT(js_len(js_path(out, "details")), 6);
    ps_string_free(out);

    /* NULL and "" params mean {}: the same six problems. */
    out = NULL;
    status = ps_machines_create(client, NULL, &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_create");
    CHECK_INT(js_len(js_path(out, "details")), 6);
    ps_string_free(out);
    out = NULL;
    status = ps_machines_create(client, "", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_create");
    CHECK_INT(js_len(js_path(out, "details")), 6);
    ps_string_free(out);

    /* Values out of range, the example of docs/ABI.md. */
    out = NULL;
    status = ps_machines_create(client,
                                "{\"region\":\"Mars\",\"machineType\":\"C11\",\"size\":10,"
                                "\"billingType\":\"daily\",\"machineName\":\"x\",\"templateId\":\"t04azgph\"}",
                                &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_create");
    CHECK_JSTR(out, "details.size", "must be between 50 and 2000 GB");
    CHECK_JSTR(out, "details.region",
               "must be one of 'East Coast (NY2)', 'West Coast (CA1)', or 'Europe (AMS1)'");
    CHECK_JSTR(out, "details.billingType", "must be one of 'monthly', or 'hourly'");
    CHECK(js_path(out, "details.machineType") != NULL);
    CHECK_INT(js_len(js_path(out, "details")), 4);
    ps_string_free(out);

    /* Mutual exclusions and dependencies. */
    out = NULL;
    status = ps_machines_create(client,
                                "{" CREATE_OK_FIELDS ",\"assignPublicIp\":true,\"dynamicPublicIp\":true,"
                                "\"markSnapshotAsRestorePoint\":true}",
                                &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_create");
    CHECK_JSTR(out, "details.dynamicPublicIp", "cannot be used with assignPublicIp");
    CHECK_JSTR(out, "details.takeInitialSnapshot", "must be true when markSnapshotAsRestorePoint is true");
    CHECK_JSTR(out, "details.restorePointFrequency", "is required when markSnapshotAsRestorePoint is true");
    ps_string_free(out);

    /* New-user fields come together, and never with userId. */
    out = NULL;
    status = ps_machines_create(client, "{" CREATE_OK_FIELDS ",\"email\":\"new@example.com\"}", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_create");
    CHECK_JSTR(out, "details.password", "is required when creating a new user");
    CHECK_JSTR(out, "details.firstName", "is required when creating a new user");
    CHECK_JSTR(out, "details.lastName", "is required when creating a new user");
    /* The password never appears in an error. */
    ps_string_free(out);
    out = NULL;
    status = ps_machines_create(client,
                                "{" CREATE_OK_FIELDS ",\"userId\":\"uq8w3kz5\",\"email\":\"new@example.com\","
                                "\"password\":\"hunter2-secret\"}",
                                &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_create");
    CHECK_JSTR(out, "details.email", "cannot be used with userId");
    CHECK_JSTR(out, "details.password", "cannot be used with userId");
    CHECK(out && !strstr(out, "hunter2-secret"));
    ps_string_free(out);

    /* Availability answers only for the dedicated-GPU types. */
    out = NULL;
    status = ps_machines_availability(client, "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\"}", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_availability");
    CHECK_JSTR(out, "details.machineType",
               "must be one of 'GPU+', 'P4000', 'P5000', 'P6000', or 'V100'");
    ps_string_free(out);

    /* Show/start/... need a machine id, and a blank one is no id. */
    out = NULL;
    status = ps_machines_show(client, "{}", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_show");
    CHECK_JSTR(out, "details.machineId", "is required");
    ps_string_free(out);
    out = NULL;
    status = ps_machines_stop(client, "{\"machineId\":\"  \"}", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_stop");
    CHECK_JSTR(out, "details.machineId", "must not be empty");
    ps_string_free(out);

    /* Wait: states and bounds. */
    out = NULL;
    status = ps_machines_wait(client, "{\"machineId\":\"ps1\",\"state\":\"running\",\"timeoutMs\":0}", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_wait");
    CHECK_JSTR(out, "details.state", "must be one of 'off', 'serviceready', or 'ready'");
    CHECK_JSTR(out, "details.timeoutMs", "must be between 1 and 86400000 (24 hours)");
    ps_string_free(out);

    /* List paging. */
    out = NULL;
    status = ps_machines_list(client, "{\"limit\":0,\"skip\":-1}", &out);
    CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_list");
    CHECK(js_path(out, "details.limit") != NULL);
    CHECK_JSTR(out, "details.skip", "must not be negative");
    ps_string_free(out);

    CHECK_INT(emu_request_count(), before); /* validation happens before any request */
}

void test_arguments(void) {
    ps_client *client = make_client(ADMIN_KEY, "");
    if (!client) {
        return;
    }
    test_invalid_arguments(client);
    test_validation(client);
    ps_client_free(client);
}
