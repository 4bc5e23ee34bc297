// paperspace::Cancel against the emulator: a wait cancelled from another thread, a token
// triggered before the call, moved tokens, a wait's own timeout, deadlines, an HTTP request in
// flight interrupted, and one token shared by several calls.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

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

// The emulator holds every answer of templates list for 3 s (a few strikes).
void slow_templates(int count) {
    emulator::add_faults(json{{"path", "/templates/getTemplates"}, {"delayMs", 3000}, {"count", count}});
}

void deadlines(const Client &client, const std::string &id) {
    check::section("deadlines: set_timeout ends calls with Status::timeout");
    Cancel cancel;
    cancel.set_timeout(std::chrono::milliseconds(300));
    auto start = Clock::now();
    auto waited = ERROR_OF(timeout, client.machines_wait(endless_wait(id), &cancel));
    long long took = ms_since(start);
    // A wait keeps 100 ms before its deadline for a last poll, so it may give up that early.
    CHECK(took >= 150 && took < 2000);
    if (waited) {
        CHECK_EQ(waited->operation(), "machines_wait");
    }

    // A request in flight: the server holds the answer for 3 s.
    slow_templates(1);
    Cancel request_deadline;
    request_deadline.set_timeout(std::chrono::milliseconds(200));
    start = Clock::now();
    auto slow = ERROR_OF(timeout, client.templates_list("{}", &request_deadline));
    took = ms_since(start);
    CHECK(took >= 150 && took < 1500);
    if (slow) {
        CHECK_EQ(slow->operation(), "templates_list");
    }

    // A deadline already passed (zero or negative) ends the call before it sends anything.
    Cancel passed;
    passed.set_timeout(std::chrono::milliseconds(-5));
    int sent = emulator::total_requests();
    ERROR_OF(timeout, client.templates_list("{}", &passed));
    ERROR_OF(timeout, client.call("users_list", "{}", &passed));
    CHECK_EQ(emulator::total_requests(), sent);

    // A later set_timeout replaces the deadline: the call succeeds.
    Cancel extended;
    extended.set_timeout(std::chrono::milliseconds(0));
    extended.set_timeout(std::chrono::seconds(30));
    CHECK_EQ(json::parse(client.templates_list("{}", &extended)).size(), 15u);
    emulator::clear_faults();
}

void request_in_flight(const Client &client) {
    check::section("trigger interrupts an HTTP request in flight");
    slow_templates(1);
    Cancel cancel;
    std::thread canceller([&cancel] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        cancel.trigger();
    });
    auto start = Clock::now();
    auto error = ERROR_OF(cancelled, client.templates_list(json::object(), &cancel));
    long long took = ms_since(start);
    canceller.join();
    CHECK(took >= 150 && took < 1500);
    if (error) {
        CHECK_EQ(error->operation(), "templates_list");
    }
    emulator::clear_faults();
}

void shared_token(const Client &client, const std::string &id) {
    check::section("one token shared by several calls on several threads");
    slow_templates(2);
    Cancel cancel;
    std::vector<int> cancelled(4, 0);
    std::vector<std::thread> calls;
    for (std::size_t i = 0; i < cancelled.size(); ++i) {
        calls.emplace_back([&, i] {
            try {
                if (i < 2) {
                    client.templates_list("{}", &cancel);
                } else {
                    client.machines_wait(endless_wait(id), &cancel);
                }
            } catch (const paperspace::Error &error) {
                cancelled[i] = error.status() == paperspace::Status::cancelled;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto start = Clock::now();
    cancel.trigger();
    for (auto &call : calls) {
        call.join();
    }
    CHECK(ms_since(start) < 1500);
    CHECK_EQ(cancelled[0] + cancelled[1] + cancelled[2] + cancelled[3], 4);
    emulator::clear_faults();
}

} // namespace

void test_cancel() {
    const Client client(json{{"apiKey", "emulator-admin-key"}, {"baseUrl", emulator::url()}});
    std::string id = ready_machine(client);
    cancelled_from_another_thread(client, id);
    triggered_before(client, id);
    moved_tokens(client, id);
    wait_timeout(client, id);
    deadlines(client, id);
    request_in_flight(client);
    shared_token(client, id);
}
