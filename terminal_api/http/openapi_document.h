#pragma once

// docs/openapi.yaml, embedded at build time (cmake/embed_file.cmake) and served at
// GET /v1/openapi.yaml.

#include <string_view>

namespace yika::http {

// The whole document. Static storage; thread-safe.
std::string_view openApiYaml();

}  // namespace yika::http
