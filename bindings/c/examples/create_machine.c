/*
 * create_machine: lists the public templates, picks an Ubuntu one, creates a CPU machine (C4)
 * from it, waits until the machine is ready and prints it.
 *
 *   usage: create_machine [API_KEY [BASE_URL]]
 *
 * Without arguments the library reads PAPERSPACE_API_KEY and PAPERSPACE_API_HOST. The hosted
 * Core API was switched off in July 2024, so point it at the emulator:
 *
 *   paperspace-emulator --listen 127.0.0.1:8787 &
 *   PAPERSPACE_API_HOST=http://127.0.0.1:8787 PAPERSPACE_API_KEY=emulator-admin-key ./create_machine
 *
 * Every string the library returns is freed with ps_string_free; every failure is reported
 * with the `kind` and `message` of the error JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonscan.h"
#include "paperspace.h"

/* Copies the string field `key` of the flat error JSON into `buf` ("?" when it is missing). */
static const char *error_field(const char *error_json, const char *key, char *buf, size_t size) {
    if (!js_str(js_get(js_value(error_json), key), buf, size)) {
        snprintf(buf, size, "?");
    }
    return buf;
}

/* Prints one failure: what we were doing, the error's kind and message, and the HTTP status
 * and details when there are any. */
static void report(const char *doing, ps_status status, const char *error_json) {
    char kind[64], message[1024];
    error_field(error_json, "kind", kind, sizeof kind);
    error_field(error_json, "message", message, sizeof message);
    fprintf(stderr, "%s failed: %s (status %d): %s\n", doing, kind, (int)status, message);
    long long http = 0;
    if (js_int(js_get(js_value(error_json), "httpStatus"), &http)) {
        fprintf(stderr, "  HTTP status: %lld\n", http);
    }
    const char *details = js_get(js_value(error_json), "details");
    const char *end = js_skip(details);
    if (details && end && !js_is_null(details)) {
        fprintf(stderr, "  details: %.*s\n", (int)(end - details), details);
    }
}

/* Appends `s` to `out` as a JSON string literal. Returns 0 when `out` is too small. */
static int put_json_string(char *out, size_t size, const char *s) {
    size_t n = strlen(out);
    if (n + 1 >= size) {
        return 0;
    }
    out[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8] = {0};
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
        } else {
            esc[0] = (char)*p;
        }
        size_t len = strlen(esc);
        if (n + len + 2 > size) {
            return 0;
        }
        memcpy(out + n, esc, len);
        n += len;
    }
    out[n++] = '"';
    out[n] = '\0';
    return 1;
}

int main(int argc, char **argv) {
    if (argc > 3 || (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))) {
        fprintf(stderr, "usage: %s [API_KEY [BASE_URL]]\n", argv[0]);
        return 2;
    }
    if (strcmp(ps_version(), PS_VERSION) != 0) {
        fprintf(stderr, "libpaperspace is %s but this program was built for %s\n", ps_version(),
                PS_VERSION);
        return 1;
    }

    /* Config: arguments win, else the library falls back to the environment. */
    char config[2048] = "{";
    int config_ok = 1;
    if (argc > 1) {
        strcat(config, "\"apiKey\":");
        config_ok = put_json_string(config, sizeof config - 16, argv[1]);
    }
    if (argc > 2 && config_ok) {
        strcat(config, ",\"baseUrl\":");
        config_ok = put_json_string(config, sizeof config - 2, argv[2]);
    }
    if (!config_ok) {
        fprintf(stderr, "the API key or base URL is too long\n");
        return 2;
    }
    strcat(config, "}");

    int rc = 1;
    ps_client *client = NULL;
    char *error = NULL, *templates = NULL, *created = NULL, *machine = NULL;

    ps_status status = ps_client_new(config, &client, &error);
    if (status != PS_STATUS_OK) {
        report("connecting", status, error);
        goto done;
    }

    /* 1. Templates: the first whose os mentions Ubuntu (CPU types cannot run Windows ones). */
    status = ps_templates_list(client, NULL, &templates);
    if (status != PS_STATUS_OK) {
        report("listing templates", status, templates);
        goto done;
    }
    const char *list = js_value(templates);
    char template_id[128] = "", template_os[256] = "";
    long count = js_len(list);
    for (long i = 0; i < count; i++) {
        const char *t = js_at(list, (size_t)i);
        char os[256];
        if (js_str(js_get(t, "os"), os, sizeof os) && strstr(os, "Ubuntu") &&
            js_str(js_get(t, "id"), template_id, sizeof template_id)) {
            snprintf(template_os, sizeof template_os, "%s", os);
            break;
        }
    }
    if (!template_id[0]) {
        fprintf(stderr, "no Ubuntu template among the %ld templates\n", count);
        goto done;
    }
    printf("%ld templates; using %s (%s)\n", count, template_id, template_os);

    /* 2. Create. Availability is only answered for GPU types, so a C4 needs no check. */
    char params[1024];
    snprintf(params, sizeof params,
             "{\"region\": \"East Coast (NY2)\", \"machineType\": \"C4\", \"size\": 50,"
             " \"billingType\": \"hourly\", \"machineName\": \"c-example-%ld\","
             " \"templateId\": \"%s\"}",
             (long)getpid(), template_id);
    status = ps_machines_create(client, params, &created);
    if (status != PS_STATUS_OK) {
        report("creating the machine", status, created);
        goto done;
    }
    char machine_id[128], state[64];
    if (!js_path_str(created, "id", machine_id, sizeof machine_id)) {
        fprintf(stderr, "the created machine has no id: %s\n", created);
        goto done;
    }
    if (!js_path_str(created, "state", state, sizeof state)) {
        snprintf(state, sizeof state, "?");
    }
    printf("created %s (state %s); waiting until it is ready\n", machine_id, state);

    /* 3. Wait until ready (poll every 200 ms, give up after 2 minutes). */
    snprintf(params, sizeof params,
             "{\"machineId\": \"%s\", \"state\": \"ready\", \"intervalMs\": 200,"
             " \"timeoutMs\": 120000}",
             machine_id);
    status = ps_machines_wait(client, params, &machine);
    if (status != PS_STATUS_OK) {
        report("waiting for the machine", status, machine);
        goto done;
    }

    /* 4. Print it. */
    char name[256] = "?", region[64] = "?", ip[64] = "none";
    js_path_str(machine, "name", name, sizeof name);
    js_path_str(machine, "state", state, sizeof state);
    js_path_str(machine, "region", region, sizeof region);
    js_path_str(machine, "publicIpAddress", ip, sizeof ip);
    printf("machine %s \"%s\" is %s in %s (public IP %s)\n", machine_id, name, state, region, ip);
    printf("%s\n", machine);
    rc = 0;

done:
    ps_string_free(machine);
    ps_string_free(created);
    ps_string_free(templates);
    ps_string_free(error);
    ps_client_free(client);
    return rc;
}
