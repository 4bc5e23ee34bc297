// Every operation ps_operations() lists has a method on paperspace::Client, and each method (text
// and JSON overloads) reaches that operation; call() by name; the operations the emulator does
// not serve yet answered through its faults, to check requests and results end to end.
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
    check::section("the newer operations: requests and results, answered through emulator faults");
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

} // namespace

void test_operations() {
    const Client client(json{{"apiKey", "emulator-admin-key"}, {"baseUrl", emulator::url()}});
    coverage(client);
    call_by_name(client);
    answered_by_faults(client);
}
