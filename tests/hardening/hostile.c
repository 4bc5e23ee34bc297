/*
 * Hostile callers of the C ABI: NULL in every pointer argument of every export, invalid UTF-8,
 * strings of several MiB, deeply nested JSON, wrong JSON types in every field of create,
 * NULL to every _free, 32 threads on one client. Every call must return a clear status with
 * exactly one well-formed string (or none where the contract says so), never crash.
 *
 *   hostile checks        run every check against $PS_URL (an emulator), print
 *                         "N passed, N failed" and exit 1 on any failure
 *   hostile soak N        N mixed calls on one client; prints RSS after warm-up and at the end
 *                         and fails when it grew by more than 10 MiB
 *
 * Environment: PS_URL (emulator base URL), PS_API_KEY (default emulator-admin-key),
 * HOSTILE_OUT (optional file every returned string is appended to, for the secrets grep),
 * HOSTILE_THREADS / HOSTILE_CALLS (thread check size, default 32 x 40).
 * Built by tests/hardening/run.sh under ASan+UBSan, and plain for valgrind and the soak.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "paperspace.h"

/* The new-user password used in creates: it must never come back in any output. */
#define SECRET_PASSWORD "Hostile-Pw-5e1f0c7a9b"

static int passed, failed;
static const char *base_url, *api_key;
static FILE *out_log;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void check(int ok, const char *fmt, ...) {
    if (ok) {
        __atomic_add_fetch(&passed, 1, __ATOMIC_SEQ_CST);
        return;
    }
    __atomic_add_fetch(&failed, 1, __ATOMIC_SEQ_CST);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static void record(const char *s) {
    if (!out_log || !s) return;
    pthread_mutex_lock(&log_lock);
    fprintf(out_log, "%s\n", s);
    pthread_mutex_unlock(&log_lock);
}

/* The integer after "code": in an error JSON, or -1. */
static long error_code(const char *json) {
    const char *at = json ? strstr(json, "\"code\":") : NULL;
    return at ? strtol(at + 7, NULL, 10) : -1;
}

/* An owned result is well formed: JSON object/array text; an error's code is the status. */
static void check_result(const char *what, ps_status st, char *out) {
    check(out != NULL, "%s: status %d and no string", what, (int)st);
    if (!out) return;
    record(out);
    check(out[0] == '{' || out[0] == '[', "%s: not JSON: %.80s", what, out);
    if (st != PS_STATUS_OK) {
        check(error_code(out) == st, "%s: status %d but error code %ld: %.200s", what, (int)st,
              error_code(out), out);
        char kind[64];
        snprintf(kind, sizeof kind, "\"kind\":\"%s\"", ps_status_name(st));
        check(strstr(out, kind) != NULL, "%s: kind is not %s: %.200s", what, kind, out);
        check(strstr(out, "\"version\":\"" PS_VERSION "\"") != NULL, "%s: no version", what);
    }
    check(strstr(out, SECRET_PASSWORD) == NULL, "%s: the password leaked", what);
    check(strstr(out, api_key) == NULL, "%s: the API key leaked", what);
}

typedef ps_status (*op_fn)(const ps_client *, const char *, char **);

static ps_status wait_nocancel(const ps_client *c, const char *p, char **o) {
    return ps_machines_wait_cancellable(c, p, NULL, o);
}

static const struct {
    const char *name;
    op_fn fn;
} OPS[] = {
    {"templates_list", ps_templates_list},
    {"machines_create", ps_machines_create},
    {"machines_availability", ps_machines_availability},
    {"machines_show", ps_machines_show},
    {"machines_list", ps_machines_list},
    {"machines_wait", ps_machines_wait},
    {"machines_wait_cancellable", wait_nocancel},
    {"machines_start", ps_machines_start},
    {"machines_stop", ps_machines_stop},
    {"machines_restart", ps_machines_restart},
    {"machines_destroy", ps_machines_destroy},
    {"users_list", ps_users_list},
};
#define N_OPS (sizeof OPS / sizeof OPS[0])

/* Runs one op and checks the status is one of the allowed ones (a -1 terminated list). */
static ps_status expect(const ps_client *c, size_t op, const char *params, const char *what, ...) {
    char *out = (char *)0x1; /* must be overwritten */
    ps_status st = OPS[op].fn(c, params, &out);
    char label[160];
    snprintf(label, sizeof label, "%s %s", OPS[op].name, what);
    check_result(label, st, out);
    va_list ap;
    va_start(ap, what);
    int ok = 0, allowed;
    char list[128] = "";
    while ((allowed = va_arg(ap, int)) != -1) {
        if ((int)st == allowed) ok = 1;
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, " %d", allowed);
    }
    va_end(ap);
    check(ok, "%s: status %d (%s), want one of%s: %.300s", label, (int)st, ps_status_name(st),
          list, out ? out : "(null)");
    ps_string_free(out);
    return st;
}

