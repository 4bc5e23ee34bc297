// Every operation ps_operations() lists has a method on paperspace::Client, and each method (text
// and JSON overloads) reaches that operation; call() by name; the newer operations answered
// through emulator faults (the exact request path and result text), then for real.
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "check.hpp"
#include "emulator.hpp"

using nlohmann::json;
using paperspace::Client;

namespace {

struct Method {
    const char *name;
    std::function<std::string(const Client &, std::string_view)> text;
    std::function<json(const Client &, const json &)> json_overload;
};

// One row per method of paperspace::Client. A method missing here, or an operation of the
// library missing here, fails `coverage`.
#define METHOD(op)                                                                                \
    Method {                                                                                      \
        #op, [](const Client &c, std::string_view p) { return c.op(p); },                         \
            [](const Client &c, const json &p) { return c.op(p); }                                \
    }
const Method METHODS[] = {
    METHOD(templates_list),    METHOD(machines_create),      METHOD(machines_availability),
    METHOD(machines_show),     METHOD(machines_list),        METHOD(machines_wait),
    METHOD(machines_start),    METHOD(machines_stop),        METHOD(machines_restart),
    METHOD(machines_destroy),  METHOD(users_list),           METHOD(machines_update),
    METHOD(machines_utilization), METHOD(machines_set_access), METHOD(networks_list),
    METHOD(scripts_create),    METHOD(scripts_list),         METHOD(scripts_show),
    METHOD(scripts_text),      METHOD(scripts_destroy),      METHOD(resource_delegations_create),
    METHOD(machines_wait_many),
};
#undef METHOD

void coverage(const Client &client) {
    check::section("every operation of ps_operations() has a method that reaches it");
    json described = json::parse(paperspace::operations());
    CHECK_EQ(paperspace::operations().data(), ps_operations());
    std::set<std::string> library, header;
    for (const json &operation : described) {
        library.insert(operation["name"].get<std::string>());
    }
    for (const Method &method : METHODS) {
        header.insert(method.name);
    }
    for (const std::string &name : library) {
        if (!header.count(name)) {
            check::fail(__FILE__, __LINE__, "paperspace::Client has no method for " + name);
        }
    }
    for (const std::string &name : header) {
        if (!library.count(name)) {
            check::fail(__FILE__, __LINE__, "the library has no operation " + name);
        }
    }
    CHECK_EQ(header.size(), library.size());

    // An unknown key is refused by the operation itself, before any request: the error names
    // the operation each overload reached.
    int sent = emulator::total_requests();
    for (const Method &method : METHODS) {
        auto text = ERROR_OF(invalid_argument, method.text(client, R"({"noSuchParam": true})"));
        if (text) {
            CHECK_EQ(text->operation(), method.name);
        }
        auto from_json = ERROR_OF(invalid_argument, method.json_overload(client, json{{"noSuchParam", true}}));
        if (from_json) {
            CHECK_EQ(from_json->operation(), method.name);
        }
        auto by_name = ERROR_OF(invalid_argument, client.call(method.name, R"({"noSuchParam": true})"));
        if (by_name) {
            CHECK_EQ(by_name->operation(), method.name);
        }
    }
    CHECK_EQ(emulator::total_requests(), sent);
}

void call_by_name(const Client &client) {
    check::section("call() by name");
    CHECK_EQ(json::parse(client.call("templates_list")).size(), 15u);
    CHECK_EQ(client.call("templates_list", json{{"os", "Ubuntu 18.04 Server"}})[0]["id"].get<std::string>(),
             "t04azgph");
    CHECK_EQ(client.call("users_list", {{"email", "member@example.com"}})[0]["id"].get<std::string>(),
             "um7x2p4j");
    auto unknown = ERROR_OF(invalid_argument, client.call("machines_explode", "{}"));
    if (unknown) {
        // The message lists the known names.
        std::string message = unknown->what();
        CHECK(message.find("machines_show") != std::string::npos);
        CHECK(message.find("resource_delegations_create") != std::string::npos);
    }
    auto nul = ERROR_OF(invalid_argument, client.call(std::string_view("users_list\0x", 12)));
    if (nul) {
        CHECK_EQ(std::string(nul->what()), "the operation name must not hold a NUL byte");
    }
}

struct Canned {
    const char *operation;
    json params;
    const char *request; // "<METHOD> <path>" the emulator must see
    int status;
    const char *body; // the answer
    const char *result; // what the method returns
};

void answered_by_faults(const Client &client) {
    check::section("the newer operations: request paths and results, through emulator faults");
    const Canned cases[] = {
        {"machines_update", {{"machineId", "ps1"}, {"machineName", "renamed"}, {"shutdownTimeoutInHours", 24}},
         "POST /machines/ps1/updateMachinePublic", 204, "", "{}"},
        {"machines_utilization", {{"machineId", "ps1"}, {"billingMonth", "2026-11"}},
         "GET /machines/getUtilization", 200,
         R"({"machineId":"ps1","utilization":{"machineId":"ps1","secondsUsed":60},"storageUtilization":{"machineId":"ps1","secondsUsed":60}})",
         R"({"machineId":"ps1","utilization":{"machineId":"ps1","secondsUsed":60},"storageUtilization":{"machineId":"ps1","secondsUsed":60}})"},
        {"machines_set_access", {{"machineId", "ps1"}, {"userId", "um7x2p4j"}, {"enableAccess", true}},
         "POST /machines/ps1/setMachineAccess", 200, R"({"id":"ps1"})", R"({"id":"ps1"})"},
        {"networks_list", json::object(), "GET /networks/getNetworks", 200,
         R"j([{"id":"nhfo8mt","name":"Default","region":"East Coast (NY2)"}])j",
         R"j([{"id":"nhfo8mt","name":"Default","region":"East Coast (NY2)"}])j"},
        {"scripts_create", {{"scriptName", "hello"}, {"scriptText", "echo \"hi\""}},
         "POST /scripts/createScript", 200, R"({"id":"sc1","name":"hello"})", R"({"id":"sc1","name":"hello"})"},
        {"scripts_list", json::object(), "GET /scripts/getScripts", 200, R"([{"id":"sc1"}])", R"([{"id":"sc1"}])"},
        {"scripts_show", {{"scriptId", "sc1"}}, "GET /scripts/getScript", 200,
         R"({"id":"sc1","machines":[]})", R"({"id":"sc1","machines":[]})"},
        {"scripts_text", {{"scriptId", "sc1"}}, "GET /scripts/getScriptText", 200, R"("echo \"hi\"\n")",
         R"("echo \"hi\"\n")"},
        {"scripts_destroy", {{"scriptId", "sc1"}}, "POST /scripts/sc1/destroy", 204, "", "{}"},
        {"resource_delegations_create", {{"machine", {{"ids", {"ps1"}}}}}, "POST /resourceDelegations/create",
         200, R"([{"id":"rd1"}])", R"([{"id":"rd1"}])"},
    };
    for (const Canned &c : cases) {
        std::string request = c.request;
        std::string path = request.substr(request.find(' ') + 1);
        for (int overload = 0; overload < 2; ++overload) {
            emulator::add_faults(json{{"path", path}, {"status", c.status}, {"body", c.body}});
            int before = emulator::requests(request);
            if (overload == 0) {
                CHECK_EQ(client.call(c.operation, c.params.dump()), c.result);
            } else {
                CHECK_EQ(client.call(c.operation, c.params), json::parse(c.result));
            }
            CHECK_EQ(emulator::requests(request), before + 1);
        }
    }
    // A string result comes back as a JSON string; the JSON overload decodes it.
    emulator::add_faults(json{{"path", "/scripts/getScriptText"}, {"status", 200}, {"body", R"("line\u00e9")"}});
    CHECK_EQ(client.scripts_text(json{{"scriptId", "sc1"}}).get<std::string>(), "line\xc3\xa9");
    emulator::clear_faults();

