/* ps_client_new: CONFIG errors, INVALID_ARGUMENT for the config's JSON, and the environment. */
#include "harness.h"

#include <stdlib.h>

static void config_error(const char *config, ps_status expected, const char *needle) {
    ps_client *client = NULL;
    char *error = NULL;
    ps_status status = ps_client_new(config, &client, &error);
    if (!CHECK_ERROR(status, expected, error, "client_new")) {
        fprintf(stderr, "  (config: %s)\n", config);
    }
    CHECK(client == NULL);
    CHECK_JNULL(error, "httpStatus");
    if (needle) {
        char message[1024] = "";
        js_path_str(error, "message", message, sizeof message);
        if (strstr(message, needle)) {
            t_passed++;
        } else {
            t_fail(__FILE__, __LINE__, "message \"%s\" lacks \"%s\" (config %s)", message, needle, config);
        }
    }
    /* The API key never appears in an error. */
    CHECK(error && !strstr(error, "sekrit-key"));
    ps_string_free(error);
    ps_client_free(client);
}

void test_config(void) {
    t_section("CONFIG");
    char *saved_key = getenv("PAPERSPACE_API_KEY") ? strdup(getenv("PAPERSPACE_API_KEY")) : NULL;

    /* No key anywhere. */
    unsetenv("PAPERSPACE_API_KEY");
    config_error(NULL, PS_STATUS_CONFIG, "no API key");
    config_error("", PS_STATUS_CONFIG, "no API key");
    config_error("{}", PS_STATUS_CONFIG, "no API key");
    config_error("{\"apiKey\":\"   \"}", PS_STATUS_CONFIG, "no API key");

    /* Plain http only to loopback; other schemes never. */
    config_error("{\"apiKey\":\"sekrit-key\",\"baseUrl\":\"http://example.com\"}", PS_STATUS_CONFIG,
                 "non-loopback");
    config_error("{\"apiKey\":\"sekrit-key\",\"baseUrl\":\"http://10.1.2.3:8080\"}", PS_STATUS_CONFIG,
                 "non-loopback");
    config_error("{\"apiKey\":\"sekrit-key\",\"baseUrl\":\"ftp://127.0.0.1\"}", PS_STATUS_CONFIG, "https://");
    config_error("{\"apiKey\":\"sekrit-key\",\"baseUrl\":\"not a url\"}", PS_STATUS_CONFIG, NULL);
    config_error("{\"apiKey\":\"sekrit-key\",\"baseUrl\":\"https://api.example.com/?x=1\"}", PS_STATUS_CONFIG,
                 "query");

    /* Numbers out of range. */
    config_error("{\"apiKey\":\"sekrit-key\",\"timeoutMs\":0}", PS_STATUS_CONFIG, "timeoutMs");
    config_error("{\"apiKey\":\"sekrit-key\",\"timeoutMs\":3600001}", PS_STATUS_CONFIG, "timeoutMs");
    config_error("{\"apiKey\":\"sekrit-key\",\"connectTimeoutMs\":0}", PS_STATUS_CONFIG, "connectTimeoutMs");
    config_error("{\"apiKey\":\"sekrit-key\",\"maxRetries\":11}", PS_STATUS_CONFIG, "maxRetries");

    /* Control characters in header values. */
    config_error("{\"apiKey\":\"sekrit-key\\r\\nx-evil: 1\"}", PS_STATUS_CONFIG, "control characters");
    config_error("{\"apiKey\":\"sekrit-key\",\"userAgent\":\"a\\nb\"}", PS_STATUS_CONFIG, "userAgent");
    config_error("{\"apiKey\":\"sekrit-key\",\"userAgent\":\"\"}", PS_STATUS_CONFIG, "userAgent");

    t_section("config JSON: INVALID_ARGUMENT");
    config_error("{\"apiKey\":\"sekrit-key\",\"timeoutMs\":\"200\"}", PS_STATUS_INVALID_ARGUMENT, NULL);
    config_error("{\"apiKey\":\"sekrit-key\",\"timeoutMs\":-1}", PS_STATUS_CONFIG, "timeoutMs must be between 1 and 3600000");
    config_error("{\"apiKey\":\"sekrit-key\",\"maxRetries\":1.5}", PS_STATUS_INVALID_ARGUMENT, NULL);
    config_error("{\"apiKey\":42}", PS_STATUS_INVALID_ARGUMENT, NULL);
    config_error("{\"apiKey\":\"sekrit-key\",\"api_key\":\"x\"}", PS_STATUS_INVALID_ARGUMENT, "api_key");
    config_error("{\"apiKey\":\"sekrit-key\"", PS_STATUS_INVALID_ARGUMENT, NULL);
    config_error("[\"sekrit-key\"]", PS_STATUS_INVALID_ARGUMENT, NULL);
    config_error("{\"apiKey\":\"sekrit-\xff\"}", PS_STATUS_INVALID_ARGUMENT, "UTF-8");

    t_section("config from the environment");
    /* No apiKey in the config: PAPERSPACE_API_KEY; no baseUrl: PAPERSPACE_API_HOST. */
    setenv("PAPERSPACE_API_KEY", ADMIN_KEY, 1);
    ps_client *client = NULL;
    char *error = NULL;
    ps_status status = ps_client_new(NULL, &client, &error);
    CHECK_INT(status, PS_STATUS_OK);
    CHECK(client != NULL && error == NULL);
    char *out = NULL;
    status = ps_users_list(client, NULL, &out);
    CHECK_STATUS(status, PS_STATUS_OK, out);
    CHECK_INT(js_len(js_value(out)), 2);
    ps_string_free(out);
    ps_client_free(client);

    /* The environment's key is used, so a wrong one gives the server's 401. */
    setenv("PAPERSPACE_API_KEY", "not-a-key", 1);
    client = NULL;
    CHECK_INT(ps_client_new("{\"maxRetries\":0}", &client, NULL), PS_STATUS_OK);
    out = NULL;
    status = ps_templates_list(client, NULL, &out);
    CHECK_ERROR(status, PS_STATUS_API, out, "templates_list");
    CHECK_JINT(out, "httpStatus", 401);
    CHECK(out && !strstr(out, "not-a-key"));
    ps_string_free(out);
    ps_client_free(client);

    /* An explicit apiKey wins over the environment. */
    client = make_client(MEMBER_KEY, "");
    out = NULL;
    status = ps_users_list(client, NULL, &out);
    CHECK_STATUS(status, PS_STATUS_OK, out);
    ps_string_free(out);
    ps_client_free(client);

    /* Every config key at once, in range. */
    client = make_client(ADMIN_KEY, ",\"timeoutMs\":5000,\"connectTimeoutMs\":1000,\"maxRetries\":10,"
                                    "\"userAgent\":\"c-tests/1.0\"");
    CHECK(client != NULL);
    ps_client_free(client);

    if (saved_key) {
        setenv("PAPERSPACE_API_KEY", saved_key, 1);
        free(saved_key);
    } else {
        unsetenv("PAPERSPACE_API_KEY");
    }
}
