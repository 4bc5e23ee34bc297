// paperspace::Cancel against the emulator: a wait cancelled from another thread, a token
// triggered before the call, moved tokens, and a wait's own timeout.
#include <chrono>
#include <string>
#include <thread>

#include "check.hpp"
#include "emulator.hpp"

using nlohmann::json;
using paperspace::Cancel;
using paperspace::Client;
using Clock = std::chrono::steady_clock;

namespace {

long long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

/** A ready machine to wait on. */
std::string ready_machine(const Client &client) {
    json created = client.machines_create(json{{"region", "East Coast (NY2)"},
                                               {"machineType", "C4"},
                                               {"size", 50},
                                               {"billingType", "hourly"},
                                               {"machineName", "cpp-cancel"},
                                               {"templateId", "t04azgph"}});
    std::string id = created["id"].get<std::string>();
    client.machines_wait(json{{"machineId", id}, {"state", "ready"}, {"intervalMs", 50}});
    return id;
}

/** A wait that cannot end by itself for 20 s: the machine is ready, not off. */
json endless_wait(const std::string &id) {
    return {{"machineId", id}, {"state", "off"}, {"intervalMs", 50}, {"timeoutMs", 20000}};
}

void cancelled_from_another_thread(const Client &client, const std::string &id) {
    check::section("a wait cancelled from another thread");
    Cancel cancel;
    std::thread canceller([&cancel] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel.trigger();
    });
    auto start = Clock::now();
    auto error = ERROR_OF(cancelled, client.machines_wait(endless_wait(id), &cancel));
    long long took = ms_since(start);
    canceller.join();
    CHECK(took >= 250 && took < 2000);
    if (error) {
        CHECK_EQ(error->operation(), "machines_wait");
        CHECK_EQ(std::string(error->kind()), "cancelled");
    }
}

void triggered_before(const Client &client, const std::string &id) {
    check::section("a token triggered before the call");
    Cancel cancel;
    cancel.trigger();
    cancel.trigger(); // triggering twice is harmless
    int shows = emulator::requests("GET /machines/getMachinePublic");
    auto start = Clock::now();
    ERROR_OF(cancelled, client.machines_wait(endless_wait(id).dump(), &cancel));
    CHECK(ms_since(start) < 1000);
    CHECK_EQ(emulator::requests("GET /machines/getMachinePublic"), shows);
}

void moved_tokens(const Client &client, const std::string &id) {
    check::section("moved tokens");
    Cancel first;
    first.trigger();
    Cancel second = std::move(first);
    CHECK(first.get() == nullptr);
    CHECK(second.get() != nullptr);
    first.trigger(); // a moved-from token ignores triggers
    ERROR_OF(cancelled, client.machines_wait(endless_wait(id), &second));
    Cancel third;
    third = std::move(second);
    ERROR_OF(cancelled, client.machines_wait(endless_wait(id), &third));
    // Without a token (or with a moved-from one) a wait runs to its result.
    json ready = client.machines_wait(json{{"machineId", id}, {"state", "ready"}}, &first);
    CHECK_EQ(ready["state"].get<std::string>(), "ready");
}

void wait_timeout(const Client &client, const std::string &id) {
    check::section("a wait's own timeout");
    auto start = Clock::now();
    auto error = ERROR_OF(
        timeout, client.machines_wait(
                     json{{"machineId", id}, {"state", "off"}, {"intervalMs", 50}, {"timeoutMs", 300}}));
    CHECK(ms_since(start) < 3000);
    if (error) {
        json details = error->details_json();
        CHECK_EQ(details["machineId"].get<std::string>(), id);
        CHECK_EQ(details["state"].get<std::string>(), "ready");
        CHECK_EQ(details["target"].get<std::string>(), "off");
    }
}

} // namespace

void test_cancel() {
    const Client client(json{{"apiKey", "emulator-admin-key"}, {"baseUrl", emulator::url()}});
    std::string id = ready_machine(client);
    cancelled_from_another_thread(client, id);
    triggered_before(client, id);
    moved_tokens(client, id);
    wait_timeout(client, id);
}