    // Their own rules are checked before sending.
    int sent = emulator::total_requests();
    auto month = ERROR_OF(validation, client.machines_utilization(json{{"machineId", "ps1"}, {"billingMonth", "Nov"}}));
    if (month) {
        CHECK(month->details_json().contains("billingMonth"));
    }
    ERROR_OF(validation, client.scripts_create(json{{"scriptName", "x"}}));
    CHECK_EQ(emulator::total_requests(), sent);
}

void newer_operations(const Client &client) {
    check::section("the newer operations against the emulator");
    json networks = client.networks_list(json::object());
    CHECK_EQ(networks.size(), 3u);
    for (const json &network : networks) {
        CHECK_EQ(network["netmask"].get<std::string>(), "255.255.255.0");
    }
    CHECK_EQ(client.networks_list({{"id", networks[0]["id"]}}), json::array({networks[0]}));

    json machine = client.machines_create(json{{"region", "East Coast (NY2)"},
                                               {"machineType", "C4"},
                                               {"size", 50},
                                               {"billingType", "hourly"},
                                               {"machineName", "cpp-newer"},
                                               {"templateId", "t04azgph"}});
    std::string id = machine["id"].get<std::string>();
    client.machines_wait(json{{"machineId", id}, {"state", "ready"}, {"intervalMs", 50}});

    CHECK_EQ(client.machines_update(json{{"machineId", id}, {"machineName", "cpp-renamed"}, {"shutdownTimeoutInHours", 24}}),
             json::object());
    json shown = client.machines_show(json{{"machineId", id}});
    CHECK_EQ(shown["name"].get<std::string>(), "cpp-renamed");
    CHECK_EQ(shown["shutdownTimeoutInHours"].get<int>(), 24);

    std::string month = shown["dtCreated"].get<std::string>().substr(0, 7);
    json usage = client.machines_utilization(json{{"machineId", id}, {"billingMonth", month}});
    CHECK_EQ(usage["machineId"].get<std::string>(), id);
    CHECK_EQ(usage["utilization"]["billingMonth"].get<std::string>(), month);
    CHECK(usage["storageUtilization"].is_object());

    json access = client.machines_set_access(json{{"machineId", id}, {"userId", "um7x2p4j"}, {"enableAccess", true}});
    CHECK_EQ(access["id"].get<std::string>(), id);

    json delegation_params = {{"machine", {{"ids", {id}}}}};
    json delegations = client.resource_delegations_create(delegation_params);
    CHECK_EQ(delegations.size(), 1u);
    CHECK_EQ(delegations[0]["delegation"], delegation_params);
    CHECK_EQ(delegations[0]["accessTokenId"].get<std::string>().size(), 64u);

    json script = client.scripts_create(json{{"scriptName", "cpp-script"}, {"scriptText", "echo \"hi\"\n"}});
    std::string script_id = script["id"].get<std::string>();
    CHECK_EQ(script["name"].get<std::string>(), "cpp-script");
    json listed = client.scripts_list(json{{"name", "cpp-script"}});
    CHECK_EQ(listed.size(), 1u);
    CHECK_EQ(listed[0]["id"].get<std::string>(), script_id);
    std::string script_ref = json{{"scriptId", script_id}}.dump();
    CHECK_EQ(json::parse(client.scripts_show(script_ref))["machines"], json::array());
    CHECK_EQ(client.scripts_text(script_ref), R"("echo \"hi\"\n")");
    CHECK_EQ(client.scripts_text(json::parse(script_ref)).get<std::string>(), "echo \"hi\"\n");
    CHECK_EQ(client.scripts_destroy(script_ref), "{}");
    auto gone = ERROR_OF(api, client.scripts_show(script_ref));
    if (gone) {
        CHECK(gone->http_status() == 404);
    }

    json both = client.machines_wait_many(
        json{{"machineIds", {id}}, {"state", "ready"}, {"intervalMs", 50}, {"timeoutMs", 10000}});
    CHECK_EQ(both.size(), 1u);
    CHECK_EQ(both[0]["id"].get<std::string>(), id);
    CHECK_EQ(both[0]["name"].get<std::string>(), "cpp-renamed");

    CHECK_EQ(client.machines_destroy(json{{"machineId", id}}), json::object());
}

} // namespace

void test_operations() {
    const Client client(json{{"apiKey", "emulator-admin-key"}, {"baseUrl", emulator::url()}});
    coverage(client);
    call_by_name(client);
    answered_by_faults(client);
    newer_operations(client);
}
