// Transport: how the ranks of a batch talk: rank 0 hands out jobs and
// collects their manifest records; the others ask for work. One process
// alone has a transport of size 1 (no MPI); a launched one, MPI's
// (mpi_transport.cpp, built with BRICK_MPI).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "brick/batch/launcher.h"

namespace brick::batch {

enum class Tag : int {
  Ready = 1,   // worker -> 0: give me a job
  Result = 2,  // worker -> 0: a manifest line (and give me the next job)
  Job = 3,     // 0 -> worker: a job as JSON
  Stop = 4,    // 0 -> worker: no more jobs
};

struct Message {
  int source = 0;
  Tag tag = Tag::Ready;
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual int local_rank() const = 0;  // among the ranks of this machine
  virtual int local_size() const = 0;

  // Collectives: every rank calls them, in the same order.
  virtual int broadcast(int value) = 0;  // rank 0's value
  virtual int max(int value) = 0;        // the largest of the ranks' values

  virtual void send(int to, Tag tag, const std::string& body) = 0;
  virtual Message receive() = 0;              // waits for the next message
  virtual std::optional<Message> poll() = 0;  // the next message if one has come
  // Ends every rank now (a fault on rank 0 that the others would wait on forever).
  [[noreturn]] virtual void abort(int status) = 0;
};

// A process on its own.
std::unique_ptr<Transport> make_single_transport();
#ifdef BRICK_BATCH_MPI
// MPI_Init_thread (funneled: only the calling thread uses MPI) on
// MPI_COMM_WORLD; MPI_Finalize when destroyed.
std::unique_ptr<Transport> make_mpi_transport();
#endif

}  // namespace brick::batch
