#include "security/secret_box.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/files.h"
#include "testkit/scratch_dir.h"

namespace datamesh::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// 32 bytes 00 01 ... 1f, and the same as the hex a key file or DATAMESH_MASTER_KEY holds.
std::string key_bytes() {
  std::string key;
  for (int i = 0; i < 32; ++i) key.push_back(static_cast<char>(i));
  return key;
}
constexpr const char* kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kOtherKeyHex =
    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string message(const absl::Status& status) { return std::string(status.message()); }

SecretBox box_from(const std::string& key) {
  absl::StatusOr<SecretBox> box = SecretBox::from_key(key);
  EXPECT_TRUE(box.ok()) << box.status();
  return *std::move(box);
}

using testkit::ScratchDir;

// The names of what the folder holds.
std::vector<std::string> entries(const ScratchDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

void write_file(const std::string& path, const std::string& contents, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
  }
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

// Sets or unsets DATAMESH_MASTER_KEY for one test and restores the previous value.
class ScopedMasterKey {
 public:
  explicit ScopedMasterKey(const char* value) {
    if (const char* old = getenv("DATAMESH_MASTER_KEY")) old_ = old;
    if (value) {
      setenv("DATAMESH_MASTER_KEY", value, 1);
    } else {
      unsetenv("DATAMESH_MASTER_KEY");
    }
  }
  ~ScopedMasterKey() {
    if (old_) {
      setenv("DATAMESH_MASTER_KEY", old_->c_str(), 1);
    } else {
      unsetenv("DATAMESH_MASTER_KEY");
    }
  }

 private:
  std::optional<std::string> old_;
};

// --- sealing

TEST(SecretBox, UnsealReturnsWhatWasSealed) {
  const SecretBox box = box_from(key_bytes());
  for (const std::string& plain :
       {std::string(), std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        std::string("\0\x01\xff binary", 10), std::string(10000, 'z')}) {
    const absl::StatusOr<std::string> sealed = box.seal(plain);
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    const absl::StatusOr<std::string> unsealed = box.unseal(*sealed);
    ASSERT_TRUE(unsealed.ok()) << unsealed.status();
    EXPECT_EQ(*unsealed, plain);
  }
}

TEST(SecretBox, SealedFormIsVersionNonceCiphertextAndTag) {
  const SecretBox box = box_from(key_bytes());
  const std::string plain = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const absl::StatusOr<std::string> sealed = box.seal(plain);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), 1 + 12 + plain.size() + 16);
  EXPECT_EQ((*sealed)[0], '\x01');
  EXPECT_THAT(*sealed, Not(HasSubstr("wJalrXUtnFEMI")));
}

TEST(SecretBox, SealsTheSameSecretDifferentlyEachTime) {
  const SecretBox box = box_from(key_bytes());
  const absl::StatusOr<std::string> first = box.seal("secret");
  const absl::StatusOr<std::string> second = box.seal("secret");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->substr(1, 12), second->substr(1, 12)) << "nonces must differ";
  EXPECT_NE(*first, *second);
}

// Sealed independently (Python `cryptography`, AESGCM with the version byte as associated
// data): pins the format, so that secrets sealed by an older build stay readable.
TEST(SecretBox, UnsealsAKnownAnswerSealedElsewhere) {
  const SecretBox box = box_from(key_bytes());
  const absl::StatusOr<std::string> unsealed = box.unseal(from_hex(
      "016465666768696a6b6c6d6e6f2c76ad0d549a33fd4c072bc5bb06099831b12b61ee155fa7cdcd8de094c497"
      "047582a1d02d78"));
  ASSERT_TRUE(unsealed.ok()) << unsealed.status();
  EXPECT_EQ(*unsealed, "dmsk-secret-access-key");
}

TEST(SecretBox, AuthenticateIsHmacSha256UnderAKeyDerivedForThePurpose) {
  // Expected value from Python: hmac(hmac(key, purpose, sha256).digest(), message, sha256).
  const SecretBox box = box_from(key_bytes());
  const absl::StatusOr<std::string> mac = box.authenticate("datamesh audit chain v1", "a message");
  ASSERT_TRUE(mac.ok()) << mac.status();
  EXPECT_EQ(*mac, from_hex("19064897c9e0ece023e0976dcc3f5907166f4b20c4d1e55c263bd0e632839998"));
}

TEST(SecretBox, AuthenticateDependsOnKeyPurposeAndMessage) {
  const SecretBox box = box_from(key_bytes());
  const std::string mac = box.authenticate("purpose", "message").value();
  EXPECT_EQ(mac.size(), 32u);
  EXPECT_EQ(box.authenticate("purpose", "message").value(), mac);
  EXPECT_NE(box.authenticate("other purpose", "message").value(), mac);
  EXPECT_NE(box.authenticate("purpose", "message.").value(), mac);
  EXPECT_NE(box_from(from_hex(kOtherKeyHex)).authenticate("purpose", "message").value(), mac);
}

