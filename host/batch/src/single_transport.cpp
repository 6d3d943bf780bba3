#include <cstdlib>
#include <stdexcept>

#include "transport.h"

namespace brick::batch {

namespace {

// Size 1: collectives are the value itself, and there is no one to talk to.
class SingleTransport final : public Transport {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  int broadcast(int value) override { return value; }
  int max(int value) override { return value; }
  void send(int, Tag, const std::string&) override { throw std::logic_error("a single process sends nothing"); }
  Message receive() override { throw std::logic_error("a single process receives nothing"); }
  std::optional<Message> poll() override { return std::nullopt; }
  [[noreturn]] void abort(int status) override { std::exit(status); }
};

}  // namespace

std::unique_ptr<Transport> make_single_transport() { return std::make_unique<SingleTransport>(); }

}  // namespace brick::batch
