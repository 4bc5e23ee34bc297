/*
 * Hostile callers of the C ABI: NULL in every pointer argument of every operation (through
 * ps_call and through its ps_<name> export), invalid UTF-8, strings of several MiB, deeply
 * nested JSON, wrong JSON types in every parameter of every operation, cancel tokens triggered
 * or past their deadline, NULL to every _free, 32 threads on one client. Every call must
 * return a clear status with exactly one well-formed string (or none where the contract says
 * so), never crash.
 *
 * The operations, their parameters and the JSON types each accepts are read from
 * ps_operations(); nothing here counts or indexes them. What the table cannot say, parameters
 * that pass every rule, is in VALID, keyed by the operation's name: an operation without an
 * entry stops the program (exit 2, naming it) before any check runs.
 *
 *   hostile checks        run every check against $PS_URL (an emulator), print
 *                         "N passed, N failed" and exit 1 on any failure
 *   hostile soak N        N mixed calls on one client; prints RSS after warm-up and at the end
 *                         and fails when it grew by more than 10 MiB
 *
 * Environment: PS_URL (emulator base URL), PS_API_KEY (default emulator-admin-key),
 * HOSTILE_OUT (optional file every returned string is appended to, for the secrets grep),
 * HOSTILE_THREADS / HOSTILE_CALLS (thread check size, default 32 x 40).
 * Built by tests/hardening/run.sh (with bindings/c/common/jsonscan.c, and -rdynamic so that
 * the ps_<name> exports can be looked up by name) under ASan+UBSan, and plain for valgrind
 * and the soak.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jsonscan.h"
#include "paperspace.h"

/* The new-user password used in creates: it must never come back in any output. */
#define SECRET_PASSWORD "Hostile-Pw-5e1f0c7a9b"

/* Parameters of every operation that pass the library's rules, by name. The ids name nothing
 * on the emulator, so that the calls change nothing there but the one create. */
/* Runtime hooks for ps_call_hooked that only count their calls. */
static int hook_calls;
static void *hook_suspend(void) { hook_calls++; return &hook_calls; }
static void hook_resume(void *state) { hook_calls += state == &hook_calls ? 1 : 100; }
static int hook_check(void) { hook_calls++; return 0; }
/* ps_call_into's make: a NUL-terminated copy (freed with free()), counted. */
static int makes;
static void *hook_make(const char *text, size_t len) {
    makes++;
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    return copy;
}

static const struct {
    const char *name, *params;
} VALID[] = {
    {"templates_list", "{\"label\": \"Ubuntu 18.04 Server\"}"},
    {"machines_create",
     "{\"region\": \"East Coast (NY2)\", \"machineType\": \"C4\", \"size\": 50, \"billingType\": "
     "\"hourly\", \"machineName\": \"hostile\", \"templateId\": \"t04azgph\"}"},
    {"machines_availability", "{\"region\": \"Europe (AMS1)\", \"machineType\": \"V100\"}"},
    {"machines_show", "{\"machineId\": \"psnone\"}"},
    {"machines_list", "{\"limit\": 5}"},
    {"machines_wait", "{\"machineId\": \"psnone\", \"state\": \"ready\", \"intervalMs\": 1, \"timeoutMs\": 50}"},
    {"machines_start", "{\"machineId\": \"psnone\"}"},
    {"machines_stop", "{\"machineId\": \"psnone\"}"},
    {"machines_restart", "{\"machineId\": \"psnone\"}"},
    {"machines_destroy", "{\"machineId\": \"psnone\", \"releasePublicIp\": false}"},
    {"users_list", "{\"email\": \"admin@example.com\"}"},
    {"machines_update", "{\"machineId\": \"psnone\", \"machineName\": \"n\", \"shutdownTimeoutInHours\": null}"},
    {"machines_utilization", "{\"machineId\": \"psnone\", \"billingMonth\": \"2019-04\"}"},
    {"machines_set_access", "{\"machineId\": \"psnone\", \"userId\": \"um7x2p4j\", \"enableAccess\": true}"},
    {"networks_list", "{\"region\": \"East Coast (NY2)\"}"},
    {"scripts_create", "{\"scriptName\": \"hostile\", \"scriptText\": \"echo hi\"}"},
    {"scripts_list", "{\"isEnabled\": true}"},
    {"scripts_show", "{\"scriptId\": \"scnone\"}"},
    {"scripts_text", "{\"scriptId\": \"scnone\"}"},
    {"scripts_destroy", "{\"scriptId\": \"scnone\"}"},
    {"resource_delegations_create", "{\"machine\": {\"ids\": [\"psnone\"]}}"},
    {"machines_wait_many",
     "{\"machineIds\": [\"psnone\"], \"state\": \"ready\", \"intervalMs\": 1, \"timeoutMs\": 50}"},
};

