#include "crypto/secure_buffer.h"

#include "card_core/domain/assert.h"
#include "crypto/random.h"

#include <sodium.h>

#include <new>
#include <utility>

namespace yika::crypto {

SecureBuffer::SecureBuffer(std::size_t size) : size_(size) {
    if (size == 0) {
        return;
    }
    // sodium_malloc relies on the page size that sodium_init records.
    ensureSodium();
    data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
    if (data_ == nullptr) {
        size_ = 0;
        throw std::bad_alloc();
    }
    // sodium_malloc fills with 0xdb to expose use of uninitialised memory; callers get zeros so
    // that a partially filled buffer never holds stale-looking data.
    sodium_memzero(data_, size_);
}

SecureBuffer::~SecureBuffer() { release(); }

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      read_only_(std::exchange(other.read_only_, false)) {}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        read_only_ = std::exchange(other.read_only_, false);
    }
    return *this;
}

void SecureBuffer::makeReadOnly() {
    if (data_ == nullptr || read_only_) {
        return;
    }
    YIKA_ASSERT(sodium_mprotect_readonly(data_) == 0);
    read_only_ = true;
}

void SecureBuffer::release() noexcept {
    if (data_ == nullptr) {
        return;
    }
    if (read_only_) {
        // Wiping needs write access; failure here would leave the key readable, so abort.
        YIKA_ASSERT(sodium_mprotect_readwrite(data_) == 0);
    }
    // sodium_free wipes too; the explicit wipe documents the contract and does not depend on it.
    sodium_memzero(data_, size_);
    sodium_free(data_);
    data_ = nullptr;
    size_ = 0;
    read_only_ = false;
}

}  // namespace yika::crypto
