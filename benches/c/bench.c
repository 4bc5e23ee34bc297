/* The C ABI from C, for `make bench` (benches/run.sh compiles it against libpaperspace.a).
 *
 *   bench run <templates|create> URL SECONDS WARMUP      sequential calls on one client
 *   bench threads <templates|create> URL SECONDS THREADS  THREADS pthreads sharing one client
 *   bench once URL                                        one client, one templates list, exit
 *   bench memory URL REPEATS                              peak RSS growth of one big templates list
 *
 * The result is the JSON text the ABI returns; C has no JSON decoder of its own, so the bench
 * only checks the text's first byte and length (the library has already checked its shape). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "paperspace.h"

#define MAX_CALLS 5000000L

static const char CREATE_JSON[] =
    "{\"region\":\"East Coast (NY2)\",\"machineType\":\"C4\",\"size\":50,\"billingType\":\"hourly\","
    "\"machineName\":\"bench\",\"templateId\":\"tgdcijpo\"}";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static ps_client *make_client(const char *url) {
    char config[512];
    const char *key = getenv("BENCH_API_KEY"); /* e.g. emulator-admin-key to point it at the emulator */
    snprintf(config, sizeof config, "{\"apiKey\":\"%s\",\"baseUrl\":\"%s\"}", key ? key : "bench-key", url);
    ps_client *client = NULL;
    char *error = NULL;
    if (ps_client_new(config, &client, &error) != PS_STATUS_OK) {
        fprintf(stderr, "ps_client_new: %s\n", error ? error : "?");
        exit(1);
    }
    return client;
}

static int is_create;

static void call(const ps_client *client) {
    char *out = NULL;
    ps_status status = is_create ? ps_machines_create(client, CREATE_JSON, &out)
                                 : ps_templates_list(client, NULL, &out);
    if (status != PS_STATUS_OK || out == NULL || out[0] != (is_create ? '{' : '[') || strlen(out) < 100) {
        fprintf(stderr, "call failed: %s %s\n", ps_status_name(status), out ? out : "(null)");
        exit(1);
    }
    ps_string_free(out);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static double pct(const uint32_t *sorted, long n, double p) {
    if (n == 0) return 0;
    long i = (long)((double)(n - 1) * p + 0.5);
    return sorted[i] / 1000.0;
}

static long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0) {
            kib = atol(line + n);
            break;
        }
    }
    if (f) fclose(f);
    return kib;
}

/* One templates list: the big answer (?label=big, the memory rows) or the usual one. Returns the
 * number of templates, counted in the text. */
static long list_templates(const ps_client *client, int big) {
    char *out = NULL;
    ps_status status = ps_templates_list(client, big ? "{\"label\":\"big\"}" : NULL, &out);
    if (status != PS_STATUS_OK || out == NULL || out[0] != '[') {
        fprintf(stderr, "call failed: %s\n", ps_status_name(status));
        exit(1);
    }
    long items = 0;
    for (const char *p = out; (p = strstr(p, "\"id\":")) != NULL; p += 5) items++;
    ps_string_free(out);
    return items;
}

/* Peak RSS growth of one big call after a small one (the peak reset through
 * /proc/self/clear_refs, as tests/hostile_memory.rs does), then the median time of REPEATS more. */
static int memory(const char *url, long repeats) {
    ps_client *client = make_client(url);
    list_templates(client, 0);
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f || fputs("5", f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot reset the peak RSS\n");
        return 1;
    }
    long before = status_kib("VmHWM:");
    double t = now_s();
    long items = list_templates(client, 1);
    double first_ms = (now_s() - t) * 1e3;
    long growth = status_kib("VmHWM:") - before;
    uint32_t us[64];
    if (repeats > 64) repeats = 64;
    for (long i = 0; i < repeats; i++) {
        t = now_s();
        if (list_templates(client, 1) != items) return 1;
        us[i] = (uint32_t)((now_s() - t) * 1e6);
    }
    qsort(us, (size_t)repeats, sizeof *us, cmp_u32);
    printf("{\"client\": \"c\", \"items\": %ld, \"growth_kib\": %ld, \"first_ms\": %.2f, \"ms\": %.2f, "
           "\"repeats\": %ld}\n",
           items, growth, first_ms, repeats ? us[repeats / 2] / 1000.0 : first_ms, repeats);
    ps_client_free(client);
    return 0;
}

struct worker {
    const ps_client *client;
    double deadline;
    long calls;
};

static void *work(void *arg) {
    struct worker *w = arg;
    call(w->client); /* this thread's first call may open a connection */
    long n = 0;
    while (now_s() < w->deadline && n < MAX_CALLS) {
        call(w->client);
        n++;
    }
    w->calls = n;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "once") == 0) {
        ps_client *client = make_client(argv[2]);
        call(client);
        ps_client_free(client);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "memory") == 0) return memory(argv[2], atol(argv[3]));
    if (argc != 6 || (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "threads") != 0)) {
        fprintf(stderr, "usage: bench run|threads templates|create URL SECONDS N | bench once URL | bench memory URL REPEATS\n");
        return 2;
    }
    const char *op = argv[2];
    is_create = strcmp(op, "create") == 0;
    double secs = atof(argv[4]);
    long n_arg = atol(argv[5]);
    ps_client *client = make_client(argv[3]);

    if (strcmp(argv[1], "run") == 0) {
        for (long i = 0; i < n_arg; i++) call(client);
        uint32_t *lat = malloc(sizeof(uint32_t) * MAX_CALLS);
        if (!lat) return 1;
        long n = 0;
        double c0 = cpu_s(), began = now_s(), t = began, now = began;
        while (n < MAX_CALLS) {
            call(client);
            now = now_s();
            double d = (now - t) * 1e9;
            lat[n++] = d > 4e9 ? 4000000000u : (uint32_t)d;
            t = now;
            if (now - began >= secs) break;
        }
        double wall = now_s() - began, cpu = cpu_s() - c0;
        qsort(lat, (size_t)n, sizeof *lat, cmp_u32);
        printf("{\"client\": \"c\", \"op\": \"%s\", \"calls\": %ld, \"secs\": %.3f, \"calls_per_s\": %.1f, "
               "\"p50_us\": %.1f, \"p99_us\": %.1f, \"cpu_us\": %.2f}\n",
               op, n, wall, n / wall, pct(lat, n, 0.5), pct(lat, n, 0.99), cpu * 1e6 / n);
        free(lat);
    } else {
        long threads = n_arg < 1 ? 1 : n_arg > 64 ? 64 : n_arg;
        for (long i = 0; i < threads * 20; i++) call(client);
        pthread_t tids[64];
        struct worker ws[64];
        double c0 = cpu_s(), began = now_s();
        for (long i = 0; i < threads; i++) {
            ws[i] = (struct worker){client, began + secs, 0};
            if (pthread_create(&tids[i], NULL, work, &ws[i]) != 0) return 1;
        }
        long total = 0;
        for (long i = 0; i < threads; i++) {
            pthread_join(tids[i], NULL);
            total += ws[i].calls;
        }
        double wall = now_s() - began, cpu = cpu_s() - c0;
        printf("{\"client\": \"c\", \"op\": \"%s\", \"threads\": %ld, \"calls\": %ld, \"secs\": %.3f, "
               "\"calls_per_s\": %.1f, \"cpu_us\": %.2f}\n",
               op, threads, total, wall, total / wall, cpu * 1e6 / (total ? total : 1));
    }
    ps_client_free(client);
    return 0;
}
