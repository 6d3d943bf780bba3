// Launchers told apart by the environment they set.
#include "brick/batch/launcher.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace brick::test {
namespace {

batch::Environment environment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

TEST(Launcher, NoneWithoutALaunchersVariables) {
  batch::Launch launch = batch::detect_launch(environment({{"HOME", "/root"}}));
  EXPECT_FALSE(launch.launched());
  EXPECT_EQ(launch.size, 1);
}

TEST(Launcher, OpenMpisMpirun) {
  batch::Launch launch = batch::detect_launch(environment({{"OMPI_COMM_WORLD_RANK", "2"},
                                                           {"OMPI_COMM_WORLD_SIZE", "4"},
                                                           {"OMPI_COMM_WORLD_LOCAL_RANK", "0"},
                                                           {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}}));
  EXPECT_EQ(launch.launcher, "mpirun (Open MPI)");
  EXPECT_EQ(launch.rank, 2);
  EXPECT_EQ(launch.size, 4);
  EXPECT_EQ(launch.local_rank, 0);
  EXPECT_EQ(launch.local_size, 2);
}

TEST(Launcher, SrunButNotTheShellOfAnSbatchScript) {
  // srun sets the step's task count; the batch script's own shell has only the job's.
  batch::Launch step = batch::detect_launch(environment(
      {{"SLURM_PROCID", "5"}, {"SLURM_STEP_NUM_TASKS", "8"}, {"SLURM_NTASKS", "8"}, {"SLURM_LOCALID", "1"}}));
  EXPECT_EQ(step.launcher, "srun (Slurm)");
  EXPECT_EQ(step.rank, 5);
  EXPECT_EQ(step.size, 8);
  EXPECT_EQ(step.local_rank, 1);
  batch::Launch script = batch::detect_launch(environment({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "8"}}));
  EXPECT_FALSE(script.launched());
}

TEST(Launcher, HydraAndPmi) {
  batch::Launch launch = batch::detect_launch(
      environment({{"PMI_RANK", "1"}, {"PMI_SIZE", "3"}, {"MPI_LOCALRANKID", "1"}, {"MPI_LOCALNRANKS", "3"}}));
  EXPECT_EQ(launch.launcher, "PMI (MPICH, Intel MPI)");
  EXPECT_EQ(launch.size, 3);
  EXPECT_EQ(launch.local_size, 3);
}

TEST(Launcher, AVariableThatIsNotANumberIsAnError) {
  EXPECT_THROW(batch::detect_launch(environment({{"OMPI_COMM_WORLD_RANK", "x"}, {"OMPI_COMM_WORLD_SIZE", "2"}})),
               std::runtime_error);
  EXPECT_THROW(batch::detect_launch(environment({{"PMI_RANK", "3"}, {"PMI_SIZE", "3"}})), std::runtime_error);
}

}  // namespace
}  // namespace brick::test