static ps_client *new_client(const char *extra) {
    char config[1024];
    snprintf(config, sizeof config,
             "{\"apiKey\": \"%s\", \"baseUrl\": \"%s\", \"timeoutMs\": 10000, \"maxRetries\": 1%s}",
             api_key, base_url, extra ? extra : "");
    ps_client *client = NULL;
    char *error = NULL;
    ps_status st = ps_client_new(config, &client, &error);
    check(st == PS_STATUS_OK && client && !error, "client_new: %d %s", (int)st, error ? error : "");
    ps_string_free(error);
    return client;
}

/* ---- a tiny HTTP POST to the emulator's control endpoint ---- */

static int add_fault(const char *json) {
    unsigned port = 0;
    if (sscanf(base_url, "http://127.0.0.1:%u", &port) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "POST /__emulator/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(json), json);
    ssize_t w = write(fd, req, (size_t)n);
    char answer[256] = "";
    ssize_t r = read(fd, answer, sizeof answer - 1);
    close(fd);
    return (w == n && r > 12 && strncmp(answer, "HTTP/1.1 204", 12) == 0) ? 0 : -1;
}

/* ---- the checks ---- */

static void null_arguments(void) {
    /* ps_client_new */
    ps_client *client = (ps_client *)0x1;
    char *error = (char *)0x1;
    ps_status st = ps_client_new("{\"apiKey\": \"k\", \"baseUrl\": \"http://127.0.0.1:1\"}", NULL, &error);
    check(st == PS_STATUS_INVALID_ARGUMENT, "client_new(out_client NULL): %d", (int)st);
    check_result("client_new(out_client NULL)", st, error);
    ps_string_free(error);
    st = ps_client_new("{\"apiKey\": \"k\", \"baseUrl\": \"http://127.0.0.1:1\"}", NULL, NULL);
    check(st == PS_STATUS_INVALID_ARGUMENT, "client_new(NULL, NULL): %d", (int)st);
    st = ps_client_new(NULL, NULL, NULL);
    check(st == PS_STATUS_INVALID_ARGUMENT, "client_new(NULL x3): %d", (int)st);
    /* NULL config means {}: no apiKey unless the environment has one. */
    unsetenv("PAPERSPACE_API_KEY");
    error = (char *)0x1;
    st = ps_client_new(NULL, &client, &error);
    check(st == PS_STATUS_CONFIG && client == NULL, "client_new(NULL config): %d", (int)st);
    check_result("client_new(NULL config)", st, error);
    ps_string_free(error);
    client = (ps_client *)0x1;
    st = ps_client_new("", &client, NULL);
    check(st == PS_STATUS_CONFIG && client == NULL, "client_new(\"\", out_error NULL): %d", (int)st);

    /* every operation: NULL client, NULL params, NULL out, all NULL */
    ps_client *good = new_client(NULL);
    for (size_t i = 0; i < N_OPS; i++) {
        expect(NULL, i, "{}", "(NULL client)", PS_STATUS_INVALID_ARGUMENT, -1);
        expect(NULL, i, NULL, "(NULL client, NULL params)", PS_STATUS_INVALID_ARGUMENT, -1);
        st = OPS[i].fn(good, "{}", NULL);
        check(st == PS_STATUS_INVALID_ARGUMENT, "%s(out NULL): %d", OPS[i].name, (int)st);
        st = OPS[i].fn(NULL, NULL, NULL);
        check(st == PS_STATUS_INVALID_ARGUMENT, "%s(NULL x3): %d", OPS[i].name, (int)st);
        /* NULL params mean {}: lists succeed, the others miss required fields. */
        int lists = i == 0 || i == 4 || i == 11;
        if (lists)
            expect(good, i, NULL, "(NULL params)", PS_STATUS_OK, -1);
        else
            expect(good, i, NULL, "(NULL params)", PS_STATUS_VALIDATION, -1);
        if (lists)
            expect(good, i, "", "(\"\" params)", PS_STATUS_OK, -1);
        else
            expect(good, i, "  \n\t ", "(blank params)", PS_STATUS_VALIDATION, -1);
    }
    char *out = (char *)0x1;
    st = ps_machines_wait_cancellable(NULL, NULL, NULL, &out);
    check(st == PS_STATUS_INVALID_ARGUMENT && out, "wait_cancellable(NULLs): %d", (int)st);
    ps_string_free(out);
    st = ps_machines_wait_cancellable(NULL, NULL, NULL, NULL);
    check(st == PS_STATUS_INVALID_ARGUMENT, "wait_cancellable(NULL x4): %d", (int)st);

    /* frees and triggers of NULL, statics */
    ps_string_free(NULL);
    ps_client_free(NULL);
    ps_cancel_free(NULL);
    ps_cancel_trigger(NULL);
    ps_cancel *cancel = ps_cancel_new();
    check(cancel != NULL, "cancel_new");
    ps_cancel_trigger(cancel);
    ps_cancel_trigger(cancel);
    out = NULL;
    st = ps_machines_wait_cancellable(good, "{\"machineId\": \"psx\", \"state\": \"ready\"}", cancel, &out);
    check(st == PS_STATUS_CANCELLED, "wait on a triggered cancel: %d", (int)st);
    check_result("wait cancelled", st, out);
    ps_string_free(out);
    ps_cancel_free(cancel);
    check(strcmp(ps_version(), PS_VERSION) == 0, "version");
    int codes[] = {INT_MIN, -1, 0, 1, 9, 10, 97, 98, 99, 100, 1000, INT_MAX};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *name = ps_status_name(codes[i]);
        check(name != NULL && name[0] != '\0', "status_name(%d)", codes[i]);
    }
    check(strcmp(ps_status_name(99), "panic") == 0 && strcmp(ps_status_name(12345), "unknown") == 0,
          "status names");
    ps_client_free(good);
}

