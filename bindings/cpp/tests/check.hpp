// The C++ tests' harness: checks that count and report file:line, a helper that expects a
// paperspace::Error, and the test groups main.cpp runs.
#ifndef PAPERSPACE_TEST_CHECK_HPP
#define PAPERSPACE_TEST_CHECK_HPP

#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>

#include "paperspace.hpp"

namespace check {

inline int passed = 0;
inline int failed = 0;

inline void fail(const char *file, int line, const std::string &what) {
    ++failed;
    std::cerr << file << ":" << line << ": FAIL " << what << "\n";
}

inline void section(const char *name) { std::cout << "-- " << name << std::endl; }

template <class T> void print(std::ostream &out, const T &value) {
    if constexpr (std::is_enum_v<T>) {
        out << static_cast<long long>(value);
    } else {
        out << value;
    }
}

template <class A, class E>
void equal(const char *file, int line, const char *expr, const A &actual, const E &expected) {
    if (actual == expected) {
        ++passed;
        return;
    }
    std::ostringstream message;
    message << expr << " == ";
    print(message, actual);
    message << ", expected ";
    print(message, expected);
    fail(file, line, message.str());
}

/** Runs `body`, which must throw paperspace::Error with `status`; returns the error. */
inline std::optional<paperspace::Error> error_of(const char *file, int line, const char *expr,
                                                 paperspace::Status status,
                                                 const std::function<void()> &body) {
    try {
        body();
    } catch (const paperspace::Error &error) {
        if (error.status() == status) {
            ++passed;
            return error;
        }
        fail(file, line, std::string(expr) + " threw " + error.kind() + ": " + error.what());
        return std::nullopt;
    } catch (const std::exception &other) {
        fail(file, line, std::string(expr) + " threw a non-paperspace exception: " + other.what());
        return std::nullopt;
    }
    fail(file, line, std::string(expr) + " did not throw");
    return std::nullopt;
}

} // namespace check

#define CHECK(cond)                                                                               \
    ((cond) ? static_cast<void>(++check::passed)                                                  \
            : check::fail(__FILE__, __LINE__, "CHECK(" #cond ")"))
#define CHECK_EQ(actual, expected)                                                                \
    check::equal(__FILE__, __LINE__, #actual, (actual), (expected))
/** `ERROR_OF(status, statement)`: the statement throws paperspace::Error with that status. */
#define ERROR_OF(status, ...)                                                                     \
    check::error_of(__FILE__, __LINE__, #__VA_ARGS__, paperspace::Status::status,                 \
                    [&] { __VA_ARGS__; })

// The groups of tests (one file each).
void test_errors();
void test_client();
void test_operations();
void test_cancel();

#endif
