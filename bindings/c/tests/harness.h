/*
 * A tiny test harness for the C ABI tests: CHECK macros that count and print file:line on
 * failure, helpers to make clients, inspect error JSON and drive the emulator's control
 * endpoints (faults, stats) over a plain socket.
 */
#ifndef PS_TEST_HARNESS_H
#define PS_TEST_HARNESS_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "jsonscan.h"
#include "paperspace.h"

extern int t_passed;
extern int t_failed;
extern int t_skipped;

void t_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define CHECK(cond)                                               \
    do {                                                          \
        if (cond) {                                               \
            t_passed++;                                           \
        } else {                                                  \
            t_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);       \
        }                                                         \
    } while (0)

#define CHECK_INT(actual, expected)                                                       \
    do {                                                                                  \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                   \
        if (a_ == e_) {                                                                   \
            t_passed++;                                                                   \
        } else {                                                                          \
            t_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #actual, a_, e_);     \
        }                                                                                 \
    } while (0)

#define CHECK_STR(actual, expected)                                                       \
    do {                                                                                  \
        const char *a_ = (actual), *e_ = (expected);                                      \
        if (a_ && e_ && strcmp(a_, e_) == 0) {                                            \
            t_passed++;                                                                   \
        } else {                                                                          \
            t_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #actual,          \
                   a_ ? a_ : "(null)", e_ ? e_ : "(null)");                               \
        }                                                                                 \
    } while (0)

/* A JSON path of `json` holds the string `expected`. */
#define CHECK_JSTR(json, path, expected) t_check_jstr(__FILE__, __LINE__, (json), (path), (expected))
/* A JSON path of `json` holds the integer `expected`. */
#define CHECK_JINT(json, path, expected) t_check_jint(__FILE__, __LINE__, (json), (path), (expected))
/* A JSON path of `json` is null. */
#define CHECK_JNULL(json, path) t_check_jnull(__FILE__, __LINE__, (json), (path))
/* A status and its out string: `status == expected`; on failure the JSON is printed. */
#define CHECK_STATUS(status, expected, json) \
    t_check_status(__FILE__, __LINE__, (status), (expected), (json))
/* A failed call's error JSON: status, code, kind, operation, version all as the contract says. */
#define CHECK_ERROR(status, expected, json, operation) \
    t_check_error(__FILE__, __LINE__, (status), (expected), (json), (operation))

void t_check_jstr(const char *file, int line, const char *json, const char *path, const char *expected);
void t_check_jint(const char *file, int line, const char *json, const char *path, long long expected);
void t_check_jnull(const char *file, int line, const char *json, const char *path);
int t_check_status(const char *file, int line, ps_status status, ps_status expected, const char *json);
int t_check_error(const char *file, int line, ps_status status, ps_status expected, const char *json,
                  const char *operation);

void t_skip(const char *what, const char *why);
void t_section(const char *name);

/* The emulator's URL (PAPERSPACE_API_HOST), or NULL. */
const char *emu_url(void);

/* A client for the emulator with `api_key` plus extra config members (`extra` is "" or starts
 * with a comma, e.g. ",\"maxRetries\":0"). Fails the test (and returns NULL) on error. */
ps_client *make_client(const char *api_key, const char *extra);
#define ADMIN_KEY "emulator-admin-key"
#define MEMBER_KEY "emulator-member-key"

/* Sends one request to `url` (an http://host:port base) and reads the answer. Returns the HTTP
 * status, or -1 on failure. `body` may be NULL; the response body goes into `out` (may be NULL). */
int http_request(const char *url, const char *method, const char *path, const char *body, char *out,
                 size_t out_size);

/* Adds emulator faults (a fault object or an array, JSON). Returns 1 on success. */
int emu_fault(const char *fault_json);
/* Clears pending faults. */
void emu_clear_faults(void);
/* The total number of API requests the emulator counted, or -1. */
long long emu_request_count(void);

/* Starts another emulator (path in env PAPERSPACE_EMULATOR) with a scenario file; returns its
 * pid (or -1) and writes its URL into `url`. */
long emu_spawn(const char *scenario_path, char *url, size_t url_size);
void emu_stop(long pid);

/* Builds a JSON string literal of `s` into `out` (quotes included). */
void json_quote(char *out, size_t size, const char *s);

/* Monotonic milliseconds. */
long long now_ms(void);

/* A ready machine left by test_operations for later tests ("" when there is none). */
extern char g_machine_id[64];

/* The test groups, each in its own file. */
void test_static(void);
void test_arguments(void);
void test_config(void);
void test_operations(void);
void test_table(void);
void test_failures(void);
void test_threads(void);

#endif /* PS_TEST_HARNESS_H */
