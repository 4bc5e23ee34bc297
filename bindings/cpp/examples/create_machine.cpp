// create_machine: lists the public templates, picks an Ubuntu one, creates a CPU machine (C4)
// from it, waits until the machine is ready and prints it. Ctrl-C cancels the wait.
//
//   usage: create_machine [API_KEY [BASE_URL]]
//
// Without arguments the library reads PAPERSPACE_API_KEY and PAPERSPACE_API_HOST. The hosted
// Core API was switched off in July 2024, so point it at the emulator:
//
//   paperspace-emulator --listen 127.0.0.1:8787 &
//   PAPERSPACE_API_HOST=http://127.0.0.1:8787 PAPERSPACE_API_KEY=emulator-admin-key ./create_machine
//
// Parameters and results are nlohmann::json (Debian: nlohmann-json3-dev); failures are
// paperspace::Error exceptions carrying the error JSON's fields.
#include <atomic>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>

#include <unistd.h>

#include "paperspace.hpp"

using nlohmann::json;

namespace {

// The token Ctrl-C triggers: ps_cancel_trigger is one atomic store, safe in a signal handler,
// and so is loading a lock-free atomic pointer.
std::atomic<const paperspace::Cancel *> interrupt{nullptr};

extern "C" void on_interrupt(int) {
    if (const paperspace::Cancel *cancel = interrupt.load()) {
        cancel->trigger();
    }
}

// Routes Ctrl-C to a token while it lives, however the scope is left.
class InterruptTo {
  public:
    explicit InterruptTo(const paperspace::Cancel &cancel) {
        interrupt.store(&cancel);
        std::signal(SIGINT, on_interrupt);
    }
    InterruptTo(const InterruptTo &) = delete;
    InterruptTo &operator=(const InterruptTo &) = delete;
    ~InterruptTo() {
        std::signal(SIGINT, SIG_DFL);
        interrupt.store(nullptr);
    }
};

int run(int argc, char **argv) {
    json config = json::object();
    if (argc > 1) {
        config["apiKey"] = argv[1];
    }
    if (argc > 2) {
        config["baseUrl"] = argv[2];
    }
    const paperspace::Client client(config);

    // 1. Templates: the first whose os mentions Ubuntu (CPU types cannot run Windows ones).
    json templates = client.templates_list(json::object());
    const json *ubuntu = nullptr;
    for (const json &t : templates) {
        if (t.value("os", "").find("Ubuntu") != std::string::npos) {
            ubuntu = &t;
            break;
        }
    }
    if (!ubuntu) {
        std::cerr << "no Ubuntu template among the " << templates.size() << " templates\n";
        return 1;
    }
    std::cout << templates.size() << " templates; using " << (*ubuntu)["id"].get<std::string>()
              << " (" << (*ubuntu)["os"].get<std::string>() << ")\n";

    // 2. Create. Availability is only answered for GPU types, so a C4 needs no check.
    json machine = client.machines_create({{"region", "East Coast (NY2)"},
                                           {"machineType", "C4"},
                                           {"size", 50},
                                           {"billingType", "hourly"},
                                           {"machineName", "cpp-example-" + std::to_string(getpid())},
                                           {"templateId", (*ubuntu)["id"]}});
    std::string id = machine["id"].get<std::string>();
    std::cout << "created " << id << " (state " << machine["state"].get<std::string>()
              << "); waiting until it is ready\n";

    // 3. Wait until ready (poll every 200 ms, give up after 2 minutes, or on Ctrl-C).
    paperspace::Cancel cancel;
    {
        InterruptTo ctrl_c(cancel);
        machine = client.machines_wait(
            {{"machineId", id}, {"state", "ready"}, {"intervalMs", 200}, {"timeoutMs", 120000}},
            &cancel);
    }

    // 4. Print it.
    const json &ip = machine["publicIpAddress"];
    std::cout << "machine " << id << " \"" << machine["name"].get<std::string>() << "\" is "
              << machine["state"].get<std::string>() << " in "
              << machine["region"].get<std::string>() << " (public IP "
              << (ip.is_string() ? ip.get<std::string>() : "none") << ")\n"
              << machine.dump(2) << "\n";
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    if (argc > 3 || (argc > 1 && (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0))) {
        std::cerr << "usage: " << argv[0] << " [API_KEY [BASE_URL]]\n";
        return 2;
    }
    if (std::string(paperspace::version()) != PS_VERSION) {
        std::cerr << "libpaperspace is " << paperspace::version() << " but this program was built for "
                  << PS_VERSION << "\n";
        return 1;
    }
    try {
        return run(argc, argv);
    } catch (const paperspace::Error &error) {
        std::cerr << error.operation() << " failed: " << error.kind() << ": " << error.what() << "\n";
        if (error.http_status()) {
            std::cerr << "  HTTP status: " << *error.http_status() << "\n";
        }
        if (error.details() != "null") {
            std::cerr << "  details: " << error.details() << "\n";
        }
        return 1;
    }
}