static void invalid_utf8(ps_client *client) {
    const char *bad[] = {
        "\xff",
        "{\"machineId\": \"\xc3\x28\"}",
        "{\"machineId\": \"ps\xed\xa0\x80x\"}", /* a surrogate in UTF-8 */
        "{\"region\": \"East Coast (NY2)\", \"machineType\": \"P5000\xf8\"}",
        "\xef\xbb\xbf{}", /* a BOM: valid UTF-8 but not JSON */
        "{\"id\": \"\xc0\xaf\"}", /* overlong '/' */
    };
    for (size_t i = 0; i < N_OPS; i++)
        for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++)
            expect(client, i, bad[j], "(invalid UTF-8)", PS_STATUS_INVALID_ARGUMENT, -1);
    char *error = NULL;
    ps_client *c = NULL;
    ps_status st = ps_client_new("{\"apiKey\": \"k\xff\", \"baseUrl\": \"http://127.0.0.1:1\"}", &c, &error);
    check(st == PS_STATUS_INVALID_ARGUMENT && c == NULL, "client_new(invalid UTF-8): %d", (int)st);
    check_result("client_new(invalid UTF-8)", st, error);
    ps_string_free(error);
}

static char *repeat(const char *prefix, char fill, size_t n, const char *suffix) {
    size_t p = strlen(prefix), s = strlen(suffix);
    char *buf = malloc(p + n + s + 1);
    if (!buf) abort();
    memcpy(buf, prefix, p);
    memset(buf + p, fill, n);
    memcpy(buf + p + n, suffix, s + 1);
    return buf;
}

