// The emulator's control endpoints (docs/EMULATOR.md) for the C++ tests: queue faults, read the
// request counts. A blocking HTTP/1.1 exchange over a socket, bounded by 10 s timeouts; the
// emulator's address is PAPERSPACE_API_HOST, set by bindings/c/with-emulator.sh.
#ifndef PAPERSPACE_TEST_EMULATOR_HPP
#define PAPERSPACE_TEST_EMULATOR_HPP

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace emulator {

inline std::string url() {
    const char *host = std::getenv("PAPERSPACE_API_HOST");
    if (!host || std::string(host).rfind("http://", 0) != 0) {
        throw std::runtime_error("PAPERSPACE_API_HOST is not set: run through with-emulator.sh");
    }
    return host;
}

/** Sends one request; returns the status code and stores the body in `body_out`. */
inline int request(const std::string &method, const std::string &path, const std::string &body,
                   std::string *body_out = nullptr) {
    std::string address = url().substr(7);
    std::size_t colon = address.rfind(':');
    std::string host = address.substr(0, colon), port = address.substr(colon + 1);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
        throw std::runtime_error("cannot resolve " + host);
    }
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    timeval limit{10, 0};
    bool connected = fd >= 0 &&
                     setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) == 0 &&
                     setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) == 0 &&
                     connect(fd, found->ai_addr, found->ai_addrlen) == 0;
    freeaddrinfo(found);
    if (!connected) {
        if (fd >= 0) {
            close(fd);
        }
        throw std::runtime_error("cannot connect to the emulator");
    }
    std::string message = method + " " + path + " HTTP/1.1\r\nHost: " + address +
                          "\r\nConnection: close\r\nContent-Type: application/json\r\n"
                          "Content-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < message.size();) {
        ssize_t n = send(fd, message.data() + sent, message.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            close(fd);
            throw std::runtime_error("cannot send to the emulator");
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) {
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    close(fd);
    std::size_t space = answer.find(' '), end = answer.find("\r\n\r\n");
    if (space == std::string::npos || end == std::string::npos) {
        throw std::runtime_error("the emulator's answer is not HTTP: " + answer.substr(0, 100));
    }
    if (body_out) {
        *body_out = answer.substr(end + 4);
    }
    return std::atoi(answer.c_str() + space + 1);
}

/** Queues one fault object or an array of them. */
inline void add_faults(const nlohmann::json &faults) {
    if (request("POST", "/__emulator/faults", faults.dump()) != 204) {
        throw std::runtime_error("the emulator refused the faults " + faults.dump());
    }
}

inline void clear_faults() { request("DELETE", "/__emulator/faults", ""); }

/** The request counts of GET /__emulator/stats: {"<METHOD> <path>": n, ...}. */
inline nlohmann::json request_counts() {
    std::string body;
    if (request("GET", "/__emulator/stats", "", &body) != 200) {
        throw std::runtime_error("no stats from the emulator");
    }
    return nlohmann::json::parse(body)["requests"];
}

/** How many requests "<METHOD> <path>" the emulator has answered. */
inline int requests(const std::string &method_and_path) {
    return request_counts().value(method_and_path, 0);
}

/** How many API requests the emulator has answered in all. */
inline int total_requests() {
    int total = 0;
    for (const auto &count : request_counts()) {
        total += count.get<int>();
    }
    return total;
}

} // namespace emulator

#endif
