#include "security/secret_box.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "base/sha256.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "base/trimmed.h"

namespace datamesh::security {

using base::cat;

namespace {

constexpr uint8_t kVersion = 1;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kHexKeySize = 2 * SecretBox::kKeySize;
// Comfortably above any secret; keeps sizes within OpenSSL's int lengths.
constexpr std::size_t kMaxPlainSize = 1u << 24;

using Key = std::array<uint8_t, SecretBox::kKeySize>;

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

// OpenSSL 3 looks EVP_aes_256_gcm() up in its provider tables on every use: a third of an
// unseal in the scale benchmark's profile. The fetched one is kept for the process (never
// freed); the legacy one stands in if the fetch fails.
const EVP_CIPHER* aes_256_gcm() {
  static const EVP_CIPHER* const fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return fetched != nullptr ? fetched : EVP_aes_256_gcm();
}

// Holds bytes that are key material and wipes them when it goes out of scope.
class Wiped {
 public:
  explicit Wiped(std::string& bytes) : bytes_(bytes) {}
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  ~Wiped() {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  }

 private:
  std::string& bytes_;
};

class FileCloser {
 public:
  explicit FileCloser(int fd) : fd_(fd) {}
  FileCloser(const FileCloser&) = delete;
  FileCloser& operator=(const FileCloser&) = delete;
  ~FileCloser() { ::close(fd_); }

