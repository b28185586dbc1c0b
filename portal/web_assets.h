#pragma once

// The portal page (portal/web/), embedded at build time by
// terminal_api/http/cmake/embed_file.cmake, so yikad serves it without depending on its
// working directory.

#include "portal/generated/app_js.h"
#include "portal/generated/index_html.h"
#include "portal/generated/style_css.h"
