/* The test harness: counters, JSON checks, clients, and the emulator's control endpoints. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int t_passed = 0;
int t_failed = 0;
int t_skipped = 0;

void t_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    t_failed++;
    fprintf(stderr, "%s:%d: FAILED: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void t_skip(const char *what, const char *why) {
    t_skipped++;
    printf("  note: skipped %s: %s\n", what, why);
}

void t_section(const char *name) {
    printf("-- %s\n", name);
    fflush(stdout);
}

void t_check_jstr(const char *file, int line, const char *json, const char *path, const char *expected) {
    static char buf[8192];
    if (json && js_path_str(json, path, buf, sizeof buf) && strcmp(buf, expected) == 0) {
        t_passed++;
        return;
    }
    const char *v = js_path(json, path);
    const char *end = js_skip(v);
    int n = (v && end) ? (int)(end - v) : 0;
    if (n > 300) {
        n = 300;
    }
    t_fail(file, line, "%s is %.*s, expected \"%s\" (in %.400s)", path, n, v ? v : "(missing)",
           expected, json ? json : "(null)");
}

void t_check_jint(const char *file, int line, const char *json, const char *path, long long expected) {
    long long value;
    if (json && js_path_int(json, path, &value) && value == expected) {
        t_passed++;
        return;
    }
    const char *v = js_path(json, path);
    const char *end = js_skip(v);
    int n = (v && end) ? (int)(end - v) : 0;
    if (n > 300) {
        n = 300;
    }
    t_fail(file, line, "%s is %.*s, expected %lld (in %.400s)", path, n, v ? v : "(missing)",
           expected, json ? json : "(null)");
}

void t_check_jnull(const char *file, int line, const char *json, const char *path) {
    if (json && js_is_null(js_path(json, path))) {
        t_passed++;
        return;
    }
    t_fail(file, line, "%s is not null (in %.400s)", path, json ? json : "(null)");
}

int t_check_status(const char *file, int line, ps_status status, ps_status expected, const char *json) {
    if (status == expected && json != NULL) {
        t_passed++;
        return 1;
    }
    t_fail(file, line, "status %d (%s), expected %d (%s); out: %.600s", (int)status,
           ps_status_name(status), (int)expected, ps_status_name(expected), json ? json : "(null)");
    return 0;
}

int t_check_error(const char *file, int line, ps_status status, ps_status expected, const char *json,
                  const char *operation) {
    if (!t_check_status(file, line, status, expected, json)) {
        return 0;
    }
    int before = t_failed;
    t_check_jint(file, line, json, "code", (long long)expected);
    t_check_jstr(file, line, json, "kind", ps_status_name(expected));
    t_check_jstr(file, line, json, "version", PS_VERSION);
    if (operation) {
        t_check_jstr(file, line, json, "operation", operation);
    }
    const char *m = js_path(json, "message");
    if (js_kind(m) == '"' && m[1] != '"') {
        t_passed++; /* a non-empty message */
    } else {
        t_fail(file, line, "the error has no message: %.400s", json);
    }
    return t_failed == before;
}

const char *emu_url(void) {
    const char *url = getenv("PAPERSPACE_API_HOST");
    return (url && *url) ? url : NULL;
}

void json_quote(char *out, size_t size, const char *s) {
    size_t n = 0;
    if (size < 3) {
        if (size) {
            out[0] = '\0';
        }
        return;
    }
    out[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 8 < size; p++) {
        if (*p == '"' || *p == '\\') {
            out[n++] = '\\';
            out[n++] = (char)*p;
        } else if (*p < 0x20) {
            n += (size_t)snprintf(out + n, size - n, "\\u%04x", *p);
        } else {
            out[n++] = (char)*p;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
}

ps_client *make_client(const char *api_key, const char *extra) {
    char key[256], url[512], config[2048];
    const char *base = emu_url();
    json_quote(key, sizeof key, api_key);
    json_quote(url, sizeof url, base ? base : "");
    snprintf(config, sizeof config, "{\"apiKey\":%s,\"baseUrl\":%s%s}", key, url, extra ? extra : "");
    ps_client *client = NULL;
    char *error = NULL;
    ps_status status = ps_client_new(config, &client, &error);
    if (status != PS_STATUS_OK || !client) {
        t_fail(__FILE__, __LINE__, "ps_client_new(%s) = %d: %s", config, (int)status,
               error ? error : "(null)");
    }
    ps_string_free(error);
    return client;
}

long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- a minimal HTTP/1.1 client for the emulator's control endpoints --- */

static int parse_url(const char *url, char *host, size_t host_size, char *port, size_t port_size) {
    const char *p = url;
    if (strncmp(p, "http://", 7) != 0) {
        return 0;
    }
    p += 7;
    const char *colon = strrchr(p, ':');
    if (!colon) {
        return 0;
    }
    size_t hn = (size_t)(colon - p);
    size_t pn = strcspn(colon + 1, "/");
    if (hn == 0 || hn >= host_size || pn == 0 || pn >= port_size) {
        return 0;
    }
    memcpy(host, p, hn);
    host[hn] = '\0';
    memcpy(port, colon + 1, pn);
    port[pn] = '\0';
    return 1;
}

static int send_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return 0;
        }
        data += n;
        len -= (size_t)n;
    }
    return 1;
}

