// paperspace::Error read from error JSON, the status names, and the classes' guarantees (move-only,
// nothrow moves and destructors). No server needed.
#include <string>
#include <type_traits>

#include "check.hpp"

using paperspace::Error;
using paperspace::Status;

static_assert(!std::is_copy_constructible_v<paperspace::Client>);
static_assert(!std::is_copy_assignable_v<paperspace::Client>);
static_assert(std::is_nothrow_move_constructible_v<paperspace::Client>);
static_assert(std::is_nothrow_move_assignable_v<paperspace::Client>);
static_assert(std::is_nothrow_destructible_v<paperspace::Client>);
static_assert(!std::is_copy_constructible_v<paperspace::Cancel>);
static_assert(std::is_nothrow_move_constructible_v<paperspace::Cancel>);
static_assert(std::is_nothrow_move_assignable_v<paperspace::Cancel>);
static_assert(std::is_nothrow_destructible_v<paperspace::Cancel>);
static_assert(std::is_base_of_v<std::runtime_error, Error>);
static_assert(std::is_nothrow_copy_constructible_v<Error>);
static_assert(std::is_nothrow_destructible_v<Error>);
// Text parameters are anything that converts to std::string_view, JSON values never are.
static_assert(paperspace::detail::is_text_v<const char *>);
static_assert(paperspace::detail::is_text_v<char[3]>);
static_assert(paperspace::detail::is_text_v<std::string>);
static_assert(paperspace::detail::is_text_v<std::string_view>);
static_assert(!paperspace::detail::is_text_v<int>);
static_assert(!paperspace::detail::is_text_v<nlohmann::json>);
static_assert(!paperspace::detail::is_text_v<nlohmann::ordered_json>);

static void statuses() {
    check::section("status names and version");
    const std::pair<Status, const char *> names[] = {
        {Status::ok, "ok"},
        {Status::invalid_argument, "invalid_argument"},
        {Status::validation, "validation"},
        {Status::config, "config"},
        {Status::transport, "transport"},
        {Status::timeout, "timeout"},
        {Status::api, "api"},
        {Status::decode, "decode"},
        {Status::cancelled, "cancelled"},
        {Status::machine_error, "machine_error"},
        {Status::internal, "internal"},
        {Status::panic, "panic"},
    };
    for (const auto &[status, name] : names) {
        CHECK_EQ(std::string(paperspace::status_name(status)), name);
    }
    CHECK_EQ(static_cast<int>(Status::machine_error), 9);
    CHECK_EQ(static_cast<int>(Status::panic), 99);
    CHECK_EQ(std::string(paperspace::version()), PS_VERSION);
}

static void library_errors() {
    check::section("errors read from the library's error JSON");
    // Escapes of every kind, a surrogate pair, nested details with brackets inside strings.
    std::string json =
        R"({"code":6,"kind":"api","message":"a \"quoted\" \\ path\nline \u00e9 \ud83d\ude00 \/",)"
        R"( "operation" : "machines_show", "httpStatus":404,)"
        R"("details":{"error":{"message":"}]{[\"","status":404,"list":[1,[2,{}]]}},"version":"0.1.0"})";
    Error error(Status::api, json);
    CHECK_EQ(error.status(), Status::api);
    CHECK_EQ(std::string(error.kind()), "api");
    CHECK_EQ(std::string(error.what()),
             "a \"quoted\" \\ path\nline \xc3\xa9 \xf0\x9f\x98\x80 /");
    CHECK_EQ(error.operation(), "machines_show");
    CHECK(error.http_status() == 404);
    CHECK_EQ(error.details(),
             R"({"error":{"message":"}]{[\"","status":404,"list":[1,[2,{}]]}})");
    CHECK_EQ(error.details_json()["error"]["list"][1][0].get<int>(), 2);
    CHECK_EQ(error.json(), json);

    // Copies share the fields.
    Error copy = error;
    CHECK_EQ(copy.details(), error.details());
    CHECK_EQ(&copy.details(), &error.details());

    Error validation(Status::validation,
                     R"({"code":2,"kind":"validation","message":"invalid parameters: size must be between 50 and 2000 GB",)"
                     R"("operation":"machines_create","httpStatus":null,"details":{"size":"must be between 50 and 2000 GB"},"version":"0.1.0"})");
    CHECK(!validation.http_status().has_value());
    CHECK_EQ(validation.details_json()["size"].get<std::string>(), "must be between 50 and 2000 GB");
    CHECK_EQ(std::string(validation.what()),
             "invalid parameters: size must be between 50 and 2000 GB");

    Error no_details(Status::transport,
                     R"({"code":4,"kind":"transport","message":"connection refused","operation":"users_list","httpStatus":null,"details":null})");
    CHECK_EQ(no_details.details(), "null");
    CHECK(no_details.details_json().is_null());

    // A lone surrogate escape becomes U+FFFD; the member after it is still read.
    Error lone(Status::api, R"({"message":"x\ud800y\udc00z","operation":"templates_list"})");
    CHECK_EQ(std::string(lone.what()), "x\xef\xbf\xbdy\xef\xbf\xbdz");
    CHECK_EQ(lone.operation(), "templates_list");
}

static void odd_error_text() {
    check::section("errors from text that is not the library's error JSON");
    Error garbage(Status::decode, "<html>");
    CHECK_EQ(std::string(garbage.what()), "decode: <html>");
    CHECK_EQ(garbage.operation(), "");
    CHECK_EQ(garbage.details(), "null");
    CHECK(!garbage.http_status().has_value());
    CHECK_EQ(garbage.json(), "<html>");

    Error empty(Status::transport, "");
    CHECK_EQ(std::string(empty.what()), "transport");

    Error wrong_types(Status::api, R"({"message":7,"httpStatus":"404","operation":null})");
    CHECK_EQ(std::string(wrong_types.what()), R"(api: {"message":7,"httpStatus":"404","operation":null})");
    CHECK(!wrong_types.http_status().has_value());

    Error huge_status(Status::api, R"({"message":"m","httpStatus":123456789012345678901})");
    CHECK(!huge_status.http_status().has_value());
    CHECK_EQ(std::string(huge_status.what()), "m");

    // Every prefix of a valid error is read without overrunning it (ASan watches the reads).
    std::string full = R"({"code":6,"kind":"api","message":"m\u00e9\ud83d\ude00","operation":"o",)"
                       R"("httpStatus":500,"details":{"a":["}",{"b":null}]},"version":"0.1.0"})";
    // None is a complete object, so each keeps its text as the message.
    int kept = 0;
    for (std::size_t n = 1; n < full.size(); ++n) {
        Error prefix(Status::api, full.substr(0, n));
        kept += std::string(prefix.what()) == "api: " + full.substr(0, n);
    }
    CHECK_EQ(kept, static_cast<int>(full.size()) - 1);

    // Deep nesting does not recurse.
    std::string deep = R"({"message":"deep","details":)" + std::string(200000, '[') +
                       std::string(200000, ']') + "}";
    Error nested(Status::api, deep);
    CHECK_EQ(std::string(nested.what()), "deep");
    CHECK_EQ(nested.details().size(), static_cast<std::size_t>(400000));
}

static void quoting() {
    check::section("JSON quoting of locally made errors");
    CHECK_EQ(paperspace::detail::json_quote("a\"b\\c\n\x01\x7f\xc3\xa9"),
             "\"a\\\"b\\\\c\\u000a\\u0001\x7f\xc3\xa9\"");
}

void test_errors() {
    statuses();
    library_errors();
    odd_error_text();
    quoting();
}