typedef ps_status (*op_fn)(const ps_client *, const char *, char **);

/* The JSON types of ps_operations(), as bits. */
enum { T_STRING = 1, T_INTEGER = 2, T_NUMBER = 4, T_BOOLEAN = 8, T_OBJECT = 16, T_ARRAY = 32, T_NULL = 64 };

struct param {
    char name[64];
    unsigned types;
    int required;
};

/* One operation of ps_operations(). */
struct op {
    char name[64];
    int post;         /* its method is POST */
    int has_required; /* some parameter is required: `{}` fails validation */
    const char *valid;
    op_fn named;      /* its ps_<name> export */
    size_t n_params;
    struct param *params;
};

static struct op *ops;
static size_t n_ops;
static int passed, failed;
static const char *base_url, *api_key;
static char closed_url[64];
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

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hostile: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static void record(const char *s) {
    if (!out_log || !s) return;
    pthread_mutex_lock(&log_lock);
    fprintf(out_log, "%s\n", s);
    pthread_mutex_unlock(&log_lock);
}

/* ---- the operations, from ps_operations() ---- */

static unsigned type_bit(const char *t) {
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"string", T_STRING}, {"integer", T_INTEGER}, {"number", T_NUMBER},
                 {"boolean", T_BOOLEAN}, {"object", T_OBJECT}, {"array", T_ARRAY},
                 {"null", T_NULL}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(t, names[i].name) == 0) return names[i].bit;
    die("ps_operations(): unknown JSON type \"%s\"", t);
    return 0;
}

static const char *valid_params(const char *name) {
    for (size_t i = 0; i < sizeof VALID / sizeof VALID[0]; i++)
        if (strcmp(VALID[i].name, name) == 0) return VALID[i].params;
    return NULL;
}

static void load_operations(void) {
    const char *all = js_value(ps_operations());
    long n = js_len(all);
    if (js_kind(all) != '[' || n < 1) die("ps_operations() is not a non-empty array");
    n_ops = (size_t)n;
    ops = calloc(n_ops, sizeof *ops);
    if (!ops) abort();
    for (size_t i = 0; i < n_ops; i++) {
        struct op *op = &ops[i];
        const char *o = js_at(all, i);
        char method[16];
        if (!js_str(js_get(o, "name"), op->name, sizeof op->name) ||
            !js_str(js_get(o, "method"), method, sizeof method))
            die("ps_operations(): entry %zu has no name or method", i);
        op->post = strcmp(method, "POST") == 0;
        const char *params = js_get(o, "params");
        long np = js_len(params);
        if (np < 0) die("%s: no params array", op->name);
        op->n_params = (size_t)np;
        op->params = calloc(op->n_params + 1, sizeof *op->params);
        if (!op->params) abort();
        for (size_t j = 0; j < op->n_params; j++) {
            struct param *p = &op->params[j];
            const char *pj = js_at(params, j), *types = js_get(pj, "types");
            /* (types may be empty: a parameter none of whose JSON samples reads alone) */
            if (!js_str(js_get(pj, "name"), p->name, sizeof p->name) || js_len(types) < 0 ||
                !js_bool(js_get(pj, "required"), &p->required))
                die("%s: parameter %zu is not described", op->name, j);
            for (long k = 0; k < js_len(types); k++) {
                char t[16];
                if (!js_str(js_at(types, (size_t)k), t, sizeof t)) die("%s: a type", op->name);
                p->types |= type_bit(t);
            }
            if (p->required) op->has_required = 1;
        }
        op->valid = valid_params(op->name);
        if (!op->valid)
            die("no valid params for the operation %s: add it to VALID in tests/hardening/hostile.c",
                op->name);
        char symbol[96];
        snprintf(symbol, sizeof symbol, "ps_%s", op->name);
        void *found = dlsym(RTLD_DEFAULT, symbol);
        if (!found) die("the export %s is missing (link with -rdynamic)", symbol);
        memcpy(&op->named, &found, sizeof found);
    }
}

