/**
 * @file paperspace.hpp
 * @brief C++17 API of paperspace, header-only, over the C ABI of paperspace.h.
 *
 * - paperspace::Client owns a ps_client: move-only, freed by its destructor, and, like the C
 *   client, usable from many threads at once through const methods. Moving or destroying it
 *   while a call is in flight is the caller's error, as freeing a ps_client is.
 * - One method per operation (`client.machines_show(...)`), and call() for any operation by
 *   name, all over ps_call. Each takes the parameters as JSON text (anything convertible to
 *   std::string_view; empty means `{}`) and an optional paperspace::Cancel, and returns the
 *   result JSON text as std::string. When <nlohmann/json.hpp> is available (and
 *   PAPERSPACE_NO_NLOHMANN_JSON is not defined), each also takes and returns nlohmann::json.
 *   A failure throws paperspace::Error.
 * - paperspace::Cancel wraps ps_cancel: trigger it from any thread, or give it a deadline, to
 *   end the calls observing it. It must outlive those calls.
 * - No exception escapes a destructor.
 *
 * Link with the paperspace library (CMake: paperspace::cpp or paperspace::cpp_static).
 */
#ifndef PAPERSPACE_HPP
#define PAPERSPACE_HPP

#if defined(_MSVC_LANG)
#define PAPERSPACE_CPLUSPLUS _MSVC_LANG
#else
#define PAPERSPACE_CPLUSPLUS __cplusplus
#endif
#if PAPERSPACE_CPLUSPLUS < 201703L
#error "paperspace.hpp needs C++17 or newer (paperspace.h alone works from C++11)"
#endif

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "paperspace.h"

#if !defined(PAPERSPACE_NO_NLOHMANN_JSON) && defined(__has_include)
#if __has_include(<nlohmann/json.hpp>)
#include <nlohmann/json.hpp>
#define PAPERSPACE_HAS_NLOHMANN_JSON 1
#endif
#endif

namespace paperspace {

/** The C ABI's status codes (docs/ABI.md). Append-only, like PS_STATUS_*. */
enum class Status : std::int32_t {
    ok = PS_STATUS_OK,
    invalid_argument = PS_STATUS_INVALID_ARGUMENT,
    validation = PS_STATUS_VALIDATION,
    config = PS_STATUS_CONFIG,
    transport = PS_STATUS_TRANSPORT,
    timeout = PS_STATUS_TIMEOUT,
    api = PS_STATUS_API,
    decode = PS_STATUS_DECODE,
    cancelled = PS_STATUS_CANCELLED,
    machine_error = PS_STATUS_MACHINE_ERROR,
    internal = PS_STATUS_INTERNAL,
    panic = PS_STATUS_PANIC,
};

/** The snake_case name of a status ("validation", ...), as the error JSON's `kind`. */
inline const char *status_name(Status status) noexcept {
    return ps_status_name(static_cast<std::int32_t>(status));
}

/** The library's version at run time, e.g. "0.1.0"; PS_VERSION is the header's. */
inline const char *version() noexcept { return ps_version(); }

/** Every operation described as JSON (ps_operations(): name, method, path, safeToRetry, params,
 *  result); static text. */
inline std::string_view operations() noexcept { return ps_operations(); }

namespace detail {

/** Reads the flat error JSON the library returns. Never throws on bad text: a field it cannot
 *  read is left as it was. Values are not nested deeper than the text itself, and the scan
 *  keeps no stack, so any input is safe. */
class JsonScanner {
  public:
    explicit JsonScanner(std::string_view text) noexcept : text_(text) {}

    /** Calls `field(key, scanner)` for each member of the top-level object, with the scanner
     *  at the member's value; `field` must consume the value (or call skip_value). Returns false
     *  when the text is not an object or is malformed. */
    template <class Field> bool each_member(Field &&field) {
        skip_space();
        if (!eat('{')) {
            return false;
        }
        skip_space();
        if (eat('}')) {
            return true;
        }
        for (;;) {
            std::string key;
            skip_space();
            if (!read_string(&key)) {
                return false;
            }
            skip_space();
            if (!eat(':')) {
                return false;
            }
            skip_space();
            if (!field(key, *this)) {
                return false;
            }
            skip_space();
            if (eat('}')) {
                return true;
            }
            if (!eat(',')) {
                return false;
            }
        }
    }