static void huge_and_deep(ps_client *client) {
    const size_t MIB = 1024 * 1024;
    /* several MiB of nesting, whitespace, strings */
    char *deep = repeat("", '[', 100000, "");
    char *deep_obj = malloc(600000 + 1);
    for (size_t k = 0; k < 100000; k++) memcpy(deep_obj + 6 * k, "{\"a\":[", 6);
    deep_obj[600000] = '\0';
    char *spaces = repeat("", ' ', 8 * MIB, "{}");
    char *long_id = repeat("{\"machineId\": \"", 'a', 4 * MIB, "\"}");
    char *long_filter = repeat("{\"name\": \"", 'n', 4 * MIB, "\"}");
    char *long_key = repeat("{\"", 'k', 2 * MIB, "\": 1}");
    char *unterminated = repeat("{\"machineId\": \"", 'x', 3 * MIB, "");
    for (size_t i = 0; i < N_OPS; i++) {
        expect(client, i, deep, "(100k '[')", PS_STATUS_INVALID_ARGUMENT, -1);
        expect(client, i, deep_obj, "(100k nested objects)", PS_STATUS_INVALID_ARGUMENT, -1);
        expect(client, i, long_key, "(2 MiB key)", PS_STATUS_INVALID_ARGUMENT, -1);
        expect(client, i, unterminated, "(3 MiB unterminated)", PS_STATUS_INVALID_ARGUMENT, -1);
    }
    expect(client, 0, spaces, "(8 MiB of blanks)", PS_STATUS_OK, -1);
    /* A 4 MiB id or filter is valid JSON and passes the rules: the server refuses it (or the
     * connection fails), with a clear status either way. */
    /* A URL over the http crate's 65534-byte limit is the caller's error (it was `internal`). */
    expect(client, 3, long_id, "(4 MiB id)", PS_STATUS_API, PS_STATUS_TRANSPORT,
           PS_STATUS_VALIDATION, PS_STATUS_INVALID_ARGUMENT, -1);
    expect(client, 7, long_id, "(4 MiB id)", PS_STATUS_API, PS_STATUS_TRANSPORT,
           PS_STATUS_VALIDATION, PS_STATUS_INVALID_ARGUMENT, -1);
    expect(client, 4, long_filter, "(4 MiB filter)", PS_STATUS_API, PS_STATUS_TRANSPORT,
           PS_STATUS_VALIDATION, PS_STATUS_INVALID_ARGUMENT, -1);
    /* Huge config values */
    char *big_key = repeat("{\"apiKey\": \"", 'K', 4 * MIB, "\", \"baseUrl\": \"http://127.0.0.1:1\"}");
    ps_client *c = NULL;
    char *error = NULL;
    ps_status st = ps_client_new(big_key, &c, &error);
    check(st == PS_STATUS_OK || st == PS_STATUS_CONFIG, "client_new(4 MiB key): %d", (int)st);
    if (c) {
        char *out = NULL;
        st = ps_templates_list(c, "{}", &out);
        check(st == PS_STATUS_TRANSPORT, "4 MiB key to a closed port: %d", (int)st);
        check(out && strlen(out) < 4096, "the 4 MiB key is not echoed");
        ps_string_free(out);
        ps_client_free(c);
    }
    ps_string_free(error);
    error = NULL;
    c = NULL;
    st = ps_client_new(deep, &c, &error);
    check(st == PS_STATUS_INVALID_ARGUMENT && !c, "client_new(100k '['): %d", (int)st);
    check_result("client_new(deep)", st, error);
    ps_string_free(error);
    free(deep);
    free(deep_obj);
    free(spaces);
    free(long_id);
    free(long_filter);
    free(long_key);
    free(unterminated);
    free(big_key);
}