TEST(SecretBox, DetectsAFlippedBitAnywhere) {
  const SecretBox box = box_from(key_bytes());
  const absl::StatusOr<std::string> sealed = box.seal("secret access key");
  ASSERT_TRUE(sealed.ok());
  for (std::size_t i = 0; i < sealed->size(); ++i) {
    std::string tampered = *sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    const absl::StatusOr<std::string> unsealed = box.unseal(tampered);
    EXPECT_EQ(unsealed.status().code(), absl::StatusCode::kDataLoss) << "byte " << i;
  }
}

TEST(SecretBox, RejectsASecretSealedUnderAnotherKey) {
  const absl::StatusOr<std::string> sealed = box_from(key_bytes()).seal("secret");
  ASSERT_TRUE(sealed.ok());
  const absl::StatusOr<std::string> unsealed = box_from(from_hex(kOtherKeyHex)).unseal(*sealed);
  EXPECT_EQ(unsealed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(message(unsealed.status()), HasSubstr("failed authentication"));
}

TEST(SecretBox, RejectsTruncatedInput) {
  const SecretBox box = box_from(key_bytes());
  const absl::StatusOr<std::string> sealed = box.seal("");
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(sealed->size(), 29u);
  for (std::size_t size = 0; size < sealed->size(); ++size) {
    EXPECT_EQ(box.unseal(sealed->substr(0, size)).status().code(), absl::StatusCode::kDataLoss)
        << size;
  }
  EXPECT_EQ(message(box.unseal("x").status()),
            "sealed secret is 1 bytes long; a sealed secret has at least 29");
}

TEST(SecretBox, RejectsAnUnknownVersion) {
  const SecretBox box = box_from(key_bytes());
  absl::StatusOr<std::string> sealed = box.seal("secret");
  ASSERT_TRUE(sealed.ok());
  (*sealed)[0] = '\x02';
  const absl::StatusOr<std::string> unsealed = box.unseal(*sealed);
  EXPECT_EQ(unsealed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(message(unsealed.status()),
            "sealed secret has format version 2; this build reads version 1");
}

TEST(SecretBox, CopiesSealAndUnsealAlike) {
  const SecretBox box = box_from(key_bytes());
  const SecretBox copy = box;  // NOLINT(performance-unnecessary-copy-initialization)
  const absl::StatusOr<std::string> sealed = box.seal("secret");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(copy.unseal(*sealed).value_or(""), "secret");
}

TEST(SecretBoxFromKey, RequiresExactly32Bytes) {
  for (std::size_t size : {0, 16, 31, 33, 64}) {
    const absl::StatusOr<SecretBox> box = SecretBox::from_key(std::string(size, 'k'));
    EXPECT_EQ(box.status().code(), absl::StatusCode::kInvalidArgument) << size;
  }
  EXPECT_EQ(message(SecretBox::from_key("short").status()), "a master key must be 32 bytes; got 5");
}

// --- key files

TEST(SecretBoxKeyFile, CreatesAMissingKeyFileReadableOnlyByItsOwner) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  const absl::StatusOr<SecretBox> box = SecretBox::open_key_file(path, true);
  ASSERT_TRUE(box.ok()) << box.status();

  struct stat status {};
  ASSERT_EQ(::stat(path.c_str(), &status), 0);
  EXPECT_TRUE(S_ISREG(status.st_mode));
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  const std::string contents = read_file(path);
  ASSERT_EQ(contents.size(), 65u);
  EXPECT_EQ(contents.find_first_not_of("0123456789abcdef"), 64u);
  EXPECT_EQ(contents.back(), '\n');
  // The temporary file the key was written to is gone.
  EXPECT_THAT(entries(dir), ::testing::ElementsAre("master.key"));
}

TEST(SecretBoxKeyFile, CreatesADifferentKeyEachTime) {
  const ScratchDir dir;
  ASSERT_TRUE(SecretBox::open_key_file(dir.file("a.key"), true).ok());
  ASSERT_TRUE(SecretBox::open_key_file(dir.file("b.key"), true).ok());
  EXPECT_NE(read_file(dir.file("a.key")), read_file(dir.file("b.key")));
}

TEST(SecretBoxKeyFile, ConcurrentCreatorsEndUpWithOneKey) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  std::vector<std::optional<SecretBox>> boxes(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<SecretBox> box = SecretBox::open_key_file(path, true);
      if (box.ok()) boxes[i].emplace(*std::move(box));
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(boxes[0].has_value());
  const absl::StatusOr<std::string> sealed = boxes[0]->seal("secret");
  ASSERT_TRUE(sealed.ok());
  for (const std::optional<SecretBox>& box : boxes) {
    ASSERT_TRUE(box.has_value());
    EXPECT_EQ(box->unseal(*sealed).value_or("<failed>"), "secret");
  }
  EXPECT_THAT(entries(dir), ::testing::ElementsAre("master.key"));
}

TEST(SecretBoxKeyFile, ReopensTheSameKey) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  const absl::StatusOr<SecretBox> created = SecretBox::open_key_file(path, true);
  ASSERT_TRUE(created.ok()) << created.status();
  const absl::StatusOr<std::string> sealed = created->seal("secret");
  ASSERT_TRUE(sealed.ok());
  const std::string contents = read_file(path);

  const absl::StatusOr<SecretBox> reopened = SecretBox::open_key_file(path, true);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->unseal(*sealed).value_or("<failed>"), "secret");
  EXPECT_EQ(read_file(path), contents) << "an existing key file must never be replaced";
}

