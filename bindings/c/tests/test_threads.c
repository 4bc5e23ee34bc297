/* One const ps_client shared by many threads, and very large inputs. */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>

#define THREADS 8
#define ROUNDS 10

struct worker {
    const ps_client *client;
    char show_params[128];
    int ok;
    int calls;
};

static void *work(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < ROUNDS; i++) {
        char *out = NULL;
        ps_status status = ps_templates_list(w->client, i % 2 ? "{\"os\":\"Ubuntu 18.04 Server\"}" : NULL, &out);
        w->calls++;
        long expected = i % 2 ? 1 : 15;
        if (status == PS_STATUS_OK && js_len(js_value(out)) == expected) {
            w->ok++;
        } else {
            fprintf(stderr, "thread: templates list gave %d: %.300s\n", (int)status, out ? out : "(null)");
        }
        ps_string_free(out);

        if (w->show_params[0]) {
            out = NULL;
            status = ps_machines_show(w->client, w->show_params, &out);
            w->calls++;
            if (status == PS_STATUS_OK && js_kind(js_path(out, "id")) == '"') {
                w->ok++;
            } else {
                fprintf(stderr, "thread: machines show gave %d: %.300s\n", (int)status, out ? out : "(null)");
            }
            ps_string_free(out);
        }
    }
    return NULL;
}

static void test_shared_client(void) {
    t_section("threads sharing one client");
    ps_client *client = make_client(ADMIN_KEY, "");
    if (!client) {
        return;
    }
    struct worker workers[THREADS];
    pthread_t threads[THREADS];
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        workers[i].client = client;
        workers[i].ok = 0;
        workers[i].calls = 0;
        workers[i].show_params[0] = '\0';
        if (g_machine_id[0]) {
            snprintf(workers[i].show_params, sizeof workers[i].show_params, "{\"machineId\":\"%s\"}",
                     g_machine_id);
        }
        if (pthread_create(&threads[i], NULL, work, &workers[i]) == 0) {
            started++;
        } else {
            break;
        }
    }
    CHECK_INT(started, THREADS);
    int ok = 0, calls = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        ok += workers[i].ok;
        calls += workers[i].calls;
    }
    CHECK_INT(calls, THREADS * ROUNDS * (g_machine_id[0] ? 2 : 1));
    CHECK_INT(ok, calls);
    ps_client_free(client);
}

/* A params string of `size` bytes: {"machineName":"xxxx...", <rest>}. */
static char *big_params(size_t size, const char *rest) {
    char *p = malloc(size + 1);
    if (!p) {
        return NULL;
    }
    const char *head = "{\"machineName\":\"";
    size_t head_len = strlen(head), rest_len = strlen(rest);
    memcpy(p, head, head_len);
    size_t fill = size - head_len - rest_len - 2;
    memset(p + head_len, 'x', fill);
    p[head_len + fill] = '"';
    memcpy(p + head_len + fill + 1, rest, rest_len);
    p[size - 1] = '}';
    p[size] = '\0';
    return p;
}

static void test_large_inputs(void) {
    t_section("large inputs");
    ps_client *client = make_client(ADMIN_KEY, "");
    if (!client) {
        return;
    }
    long long before = emu_request_count();
    const size_t SIZE = 6u << 20; /* 6 MiB */

    /* Valid JSON that breaks the rules: every problem reported, nothing sent. */
    char *params = big_params(SIZE, ",\"region\":\"Mars\",\"size\":1");
    CHECK(params != NULL);
    if (params) {
        CHECK_INT(strlen(params), SIZE);
        char *out = NULL;
        ps_status status = ps_machines_create(client, params, &out);
        CHECK_ERROR(status, PS_STATUS_VALIDATION, out, "machines_create");
        CHECK_JSTR(out, "details.size", "must be between 50 and 2000 GB");
        CHECK_JSTR(out, "details.templateId", "is required");
        CHECK(out && strlen(out) < 4096); /* the huge value is not echoed back */
        ps_string_free(out);
        free(params);
    }

    /* An unknown key after megabytes of text. */
    params = big_params(SIZE, ",\"bogus\":1");
    if (params) {
        char *out = NULL;
        ps_status status = ps_machines_create(client, params, &out);
        CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "machines_create");
        CHECK(out && strlen(out) < 4096);
        ps_string_free(out);
        free(params);
    }

    /* Megabytes of unterminated JSON. */
    params = big_params(SIZE, ",\"size\":50");
    if (params) {
        params[SIZE - 1] = ' '; /* no closing brace */
        char *out = NULL;
        ps_status status = ps_templates_list(client, params, &out);
        CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "templates_list");
        ps_string_free(out);
        free(params);
    }

    /* Deep nesting must not overflow a stack. */
    const size_t DEPTH = 1u << 20;
    char *deep = malloc(DEPTH * 2 + 16);
    if (deep) {
        size_t n = 0;
        n += (size_t)sprintf(deep, "{\"os\":");
        memset(deep + n, '[', DEPTH);
        n += DEPTH;
        memset(deep + n, ']', DEPTH);
        n += DEPTH;
        deep[n++] = '}';
        deep[n] = '\0';
        char *out = NULL;
        ps_status status = ps_templates_list(client, deep, &out);
        CHECK_ERROR(status, PS_STATUS_INVALID_ARGUMENT, out, "templates_list");
        ps_string_free(out);
        free(deep);
    }

    /* A huge config. */
    params = big_params(SIZE, ",\"apiKey\":\"k\"");
    if (params) {
        ps_client *other = NULL;
        char *error = NULL;
        CHECK_INT(ps_client_new(params, &other, &error), PS_STATUS_INVALID_ARGUMENT); /* machineName */
        CHECK(other == NULL && error != NULL);
        ps_string_free(error);
        free(params);
    }

    CHECK_INT(emu_request_count(), before);
    ps_client_free(client);
}

void test_threads(void) {
    test_shared_client();
    test_large_inputs();
}
