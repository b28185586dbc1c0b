#pragma once

// Running a production batch end to end from the server side: request, approval by a second
// operator, generation in chunks through the single writer with the sealed manufacturer file
// written alongside, and optionally export and receipt into stock.

#include "card_core/domain/batch.h"
#include "server/data_dir.h"

#include <cstdint>
#include <functional>
#include <string>

namespace yika::server {

struct ProduceRequest {
    std::string product_code;
    std::int64_t count = 0;
    std::string location;
    std::string requested_by;
    std::string approved_by;
    std::string manufacturer_public_key_path;  // empty: the data folder's manufacturer.pub
    bool receive = false;                      // also mark exported and receive into stock
};

struct ProduceOutcome {
    BatchId batch_id = 0;
    CardId first_card_id = 0;
    CardId last_card_id = 0;
    std::string sealed_file;
};

// `progress(done, total)` is called after each chunk.
using Progress = std::function<void(std::int64_t done, std::int64_t total)>;

Result<ProduceOutcome> produceBatch(Runtime& rt, const ProduceRequest& request,
                                    const Progress& progress);

}  // namespace yika::server
