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
 * JSON is read and written with cJSON (Debian: libcjson-dev; `pkg-config --cflags --libs
 * libcjson`): parameters are built as cJSON objects and printed, so text that came from the
 * server (a template or machine id) or from the command line is always escaped. Every string
 * the library returns is freed with ps_string_free; every string cJSON prints, with cJSON_free.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "paperspace.h"

/* Prints `object` as compact JSON and deletes it. NULL when cJSON runs out of memory; the
 * result is freed with cJSON_free. */
static char *print_and_delete(cJSON *object) {
    char *text = object ? cJSON_PrintUnformatted(object) : NULL;
    cJSON_Delete(object);
    return text;
}

/* The string member `key` of `object`, or `fallback` when it is missing or not a string. */
static const char *string_of(const cJSON *object, const char *key, const char *fallback) {
    const char *value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(object, key));
    return value ? value : fallback;
}

/* Prints one failure: what we were doing, the error's kind and message, and the HTTP status
 * and details when there are any. */
static void report(const char *doing, ps_status status, const char *error_json) {
    cJSON *error = cJSON_Parse(error_json ? error_json : "");
    fprintf(stderr, "%s failed: %s (status %d): %s\n", doing, string_of(error, "kind", "?"),
            (int)status, string_of(error, "message", "?"));
    const cJSON *http = cJSON_GetObjectItemCaseSensitive(error, "httpStatus");
    if (cJSON_IsNumber(http)) {
        fprintf(stderr, "  HTTP status: %d\n", http->valueint);
    }
    const cJSON *details = cJSON_GetObjectItemCaseSensitive(error, "details");
    if (details && !cJSON_IsNull(details)) {
        char *text = cJSON_PrintUnformatted(details);
        fprintf(stderr, "  details: %s\n", text ? text : "?");
        cJSON_free(text);
    }
    cJSON_Delete(error);
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

    int rc = 1;
    ps_client *client = NULL;
    char *config = NULL, *create_params = NULL, *wait_params = NULL;
    char *error = NULL, *templates = NULL, *created = NULL, *machine = NULL;
    cJSON *template_list = NULL, *created_doc = NULL, *machine_doc = NULL;

    /* Config: arguments win, else the library falls back to the environment. */
    cJSON *config_doc = cJSON_CreateObject();
    if (argc > 1) {
        cJSON_AddStringToObject(config_doc, "apiKey", argv[1]);
    }
    if (argc > 2) {
        cJSON_AddStringToObject(config_doc, "baseUrl", argv[2]);
    }
    config = print_and_delete(config_doc);
    if (!config) {
        fprintf(stderr, "out of memory\n");
        goto done;
    }
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
    template_list = cJSON_Parse(templates);
    const char *template_id = NULL, *template_os = NULL;
    const cJSON *template = NULL;
    cJSON_ArrayForEach(template, template_list) {
        const char *os = string_of(template, "os", "");
        if (strstr(os, "Ubuntu") && string_of(template, "id", NULL)) {
            template_id = string_of(template, "id", NULL);
            template_os = os;
            break;
        }
    }
    int count = cJSON_GetArraySize(template_list);
    if (!template_id) {
        fprintf(stderr, "no Ubuntu template among the %d templates\n", count);
        goto done;
    }
    printf("%d templates; using %s (%s)\n", count, template_id, template_os);

    /* 2. Create. Availability is only answered for GPU types, so a C4 needs no check. */
    char name[64];
    snprintf(name, sizeof name, "c-example-%ld", (long)getpid());
    cJSON *create = cJSON_CreateObject();
    cJSON_AddStringToObject(create, "region", "East Coast (NY2)");
    cJSON_AddStringToObject(create, "machineType", "C4");
    cJSON_AddNumberToObject(create, "size", 50);
    cJSON_AddStringToObject(create, "billingType", "hourly");
    cJSON_AddStringToObject(create, "machineName", name);
    cJSON_AddStringToObject(create, "templateId", template_id);
    create_params = print_and_delete(create);
    if (!create_params) {
        fprintf(stderr, "out of memory\n");
        goto done;
    }
    status = ps_machines_create(client, create_params, &created);
    if (status != PS_STATUS_OK) {
        report("creating the machine", status, created);
        goto done;
    }
    created_doc = cJSON_Parse(created);
    const char *machine_id = string_of(created_doc, "id", NULL);
    if (!machine_id) {
        fprintf(stderr, "the created machine has no id: %s\n", created);
        goto done;
    }
    printf("created %s (state %s); waiting until it is ready\n", machine_id,
           string_of(created_doc, "state", "?"));

    /* 3. Wait until ready (poll every 200 ms, give up after 2 minutes). */
    cJSON *wait = cJSON_CreateObject();
    cJSON_AddStringToObject(wait, "machineId", machine_id);
    cJSON_AddStringToObject(wait, "state", "ready");
    cJSON_AddNumberToObject(wait, "intervalMs", 200);
    cJSON_AddNumberToObject(wait, "timeoutMs", 120000);
    wait_params = print_and_delete(wait);
    if (!wait_params) {
        fprintf(stderr, "out of memory\n");
        goto done;
    }
    status = ps_machines_wait(client, wait_params, &machine);
    if (status != PS_STATUS_OK) {
        report("waiting for the machine", status, machine);
        goto done;
    }

    /* 4. Print it. */
    machine_doc = cJSON_Parse(machine);
    printf("machine %s \"%s\" is %s in %s (public IP %s)\n", machine_id,
           string_of(machine_doc, "name", "?"), string_of(machine_doc, "state", "?"),
           string_of(machine_doc, "region", "?"), string_of(machine_doc, "publicIpAddress", "none"));
    printf("%s\n", machine);
    rc = 0;

done:
    cJSON_Delete(machine_doc);
    cJSON_Delete(created_doc);
    cJSON_Delete(template_list);
    cJSON_free(wait_params);
    cJSON_free(create_params);
    cJSON_free(config);
    ps_string_free(machine);
    ps_string_free(created);
    ps_string_free(templates);
    ps_string_free(error);
    ps_client_free(client);
    return rc;
}
