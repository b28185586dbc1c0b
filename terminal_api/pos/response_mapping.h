#pragma once

// The one place where the domain's ErrorCode becomes an ISO 8583 response code (field 39).

#include "card_core/domain/error.h"
#include "terminal_api/iso8583/response_code.h"

namespace yika::pos {

iso8583::ResponseCode toResponseCode(ErrorCode code);

}  // namespace yika::pos