/* The index of the operation called `name`; stops the program when there is none. */
static size_t op_named(const char *name) {
    for (size_t i = 0; i < n_ops; i++)
        if (strcmp(ops[i].name, name) == 0) return i;
    die("ps_operations() has no operation %s", name);
    return 0;
}

/* Whether operation `i` has a parameter called `name`. */
static int has_param(size_t i, const char *name) {
    for (size_t j = 0; j < ops[i].n_params; j++)
        if (strcmp(ops[i].params[j].name, name) == 0) return 1;
    return 0;
}

/* ---- calls and their checks ---- */

/* The integer after "code": in an error JSON, or -1. */
static long error_code(const char *json) {
    const char *at = json ? strstr(json, "\"code\":") : NULL;
    return at ? strtol(at + 7, NULL, 10) : -1;
}

/* An owned result is well formed: JSON text (an object, array or string result; an error
 * object); an error's code is the status. */
static void check_result(const char *what, ps_status st, char *out) {
    check(out != NULL, "%s: status %d and no string", what, (int)st);
    if (!out) return;
    record(out);
    if (st == PS_STATUS_OK)
        check(out[0] == '{' || out[0] == '[' || out[0] == '"', "%s: not JSON: %.80s", what, out);
    else
        check(out[0] == '{', "%s: not an error object: %.80s", what, out);
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

/* How a call is made: through ps_call (with `cancel`, may be NULL) or the ps_<name> export. */
enum via { VIA_CALL, VIA_NAMED };

static ps_status call_op(const ps_client *c, size_t i, enum via via, const char *params,
                         const ps_cancel *cancel, char **out) {
    return via == VIA_NAMED ? ops[i].named(c, params, out)
                            : ps_call(c, ops[i].name, params, cancel, out);
}

/* Checks a finished call: one well-formed string, and a status of the -1 terminated list. */
static void vcheck_status(const char *label, ps_status st, char *out, va_list ap) {
    check_result(label, st, out);
    int ok = 0, allowed;
    char list[128] = "";
    while ((allowed = va_arg(ap, int)) != -1) {
        if ((int)st == allowed) ok = 1;
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, " %d", allowed);
    }
    check(ok, "%s: status %d (%s), want one of%s: %.300s", label, (int)st, ps_status_name(st),
          list, out ? out : "(null)");
}

/* Runs operation `i` (through `via`, observing `cancel`) and checks the status is one of the
 * allowed ones (a -1 terminated list). */
static ps_status expect_via(const ps_client *c, size_t i, enum via via, const ps_cancel *cancel,
                            const char *params, const char *what, ...) {
    char *out = (char *)0x1; /* must be overwritten */
    ps_status st = call_op(c, i, via, params, cancel, &out);
    char label[200];
    snprintf(label, sizeof label, "%s%s %s", via == VIA_NAMED ? "ps_" : "", ops[i].name, what);
    va_list ap;
    va_start(ap, what);
    vcheck_status(label, st, out, ap);
    va_end(ap);
    ps_string_free(out);
    return st;
}

#define expect(c, i, params, what, ...) expect_via(c, i, VIA_CALL, NULL, params, what, __VA_ARGS__)

/* Empty parameters: validation when something is required, else the call succeeds (the
 * emulator serves every operation). */
static void expect_empty_params(const ps_client *c, size_t i, enum via via, const char *params,
                                const char *what) {
    expect_via(c, i, via, NULL, params, what,
               ops[i].has_required ? PS_STATUS_VALIDATION : PS_STATUS_OK, -1);
}

/* A client of `url` with `retries` retries; stops the program when there is none (every
 * check after it would only see "client is NULL"). */
static ps_client *new_client_at(const char *url, int retries) {
    char config[1024];
    snprintf(config, sizeof config,
             "{\"apiKey\": \"%s\", \"baseUrl\": \"%s\", \"timeoutMs\": 10000, \"maxRetries\": %d}",
             api_key, url, retries);
    ps_client *client = NULL;
    char *error = NULL;
    ps_status st = ps_client_new(config, &client, &error);
    check(st == PS_STATUS_OK && client && !error, "client_new: %d %s", (int)st, error ? error : "");
    if (!client) die("no client of %s", url);
    ps_string_free(error);
    return client;
}

static ps_client *new_client(void) {
    return new_client_at(base_url, 1);
}