static void wrong_types_in_create(ps_client *client) {
    char params[1024];
    static const char *fields[] = {
        "region", "machineType", "size", "billingType", "machineName", "templateId",
        "assignPublicIp", "dynamicPublicIp", "startOnCreate", "networkId", "teamId", "userId",
        "email", "password", "firstName", "lastName", "notificationEmail", "scriptId",
        "takeInitialSnapshot", "markSnapshotAsRestorePoint", "restorePointFrequency", "enableNvlink",
    };
    static const char *values[] = {"123", "-1", "1.5", "1e400", "\"text\"", "true", "[]",
                                   "{}", "[\"a\"]", "{\"a\": 1}", "null", "18446744073709551616"};
    static const char *required[][2] = {
        {"region", "\"East Coast (NY2)\""}, {"machineType", "\"C4\""}, {"size", "50"},
        {"billingType", "\"hourly\""}, {"machineName", "\"hostile\""},
        {"templateId", "\"t04azgph\""},
    };
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            /* the valid required fields but the one under test, then the field under test */
            size_t len = (size_t)snprintf(params, sizeof params, "{");
            for (size_t r = 0; r < 6; r++)
                if (strcmp(required[r][0], fields[f]) != 0)
                    len += (size_t)snprintf(params + len, sizeof params - len, "\"%s\": %s, ",
                                            required[r][0], required[r][1]);
            snprintf(params + len, sizeof params - len, "\"%s\": %s}", fields[f], values[v]);
            char what[128];
            snprintf(what, sizeof what, "(%s: %s)", fields[f], values[v]);
            /* Wrong types are invalid arguments; right types that break a rule are validation
             * errors; a "text" in a string field, or null, may even be valid (then the server
             * answers). */
            ps_status st = expect(client, 1, params, what, PS_STATUS_INVALID_ARGUMENT,
                                  PS_STATUS_VALIDATION, PS_STATUS_OK, PS_STATUS_API, -1);
            int string_field = strcmp(fields[f], "size") != 0 && strstr(fields[f], "Ip") == NULL &&
                               strcmp(fields[f], "startOnCreate") != 0 &&
                               strstr(fields[f], "Snapshot") == NULL &&
                               strcmp(fields[f], "enableNvlink") != 0 &&
                               strcmp(fields[f], "markSnapshotAsRestorePoint") != 0;
            int is_string = values[v][0] == '"', is_bool = strcmp(values[v], "true") == 0;
            int is_null = strcmp(values[v], "null") == 0;
            int wrong = !is_null && (string_field ? !is_string
                                     : strcmp(fields[f], "size") == 0 ? (is_string || is_bool || values[v][0] == '[' || values[v][0] == '{' || strchr(values[v], '.') || strchr(values[v], 'e') || strlen(values[v]) > 15)
                                     : !is_bool);
            if (wrong)
                check(st == PS_STATUS_INVALID_ARGUMENT, "%s: a wrong JSON type gives %d", what, (int)st);
        }
    }
    /* The same wrong types at the top level and for the other operations' fields. */
    for (size_t i = 0; i < N_OPS; i++)
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            if (strcmp(values[v], "{}") == 0 || strcmp(values[v], "null") == 0) continue;
            expect(client, i, values[v], "(not an object)", PS_STATUS_INVALID_ARGUMENT, -1);
            snprintf(params, sizeof params, "{\"machineId\": %s, \"state\": %s, \"limit\": %s}",
                     values[v], values[v], values[v]);
            expect(client, i, params, "(wrong types)", PS_STATUS_INVALID_ARGUMENT,
                   PS_STATUS_VALIDATION, PS_STATUS_API, PS_STATUS_OK, PS_STATUS_TIMEOUT, -1);
        }
}

static void secrets_under_faults(ps_client *client) {
    char params[1024];
    const char *faults[] = {
        "{\"path\": \"/machines/createSingleMachinePublic\", \"stage\": \"afterUserCreated\", \"status\": 500}",
        "{\"path\": \"/machines/createSingleMachinePublic\", \"stage\": \"afterUserCreated\", \"action\": \"close\"}",
        "{\"path\": \"/machines/createSingleMachinePublic\", \"action\": \"garbage\"}",
        "{\"path\": \"/machines/createSingleMachinePublic\", \"status\": 200, \"body\": \"[]\"}",
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        check(add_fault(faults[i]) == 0, "add fault %zu", i);
        snprintf(params, sizeof params,
                 "{\"region\": \"East Coast (NY2)\", \"machineType\": \"C4\", \"size\": 50, "
                 "\"billingType\": \"hourly\", \"machineName\": \"h%zu\", \"templateId\": \"t04azgph\", "
                 "\"email\": \"hostile%zu@example.com\", \"password\": \"" SECRET_PASSWORD "\", "
                 "\"firstName\": \"H\", \"lastName\": \"O\"}",
                 i, i);
        expect(client, 1, params, "(new user, faulted)", PS_STATUS_API, PS_STATUS_TRANSPORT,
               PS_STATUS_DECODE, -1);
    }
}

struct worker {
    const ps_client *client;
    int calls, id;
};

