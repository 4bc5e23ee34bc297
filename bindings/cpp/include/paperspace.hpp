/**
 * @file paperspace.hpp
 * @brief C++17 API of paperspace, header-only, over the C ABI of paperspace.h.
 *
 * - paperspace::Client owns a ps_client: move-only, freed by its destructor, and, like the C
 *   client, usable from many threads at once through const methods. Moving or destroying it
 *   while a call is in flight is the caller's error, as freeing a ps_client is.
 * - One method per operation. Each takes the parameters as JSON text (anything convertible to
 *   std::string_view; empty means `{}`) and returns the result JSON text as std::string. When
 *   <nlohmann/json.hpp> is available (and PAPERSPACE_NO_NLOHMANN_JSON is not defined), each also
 *   takes and returns nlohmann::json. A failure throws paperspace::Error.
 * - paperspace::Cancel wraps ps_cancel: trigger it from any thread to end the calls observing it
 *   with Status::cancelled. It must outlive those calls.
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
    /** The server's HTTP status for `api` errors; empty otherwise. */
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
        fields->message = message;
        fields->json = "{\"code\":" + std::to_string(static_cast<int>(status)) +
                       ",\"kind\":" + detail::json_quote(status_name(status)) +
                       ",\"message\":" + detail::json_quote(message) +
                       ",\"operation\":" + detail::json_quote(operation) +
                       ",\"httpStatus\":null,\"details\":null,\"version\":" +
                       detail::json_quote(ps_version()) + "}";
        return Error(status, std::shared_ptr<const Fields>(std::move(fields)));
    }

    Status status_;
    std::shared_ptr<const Fields> fields_;
};

/**
 * A cancellation token (ps_cancel). trigger() ends every call observing it with
 * Status::cancelled; it is thread-safe. Move-only; it must outlive the calls given it.
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

    /** Ends every call observing this token with Status::cancelled. */
    void trigger() const noexcept { ps_cancel_trigger(cancel_); }

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
    template <class Text = std::string_view, detail::if_text<Text> = 0>
    explicit Client(const Text &config_json = {}) {
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

    // clang-format off
    /** Lists templates (exact-match filters). Result: an array. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string templates_list(const T &params = {}) const { return run(ps_templates_list, "templates_list", params); }
    /** Creates a machine; never retried once sent. Result: the machine. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_create(const T &params = {}) const { return run(ps_machines_create, "machines_create", params); }
    /** Whether a machine type can be requested in a region. Result: {"available": bool}. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_availability(const T &params = {}) const { return run(ps_machines_availability, "machines_availability", params); }
    /** One machine with its last events. Result: the machine. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_show(const T &params = {}) const { return run(ps_machines_show, "machines_show", params); }
    /** Lists machines (filters, limit, skip). Result: an array. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_list(const T &params = {}) const { return run(ps_machines_list, "machines_list", params); }
    /** Waits until a machine reaches a state; `cancel` (may be null) interrupts it. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_wait(const T &params = {}, const Cancel *cancel = nullptr) const { return wait(params, cancel); }
    /** Starts a machine. Result: {}. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_start(const T &params = {}) const { return run(ps_machines_start, "machines_start", params); }
    /** Stops a machine. Result: {}. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_stop(const T &params = {}) const { return run(ps_machines_stop, "machines_stop", params); }
    /** Restarts a machine. Result: {}. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_restart(const T &params = {}) const { return run(ps_machines_restart, "machines_restart", params); }
    /** Destroys a machine (irreversible). Result: {}. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string machines_destroy(const T &params = {}) const { return run(ps_machines_destroy, "machines_destroy", params); }
    /** Lists the team's users. Result: an array. */
    template <class T = std::string_view, detail::if_text<T> = 0>
    std::string users_list(const T &params = {}) const { return run(ps_users_list, "users_list", params); }

#if defined(PAPERSPACE_HAS_NLOHMANN_JSON)
    nlohmann::json templates_list(const nlohmann::json &params) const { return parse(templates_list(dump(params, "templates_list"))); }
    nlohmann::json machines_create(const nlohmann::json &params) const { return parse(machines_create(dump(params, "machines_create"))); }
    nlohmann::json machines_availability(const nlohmann::json &params) const { return parse(machines_availability(dump(params, "machines_availability"))); }
    nlohmann::json machines_show(const nlohmann::json &params) const { return parse(machines_show(dump(params, "machines_show"))); }
    nlohmann::json machines_list(const nlohmann::json &params) const { return parse(machines_list(dump(params, "machines_list"))); }
    nlohmann::json machines_wait(const nlohmann::json &params, const Cancel *cancel = nullptr) const { return parse(machines_wait(dump(params, "machines_wait"), cancel)); }
    nlohmann::json machines_start(const nlohmann::json &params) const { return parse(machines_start(dump(params, "machines_start"))); }
    nlohmann::json machines_stop(const nlohmann::json &params) const { return parse(machines_stop(dump(params, "machines_stop"))); }
    nlohmann::json machines_restart(const nlohmann::json &params) const { return parse(machines_restart(dump(params, "machines_restart"))); }
    nlohmann::json machines_destroy(const nlohmann::json &params) const { return parse(machines_destroy(dump(params, "machines_destroy"))); }
    nlohmann::json users_list(const nlohmann::json &params) const { return parse(users_list(dump(params, "users_list"))); }
#endif
    // clang-format on

  private:
    using Operation = ps_status (*)(const ps_client *, const char *, char **);

    /** A NUL-terminated copy of `text` for the C ABI; a NUL inside would cut the JSON short,
     *  so it is refused. Empty text is passed as NULL (`{}`). */
    static std::string terminated(std::string_view text, std::string_view operation,
                                  const char *what) {
        if (text.find('\0') != std::string_view::npos) {
            throw Error::local(Status::invalid_argument, operation,
                               std::string(what) + " must not hold a NUL byte");
        }
        return std::string(text);
    }

    static std::string finish(ps_status status, const detail::LibString &out) {
        if (status != PS_STATUS_OK) {
            throw Error(static_cast<Status>(status), out.str());
        }
        return out.str();
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

    std::string run(Operation operation, std::string_view name, std::string_view params) const {
        std::string text = terminated(params, name, "the parameters");
        detail::LibString out;
        ps_status status = operation(client_, text.empty() ? nullptr : text.c_str(), out.out());
        return finish(status, out);
    }

    std::string wait(std::string_view params, const Cancel *cancel) const {
        std::string text = terminated(params, "machines_wait", "the parameters");
        detail::LibString out;
        ps_status status = ps_machines_wait_cancellable(
            client_, text.empty() ? nullptr : text.c_str(), cancel ? cancel->get() : nullptr,
            out.out());
        return finish(status, out);
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
    static nlohmann::json parse(const std::string &result) { return nlohmann::json::parse(result); }
#endif

    ps_client *client_ = nullptr;
};

} // namespace paperspace

#endif // PAPERSPACE_HPP
