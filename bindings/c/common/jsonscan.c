/* jsonscan: see jsonscan.h. Strict enough to reject malformed text, small enough to read. */
#include "jsonscan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define JS_MAX_DEPTH 128

static const char *ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    return p;
}

const char *js_value(const char *text) {
    return text ? ws(text) : NULL;
}

static int hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (unsigned)(c - 'A' + 10);
        } else {
            return 0;
        }
    }
    *out = v;
    return 1;
}

/* Walks the string at `p` (which is at the opening quote). When `buf` is not NULL the decoded
 * text is written there (at most `size` bytes with the NUL); `*fits` tells whether it fitted.
 * Returns the pointer past the closing quote, or NULL when malformed. */
static const char *walk_string(const char *p, char *buf, size_t size, int *fits) {
    size_t n = 0;
    int ok = 1;
#define PUT(ch)                          \
    do {                                 \
        if (buf && n + 1 < size) {       \
            buf[n] = (char)(ch);         \
        } else {                         \
            ok = 0;                      \
        }                                \
        n++;                             \
    } while (0)
    if (*p != '"') {
        return NULL;
    }
    p++;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '\0' || c < 0x20) {
            return NULL;
        }
        if (c == '"') {
            p++;
            break;
        }
        if (c != '\\') {
            PUT(c);
            p++;
            continue;
        }
        p++;
        switch (*p) {
        case '"': PUT('"'); break;
        case '\\': PUT('\\'); break;
        case '/': PUT('/'); break;
        case 'b': PUT('\b'); break;
        case 'f': PUT('\f'); break;
        case 'n': PUT('\n'); break;
        case 'r': PUT('\r'); break;
        case 't': PUT('\t'); break;
        case 'u': {
            unsigned cp;
            if (!hex4(p + 1, &cp)) {
                return NULL;
            }
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (p[1] != '\\' || p[2] != 'u' || !hex4(p + 3, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return NULL;
            }
            if (cp < 0x80) {
                PUT(cp);
            } else if (cp < 0x800) {
                PUT(0xC0 | (cp >> 6));
                PUT(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                PUT(0xE0 | (cp >> 12));
                PUT(0x80 | ((cp >> 6) & 0x3F));
                PUT(0x80 | (cp & 0x3F));
            } else {
                PUT(0xF0 | (cp >> 18));
                PUT(0x80 | ((cp >> 12) & 0x3F));
                PUT(0x80 | ((cp >> 6) & 0x3F));
                PUT(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            return NULL;
        }
        p++;
    }
#undef PUT
    if (buf && size > 0) {
        buf[n < size ? n : size - 1] = '\0';
    }
    if (fits) {
        *fits = ok && buf != NULL;
    }
    return p;
}

static const char *skip_number(const char *p) {
    if (*p == '-') {
        p++;
    }
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    } else {
        return NULL;
    }
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) {
            return NULL;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') {
            p++;
        }
        if (!(*p >= '0' && *p <= '9')) {
            return NULL;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    return p;
}

static const char *skip_depth(const char *v, int depth) {
    if (!v || depth > JS_MAX_DEPTH) {
        return NULL;
    }
    const char *p = v;
    switch (*p) {
    case '"':
        return walk_string(p, NULL, 0, NULL);
    case 'n':
        return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    case 't':
        return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
        return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case '{':
    case '[': {
        char close = *p == '{' ? '}' : ']';
        int object = *p == '{';
        p = ws(p + 1);
        if (*p == close) {
            return p + 1;
        }
        for (;;) {
            if (object) {
                p = walk_string(p, NULL, 0, NULL);
                if (!p) {
                    return NULL;
                }
                p = ws(p);
                if (*p != ':') {
                    return NULL;
                }
                p = ws(p + 1);
            }
            p = skip_depth(p, depth + 1);
            if (!p) {
                return NULL;
            }
            p = ws(p);
            if (*p == ',') {
                p = ws(p + 1);
                continue;
            }
            return *p == close ? p + 1 : NULL;
        }
    }
    default:
        return skip_number(p);
    }
}

const char *js_skip(const char *v) {
    return skip_depth(v, 0);
}

char js_kind(const char *v) {
    if (!v) {
        return 0;
    }
    switch (*v) {
    case '{':
    case '[':
    case '"':
    case 'n':
    case 't':
    case 'f':
        return *v;
    default:
        return (*v == '-' || (*v >= '0' && *v <= '9')) ? '0' : 0;
    }
}

/* Calls `visit` on each member (object) or element (array) of `v` until it returns non-zero.
 * Returns the value for which `visit` returned non-zero, or NULL. */
typedef int (*js_visit)(const char *key_start, size_t index, const char *value, void *ctx);

static const char *each(const char *v, js_visit visit, void *ctx, long *count) {
    if (count) {
        *count = -1;
    }
    if (!v || (*v != '{' && *v != '[')) {
        return NULL;
    }
    int object = *v == '{';
    char close = object ? '}' : ']';
    const char *p = ws(v + 1);
    size_t index = 0;
    if (*p == close) {
        if (count) {
            *count = 0;
        }
        return NULL;
    }
    for (;;) {
        const char *key = NULL;
        if (object) {
            key = p;
            p = walk_string(p, NULL, 0, NULL);
            if (!p) {
                return NULL;
            }
            p = ws(p);
            if (*p != ':') {
                return NULL;
            }
            p = ws(p + 1);
        }
        if (visit && visit(key, index, p, ctx)) {
            return p;
        }
        p = js_skip(p);
        if (!p) {
            return NULL;
        }
        index++;
        p = ws(p);
        if (*p == ',') {
            p = ws(p + 1);
            continue;
        }
        if (*p != close) {
            return NULL;
        }
        if (count) {
            *count = (long)index;
        }
        return NULL;
    }
}

static int key_matches(const char *key_start, size_t index, const char *value, void *ctx) {
    (void)index;
    (void)value;
    char buf[256];
    int fits = 0;
    if (!key_start || !walk_string(key_start, buf, sizeof buf, &fits) || !fits) {
        return 0;
    }
    return strcmp(buf, *(const char **)ctx) == 0;
}

static int index_matches(const char *key_start, size_t index, const char *value, void *ctx) {
    (void)key_start;
    (void)value;
    return index == *(size_t *)ctx;
}

const char *js_get(const char *v, const char *key) {
    if (!v || *v != '{' || !key) {
        return NULL;
    }
    return each(v, key_matches, &key, NULL);
}

const char *js_at(const char *v, size_t index) {
    if (!v || *v != '[') {
        return NULL;
    }
    return each(v, index_matches, &index, NULL);
}

struct entry_ctx {
    size_t index;
    const char *key_start;
};

static int entry_matches(const char *key_start, size_t index, const char *value, void *ctx) {
    (void)value;
    struct entry_ctx *e = ctx;
    if (index != e->index) {
        return 0;
    }
    e->key_start = key_start;
    return 1;
}

const char *js_entry(const char *v, size_t index, char *key, size_t key_size) {
    struct entry_ctx e = {index, NULL};
    if (!key || key_size == 0) {
        return NULL;
    }
    const char *value = each(v, entry_matches, &e, NULL);
    if (!value) {
        return NULL;
    }
    key[0] = '\0';
    if (e.key_start && !js_str(e.key_start, key, key_size)) {
        return NULL;
    }
    return value;
}

long js_len(const char *v) {
    long count = -1;
    each(v, NULL, NULL, &count);
    return count;
}

const char *js_path(const char *text, const char *path) {
    const char *v = js_value(text);
    if (!v || !path) {
        return NULL;
    }
    while (*path && v) {
        char seg[256];
        size_t n = strcspn(path, ".");
        if (n >= sizeof seg) {
            return NULL;
        }
        memcpy(seg, path, n);
        seg[n] = '\0';
        path += n;
        if (*path == '.') {
            path++;
        }
        if (*v == '[') {
            char *end;
            errno = 0;
            unsigned long i = strtoul(seg, &end, 10);
            if (errno || end == seg || *end) {
                return NULL;
            }
            v = js_at(v, (size_t)i);
        } else {
            v = js_get(v, seg);
        }
    }
    return v;
}

int js_str(const char *v, char *buf, size_t size) {
    int fits = 0;
    if (!v || *v != '"' || !buf || size == 0) {
        return 0;
    }
    return walk_string(v, buf, size, &fits) != NULL && fits;
}

int js_int(const char *v, long long *out) {
    if (js_kind(v) != '0') {
        return 0;
    }
    const char *end = skip_number(v);
    if (!end) {
        return 0;
    }
    for (const char *p = v; p < end; p++) {
        if (*p == '.' || *p == 'e' || *p == 'E') {
            return 0;
        }
    }
    char *stop;
    errno = 0;
    long long value = strtoll(v, &stop, 10);
    if (errno || stop != end) {
        return 0;
    }
    *out = value;
    return 1;
}

int js_bool(const char *v, int *out) {
    if (v && strncmp(v, "true", 4) == 0) {
        *out = 1;
        return 1;
    }
    if (v && strncmp(v, "false", 5) == 0) {
        *out = 0;
        return 1;
    }
    return 0;
}

int js_is_null(const char *v) {
    return v && strncmp(v, "null", 4) == 0;
}

int js_path_str(const char *text, const char *path, char *buf, size_t size) {
    return js_str(js_path(text, path), buf, size);
}

int js_path_int(const char *text, const char *path, long long *out) {
    return js_int(js_path(text, path), out);
}
