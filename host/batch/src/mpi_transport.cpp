// The MPI transport (Open MPI 4.1 from Debian; any MPI-3 library): plain
// two-sided messages of bytes on a duplicate of MPI_COMM_WORLD, tagged with
// Tag. Rank 0 polls (MPI_Iprobe) because its main thread also watches its own
// worker thread; the workers wait in MPI_Probe.
#include <mpi.h>

#include <stdexcept>
#include <string>

#include "transport.h"

namespace brick::batch {

namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string(what) + ": " + std::string(text, static_cast<size_t>(length)));
}

class MpiTransport final : public Transport {
 public:
  MpiTransport() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
      owns_init_ = true;
    }
    check(MPI_Comm_dup(MPI_COMM_WORLD, &world_), "MPI_Comm_dup");
    // Errors come back as codes (check throws) instead of ending the job silently.
    MPI_Comm_set_errhandler(world_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(world_, &rank_);
    MPI_Comm_size(world_, &size_);
    // The ranks that share this machine's memory: local rank and size for
    // GPUs and threads, whatever the launcher said.
    check(MPI_Comm_split_type(world_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node_), "MPI_Comm_split_type");
    MPI_Comm_rank(node_, &local_rank_);
    MPI_Comm_size(node_, &local_size_);
  }

  ~MpiTransport() override {
    MPI_Comm_free(&node_);
    MPI_Comm_free(&world_);
    if (owns_init_) MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }

  int broadcast(int value) override {
    check(MPI_Bcast(&value, 1, MPI_INT, 0, world_), "MPI_Bcast");
    return value;
  }

  int max(int value) override {
    int result = 0;
    check(MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, world_), "MPI_Allreduce");
    return result;
  }

  void send(int to, Tag tag, const std::string& body) override {
    check(MPI_Send(body.data(), static_cast<int>(body.size()), MPI_CHAR, to, static_cast<int>(tag), world_),
          "MPI_Send");
  }

  Message receive() override {
    MPI_Status status;
    check(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, world_, &status), "MPI_Probe");
    return take(status);
  }

  std::optional<Message> poll() override {
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, world_, &flag, &status), "MPI_Iprobe");
    if (!flag) return std::nullopt;
    return take(status);
  }

  [[noreturn]] void abort(int status) override {
    MPI_Abort(MPI_COMM_WORLD, status);
    std::abort();
  }

 private:
  Message take(const MPI_Status& probed) {
    int count = 0;
    MPI_Get_count(&probed, MPI_CHAR, &count);
    Message message;
    message.source = probed.MPI_SOURCE;
    message.tag = static_cast<Tag>(probed.MPI_TAG);
    message.body.resize(static_cast<size_t>(count));
    check(MPI_Recv(message.body.data(), count, MPI_CHAR, probed.MPI_SOURCE, probed.MPI_TAG, world_, MPI_STATUS_IGNORE),
          "MPI_Recv");
    return message;
  }

  MPI_Comm world_ = MPI_COMM_NULL;
  MPI_Comm node_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
  int local_rank_ = 0;
  int local_size_ = 1;
  bool owns_init_ = false;
};

}  // namespace

std::unique_ptr<Transport> make_mpi_transport() { return std::make_unique<MpiTransport>(); }

}  // namespace brick::batch
