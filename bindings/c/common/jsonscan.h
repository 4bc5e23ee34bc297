/*
 * jsonscan: a tiny read-only JSON scanner used by the C example and tests.
 *
 * It never allocates and never modifies its input: every function takes a pointer to the start
 * of a JSON value inside a NUL-terminated document and returns a pointer into the same text.
 * It is enough to read the library's results and error objects (find a key, index an array,
 * decode a string or an integer); it is not a general JSON library. Applications are free to use
 * any JSON parser they like instead.
 */
#ifndef PS_JSONSCAN_H
#define PS_JSONSCAN_H

#include <stddef.h>

/* The value at the start of `text` (leading whitespace skipped), or NULL when `text` is NULL. */
const char *js_value(const char *text);

/* The pointer just past the value starting at `v`, or NULL when the value is malformed. */
const char *js_skip(const char *v);

/* The kind of the value at `v`: '{', '[', '"', 'n' (null), 't' / 'f' (booleans), '0' (number),
 * or 0 when `v` is NULL or not the start of a value. */
char js_kind(const char *v);

/* The member `key` of the object at `v`, or NULL (not an object, or no such key). */
const char *js_get(const char *v, const char *key);

/* Element `index` of the array at `v`, or NULL. */
const char *js_at(const char *v, size_t index);

/* Member `index` of the object at `v` (its key decoded into `key`), or element `index` of the
 * array at `v` (`key` set to ""). NULL when there is no such entry or the key does not fit. */
const char *js_entry(const char *v, size_t index, char *key, size_t key_size);

/* The number of elements of the array at `v` (or members of the object), or -1. */
long js_len(const char *v);

/* A dotted path from `text`: "details.size", "0.id", "events.0.state" (numeric segments index
 * arrays). NULL when any step is missing. */
const char *js_path(const char *text, const char *path);

/* Decodes the string at `v` (escapes included, \u as UTF-8) into `buf` of `size` bytes.
 * Returns 1 on success, 0 when `v` is not a string or it does not fit. */
int js_str(const char *v, char *buf, size_t size);

/* Reads the integer at `v`. Returns 1 on success, 0 when `v` is not an integer. */
int js_int(const char *v, long long *out);

/* Reads the boolean at `v`. Returns 1 on success, 0 when `v` is not a boolean. */
int js_bool(const char *v, int *out);

/* 1 when `v` is the literal null. */
int js_is_null(const char *v);

/* Shorthands: js_str / js_int on js_path(text, path). */
int js_path_str(const char *text, const char *path, char *buf, size_t size);
int js_path_int(const char *text, const char *path, long long *out);

#endif /* PS_JSONSCAN_H */
