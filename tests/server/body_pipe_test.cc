// BodyPipe (server/body_pipe.h): a streamed answer's body between the thread producing it and
// the one sending it, in a bounded buffer. The sender here is the test's thread, as the event
// loop would be: it takes bytes, and waits for the resume hook when the pipe asked it to wait.
#include "server/body_pipe.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "support/latch.h"
#include "support/status_matchers.h"

namespace datamesh::server {
namespace {

using test_support::Latch;

constexpr std::size_t kLimit = 1024;

// The hooks as a transport would see them: when the answer started, and the suspend/resume
// handshake of a sender waiting for bytes.
struct Sender {
  Latch started;
  int starts = 0;
  std::mutex mutex;
  std::condition_variable resumed;
  bool suspended = false;

  BodyPipe::Hooks hooks() {
    return {.start =
                [this] {
                  ++starts;
                  started.open();
                },
            .suspend =
                [this] {
                  std::lock_guard lock(mutex);
                  suspended = true;
                },
            .resume =
                [this] {
                  std::lock_guard lock(mutex);
                  suspended = false;
                  resumed.notify_all();
                }};
  }

  // Takes every byte until the end; the last take's answer.
  BodyPipe::Take drain(BodyPipe& pipe, std::string& out) {
    char buffer[300];
    while (true) {
      std::size_t taken = 0;
      const BodyPipe::Take take = pipe.take(buffer, sizeof buffer, taken);
      if (take == BodyPipe::Take::kBytes) {
        out.append(buffer, taken);
      } else if (take == BodyPipe::Take::kWait) {
        std::unique_lock lock(mutex);
        if (!resumed.wait_for(lock, Latch::kGuard, [this] { return !suspended; })) return take;
      } else {
        return take;
      }
    }
  }
};

Response head() { return Response{.status = 200, .headers = {{"X-Test", "1"}}}; }

TEST(BodyPipeTest, AnAnswerThatFitsTheBufferIsAnsweredWhole) {
  Sender sender;
  BodyPipe pipe(kLimit, head(), sender.hooks());
  ASSERT_OK(pipe.write("[1,"));
  ASSERT_OK(pipe.write("2]"));
  EXPECT_FALSE(pipe.started());
  const std::optional<Response> whole = pipe.finish(absl::OkStatus());
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body, "[1,2]");
  EXPECT_EQ(whole->headers, head().headers);
  EXPECT_FALSE(whole->produce);
  EXPECT_EQ(sender.starts, 0);
}

TEST(BodyPipeTest, AFailureBeforeTheStartIsAnsweredWithTheReplacement) {
  Sender sender;
  BodyPipe pipe(kLimit, head(), sender.hooks());
  ASSERT_OK(pipe.write("[1,"));
  pipe.replace(Response{.status = 404, .body = "{\"Error\":{}}"});
  const std::optional<Response> whole = pipe.finish(absl::NotFoundError("gone"));
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->status, 404);
  EXPECT_EQ(whole->body, "{\"Error\":{}}");
  EXPECT_EQ(sender.starts, 0);
}

TEST(BodyPipeTest, ALargeAnswerLeavesThroughABoundedBuffer) {
  Sender sender;
  BodyPipe pipe(kLimit, head(), sender.hooks());
  std::string written;
  absl::Status produced;
  std::thread producer([&] {
    for (int i = 0; i < 2000 && produced.ok(); ++i) {
      const std::string piece = "entry " + std::to_string(i) + std::string(i % 90, '.') + ",";
      written += piece;
      produced = pipe.write(piece);
    }
    EXPECT_FALSE(pipe.finish(produced).has_value());  // started: the sender gets the end
  });
  ASSERT_TRUE(sender.started.wait());
  std::string sent;
  EXPECT_EQ(sender.drain(pipe, sent), BodyPipe::Take::kEnd);
  producer.join();
  ASSERT_OK(produced);
  EXPECT_EQ(sent, written);
  EXPECT_GT(written.size(), 50 * kLimit);
  // The buffer never held more than its limit and one write (at most 99 bytes).
  EXPECT_LE(pipe.high_water(), kLimit + 99);
  EXPECT_EQ(sender.starts, 1);
}

TEST(BodyPipeTest, AFailureAfterTheStartEndsTheBodyAsFailed) {
  Sender sender;
  BodyPipe pipe(kLimit, head(), sender.hooks());
  std::thread producer([&] {
    ASSERT_OK(pipe.write(std::string(kLimit, 'x')));
    pipe.replace(Response{.status = 500});  // too late: ignored
    EXPECT_FALSE(pipe.finish(absl::InternalError("the store failed")).has_value());
  });
  ASSERT_TRUE(sender.started.wait());
  std::string sent;
  EXPECT_EQ(sender.drain(pipe, sent), BodyPipe::Take::kFailed);
  producer.join();
  EXPECT_EQ(sent, std::string(kLimit, 'x'));
}

TEST(BodyPipeTest, AClientThatHasGoneStopsTheProducer) {
  Sender sender;
  BodyPipe pipe(kLimit, head(), sender.hooks());
  absl::Status produced;
  int writes = 0;
  std::thread producer([&] {
    while (produced.ok()) {
      produced = pipe.write(std::string(100, 'x'));
      ++writes;
    }
  });
  // Nothing is taken: the producer fills the buffer and waits until the connection is over.
  ASSERT_TRUE(sender.started.wait());
  pipe.gone();
  producer.join();
  EXPECT_STATUS_CODE(produced, absl::StatusCode::kCancelled);
  EXPECT_LE(writes, static_cast<int>(kLimit / 100) + 1);
  EXPECT_LE(pipe.high_water(), kLimit + 100);
}

}  // namespace
}  // namespace datamesh::server