/* A loopback URL with nothing listening (a port bound, then released). */
static void make_closed_url(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
        die("no loopback port");
    close(fd);
    snprintf(closed_url, sizeof closed_url, "http://127.0.0.1:%u", (unsigned)ntohs(addr.sin_port));
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

static char *repeat(const char *prefix, char fill, size_t n, const char *suffix) {
    size_t p = strlen(prefix), s = strlen(suffix);
    char *buf = malloc(p + n + s + 1);
    if (!buf) abort();
    memcpy(buf, prefix, p);
    memset(buf + p, fill, n);
    memcpy(buf + p + n, suffix, s + 1);
    return buf;
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

    /* every operation, through ps_call and through its export: NULL client, NULL params,
     * NULL out, all NULL; NULL, "" and blank params mean {}. */
    ps_client *good = new_client();
    for (size_t i = 0; i < n_ops; i++) {
        for (enum via via = VIA_CALL; via <= VIA_NAMED; via++) {
            const char *label = via == VIA_NAMED ? "ps_" : "ps_call ";
            expect_via(NULL, i, via, NULL, "{}", "(NULL client)", PS_STATUS_INVALID_ARGUMENT, -1);
            expect_via(NULL, i, via, NULL, NULL, "(NULL client, NULL params)",
                       PS_STATUS_INVALID_ARGUMENT, -1);
            st = call_op(good, i, via, "{}", NULL, NULL);
            check(st == PS_STATUS_INVALID_ARGUMENT, "%s%s(out NULL): %d", label, ops[i].name, (int)st);
            st = call_op(NULL, i, via, NULL, NULL, NULL);
            check(st == PS_STATUS_INVALID_ARGUMENT, "%s%s(NULL x3): %d", label, ops[i].name, (int)st);
            expect_empty_params(good, i, via, NULL, "(NULL params)");
            expect_empty_params(good, i, via, "", "(\"\" params)");
            expect_empty_params(good, i, via, "  \n\t ", "(blank params)");
        }
    }
    /* ps_call's operation name: NULL, unknown, not UTF-8, huge. */
    const char *names[] = {NULL, "", "machines_explode", "MACHINES_SHOW", "ps_machines_show",
                           "machines_show\xff", " machines_show"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char *out = (char *)0x1;
        st = ps_call(good, names[k], "{}", NULL, &out);
        char label[96];
        snprintf(label, sizeof label, "ps_call(name #%zu)", k);
        check(st == PS_STATUS_INVALID_ARGUMENT, "%s: %d", label, (int)st);
        check_result(label, st, out);
        if (names[k] && names[k][0] && strchr(names[k], '\xff') == NULL)
            check(out && strstr(out, ops[0].name) && strstr(out, ops[n_ops - 1].name),
                  "%s: the message lists the operations: %.300s", label, out ? out : "");
        ps_string_free(out);
        st = ps_call(good, names[k], "{}", NULL, NULL);
        check(st == PS_STATUS_INVALID_ARGUMENT, "%s, out NULL: %d", label, (int)st);
    }
    char *huge_name = repeat("machines_", 'x', 1024 * 1024, "");
    char *out = (char *)0x1;
    st = ps_call(good, huge_name, "{}", NULL, &out);
    check(st == PS_STATUS_INVALID_ARGUMENT && out && strlen(out) < 8192,
          "ps_call(1 MiB name): %d, and the name is not echoed", (int)st);
    ps_string_free(out);
    free(huge_name);
    st = ps_call(NULL, NULL, NULL, NULL, NULL);
    check(st == PS_STATUS_INVALID_ARGUMENT, "ps_call(NULL x5): %d", (int)st);

    /* ps_call_hooked: NULL or incomplete hooks are refused with nothing called; with hooks,
     * the same checks as ps_call, and suspend/resume still paired. */
    {
        ps_runtime_hooks none = {0}, partial = {hook_suspend, NULL, hook_check};
        ps_runtime_hooks full = {hook_suspend, hook_resume, hook_check};
        const ps_runtime_hooks *refused[] = {NULL, &none, &partial};
        for (size_t k = 0; k < 3; k++) {
            out = (char *)0x1;
            hook_calls = 0;
            st = ps_call_hooked(good, "templates_list", "{}", NULL, &out, refused[k]);
            check(st == PS_STATUS_INVALID_ARGUMENT && out && strstr(out, "hooks") && hook_calls == 0,
                  "ps_call_hooked(hooks #%zu): %d, %d hook calls", k, (int)st, hook_calls);
            ps_string_free(out);
        }
        st = ps_call_hooked(good, "templates_list", "{}", NULL, NULL, NULL);
        check(st == PS_STATUS_INVALID_ARGUMENT, "ps_call_hooked(out NULL, hooks NULL): %d", (int)st);
        hook_calls = 0;
        out = (char *)0x1;
        st = ps_call_hooked(NULL, NULL, NULL, NULL, &out, &full);
        check(st == PS_STATUS_INVALID_ARGUMENT && out && hook_calls == 2,
              "ps_call_hooked(NULLs, hooks): %d, %d hook calls", (int)st, hook_calls);
        ps_string_free(out);
        hook_calls = 0;
        st = ps_call_hooked(good, "machines_explode", "{}", NULL, NULL, &full);
        check(st == PS_STATUS_INVALID_ARGUMENT && hook_calls == 2, "ps_call_hooked(out NULL): %d", (int)st);

        /* ps_call_into: the same refusals, each made into the caller's value; without make or
         * a status to report to, nothing is called, made or sent. */
        for (size_t k = 0; k < 3; k++) {
            hook_calls = makes = 0;
            st = -1;
            char *made = ps_call_into(good, "templates_list", "{}", NULL, refused[k], hook_make, &st);
            check(st == PS_STATUS_INVALID_ARGUMENT && made && strstr(made, "hooks") && hook_calls == 0 && makes == 1,
                  "ps_call_into(hooks #%zu): %d, %d hook calls, %d makes", k, (int)st, hook_calls, makes);
            free(made);
        }
        hook_calls = makes = 0;
        st = -1;
        check(ps_call_into(good, "templates_list", "{}", NULL, &full, NULL, &st) == NULL && st == -1,
              "ps_call_into(make NULL): %d", (int)st);
        check(ps_call_into(good, "templates_list", "{}", NULL, &full, hook_make, NULL) == NULL,
              "ps_call_into(out_status NULL)");
        check(hook_calls == 0 && makes == 0, "ps_call_into without make or status: %d hook calls, %d makes",
              hook_calls, makes);
        char *made = ps_call_into(NULL, "templates_list", NULL, NULL, &full, hook_make, &st);
        check(st == PS_STATUS_INVALID_ARGUMENT && made && strstr(made, "client is NULL") && hook_calls == 2 &&
                  makes == 1,
              "ps_call_into(NULLs, hooks): %d, %d hook calls, %d makes", (int)st, hook_calls, makes);
        free(made);
    }

    out = (char *)0x1;
    st = ps_machines_wait_cancellable(NULL, NULL, NULL, &out);
    check(st == PS_STATUS_INVALID_ARGUMENT && out, "wait_cancellable(NULLs): %d", (int)st);
    ps_string_free(out);
    st = ps_machines_wait_cancellable(NULL, NULL, NULL, NULL);
    check(st == PS_STATUS_INVALID_ARGUMENT, "wait_cancellable(NULL x4): %d", (int)st);

    /* frees, triggers and deadlines of NULL, statics */
    ps_string_free(NULL);
    ps_client_free(NULL);
    ps_cancel_free(NULL);
    ps_cancel_trigger(NULL);
    ps_cancel_set_timeout(NULL, 0);
    ps_cancel_set_timeout(NULL, UINT64_MAX);
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

/* Every operation with its valid parameters: they reach the wire (a closed port: transport);
 * a triggered token ends the call `cancelled`, a passed deadline `timeout`; a far deadline
 * lets it run. */
static void valid_and_cancelled(ps_client *client) {
    ps_client *closed = new_client_at(closed_url, 0);
    ps_cancel *triggered = ps_cancel_new(), *expired = ps_cancel_new(), *far = ps_cancel_new();
    ps_cancel_trigger(triggered);
    ps_cancel_set_timeout(expired, 0);
    ps_cancel_set_timeout(far, UINT64_MAX);
    for (size_t i = 0; i < n_ops; i++) {
        expect(closed, i, ops[i].valid, "(valid params, closed port)", PS_STATUS_TRANSPORT, -1);
        expect_via(closed, i, VIA_NAMED, NULL, ops[i].valid, "(valid params, closed port)",
                   PS_STATUS_TRANSPORT, -1);
        expect_via(client, i, VIA_CALL, triggered, ops[i].valid, "(triggered cancel)",
                   PS_STATUS_CANCELLED, -1);
        expect_via(client, i, VIA_CALL, expired, ops[i].valid, "(deadline passed)",
                   PS_STATUS_TIMEOUT, -1);
        expect_via(client, i, VIA_CALL, far, ops[i].valid, "(deadline far away)", PS_STATUS_OK,
                   PS_STATUS_API, -1);
    }
    ps_cancel_free(triggered);
    ps_cancel_free(expired);
    ps_cancel_free(far);
    ps_client_free(closed);
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
    for (size_t i = 0; i < n_ops; i++)
        for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++)
            expect(client, i, bad[j], "(invalid UTF-8)", PS_STATUS_INVALID_ARGUMENT, -1);
    char *error = NULL;
    ps_client *c = NULL;
    ps_status st = ps_client_new("{\"apiKey\": \"k\xff\", \"baseUrl\": \"http://127.0.0.1:1\"}", &c, &error);
    check(st == PS_STATUS_INVALID_ARGUMENT && c == NULL, "client_new(invalid UTF-8): %d", (int)st);
    check_result("client_new(invalid UTF-8)", st, error);
    ps_string_free(error);
}

/* The first operation of the given method with a `key` parameter (and, with `optional`, no
 * required parameter); stops the program when there is none. */
static size_t first_with(int post, const char *key, int optional) {
    for (size_t i = 0; i < n_ops; i++)
        if (ops[i].post == post && has_param(i, key) && !(optional && ops[i].has_required)) return i;
    die("no %s operation with a parameter %s", post ? "POST" : "GET", key);
    return 0;
}

static void huge_and_deep(ps_client *client) {
    const size_t MIB = 1024 * 1024;
    /* several MiB of nesting, whitespace, strings */
    char *deep = repeat("", '[', 100000, "");
    char *deep_obj = malloc(600000 + 1);
    if (!deep_obj) abort();
    for (size_t k = 0; k < 100000; k++) memcpy(deep_obj + 6 * k, "{\"a\":[", 6);
    deep_obj[600000] = '\0';
    char *spaces = repeat("", ' ', 8 * MIB, "{}");
    char *long_id = repeat("{\"machineId\": \"", 'a', 4 * MIB, "\"}");
    char *long_filter = repeat("{\"name\": \"", 'n', 4 * MIB, "\"}");
    char *long_key = repeat("{\"", 'k', 2 * MIB, "\": 1}");
    char *unterminated = repeat("{\"machineId\": \"", 'x', 3 * MIB, "");
    for (size_t i = 0; i < n_ops; i++) {
        expect(client, i, deep, "(100k '[')", PS_STATUS_INVALID_ARGUMENT, -1);
        expect(client, i, deep_obj, "(100k nested objects)", PS_STATUS_INVALID_ARGUMENT, -1);
        expect(client, i, long_key, "(2 MiB key)", PS_STATUS_INVALID_ARGUMENT, -1);
        expect(client, i, unterminated, "(3 MiB unterminated)", PS_STATUS_INVALID_ARGUMENT, -1);
    }
    /* Blanks are skipped before the operation's parameters are read: one operation with
     * required parameters and one without is enough (each call takes over a second under
     * valgrind). */
    for (int required = 0; required <= 1; required++)
        for (size_t i = 0; i < n_ops; i++)
            if (ops[i].has_required == required) {
                expect_empty_params(client, i, VIA_CALL, spaces, "(8 MiB of blanks)");
                break;
            }
    /* A 4 MiB id or filter is valid JSON and passes the rules: the server refuses it (or the
     * connection fails), with a clear status either way. A URL over the http crate's
     * 65534-byte limit is the caller's error (it was `internal`). One GET and one POST carry
     * the id. */
    size_t get_id = first_with(0, "machineId", 0), post_id = first_with(1, "machineId", 0);
    size_t filter = first_with(0, "name", 1);
    expect(client, get_id, long_id, "(4 MiB id)", PS_STATUS_API, PS_STATUS_TRANSPORT,
           PS_STATUS_VALIDATION, PS_STATUS_INVALID_ARGUMENT, -1);
    expect(client, post_id, long_id, "(4 MiB id)", PS_STATUS_API, PS_STATUS_TRANSPORT,
           PS_STATUS_VALIDATION, PS_STATUS_INVALID_ARGUMENT, -1);
    expect(client, filter, long_filter, "(4 MiB filter)", PS_STATUS_API, PS_STATUS_TRANSPORT,
           PS_STATUS_VALIDATION, PS_STATUS_INVALID_ARGUMENT, -1);
    /* Huge config values */
    char *big_key = repeat("{\"apiKey\": \"", 'K', 4 * MIB, "\", \"baseUrl\": \"http://127.0.0.1:1\"}");
    ps_client *c = NULL;
    char *error = NULL;
    ps_status st = ps_client_new(big_key, &c, &error);
    check(st == PS_STATUS_OK || st == PS_STATUS_CONFIG, "client_new(4 MiB key): %d", (int)st);
    if (c) {
        char *out = NULL;
        st = ps_call(c, ops[filter].name, "{}", NULL, &out);
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

/* `valid` (a JSON object) with the member `key` set to the JSON text `value`. */
static void with_member(char *buf, size_t size, const char *valid, const char *key,
                        const char *value) {
    size_t len = (size_t)snprintf(buf, size, "{\"%s\": %s", key, value);
    const char *object = js_value(valid);
    char name[128];
    for (size_t k = 0;; k++) {
        const char *member = js_entry(object, k, name, sizeof name);
        if (!member) break;
        if (strcmp(name, key) == 0) continue;
        const char *end = js_skip(member);
        if (!end) die("VALID is not JSON: %s", valid);
        len += (size_t)snprintf(buf + len, size > len ? size - len : 0, ", \"%s\": %.*s", name,
                                (int)(end - member), member);
    }
    len += (size_t)snprintf(buf + len, size > len ? size - len : 0, "}");
    if (len >= size) die("params too long for key %s", key);
}

/* Every parameter of every operation with values of every JSON type, the other parameters
 * valid, against a closed port: a type the parameter does not accept is `invalid_argument`
 * (a null for a required one: `validation`), never sent; an accepted type may break a rule
 * or be sent (`transport`). Then non-object params for every operation. */
static void wrong_types(void) {
    static const struct {
        const char *text;
        unsigned type;
    } values[] = {
        {"123", T_INTEGER}, {"-1", T_INTEGER}, {"1.5", T_NUMBER}, {"1e400", T_NUMBER},
        {"\"text\"", T_STRING}, {"true", T_BOOLEAN}, {"[]", T_ARRAY}, {"{}", T_OBJECT},
        {"[\"a\"]", T_ARRAY}, {"{\"a\": 1}", T_OBJECT}, {"null", T_NULL},
        {"18446744073709551616", T_INTEGER},
    };
    ps_client *closed = new_client_at(closed_url, 0);
    char params[2048], what[160];
    for (size_t i = 0; i < n_ops; i++) {
        for (size_t j = 0; j < ops[i].n_params; j++) {
            const struct param *p = &ops[i].params[j];
            for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
                unsigned t = values[v].type;
                /* A parameter that takes numbers takes whole numbers too. */
                int accepted = (p->types & t) || (t == T_INTEGER && (p->types & T_NUMBER));
                with_member(params, sizeof params, ops[i].valid, p->name, values[v].text);
                snprintf(what, sizeof what, "(%s: %s)", p->name, values[v].text);
                if (accepted)
                    expect(closed, i, params, what, PS_STATUS_INVALID_ARGUMENT, PS_STATUS_VALIDATION,
                           PS_STATUS_TRANSPORT, -1);
                else if (t == T_NULL)
                    expect(closed, i, params, what, PS_STATUS_VALIDATION, PS_STATUS_INVALID_ARGUMENT, -1);
                else
                    expect(closed, i, params, what, PS_STATUS_INVALID_ARGUMENT, -1);
            }
        }
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            if (values[v].type == T_OBJECT || values[v].type == T_NULL) continue;
            expect(closed, i, values[v].text, "(not an object)", PS_STATUS_INVALID_ARGUMENT, -1);
        }
        with_member(params, sizeof params, ops[i].valid, "noSuchParameter", "1");
        expect(closed, i, params, "(an unknown key)", PS_STATUS_INVALID_ARGUMENT, -1);
    }
    ps_client_free(closed);
}

static void secrets_under_faults(ps_client *client) {
    char params[1024];
    const char *faults[] = {
        "{\"path\": \"/machines/createSingleMachinePublic\", \"stage\": \"afterUserCreated\", \"status\": 500}",
        "{\"path\": \"/machines/createSingleMachinePublic\", \"stage\": \"afterUserCreated\", \"action\": \"close\"}",
        "{\"path\": \"/machines/createSingleMachinePublic\", \"action\": \"garbage\"}",
        "{\"path\": \"/machines/createSingleMachinePublic\", \"status\": 200, \"body\": \"[]\"}",
    };
    size_t create = op_named("machines_create");
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        check(add_fault(faults[i]) == 0, "add fault %zu", i);
        snprintf(params, sizeof params,
                 "{\"region\": \"East Coast (NY2)\", \"machineType\": \"C4\", \"size\": 50, "
                 "\"billingType\": \"hourly\", \"machineName\": \"h%zu\", \"templateId\": \"t04azgph\", "
                 "\"email\": \"hostile%zu@example.com\", \"password\": \"" SECRET_PASSWORD "\", "
                 "\"firstName\": \"H\", \"lastName\": \"O\"}",
                 i, i);
        expect(client, create, params, "(new user, faulted)", PS_STATUS_API, PS_STATUS_TRANSPORT,
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
            st = ps_call(w->client, "templates_list", "{\"label\": \"Ubuntu 18.04 Server\"}", NULL, &out);
            check(st == PS_STATUS_OK && out && strstr(out, "t04azgph"), "thread list: %d %s", (int)st,
                  out ? out : "");
            break;
        case 1:
            snprintf(params, sizeof params, "{\"machineId\": \"psnone%d\"}", w->id);
            st = ps_call(w->client, "machines_show", params, NULL, &out);
            check(st == PS_STATUS_API && strstr(out, "\"httpStatus\":404"), "thread show: %d", (int)st);
            break;
        case 2:
            st = ps_call(w->client, "machines_create", "{\"size\": 1}", NULL, &out);
            check(st == PS_STATUS_VALIDATION, "thread validation: %d", (int)st);
            break;
        case 3:
            st = ps_call(w->client, "machines_availability",
                         "{\"region\": \"Europe (AMS1)\", \"machineType\": \"V100\"}", NULL, &out);
            check(st == PS_STATUS_OK && strstr(out, "available"), "thread availability: %d", (int)st);
            break;
        default:
            st = ps_call(w->client, "users_list", "[", NULL, &out);
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
    static const struct {
        const char *operation, *params;
        ps_status want;
    } calls[] = {
        {"templates_list", "{\"label\": \"Ubuntu 18.04 Server\"}", PS_STATUS_OK},
        {"machines_list", "{\"limit\": 5}", PS_STATUS_OK},
        {"users_list", "{}", PS_STATUS_OK},
        {"machines_availability", "{\"region\": \"Europe (AMS1)\", \"machineType\": \"V100\"}", PS_STATUS_OK},
        {"machines_show", "{\"machineId\": \"psnone\"}", PS_STATUS_API},
        {"machines_create", "{\"size\": 1}", PS_STATUS_VALIDATION},
        {"templates_list", "{\"bad json", PS_STATUS_INVALID_ARGUMENT},
    };
    const size_t n = sizeof calls / sizeof calls[0];
    for (long k = from; k < to; k++) {
        size_t i = (size_t)k % n;
        char *out = NULL;
        ps_status st = ps_call(client, calls[i].operation, calls[i].params, NULL, &out);
        if (st != calls[i].want || !out)
            check(0, "soak call %ld (%s): %d %s", k, calls[i].operation, (int)st, out ? out : "");
        ps_string_free(out);
    }
}

static int soak(long n) {
    ps_client *client = new_client();
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

static void free_operations(void) {
    for (size_t i = 0; i < n_ops; i++) free(ops[i].params);
    free(ops);
}

int main(int argc, char **argv) {
    base_url = getenv("PS_URL");
    api_key = getenv("PS_API_KEY") ? getenv("PS_API_KEY") : "emulator-admin-key";
    if (!base_url) {
        fprintf(stderr, "hostile: set PS_URL to an emulator's URL\n");
        return 2;
    }
    if (argc >= 3 && strcmp(argv[1], "soak") == 0) return soak(atol(argv[2]));
    load_operations();
    make_closed_url();
    const char *log_path = getenv("HOSTILE_OUT");
    if (log_path) out_log = fopen(log_path, "a");
    null_arguments();
    ps_client *client = new_client();
    if (!client) return 1;
    valid_and_cancelled(client);
    invalid_utf8(client);
    huge_and_deep(client);
    wrong_types();
    secrets_under_faults(client);
    threads(client);
    ps_client_free(client);
    free_operations();
    if (out_log) fclose(out_log);
    printf("%zu operations\n", n_ops);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