int http_request(const char *url, const char *method, const char *path, const char *body, char *out,
                 size_t out_size) {
    char host[256], port[16];
    if (out && out_size) {
        out[0] = '\0';
    }
    if (!url || !parse_url(url, host, sizeof host, port, sizeof port)) {
        return -1;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res) {
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd < 0) {
        freeaddrinfo(res);
        return -1;
    }
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int connected = connect(fd, res->ai_addr, res->ai_addrlen) == 0;
    freeaddrinfo(res);
    if (!connected) {
        close(fd);
        return -1;
    }
    size_t body_len = body ? strlen(body) : 0;
    char head[1024];
    int hn = snprintf(head, sizeof head,
                      "%s %s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      method, path, host, port, body_len);
    if (hn < 0 || (size_t)hn >= sizeof head || !send_all(fd, head, (size_t)hn) ||
        (body_len && !send_all(fd, body, body_len))) {
        close(fd);
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return -1;
    }
    long long content_length = -1;
    char *body_start = NULL;
    for (;;) {
        if (len == cap) {
            if (cap >= (1u << 24)) {
                break;
            }
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        len += (size_t)n;
        buf[len] = '\0';
        if (!body_start) {
            char *end = strstr(buf, "\r\n\r\n");
            if (end) {
                body_start = end + 4;
                for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
                    if (strncasecmp(line + 2, "Content-Length:", 15) == 0) {
                        content_length = strtoll(line + 17, NULL, 10);
                    }
                }
            }
        }
        if (body_start && content_length >= 0 &&
            (long long)(len - (size_t)(body_start - buf)) >= content_length) {
            break;
        }
    }
    close(fd);
    buf[len] = '\0';
    int status = -1;
    if (strncmp(buf, "HTTP/1.", 7) == 0 && len > 12) {
        status = atoi(buf + 9);
    }
    if (out && out_size && body_start) {
        snprintf(out, out_size, "%s", body_start);
    }
    free(buf);
    return status;
}

int emu_fault(const char *fault_json) {
    char answer[1024];
    int status = http_request(emu_url(), "POST", "/__emulator/faults", fault_json, answer, sizeof answer);
    if (status < 200 || status > 299) {
        t_fail(__FILE__, __LINE__, "adding the fault %s: HTTP %d %s", fault_json, status, answer);
        return 0;
    }
    return 1;
}

void emu_clear_faults(void) {
    http_request(emu_url(), "DELETE", "/__emulator/faults", NULL, NULL, 0);
}

long long emu_request_count(void) {
    static char stats[65536];
    if (http_request(emu_url(), "GET", "/__emulator/stats", NULL, stats, sizeof stats) != 200) {
        return -1;
    }
    const char *requests = js_path(stats, "requests");
    long long total = 0, value;
    if (js_int(requests, &value)) {
        return value; /* a plain total */
    }
    if (js_kind(requests) != '{') {
        return -1;
    }
    char key[512];
    for (size_t i = 0;; i++) {
        const char *v = js_entry(requests, i, key, sizeof key);
        if (!v) {
            break;
        }
        if (js_int(v, &value)) {
            total += value;
        }
    }
    return total;
}

/* --- a second emulator, for scenarios --- */

static int spawned_fd = -1;

long emu_spawn(const char *scenario_path, char *url, size_t url_size) {
    const char *emulator = getenv("PAPERSPACE_EMULATOR");
    url[0] = '\0';
    if (!emulator || !*emulator) {
        return -1;
    }
    int fds[2];
    if (pipe(fds) != 0) {
        return -1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    char *argv[] = {(char *)emulator, "--listen", "127.0.0.1:0", "--quiet", "--scenario",
                    (char *)scenario_path, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, emulator, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return -1;
    }
    char line[512];
    size_t len = 0;
    long long deadline = now_ms() + 20000;
    while (len + 1 < sizeof line && !memchr(line, '\n', len)) {
        struct pollfd p = {fds[0], POLLIN, 0};
        long long left = deadline - now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
            break;
        }
        ssize_t n = read(fds[0], line + len, sizeof line - 1 - len);
        if (n <= 0) {
            break;
        }
        len += (size_t)n;
    }
    line[len] = '\0';
    if (!js_path_str(line, "url", url, url_size)) {
        close(fds[0]);
        emu_stop(pid);
        url[0] = '\0';
        return -1;
    }
    spawned_fd = fds[0];
    return (long)pid;
}

void emu_stop(long pid) {
    if (pid > 0) {
        kill((pid_t)pid, SIGTERM);
        int status;
        for (int i = 0; i < 100; i++) {
            if (waitpid((pid_t)pid, &status, WNOHANG) == (pid_t)pid) {
                pid = -1;
                break;
            }
            struct timespec ts = {0, 50 * 1000000L};
            nanosleep(&ts, NULL);
        }
        if (pid > 0) {
            kill((pid_t)pid, SIGKILL);
            waitpid((pid_t)pid, &status, 0);
        }
    }
    if (spawned_fd >= 0) {
        close(spawned_fd);
        spawned_fd = -1;
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!emu_url()) {
        fprintf(stderr, "PAPERSPACE_API_HOST is not set: run the tests through with-emulator.sh\n");
        return 2;
    }
    printf("paperspace C ABI tests (library %s) against %s\n", ps_version(), emu_url());
    test_static();
    test_arguments();
    test_config();
    test_operations();
    test_table();
    test_failures();
    test_threads();
    if (t_skipped) {
        printf("%d passed, %d failed, %d skipped\n", t_passed, t_failed, t_skipped);
    } else {
        printf("%d passed, %d failed\n", t_passed, t_failed);
    }
    return t_failed ? 1 : 0;
}
