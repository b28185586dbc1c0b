#pragma once

// SecureBuffer: the one owner of secret bytes (keys, secretstream states, plaintext awaiting
// encryption). The bytes come from sodium_malloc, so they sit between guard pages, are mlock()ed
// where the RLIMIT_MEMLOCK allows (never swapped to disk), and are excluded from core dumps;
// they are zeroed before being freed. Copies of secrets are what leaks, so the type is move-only.

#include <cstddef>
#include <cstdint>
#include <span>

namespace yika::crypto {

class SecureBuffer {
  public:
    // An empty buffer: data() is null and size() is 0.
    SecureBuffer() = default;
    // `size` zero bytes in guarded, locked memory. Throws std::bad_alloc when sodium_malloc fails
    // (an environment failure, like any other allocation). sodium_malloc places the bytes flush
    // against the trailing guard page, so data() is only aligned as far as `size` is (a multiple
    // of 16 gives 16-byte alignment); store only byte arrays or alignof-1 structs.
    explicit SecureBuffer(std::size_t size);
    // Zeroes the bytes (sodium_memzero) and frees them.
    ~SecureBuffer();

    SecureBuffer(SecureBuffer&& other) noexcept;
    SecureBuffer& operator=(SecureBuffer&& other) noexcept;
    SecureBuffer(const SecureBuffer&) = delete;
    SecureBuffer& operator=(const SecureBuffer&) = delete;

    // Writable bytes; must not be written after makeReadOnly() (the write would fault).
    std::uint8_t* data() { return data_; }
    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::span<std::uint8_t> span() { return {data_, size_}; }
    std::span<const std::uint8_t> span() const { return {data_, size_}; }

    // Makes the pages read-only (sodium_mprotect_readonly), so a stray write through a dangling
    // pointer faults instead of silently corrupting a key. Irreversible for this buffer, except
    // that destruction restores write access in order to wipe. Not thread-safe with writers.
    void makeReadOnly();

  private:
    void release() noexcept;

    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    bool read_only_ = false;
};

}  // namespace yika::crypto