static void *work(void *arg) {
    struct worker *w = arg;
    char params[256];
    for (int k = 0; k < w->calls; k++) {
        char *out = NULL;
        ps_status st;
        switch ((k + w->id) % 5) {
        case 0:
            st = ps_templates_list(w->client, "{\"label\": \"Ubuntu 18.04 Server\"}", &out);
            check(st == PS_STATUS_OK && out && strstr(out, "t04azgph"), "thread list: %d %s", (int)st,
                  out ? out : "");
            break;
        case 1:
            snprintf(params, sizeof params, "{\"machineId\": \"psnone%d\"}", w->id);
            st = ps_machines_show(w->client, params, &out);
            check(st == PS_STATUS_API && strstr(out, "\"httpStatus\":404"), "thread show: %d", (int)st);
            break;
        case 2:
            st = ps_machines_create(w->client, "{\"size\": 1}", &out);
            check(st == PS_STATUS_VALIDATION, "thread validation: %d", (int)st);
            break;
        case 3:
            st = ps_machines_availability(w->client, "{\"region\": \"Europe (AMS1)\", \"machineType\": \"V100\"}", &out);
            check(st == PS_STATUS_OK && strstr(out, "available"), "thread availability: %d", (int)st);
            break;
        default:
            st = ps_users_list(w->client, "[", &out);
            check(st == PS_STATUS_INVALID_ARGUMENT, "thread invalid: %d", (int)st);
            break;
        }
        check_result("thread call", st, out);
        ps_string_free(out);
    }
    return NULL;
}

static void threads(ps_client *client) {
    const char *t = getenv("HOSTILE_THREADS"), *c = getenv("HOSTILE_CALLS");
    int n = t ? atoi(t) : 32, calls = c ? atoi(c) : 40;
    if (n < 1 || n > 256) n = 32;
    pthread_t tids[256];
    struct worker ws[256];
    for (int i = 0; i < n; i++) {
        ws[i] = (struct worker){client, calls, i};
        check(pthread_create(&tids[i], NULL, work, &ws[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < n; i++) pthread_join(tids[i], NULL);
}

/* ---- soak ---- */

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kib = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kib;
}

static void soak_calls(ps_client *client, long from, long to) {
    static const char *params[] = {
        "{\"label\": \"Ubuntu 18.04 Server\"}", "{\"limit\": 5}", "{}",
        "{\"region\": \"Europe (AMS1)\", \"machineType\": \"V100\"}", "{\"machineId\": \"psnone\"}",
        "{\"size\": 1}", "{\"bad json",
    };
    op_fn fns[] = {ps_templates_list, ps_machines_list, ps_users_list, ps_machines_availability,
                   ps_machines_show, ps_machines_create, ps_templates_list};
    ps_status want[] = {PS_STATUS_OK, PS_STATUS_OK, PS_STATUS_OK, PS_STATUS_OK, PS_STATUS_API,
                        PS_STATUS_VALIDATION, PS_STATUS_INVALID_ARGUMENT};
    for (long k = from; k < to; k++) {
        size_t i = (size_t)k % 7;
        char *out = NULL;
        ps_status st = fns[i](client, params[i], &out);
        if (st != want[i] || !out) check(0, "soak call %ld (%zu): %d %s", k, i, (int)st, out ? out : "");
        ps_string_free(out);
    }
}

static int soak(long n) {
    ps_client *client = new_client(NULL);
    if (!client) return 1;
    long warm = n / 10 < 1000 ? n / 10 : 1000;
    soak_calls(client, 0, warm);
    long start = rss_kib();
    soak_calls(client, warm, n);
    long end = rss_kib();
    ps_client_free(client);
    printf("soak c: calls=%ld rss_start_kib=%ld rss_end_kib=%ld growth_kib=%ld\n", n, start, end,
           end - start);
    check(end - start <= 10 * 1024, "RSS grew by %ld KiB over %ld calls", end - start, n);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int main(int argc, char **argv) {
    base_url = getenv("PS_URL");
    api_key = getenv("PS_API_KEY") ? getenv("PS_API_KEY") : "emulator-admin-key";
    if (!base_url) {
        fprintf(stderr, "hostile: set PS_URL to an emulator's URL\n");
        return 2;
    }
    const char *log_path = getenv("HOSTILE_OUT");
    if (log_path) out_log = fopen(log_path, "a");
    if (argc >= 3 && strcmp(argv[1], "soak") == 0) return soak(atol(argv[2]));
    null_arguments();
    ps_client *client = new_client(NULL);
    if (!client) return 1;
    invalid_utf8(client);
    huge_and_deep(client);
    wrong_types_in_create(client);
    secrets_under_faults(client);
    threads(client);
    ps_client_free(client);
    if (out_log) fclose(out_log);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