 private:
  int fd_;
};

std::string errno_text(int error) {
  char buffer[256];
  // GNU strerror_r: returns the message, which may or may not be in `buffer`.
  return strerror_r(error, buffer, sizeof buffer);
}

absl::Status errno_status(int error, std::string_view what, const std::string& path) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      cat(what, " \"", path, "\": ", errno_text(error)));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes exactly 64 hex digits; false for anything else. Never reports what it read.
bool decode_hex_key(std::string_view hex, Key* key) {
  if (hex.size() != kHexKeySize) return false;
  for (std::size_t i = 0; i < key->size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      OPENSSL_cleanse(key->data(), key->size());
      return false;
    }
    (*key)[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return true;
}

std::string encode_hex(const uint8_t* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

absl::Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return absl::Status(absl::ErrnoToStatusCode(errno), errno_text(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return absl::OkStatus();
}

std::string parent_directory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Writes `key` to a new key file `path` without ever exposing a partial or readable file: the
// key goes to a private temporary file (O_EXCL, 0600) that is then hard-linked into place,
// which fails rather than overwrites when another file got there first: AlreadyExists, unless
// `existing_wins` (a concurrent creator's key is then the one used).
absl::Status write_key_file(const std::string& path, const Key& key, bool existing_wins) {
  uint8_t suffix[8];
  if (RAND_bytes(suffix, sizeof suffix) != 1) {
    return absl::InternalError("OpenSSL RAND_bytes failed naming a temporary key file");
  }
  std::string contents = encode_hex(key.data(), key.size()) + "\n";
  const Wiped wipe_contents(contents);

  const std::string temporary = cat(path, ".tmp-", encode_hex(suffix, sizeof suffix));
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return errno_status(errno, "cannot create key file", temporary);
  absl::Status written = write_all(fd, contents);
  if (written.ok() && ::fsync(fd) != 0) {
    written = absl::Status(absl::ErrnoToStatusCode(errno), errno_text(errno));
  }
  if (::close(fd) != 0 && written.ok()) {
    written = absl::Status(absl::ErrnoToStatusCode(errno), errno_text(errno));
  }
  if (!written.ok()) {
    ::unlink(temporary.c_str());
    return absl::Status(written.code(),
                        cat("cannot write key file \"", temporary, "\": ", written.message()));
  }
  const bool linked = ::link(temporary.c_str(), path.c_str()) == 0;
  const int link_error = errno;
  ::unlink(temporary.c_str());
  if (!linked && (link_error != EEXIST || !existing_wins)) {
    if (link_error == EEXIST) {
      return absl::AlreadyExistsError(cat("key file \"", path, "\" already exists"));
    }
    return errno_status(link_error, "cannot create key file", path);
  }
  // Make the new name durable too: losing the key would lose every secret sealed with it.
  // Best effort: some file systems refuse fsync on directories, and the key is already safe
  // in the file itself.
  const int directory = ::open(parent_directory(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory >= 0) {
    (void)::fsync(directory);
    ::close(directory);
  }
  return absl::OkStatus();
}

// Writes a new random key to `path` (write_key_file); a key file another process created
// meanwhile wins.
absl::Status create_key_file(const std::string& path) {
  Key key;
  if (RAND_bytes(key.data(), key.size()) != 1) {
    return absl::InternalError("OpenSSL RAND_bytes failed generating a master key");
  }
  absl::Status written = write_key_file(path, key, /*existing_wins=*/true);
  OPENSSL_cleanse(key.data(), key.size());
  return written;
}

absl::StatusOr<Key> read_key_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(cat(
          "key file \"", path, "\" does not exist: it holds the master key that seals the "
          "mesh's secrets; give the key file the mesh was made with (--master-key-file; a "
          "SQLite mesh's is beside it unless made with that option, named as the file with "
          ".key, as admin backup writes PATH.key), or that key in DATAMESH_MASTER_KEY"));
    }
    return errno_status(errno, "cannot open key file", path);
  }
  const FileCloser close_fd(fd);
  struct stat status {};
  if (::fstat(fd, &status) != 0) return errno_status(errno, "cannot stat key file", path);
  if (!S_ISREG(status.st_mode)) {
    return absl::FailedPreconditionError(cat("key file \"", path, "\" is not a regular file"));
  }
  if ((status.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    return absl::FailedPreconditionError(
        cat("key file \"", path, "\" has mode ", mode,
            ", so group or others may access it; restrict it to its owner (chmod 600) and, if "
            "others could have read it, replace the key"));
  }
  // A well-formed file is 64 hex digits and a newline; reading a little more than that is
  // enough to tell a larger file is malformed.
  std::string contents(256, '\0');
  const Wiped wipe_contents(contents);
  std::size_t size = 0;
  while (size < contents.size()) {
    const ssize_t got = ::read(fd, contents.data() + size, contents.size() - size);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno_status(errno, "cannot read key file", path);
    }
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  Key key;
  if (size == contents.size() ||
      !decode_hex_key(base::trimmed(std::string_view(contents).substr(0, size)), &key)) {
    return absl::FailedPreconditionError(
        cat("key file \"", path, "\" does not hold a key of ", kHexKeySize, " hex characters"));
  }
  return key;
}

}  // namespace

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

absl::StatusOr<std::string> SecretBox::authenticate(std::string_view purpose,
                                                    std::string_view message) const {
  // base::hmac_sha256, not OpenSSL's one-shot HMAC(), which looks the algorithm up in its
  // provider tables on every call: the audit chain authenticates every write's event.
  std::string derived = base::hmac_sha256(
      std::string_view(reinterpret_cast<const char*>(key_.data()), key_.size()), purpose);
  std::string mac = base::hmac_sha256(derived, message);
  OPENSSL_cleanse(derived.data(), derived.size());
  return mac;
}

absl::StatusOr<SecretBox> SecretBox::from_key(std::string_view key32) {
  if (key32.size() != kKeySize) {
    return absl::InvalidArgumentError(
        cat("a master key must be ", kKeySize, " bytes; got ", key32.size()));
  }
  Key key;
  std::copy(key32.begin(), key32.end(), key.begin());
  SecretBox box(key);
  OPENSSL_cleanse(key.data(), key.size());
  return box;
}

absl::StatusOr<SecretBox> SecretBox::open_key_file(const std::string& path,
                                                   bool create_if_missing) {
  absl::StatusOr<Key> key = read_key_file(path);
  if (absl::IsNotFound(key.status()) && create_if_missing) {
    DATAMESH_RETURN_IF_ERROR(create_key_file(path));
    key = read_key_file(path);
  }
  // Not moved out of `key`: a moved std::array leaves its copy behind, uncleansed.
  DATAMESH_RETURN_IF_ERROR(key.status());
  SecretBox box(*key);
  OPENSSL_cleanse(key->data(), key->size());
  return box;
}

absl::Status SecretBox::copy_key_file(const std::string& from, const std::string& to) {
  absl::StatusOr<Key> key = read_key_file(from);
  DATAMESH_RETURN_IF_ERROR(key.status());
  absl::Status written = write_key_file(to, *key, /*existing_wins=*/false);
  OPENSSL_cleanse(key->data(), key->size());
  return written;
}

bool SecretBox::key_in_environment() {
  return std::getenv(std::string(kKeyEnvironmentVariable).c_str()) != nullptr;
}

std::string SecretBox::key_source(const std::string& key_file_path) {
  return key_in_environment() ? std::string(kKeyEnvironmentVariable) : key_file_path;
}

absl::StatusOr<SecretBox> SecretBox::from_environment_or_file(const std::string& key_file_path,
                                                              bool create_if_missing) {
  const std::string variable(kKeyEnvironmentVariable);
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr) return open_key_file(key_file_path, create_if_missing);
  const std::string_view hex = base::trimmed(value);
  Key key;
  if (!decode_hex_key(hex, &key)) {
    return absl::InvalidArgumentError(
        cat(variable, " must hold ", kHexKeySize, " hex characters (a ", kKeySize,
            "-byte key); it holds ", hex.size(), " characters",
            hex.size() == kHexKeySize ? ", not all of them hex digits" : ""));
  }
  SecretBox box(key);
  OPENSSL_cleanse(key.data(), key.size());
  return box;
}

absl::StatusOr<std::string> SecretBox::seal(std::string_view plain) const {
  if (plain.size() > kMaxPlainSize) {
    return absl::InvalidArgumentError(
        cat("a secret to seal may be at most ", kMaxPlainSize, " bytes; got ", plain.size()));
  }
  std::string sealed(1 + kNonceSize + plain.size() + kTagSize, '\0');
  auto* out = reinterpret_cast<uint8_t*>(sealed.data());
  out[0] = kVersion;
  uint8_t* nonce = out + 1;
  uint8_t* ciphertext = nonce + kNonceSize;
  uint8_t* tag = ciphertext + plain.size();
  if (RAND_bytes(nonce, kNonceSize) != 1) {
    return absl::InternalError("OpenSSL RAND_bytes failed generating a nonce");
  }
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  const bool ok =
      context != nullptr &&
      EVP_EncryptInit_ex(context.get(), aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, key_.data(), nonce) == 1 &&
      // The version byte is authenticated so that it cannot be changed to mislead a reader.
      EVP_EncryptUpdate(context.get(), nullptr, &length, out, 1) == 1 &&
      EVP_EncryptUpdate(context.get(), ciphertext, &length,
                        reinterpret_cast<const uint8_t*>(plain.data()),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(context.get(), ciphertext + length, &final_length) == 1 &&
      static_cast<std::size_t>(length + final_length) == plain.size() &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag) == 1;
  if (!ok) {
    OPENSSL_cleanse(sealed.data(), sealed.size());
    return absl::InternalError("OpenSSL failed sealing a secret with AES-256-GCM");
  }
  return sealed;
}

absl::StatusOr<std::string> SecretBox::unseal(std::string_view sealed) const {
  if (sealed.size() < 1 + kNonceSize + kTagSize) {
    return absl::DataLossError(cat("sealed secret is ", sealed.size(),
                                   " bytes long; a sealed secret has at least ",
                                   1 + kNonceSize + kTagSize));
  }
  const auto* in = reinterpret_cast<const uint8_t*>(sealed.data());
  if (in[0] != kVersion) {
    return absl::DataLossError(cat("sealed secret has format version ", static_cast<int>(in[0]),
                                   "; this build reads version ", static_cast<int>(kVersion)));
  }
  if (sealed.size() - 1 - kNonceSize - kTagSize > kMaxPlainSize) {
    return absl::DataLossError("sealed secret is longer than any this build seals");
  }
  const uint8_t* nonce = in + 1;
  const uint8_t* ciphertext = nonce + kNonceSize;
  const std::size_t ciphertext_size = sealed.size() - 1 - kNonceSize - kTagSize;
  // EVP's SET_TAG takes a non-const pointer but only reads it.
  uint8_t tag[kTagSize];
  std::copy(ciphertext + ciphertext_size, ciphertext + ciphertext_size + kTagSize, tag);
  std::string plain(ciphertext_size, '\0');
  auto* out = reinterpret_cast<uint8_t*>(plain.data());
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  const bool set_up =
      context != nullptr &&
      EVP_DecryptInit_ex(context.get(), aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, key_.data(), nonce) == 1 &&
      EVP_DecryptUpdate(context.get(), nullptr, &length, in, 1) == 1 &&
      EVP_DecryptUpdate(context.get(), out, &length, ciphertext,
                        static_cast<int>(ciphertext_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) == 1;
  if (!set_up) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return absl::InternalError("OpenSSL failed unsealing a secret with AES-256-GCM");
  }
  if (EVP_DecryptFinal_ex(context.get(), out + length, &final_length) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return absl::DataLossError(
        "sealed secret failed authentication: it was altered, or sealed under another key");
  }
  return plain;
}

}  // namespace datamesh::security
