// The C++ side of the consumer project: lists the templates of one OS through paperspace.hpp and
// prints "<library version> ok <result JSON>", as consumer.c does; a failure prints the error.
#include <iostream>

#include <paperspace.hpp>

int main() {
    try {
        const paperspace::Client client;
        std::cout << paperspace::version() << " ok "
                  << client.templates_list(R"({"os": "Ubuntu 18.04 Server"})") << "\n";
        return 0;
    } catch (const paperspace::Error &error) {
        std::cout << paperspace::version() << " " << error.kind() << " " << error.json() << "\n";
        return 1;
    }
}
