// Which launcher started this process, read from the environment it sets:
// Open MPI's mpirun (OMPI_COMM_WORLD_*), MPICH / Intel MPI's Hydra and PMI-2
// (PMI_RANK, PMI_SIZE, MPI_LOCALRANKID), Slurm's srun (SLURM_PROCID,
// SLURM_STEP_NUM_TASKS, SLURM_LOCALID; an sbatch script's own shell has no
// SLURM_STEP_NUM_TASKS and is not a launch) and PMIx (PMIX_RANK). Known at
// start, before MPI_Init, so that a plain `brick batch` never touches MPI.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace brick::batch {

struct Launch {
  std::string launcher;  // "mpirun (Open MPI)", "srun", ...; "" when none
  int rank = 0;
  int size = 1;
  int local_rank = 0;  // among the processes of this node
  int local_size = 1;

  bool launched() const { return !launcher.empty(); }
};

// `getenv` returns a variable's value, or nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(const std::string&)>;

// The process's own environment.
Environment process_environment();

// The launch `environment` describes. Throws std::runtime_error naming the
// variable when a launcher's variable is set but is not a number.
Launch detect_launch(const Environment& environment = process_environment());

}  // namespace brick::batch