TEST(SecretBoxKeyFile, ReadsAnExistingKeyInEitherCaseWithSurroundingWhitespace) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  std::string upper = kKeyHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  write_file(path, "  " + upper + "\r\n\n", 0600);
  const absl::StatusOr<SecretBox> box = SecretBox::open_key_file(path, false);
  ASSERT_TRUE(box.ok()) << box.status();
  const absl::StatusOr<std::string> sealed = box_from(key_bytes()).seal("secret");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(box->unseal(*sealed).value_or("<failed>"), "secret");
}

TEST(SecretBoxKeyFile, MissingFileIsNotFoundUnlessCreated) {
  const ScratchDir dir;
  const std::string path = dir.file("absent.key");
  const absl::StatusOr<SecretBox> box = SecretBox::open_key_file(path, false);
  EXPECT_EQ(box.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(message(box.status()),
              HasSubstr("key file \"" + path + "\" does not exist: it holds the master key"));
  EXPECT_TRUE(entries(dir).empty()) << "nothing may be created";
}

TEST(SecretBoxKeyFile, ReportsAMissingDirectoryWhenCreating) {
  const ScratchDir dir;
  const std::string path = dir.file("no/such/dir/master.key");
  const absl::StatusOr<SecretBox> box = SecretBox::open_key_file(path, true);
  EXPECT_EQ(box.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(message(box.status()), HasSubstr("cannot create key file"));
  EXPECT_THAT(message(box.status()), HasSubstr(dir.file("no/such/dir/")));
}

TEST(SecretBoxKeyFile, RefusesAKeyFileGroupOrOthersMayAccess) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0610, 0601}) {
    write_file(path, std::string(kKeyHex) + "\n", mode);
    const absl::StatusOr<SecretBox> box = SecretBox::open_key_file(path, true);
    EXPECT_EQ(box.status().code(), absl::StatusCode::kFailedPrecondition) << std::oct << mode;
    EXPECT_THAT(message(box.status()), Not(HasSubstr(kKeyHex)));
  }
  write_file(path, std::string(kKeyHex) + "\n", 0644);
  EXPECT_THAT(message(SecretBox::open_key_file(path, false).status()),
              HasSubstr("key file \"" + path +
                        "\" has mode 0644, so group or others may access it; restrict it to "
                        "its owner (chmod 600)"));
}

