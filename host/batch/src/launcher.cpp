#include "brick/batch/launcher.h"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace brick::batch {

namespace {

std::optional<int> number(const Environment& environment, const std::string& name) {
  std::optional<std::string> text = environment(name);
  if (!text) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0)
    throw std::runtime_error("the launcher's variable " + name + "='" + *text + "' is not a number");
  return value;
}

// A launcher's variables: rank and size are needed, the local ones optional.
struct Scheme {
  const char* launcher;
  const char* rank;
  const char* size;
  const char* local_rank;
  const char* local_size;
};

constexpr Scheme kSchemes[] = {
    {"mpirun (Open MPI)", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
     "OMPI_COMM_WORLD_LOCAL_SIZE"},
    {"PMI (MPICH, Intel MPI)", "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"},
    {"srun (Slurm)", "SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID", nullptr},
    {"PMIx", "PMIX_RANK", "PMIX_SIZE", "PMIX_LOCAL_RANK", "PMIX_LOCAL_SIZE"},
};

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

Launch detect_launch(const Environment& environment) {
  for (const Scheme& scheme : kSchemes) {
    std::optional<int> rank = number(environment, scheme.rank);
    std::optional<int> size = number(environment, scheme.size);
    // PMIx sets no size variable of its own under every launcher: the rank alone says "launched".
    if (!rank || (!size && std::string(scheme.launcher) != "PMIx")) continue;
    Launch launch;
    launch.launcher = scheme.launcher;
    launch.rank = *rank;
    launch.size = size ? *size : 0;  // 0: ask MPI
    launch.local_rank = number(environment, scheme.local_rank).value_or(0);
    launch.local_size = scheme.local_size ? number(environment, scheme.local_size).value_or(1) : 1;
    if (launch.size > 0 && launch.rank >= launch.size) {
      throw std::runtime_error(std::string("the launcher's variables say rank ") + std::to_string(launch.rank) +
                               " of " + std::to_string(launch.size) + " (" + scheme.rank + ", " + scheme.size + ")");
    }
    return launch;
  }
  return {};
}

}  // namespace brick::batch