    /** Skips one value; `raw` (when not null) receives its text. */
    bool skip_value(std::string_view *raw = nullptr) {
        std::size_t start = pos_;
        if (at_end()) {
            return false;
        }
        char c = text_[pos_];
        if (c == '"') {
            if (!read_string(nullptr)) {
                return false;
            }
        } else if (c == '{' || c == '[') {
            // Brackets are counted, not checked for pairing: the library's JSON is well formed,
            // and a stray bracket in bad text only ends the value early or late.
            std::size_t depth = 0;
            do {
                if (at_end()) {
                    return false;
                }
                c = text_[pos_];
                if (c == '"') {
                    if (!read_string(nullptr)) {
                        return false;
                    }
                    continue;
                }
                if (c == '{' || c == '[') {
                    ++depth;
                } else if (c == '}' || c == ']') {
                    --depth;
                }
                ++pos_;
            } while (depth > 0);
        } else {
            while (!at_end() && std::string_view("-+.0123456789eEtrufalsn").find(text_[pos_]) !=
                                    std::string_view::npos) {
                ++pos_;
            }
            if (pos_ == start) {
                return false;
            }
        }
        if (raw) {
            *raw = text_.substr(start, pos_ - start);
        }
        return true;
    }

    /** Reads a string value into `out` (UTF-8, escapes decoded); null leaves `out` alone.
     *  Anything else is skipped. */
    bool read_optional_string(std::string *out) {
        if (!at_end() && text_[pos_] == '"') {
            return read_string(out);
        }
        return skip_value();
    }

    /** Reads an integer value into `out`; null or another type leaves `out` empty. */
    bool read_optional_int(std::optional<long long> *out) {
        std::string_view raw;
        if (!skip_value(&raw)) {
            return false;
        }
        long long value = 0;
        bool negative = !raw.empty() && raw[0] == '-';
        std::size_t digits = negative ? 1 : 0;
        if (digits >= raw.size() || raw.size() - digits > 15) {
            return true;
        }
        for (std::size_t i = digits; i < raw.size(); ++i) {
            if (raw[i] < '0' || raw[i] > '9') {
                return true;
            }
            value = value * 10 + (raw[i] - '0');
        }
        *out = negative ? -value : value;
        return true;
    }

  private:
    bool at_end() const noexcept { return pos_ >= text_.size(); }

    bool eat(char c) noexcept {
        if (!at_end() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    void skip_space() noexcept {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                             text_[pos_] == '\r')) {
            ++pos_;
        }
    }

    bool hex4(unsigned *out) noexcept {
        if (text_.size() - pos_ < 4) {
            return false;
        }
        unsigned value = 0;
        for (int i = 0; i < 4; ++i) {
            char c = text_[pos_++];
            value <<= 4;
            if (c >= '0' && c <= '9') {
                value |= static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                value |= static_cast<unsigned>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                value |= static_cast<unsigned>(c - 'A' + 10);
            } else {
                return false;
            }
        }
        *out = value;
        return true;
    }

