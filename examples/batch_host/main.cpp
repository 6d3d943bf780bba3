// A custom host's batch: one image per line of a text file of prompts, each
// with the seed of its line, through libbrick_batch. Started alone it runs
// in this process; started by mpirun or srun, every rank runs this program
// and run_batch shares the jobs between them.
//
//   batch_host PROMPTS.txt OUT_DIR [PIPELINE]
#include <brick/batch/batch.h>
#include <brick/host.h>

#include <unistd.h>

#include <fstream>
#include <iostream>

namespace batch = brick::batch;
namespace host = brick::host;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: batch_host PROMPTS.txt OUT_DIR [PIPELINE]\n";
    return 2;
  }
  std::filesystem::path out = argv[2];
  std::filesystem::create_directories(out);

  // Every rank writes the same jobs file: the jobs are a function of the
  // prompts alone (rank 0 is the one that reads it).
  std::ifstream prompts(argv[1]);
  std::filesystem::path jobs = out / "jobs.jsonl";
  std::string part = jobs.string() + ".part" + std::to_string(getpid());
  {
    std::ofstream lines(part);
    std::string prompt;
    for (int seed = 0; std::getline(prompts, prompt); ++seed) {
      if (prompt.empty()) continue;
      host::Value job =
          host::Value::dict({{"id", "prompt-" + std::to_string(seed)}, {"prompt", prompt}, {"seed", seed}});
      lines << host::to_json(job) << "\n";
    }
  }
  std::filesystem::rename(part, jobs);

  batch::BatchOptions options;
  options.runner.pipeline = argc > 3 ? argv[3] : "text2image";
  options.runner.out_dir = out / "images";
  options.runner.defaults = {"num_inference_steps=8"};  // NAME=VALUE, as on brick's command line
  options.jobs_file = jobs;
  options.resume = std::filesystem::exists(out / "images" / "manifest.jsonl");
  // 0: every job done; 100 + N: N jobs failed (their errors are in the manifest).
  return batch::run_batch(options, std::cerr);
}
