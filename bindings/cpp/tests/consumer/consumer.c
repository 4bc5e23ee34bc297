/* Lists the templates of one OS and prints "<library version> <status name> <result JSON>".
 * Reads PAPERSPACE_API_KEY and PAPERSPACE_API_HOST, as the library does by default. */
#include <stdio.h>

#include "paperspace.h"

int main(void) {
    ps_client *client = NULL;
    char *error = NULL;
    ps_status status = ps_client_new(NULL, &client, &error);
    if (status != PS_STATUS_OK) {
        fprintf(stderr, "%s\n", error);
        ps_string_free(error);
        return 1;
    }
    char *out = NULL;
    status = ps_templates_list(client, "{\"os\": \"Ubuntu 18.04 Server\"}", &out);
    printf("%s %s %s\n", ps_version(), ps_status_name(status), out);
    ps_string_free(out);
    ps_client_free(client);
    return status == PS_STATUS_OK ? 0 : 1;
}