    static void put_utf8(std::string *out, unsigned cp) {
        if (cp < 0x80) {
            out->push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    /** Reads a string at the cursor; `out` (when not null) receives it decoded. A lone
     *  surrogate escape becomes U+FFFD. */
    bool read_string(std::string *out) {
        if (!eat('"')) {
            return false;
        }
        std::string decoded;
        while (!at_end()) {
            char c = text_[pos_++];
            if (c == '"') {
                if (out) {
                    *out = std::move(decoded);
                }
                return true;
            }
            if (c != '\\') {
                decoded.push_back(c);
                continue;
            }
            if (at_end()) {
                return false;
            }
            char e = text_[pos_++];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                decoded.push_back(e);
                break;
            case 'b':
                decoded.push_back('\b');
                break;
            case 'f':
                decoded.push_back('\f');
                break;
            case 'n':
                decoded.push_back('\n');
                break;
            case 'r':
                decoded.push_back('\r');
                break;
            case 't':
                decoded.push_back('\t');
                break;
            case 'u': {
                unsigned cp = 0;
                if (!hex4(&cp)) {
                    return false;
                }
                if (cp >= 0xD800 && cp < 0xDC00) {
                    unsigned low = 0;
                    std::size_t mark = pos_;
                    if (eat('\\') && eat('u') && hex4(&low) && low >= 0xDC00 && low < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else {
                        pos_ = mark;
                        cp = 0xFFFD;
                    }
                } else if (cp >= 0xDC00 && cp < 0xE000) {
                    cp = 0xFFFD;
                }
                put_utf8(&decoded, cp);
                break;
            }
            default:
                return false;
            }
        }
        return false;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

/** `text` as a JSON string literal (quotes, backslashes and control characters escaped). */
inline std::string json_quote(std::string_view text) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (byte < 0x20) {
            out += "\\u00";
            out.push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0xF]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}

/** Owns a string the library returned; frees it with ps_string_free. */
class LibString {
  public:
    LibString() noexcept = default;
    LibString(const LibString &) = delete;
    LibString &operator=(const LibString &) = delete;
    ~LibString() { ps_string_free(ptr_); }
    char **out() noexcept { return &ptr_; }
    std::string str() const { return ptr_ ? std::string(ptr_) : std::string(); }

  private:
    char *ptr_ = nullptr;
};

/** True for nlohmann's JSON types (detected by shape, so no nlohmann header is needed). */
template <class T, class = void> struct is_json_value : std::false_type {};
template <class T>
struct is_json_value<T, std::void_t<typename T::value_t, typename T::object_t, typename T::array_t>>
    : std::true_type {};

/** Parameters given as text: what converts to std::string_view, except JSON values (which
 *  nlohmann lets convert implicitly). */
template <class T>
constexpr bool is_text_v = std::is_convertible_v<const T &, std::string_view> &&
                           !is_json_value<std::decay_t<T>>::value;
template <class T> using if_text = std::enable_if_t<is_text_v<T>, int>;

} // namespace detail

/**
 * A failed call: the status, and the error JSON's fields (docs/ABI.md, "Error JSON"). what() is
 * the error's `message`. Copying never throws (the fields are shared).
 */
class Error : public std::runtime_error {
  public:
    /** From a status and the error JSON the library returned with it. */
    Error(Status status, std::string error_json)
        : Error(status, parse(status, std::move(error_json))) {}

    Status status() const noexcept { return status_; }
    /** The status's name ("validation", "api", ...): the error JSON's `kind`. */
    const char *kind() const noexcept { return status_name(status_); }
    /** The error JSON's `httpStatus`: the server's status for `api` errors; empty when null. */
    std::optional<int> http_status() const noexcept { return fields_->http_status; }
    /** The operation that failed ("machines_create", ..., "client_new" for the client). */
    const std::string &operation() const noexcept { return fields_->operation; }
    /** The error JSON's `details` as JSON text ("null" when there are none). */
    const std::string &details() const noexcept { return fields_->details; }
    /** The whole error JSON, as the library returned it. */
    const std::string &json() const noexcept { return fields_->json; }
#if defined(PAPERSPACE_HAS_NLOHMANN_JSON)
    /** details() parsed. */
    nlohmann::json details_json() const { return nlohmann::json::parse(fields_->details); }
#endif

  private:
    struct Fields {
        std::string message;
        std::string operation;
        std::string details = "null";
        std::optional<int> http_status;
        std::string json;
    };

    Error(Status status, std::shared_ptr<const Fields> fields)
        : std::runtime_error(fields->message), status_(status), fields_(std::move(fields)) {}

    static std::shared_ptr<const Fields> parse(Status status, std::string error_json) {
        auto fields = std::make_shared<Fields>();
        detail::JsonScanner scanner(error_json);
        bool ok = scanner.each_member([&](const std::string &key, detail::JsonScanner &value) {
            if (key == "message") {
                return value.read_optional_string(&fields->message);
            }
            if (key == "operation") {
                return value.read_optional_string(&fields->operation);
            }
            if (key == "httpStatus") {
                std::optional<long long> http;
                bool read = value.read_optional_int(&http);
                if (http && *http >= 0 && *http <= 999) {
                    fields->http_status = static_cast<int>(*http);
                }
                return read;
            }
            if (key == "details") {
                std::string_view raw;
                bool read = value.skip_value(&raw);
                if (read) {
                    fields->details = std::string(raw);
                }
                return read;
            }
            return value.skip_value();
        });
        if (!ok || fields->message.empty()) {
            // Not the library's error JSON: keep what there is rather than lose it.
            fields->message = std::string(status_name(status)) +
                              (error_json.empty() ? std::string() : ": " + error_json);
        }
        fields->json = std::move(error_json);
        return fields;
    }

    friend class Client;
    /** An error found before calling the library (e.g. a NUL byte in a parameter). */
    static Error local(Status status, std::string_view operation, std::string message) {
        auto fields = std::make_shared<Fields>();
        fields->operation = std::string(operation);
        fields->json = "{\"code\":" + std::to_string(static_cast<int>(status)) +
                       ",\"kind\":" + detail::json_quote(status_name(status)) +
                       ",\"message\":" + detail::json_quote(message) +
                       ",\"operation\":" + detail::json_quote(operation) +
                       ",\"httpStatus\":null,\"details\":null,\"version\":" +
                       detail::json_quote(ps_version()) + "}";
        fields->message = std::move(message);
        return Error(status, std::shared_ptr<const Fields>(std::move(fields)));
    }

    Status status_;
    std::shared_ptr<const Fields> fields_;
};

/**
 * A cancellation token (ps_cancel), like a Go context: trigger() ends every call observing it
 * with Status::cancelled, set_timeout() gives them a deadline (Status::timeout). One token may
 * be given to many calls, on many threads. Move-only; it must outlive the calls given it.
 */
class Cancel {
  public:
    Cancel() : cancel_(ps_cancel_new()) {
        if (!cancel_) {
            throw std::bad_alloc();
        }
    }
    Cancel(const Cancel &) = delete;
    Cancel &operator=(const Cancel &) = delete;
    Cancel(Cancel &&other) noexcept : cancel_(std::exchange(other.cancel_, nullptr)) {}
    Cancel &operator=(Cancel &&other) noexcept {
        if (this != &other) {
            ps_cancel_free(cancel_);
            cancel_ = std::exchange(other.cancel_, nullptr);
        }
        return *this;
    }
    ~Cancel() { ps_cancel_free(cancel_); }

    /** Ends every call observing this token with Status::cancelled: between attempts and
     *  during sleeps at once, an HTTP request in flight within about 50 ms. Thread-safe and
     *  async-signal-safe. */
    void trigger() const noexcept { ps_cancel_trigger(cancel_); }

    /** Sets the token's deadline to `timeout` from now (replacing an earlier one): every call
     *  observing it ends by then with Status::timeout. A timeout of zero or less has passed. */
    void set_timeout(std::chrono::milliseconds timeout) const noexcept {
        ps_cancel_set_timeout(cancel_, timeout.count() > 0
                                           ? static_cast<std::uint64_t>(timeout.count())
                                           : std::uint64_t{0});
    }

    /** The C token, for mixing with the C API; null once moved from. */
    const ps_cancel *get() const noexcept { return cancel_; }

  private:
    ps_cancel *cancel_;
};

/** An API client (ps_client). See the top of this file. */
class Client {
  public:
    /** Creates a client from config JSON (`apiKey`, `baseUrl`, `timeoutMs`, ...; docs/ABI.md);
     *  empty means `{}` (the key and URL come from PAPERSPACE_API_KEY / PAPERSPACE_API_HOST). */
    Client() { create({}); }
    template <class Text, detail::if_text<Text> = 0> explicit Client(const Text &config_json) {
        create(std::string_view(config_json));
    }
#if defined(PAPERSPACE_HAS_NLOHMANN_JSON)
    explicit Client(const nlohmann::json &config) { create(dump(config, "client_new")); }
#endif
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;
    Client(Client &&other) noexcept : client_(std::exchange(other.client_, nullptr)) {}
    Client &operator=(Client &&other) noexcept {
        if (this != &other) {
            ps_client_free(client_);
            client_ = std::exchange(other.client_, nullptr);
        }
        return *this;
    }
    ~Client() { ps_client_free(client_); }

    /** The C client, for mixing with the C API; null once moved from (calls then throw
     *  Status::invalid_argument). */
    const ps_client *get() const noexcept { return client_; }

    /**
     * Runs any operation by name (ps_operations() lists them), observing `cancel` (may be
     * null). Returns the result JSON; throws Error (an unknown name: Status::invalid_argument).
     */
    std::string call(std::string_view operation) const { return invoke(operation, {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string call(std::string_view operation, const T &params,
                     const Cancel *cancel = nullptr) const {
        return invoke(operation, params, cancel);
    }
#if defined(PAPERSPACE_HAS_NLOHMANN_JSON)
    /** call() with nlohmann::json parameters and result. */
    nlohmann::json call(std::string_view operation, const nlohmann::json &params,
                        const Cancel *cancel = nullptr) const {
        return nlohmann::json::parse(invoke(operation, dump(params, operation), cancel));
    }
#endif

    // One method per operation, in the order of ps_operations(). Each observes `cancel` (may be
    // null) like call(); the JSON overloads take and return nlohmann::json. The text overloads
    // are templates with nothing to deduce from a braced list, so `{{"os", "..."}}` always
    // means JSON (and can never become a std::string_view built from two pointers).
    // clang-format off
    /** Lists templates (exact-match filters `id`, `name`, `label`, `os`, ...). Result: an array. */
    std::string templates_list() const { return invoke("templates_list", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string templates_list(const T &params, const Cancel *cancel = nullptr) const { return invoke("templates_list", params, cancel); }
    /** Creates a machine; never sent twice. Result: the machine. */
    std::string machines_create() const { return invoke("machines_create", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_create(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_create", params, cancel); }
    /** Whether a machine type can be requested in a region. Result: `{"available": bool}`. */
    std::string machines_availability() const { return invoke("machines_availability", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_availability(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_availability", params, cancel); }
    /** One machine (`machineId`) with its last events. Result: the machine. */
    std::string machines_show() const { return invoke("machines_show", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_show(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_show", params, cancel); }
    /** Lists machines (filters, `limit`, `skip`). Result: an array. */
    std::string machines_list() const { return invoke("machines_list", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_list(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_list", params, cancel); }
    /** Polls a machine until it reaches `state`. Result: the machine. */
    std::string machines_wait() const { return invoke("machines_wait", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_wait(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_wait", params, cancel); }
    /** Starts a machine. Result: `{}`. */
    std::string machines_start() const { return invoke("machines_start", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_start(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_start", params, cancel); }
    /** Stops a machine. Result: `{}`. */
    std::string machines_stop() const { return invoke("machines_stop", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_stop(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_stop", params, cancel); }
    /** Restarts a machine. Result: `{}`. */
    std::string machines_restart() const { return invoke("machines_restart", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_restart(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_restart", params, cancel); }
    /** Destroys a machine (irreversible). Result: `{}`. */
    std::string machines_destroy() const { return invoke("machines_destroy", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_destroy(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_destroy", params, cancel); }
    /** Lists the team's users. Result: an array. */
    std::string users_list() const { return invoke("users_list", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string users_list(const T &params, const Cancel *cancel = nullptr) const { return invoke("users_list", params, cancel); }
    /** Changes a machine's name, shutdown, snapshot and IP settings. Result: `{}`. */
    std::string machines_update() const { return invoke("machines_update", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_update(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_update", params, cancel); }
    /** A machine's usage in a billing month (`YYYY-MM`). Result: an object. */
    std::string machines_utilization() const { return invoke("machines_utilization", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_utilization(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_utilization", params, cancel); }
    /** Gives a team user access to a machine, or takes it away. Result: an object. */
    std::string machines_set_access() const { return invoke("machines_set_access", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_set_access(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_set_access", params, cancel); }
    /** Lists the team's networks. Result: an array. */
    std::string networks_list() const { return invoke("networks_list", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string networks_list(const T &params, const Cancel *cancel = nullptr) const { return invoke("networks_list", params, cancel); }
    /** Creates a startup script. Result: the script. */
    std::string scripts_create() const { return invoke("scripts_create", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string scripts_create(const T &params, const Cancel *cancel = nullptr) const { return invoke("scripts_create", params, cancel); }
    /** Lists scripts. Result: an array. */
    std::string scripts_list() const { return invoke("scripts_list", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string scripts_list(const T &params, const Cancel *cancel = nullptr) const { return invoke("scripts_list", params, cancel); }
    /** One script and the machines that use it. Result: the script. */
    std::string scripts_show() const { return invoke("scripts_show", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string scripts_show(const T &params, const Cancel *cancel = nullptr) const { return invoke("scripts_show", params, cancel); }
    /** A script's text. Result: a JSON string. */
    std::string scripts_text() const { return invoke("scripts_text", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string scripts_text(const T &params, const Cancel *cancel = nullptr) const { return invoke("scripts_text", params, cancel); }
    /** Destroys a script. Result: `{}`. */
    std::string scripts_destroy() const { return invoke("scripts_destroy", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string scripts_destroy(const T &params, const Cancel *cancel = nullptr) const { return invoke("scripts_destroy", params, cancel); }
    /** Creates a resource delegation (its access token is a secret). Result: an array. */
    std::string resource_delegations_create() const { return invoke("resource_delegations_create", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string resource_delegations_create(const T &params, const Cancel *cancel = nullptr) const { return invoke("resource_delegations_create", params, cancel); }
    /** Polls the machine list until every machine of `machineIds` reaches `state`. Result: the machines, in the order asked. */
    std::string machines_wait_many() const { return invoke("machines_wait_many", {}, nullptr); }
    template <class T, detail::if_text<T> = 0>
    std::string machines_wait_many(const T &params, const Cancel *cancel = nullptr) const { return invoke("machines_wait_many", params, cancel); }

#if defined(PAPERSPACE_HAS_NLOHMANN_JSON)
    nlohmann::json templates_list(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("templates_list", params, cancel); }
    nlohmann::json machines_create(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_create", params, cancel); }
    nlohmann::json machines_availability(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_availability", params, cancel); }
    nlohmann::json machines_show(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_show", params, cancel); }
    nlohmann::json machines_list(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_list", params, cancel); }
    nlohmann::json machines_wait(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_wait", params, cancel); }
    nlohmann::json machines_start(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_start", params, cancel); }
    nlohmann::json machines_stop(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_stop", params, cancel); }
    nlohmann::json machines_restart(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_restart", params, cancel); }
    nlohmann::json machines_destroy(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_destroy", params, cancel); }
    nlohmann::json users_list(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("users_list", params, cancel); }
    nlohmann::json machines_update(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_update", params, cancel); }
    nlohmann::json machines_utilization(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_utilization", params, cancel); }
    nlohmann::json machines_set_access(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_set_access", params, cancel); }
    nlohmann::json networks_list(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("networks_list", params, cancel); }
    nlohmann::json scripts_create(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("scripts_create", params, cancel); }
    nlohmann::json scripts_list(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("scripts_list", params, cancel); }
    nlohmann::json scripts_show(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("scripts_show", params, cancel); }
    nlohmann::json scripts_text(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("scripts_text", params, cancel); }
    nlohmann::json scripts_destroy(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("scripts_destroy", params, cancel); }
    nlohmann::json resource_delegations_create(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("resource_delegations_create", params, cancel); }
    nlohmann::json machines_wait_many(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return call("machines_wait_many", params, cancel); }
#endif
    // clang-format on

  private:
    /** A NUL-terminated copy of `text` for the C ABI; a NUL inside would cut the JSON short,
     *  so it is refused. */
    static std::string terminated(std::string_view text, std::string_view operation,
                                  const char *what) {
        if (text.find('\0') != std::string_view::npos) {
            throw Error::local(Status::invalid_argument, operation,
                               std::string(what) + " must not hold a NUL byte");
        }
        return std::string(text);
    }

    void create(std::string_view config_json) {
        std::string config = terminated(config_json, "client_new", "the config");
        detail::LibString error;
        ps_client *client = nullptr;
        ps_status status =
            ps_client_new(config.empty() ? nullptr : config.c_str(), &client, error.out());
        if (status != PS_STATUS_OK) {
            ps_client_free(client);
            throw Error(static_cast<Status>(status), error.str());
        }
        client_ = client;
    }

    /** One ps_call. Empty parameters are passed as NULL (`{}`). */
    std::string invoke(std::string_view operation, std::string_view params,
                       const Cancel *cancel) const {
        std::string name = terminated(operation, operation, "the operation name");
        std::string text = terminated(params, operation, "the parameters");
        detail::LibString out;
        ps_status status = ps_call(client_, name.c_str(), text.empty() ? nullptr : text.c_str(),
                                   cancel ? cancel->get() : nullptr, out.out());
        if (status != PS_STATUS_OK) {
            throw Error(static_cast<Status>(status), out.str());
        }
        return out.str();
    }

#if defined(PAPERSPACE_HAS_NLOHMANN_JSON)
    /** JSON text of `params`; a string that is not UTF-8 is refused as the library would. */
    static std::string dump(const nlohmann::json &params, std::string_view operation) {
        try {
            return params.dump();
        } catch (const nlohmann::json::exception &e) {
            throw Error::local(Status::invalid_argument, operation,
                               std::string("the parameters cannot be encoded: ") + e.what());
        }
    }
#endif

    ps_client *client_ = nullptr;
};

} // namespace paperspace

#endif // PAPERSPACE_HPP
