// The header without nlohmann::json (PAPERSPACE_NO_NLOHMANN_JSON): the text overloads alone,
// against the emulator. A separate program, since one program must see one definition of the
// classes.
#define PAPERSPACE_NO_NLOHMANN_JSON 1
#include <cstdlib>
#include <string>

#include "check.hpp"

#if defined(PAPERSPACE_HAS_NLOHMANN_JSON) || defined(NLOHMANN_JSON_VERSION_MAJOR)
#error "PAPERSPACE_NO_NLOHMANN_JSON must keep nlohmann/json.hpp out"
#endif

int main() {
    const char *host = std::getenv("PAPERSPACE_API_HOST");
    if (!host) {
        std::cerr << "run through bindings/c/with-emulator.sh\n";
        return 2;
    }
    check::section("text overloads without nlohmann::json");
    try {
        paperspace::Client client(std::string(R"({"apiKey":"emulator-admin-key","baseUrl":")") +
                                  host + "\"}");
        CHECK_EQ(client.templates_list(R"({"os":"Ubuntu 18.04 Server"})").rfind(R"([{"id":"t04azgph",)", 0), 0u);
        CHECK_EQ(client.templates_list(R"({"os":"BeOS"})"), "[]");
        auto error = ERROR_OF(api, client.machines_show(R"({"machineId":"psnothere"})"));
        if (error) {
            CHECK(error->http_status() == 404);
            CHECK_EQ(error->details().rfind(R"({"error":{)", 0), 0u);
        }
        paperspace::Cancel cancel;
        cancel.trigger();
        ERROR_OF(cancelled, client.machines_wait(R"({"machineId":"psnothere","state":"off"})", &cancel));
    } catch (const std::exception &e) {
        check::fail(__FILE__, __LINE__, std::string("unexpected exception: ") + e.what());
    }
    std::cout << check::passed << " passed, " << check::failed << " failed" << std::endl;
    return check::failed == 0 && check::passed > 0 ? 0 : 1;
}
