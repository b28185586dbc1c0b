#include "terminal_api/http/openapi_document.h"

#include "terminal_api/http/openapi_yaml.h"

namespace yika::http {

std::string_view openApiYaml() {
    return {reinterpret_cast<const char*>(kOpenApiYaml), kOpenApiYaml_bytes};
}

}  // namespace yika::http
