// paperspace::Client against the emulator: construction, every operation through the text and
// the nlohmann::json overloads with exact values, errors with their fields, refused input that
// sends nothing, moves, and one client shared by threads.
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "check.hpp"
#include "emulator.hpp"

using nlohmann::json;
using paperspace::Client;
using paperspace::Status;

namespace {

const char *const ADMIN_KEY = "emulator-admin-key";

json admin_config() { return {{"apiKey", ADMIN_KEY}, {"baseUrl", emulator::url()}}; }

void construction() {
    check::section("client construction");
    // Empty config: the key and URL come from the environment.
    setenv("PAPERSPACE_API_KEY", ADMIN_KEY, 1);
    Client from_env;
    CHECK(from_env.get() != nullptr);
    CHECK_EQ(json::parse(from_env.templates_list()).size(), 15u);
    Client from_text(std::string(R"({"apiKey":"emulator-admin-key","maxRetries":0})"));
    CHECK_EQ(json::parse(from_text.users_list()).size(), 2u);
    Client from_json(admin_config());
    CHECK_EQ(from_json.users_list(json::object()).size(), 2u);

    auto wrong_type = ERROR_OF(invalid_argument, Client(R"({"apiKey": 1})"));
    if (wrong_type) {
        CHECK_EQ(wrong_type->operation(), "client_new");
        CHECK(!wrong_type->http_status());
        CHECK(std::string(wrong_type->what()).find("config") != std::string::npos);
    }
    auto bad_url = ERROR_OF(config, Client(json{{"apiKey", "sekrit-key-4411"}, {"baseUrl", "ftp://x"}}));
    if (bad_url) {
        CHECK_EQ(std::string(bad_url->kind()), "config");
        CHECK(bad_url->json().find("sekrit-key-4411") == std::string::npos);
    }
    auto unknown = ERROR_OF(invalid_argument, Client(R"({"apiKey":"k","colour":"blue"})"));
    if (unknown) {
        CHECK(std::string(unknown->what()).find("colour") != std::string::npos);
    }
    auto nul = ERROR_OF(invalid_argument, Client(std::string_view("{\"apiKey\":\"k\0\"}", 14)));
    if (nul) {
        CHECK_EQ(std::string(nul->what()), "the config must not hold a NUL byte");
        CHECK_EQ(nul->operation(), "client_new");
        CHECK_EQ(json::parse(nul->json())["kind"].get<std::string>(), "invalid_argument");
        CHECK_EQ(json::parse(nul->json())["code"].get<int>(), 1);
    }
}

void templates(const Client &client) {
    check::section("templates list, text and JSON overloads");
    CHECK_EQ(json::parse(client.templates_list()).size(), 15u);
    CHECK_EQ(json::parse(client.templates_list("")).size(), 15u);
    std::string filter = R"({"os":"Ubuntu 18.04 Server"})";
    // const char *, std::string and std::string_view all take the text overload.
    json one = json::parse(client.templates_list(filter.c_str()));
    CHECK_EQ(one.size(), 1u);
    CHECK_EQ(one[0]["id"].get<std::string>(), "t04azgph");
    CHECK_EQ(json::parse(client.templates_list(filter)), one);
    CHECK_EQ(json::parse(client.templates_list(std::string_view(filter))), one);
    // A braced list takes the JSON overload.
    json windows = client.templates_list({{"label", "Windows 10"}});
    CHECK_EQ(windows.size(), 2u);
    json both = client.templates_list(json{{"label", "Windows 10"}, {"id", "tk9izniv"}});
    CHECK_EQ(both.size(), 1u);
    CHECK_EQ(both[0]["os"].get<std::string>(), "Windows 10 (Server 2016) - Licensed");
    CHECK_EQ(client.templates_list(json{{"os", "BeOS"}}), json::array());
    CHECK_EQ(client.templates_list(json{{"label", nullptr}}).size(),
             json::parse(client.templates_list(R"({"label":null})")).size());
}

std::string wait_params(const std::string &id, const char *state) {
    return json{{"machineId", id}, {"state", state}, {"intervalMs", 50}, {"timeoutMs", 10000}}.dump();
}

void machines(const Client &client) {
    check::section("machines: create, show, wait, list, availability, stop, start, restart, destroy");
    json available = client.machines_availability(
        json{{"region", "Europe (AMS1)"}, {"machineType", "P4000"}});
    CHECK_EQ(available, json({{"available", true}}));

    std::string name = "cpp-test-" + std::to_string(std::rand());
    json created = client.machines_create(json{{"region", "East Coast (NY2)"},
                                               {"machineType", "C4"},
                                               {"size", 50},
                                               {"billingType", "hourly"},
                                               {"machineName", name},
                                               {"templateId", "t04azgph"},
                                               {"assignPublicIp", true}});
    std::string id = created.value("id", "");
    CHECK_EQ(id.rfind("ps", 0), 0u);
    CHECK_EQ(created["name"].get<std::string>(), name);
    CHECK_EQ(created["state"].get<std::string>(), "provisioning");
    CHECK_EQ(created["teamId"].get<std::string>(), "tekq7vm2d");

    std::string id_params = json{{"machineId", id}}.dump();
    json shown = json::parse(client.machines_show(id_params));
    CHECK_EQ(shown["id"].get<std::string>(), id);
    CHECK(shown["events"].is_array() && !shown["events"].empty());

    json ready = json::parse(client.machines_wait(wait_params(id, "ready")));
    CHECK_EQ(ready["state"].get<std::string>(), "ready");
    CHECK_EQ(ready["region"].get<std::string>(), "East Coast (NY2)");
    CHECK_EQ(ready["ram"].get<std::string>(), "4294967296");
    CHECK_EQ(ready["usageRate"].get<std::string>(), "C4 hourly");
    CHECK(ready["publicIpAddress"].is_string());

    json listed = client.machines_list(json{{"machineId", id}});
    CHECK_EQ(listed.size(), 1u);
    CHECK_EQ(listed[0]["name"].get<std::string>(), name);
    CHECK_EQ(client.machines_list(json{{"name", name}, {"region", "Europe (AMS1)"}}), json::array());

    CHECK_EQ(client.machines_stop(id_params), "{}");
    CHECK_EQ(client.machines_wait(json::parse(wait_params(id, "off")))["state"].get<std::string>(), "off");
    CHECK_EQ(client.machines_start(json{{"machineId", id}}), json::object());
    CHECK_EQ(json::parse(client.machines_wait(wait_params(id, "ready")))["state"].get<std::string>(), "ready");
    CHECK_EQ(client.machines_restart(id_params), "{}");
    CHECK_EQ(json::parse(client.machines_wait(wait_params(id, "ready")))["state"].get<std::string>(), "ready");
    CHECK_EQ(client.machines_destroy(json{{"machineId", id}, {"releasePublicIp", true}}), json::object());
}

void users(const Client &client) {
    check::section("users list");
    json all = json::parse(client.users_list());
    CHECK_EQ(all.size(), 2u);
    json member = client.users_list(json{{"email", "member@example.com"}});
    CHECK_EQ(member.size(), 1u);
    CHECK_EQ(member[0]["id"].get<std::string>(), "um7x2p4j");
    CHECK_EQ(member[0]["lastname"].get<std::string>(), "Member");
}

void errors(const Client &client) {
    check::section("errors: validation, api, invalid arguments; refused calls send nothing");
    int creates = emulator::requests("POST /machines/createSingleMachinePublic");
    auto invalid = ERROR_OF(validation, client.machines_create(json{{"region", "East Coast (NY2)"},
                                                                     {"machineType", "C4"},
                                                                     {"size", 10},
                                                                     {"billingType", "hourly"},
                                                                     {"machineName", "x"}}));
    if (invalid) {
        CHECK_EQ(invalid->operation(), "machines_create");
        CHECK(!invalid->http_status());
        json details = invalid->details_json();
        CHECK_EQ(details["size"].get<std::string>(), "must be between 50 and 2000 GB");
        CHECK_EQ(details["templateId"].get<std::string>(), "is required");
        CHECK_EQ(details.size(), 2u);
    }
    CHECK_EQ(emulator::requests("POST /machines/createSingleMachinePublic"), creates);

    auto missing = ERROR_OF(api, client.machines_show(R"({"machineId":"psnothere"})"));
    if (missing) {
        CHECK(missing->http_status() == 404);
        CHECK_EQ(missing->operation(), "machines_show");
        CHECK_EQ(missing->details_json()["error"]["status"].get<int>(), 404);
        CHECK_EQ(std::string(missing->what()), missing->details_json()["error"]["message"].get<std::string>());
    }

    int shows = emulator::requests("GET /machines/getMachinePublic");
    auto unknown_key = ERROR_OF(invalid_argument, client.machines_show(R"({"machineID":"ps1"})"));
    if (unknown_key) {
        CHECK_EQ(unknown_key->operation(), "machines_show");
    }
    ERROR_OF(invalid_argument, client.machines_show("{not json"));
    ERROR_OF(invalid_argument, client.machines_show("[]"));
    // A NUL byte would cut the JSON short in C: refused before the call.
    auto nul = ERROR_OF(invalid_argument,
                        client.machines_show(std::string_view("{\"machineId\":\"ps1\"}\0,", 21)));
    if (nul) {
        CHECK_EQ(std::string(nul->what()), "the parameters must not hold a NUL byte");
        CHECK_EQ(nul->operation(), "machines_show");
    }
    // nlohmann refuses to encode a string that is not UTF-8.
    auto not_utf8 = ERROR_OF(invalid_argument, client.machines_show(json{{"machineId", "ps\xff"}}));
    if (not_utf8) {
        CHECK_EQ(not_utf8->operation(), "machines_show");
        CHECK_EQ(std::string(not_utf8->what()).rfind("the parameters cannot be encoded: ", 0), 0u);
    }
    CHECK_EQ(emulator::requests("GET /machines/getMachinePublic"), shows);

    // The server's error statuses reach the caller with their HTTP status.
    emulator::add_faults(json{{"path", "/users/getUsers"}, {"status", 403}});
    auto forbidden = ERROR_OF(api, client.users_list());
    if (forbidden) {
        CHECK(forbidden->http_status() == 403);
        CHECK_EQ(std::string(forbidden->what()), "Forbidden");
    }
    emulator::add_faults(json{{"path", "/users/getUsers"}, {"action", "garbage"}});
    auto garbage = ERROR_OF(decode, client.users_list());
    if (garbage) {
        CHECK_EQ(garbage->operation(), "users_list");
    }
    emulator::clear_faults();
}

void moves() {
    check::section("moves");
    Client first(admin_config());
    Client second = std::move(first);
    CHECK(first.get() == nullptr); // a moved-from client holds nothing
    CHECK(second.get() != nullptr);
    auto moved_from = ERROR_OF(invalid_argument, first.templates_list());
    if (moved_from) {
        CHECK_EQ(moved_from->operation(), "templates_list");
    }
    CHECK_EQ(json::parse(second.templates_list()).size(), 15u);
    Client third(admin_config());
    third = std::move(second); // frees third's own client
    CHECK_EQ(json::parse(third.templates_list()).size(), 15u);
    Client &same = third; // self-move assignment, through a reference the compiler does not flag
    third = std::move(same);
    CHECK(third.get() != nullptr);
    CHECK_EQ(json::parse(third.templates_list()).size(), 15u);
}

void threads() {
    check::section("8 threads sharing one client");
    const Client client(admin_config());
    std::vector<int> good(8, 0);
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < good.size(); ++t) {
        workers.emplace_back([&client, &good, t] {
            for (int i = 0; i < 10; ++i) {
                try {
                    json listed = i % 2 ? client.templates_list(json{{"os", "Ubuntu 18.04 Server"}})
                                        : json::parse(client.templates_list());
                    good[t] += listed.size() == (i % 2 ? 1u : 15u);
                } catch (const std::exception &e) {
                    std::cerr << "thread " << t << ": " << e.what() << "\n";
                }
            }
        });
    }
    for (auto &worker : workers) {
        worker.join();
    }
    int total = 0;
    for (int n : good) {
        total += n;
    }
    CHECK_EQ(total, 80);
}

} // namespace

void test_client() {
    construction();
    const Client client(admin_config());
    templates(client);
    machines(client);
    users(client);
    errors(client);
    moves();
    threads();
}
