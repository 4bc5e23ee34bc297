// Compiled (never run) by `make -C bindings/cpp check-hpp` under each C++ standard, with and
// without nlohmann::json, with stricter warnings than the tests: a program using the header
// must not see warnings from it. The function instantiates the templated overloads.
#include "paperspace.hpp"

#include <string>

std::string use(const paperspace::Client &client, const paperspace::Cancel &cancel);

std::string use(const paperspace::Client &client, const paperspace::Cancel &cancel) {
    cancel.set_timeout(std::chrono::seconds(5));
    std::string text = client.templates_list() + client.templates_list("{}") +
                       client.machines_wait(std::string("{}"), &cancel) +
                       client.users_list(std::string_view("{}")) + client.call("networks_list") +
                       client.call("scripts_text", R"({"scriptId":"s1"})", &cancel) +
                       std::string(paperspace::operations());
#if defined(PAPERSPACE_HAS_NLOHMANN_JSON)
    text += client.users_list(nlohmann::json::object()).dump();
    text += client.machines_wait({{"machineId", "ps1"}}, &cancel).dump();
    text += client.call("scripts_show", {{"scriptId", "s1"}}).dump();
#endif
    try {
        paperspace::Client other("{}");
        text += other.machines_list();
    } catch (const paperspace::Error &error) {
        text += error.details() + error.operation() + std::to_string(error.http_status().value_or(0));
    }
    return text;
}

int main() { return paperspace::version() == nullptr; }