TEST(SecretBoxKeyFile, CopyWritesTheSameKeyToANewPrivateFileOnly) {
  const ScratchDir dir;
  const std::string path = dir.file("mesh.db.key");
  const absl::StatusOr<SecretBox> created = SecretBox::open_key_file(path, true);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string copy = dir.file("backup.db.key");
  ASSERT_TRUE(SecretBox::copy_key_file(path, copy).ok());
  EXPECT_EQ(read_file(copy), read_file(path));
  struct stat status {};
  ASSERT_EQ(::stat(copy.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  // Never over an existing file; never from a file others may read.
  write_file(copy, "kept\n", 0600);
  EXPECT_EQ(SecretBox::copy_key_file(path, copy).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(read_file(copy), "kept\n");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(SecretBox::copy_key_file(path, dir.file("other.key")).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SecretBox::copy_key_file(dir.file("missing.key"), dir.file("third.key")).code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(entries(dir), ::testing::UnorderedElementsAre("mesh.db.key", "backup.db.key"));
}

TEST(SecretBoxKeyFile, AcceptsAnOwnerOnlyReadOnlyFile) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  write_file(path, std::string(kKeyHex) + "\n", 0400);
  EXPECT_TRUE(SecretBox::open_key_file(path, false).ok());
}

TEST(SecretBoxKeyFile, RefusesMalformedContentsWithoutShowingThem) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  const std::string almost = std::string(kKeyHex).substr(0, 62);
  for (const std::string& contents :
       {std::string(), std::string("not a key"), almost + "0",  // 63 digits
        std::string(kKeyHex) + "0", almost + "zz", std::string(kKeyHex) + std::string(300, ' '),
        std::string(kKeyHex).substr(0, 32) + " " + std::string(kKeyHex).substr(32)}) {
    write_file(path, contents, 0600);
    const absl::StatusOr<SecretBox> box = SecretBox::open_key_file(path, false);
    EXPECT_EQ(box.status().code(), absl::StatusCode::kFailedPrecondition) << contents;
    EXPECT_EQ(message(box.status()),
              "key file \"" + path + "\" does not hold a key of 64 hex characters");
  }
}

TEST(SecretBoxKeyFile, RefusesSomethingOtherThanARegularFile) {
  const ScratchDir dir;
  const std::string path = dir.file("keys");
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
  const absl::StatusOr<SecretBox> box = SecretBox::open_key_file(path, true);
  EXPECT_EQ(box.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(message(box.status()), HasSubstr("is not a regular file"));
}

// --- environment

TEST(SecretBoxEnvironment, PrefersTheEnvironmentKeyOverTheFile) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  write_file(path, std::string(kOtherKeyHex) + "\n", 0600);
  const ScopedMasterKey env(kKeyHex);
  const absl::StatusOr<SecretBox> box = SecretBox::from_environment_or_file(path, true);
  ASSERT_TRUE(box.ok()) << box.status();
  const absl::StatusOr<std::string> sealed = box_from(key_bytes()).seal("secret");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(box->unseal(*sealed).value_or("<failed>"), "secret");
}

TEST(SecretBoxEnvironment, DoesNotCreateAKeyFileWhenTheEnvironmentHasTheKey) {
  const ScratchDir dir;
  const ScopedMasterKey env(kKeyHex);
  ASSERT_TRUE(SecretBox::from_environment_or_file(dir.file("master.key"), true).ok());
  EXPECT_TRUE(entries(dir).empty());
}

TEST(SecretBoxEnvironment, FallsBackToTheKeyFile) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  write_file(path, std::string(kKeyHex) + "\n", 0600);
  const ScopedMasterKey env(nullptr);
  const absl::StatusOr<SecretBox> box = SecretBox::from_environment_or_file(path, false);
  ASSERT_TRUE(box.ok()) << box.status();
  const absl::StatusOr<std::string> sealed = box_from(key_bytes()).seal("secret");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(box->unseal(*sealed).value_or("<failed>"), "secret");

  EXPECT_EQ(SecretBox::from_environment_or_file(dir.file("absent.key"), false).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SecretBoxEnvironment, RejectsAMalformedKeyWithoutShowingIt) {
  const ScratchDir dir;
  const std::string path = dir.file("master.key");
  const std::string almost = std::string(kKeyHex).substr(0, 62);
  for (const std::string& value :
       {std::string(""), std::string("abc"), almost + "0", almost + "zz",
        std::string(kKeyHex) + "00",
        std::string(kKeyHex).substr(0, 32) + " " + std::string(kKeyHex).substr(32)}) {
    const ScopedMasterKey env(value.c_str());
    const absl::StatusOr<SecretBox> box = SecretBox::from_environment_or_file(path, true);
    EXPECT_EQ(box.status().code(), absl::StatusCode::kInvalidArgument) << value;
    EXPECT_THAT(message(box.status()),
                HasSubstr("DATAMESH_MASTER_KEY must hold 64 hex characters (a 32-byte key)"));
    if (value.size() > 2) {
      EXPECT_THAT(message(box.status()), Not(HasSubstr(value)));
    }
  }
  EXPECT_TRUE(entries(dir).empty()) << "a malformed variable must not fall back to a file";
  const ScopedMasterKey env((almost + "zz").c_str());
  EXPECT_EQ(message(SecretBox::from_environment_or_file(path, true).status()),
            "DATAMESH_MASTER_KEY must hold 64 hex characters (a 32-byte key); it holds 64 "
            "characters, not all of them hex digits");
}

TEST(SecretBoxEnvironment, AcceptsSurroundingWhitespace) {
  const ScratchDir dir;
  const ScopedMasterKey env((std::string(kKeyHex) + "\n").c_str());
  EXPECT_TRUE(SecretBox::from_environment_or_file(dir.file("master.key"), false).ok());
}

}  // namespace
}  // namespace datamesh::security
