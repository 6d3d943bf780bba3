// brick-plugin-scanner PLUGIN...: loads each plugin file with the real
// loader and prints its metadata as one JSON line per file, in order, on
// stdout: the registry's record (brick/registry/plugin_record.h), or a bad
// record with the loader's refusal. The registry runs it in a child process
// so that a plugin that crashes, aborts or hangs while loading takes only
// this process down (docs/registry.md).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "brick/host/loader/host.h"
#include "brick/host/loader/registry.h"
#include "brick/registry/plugin_record.h"

namespace {

// All of `text` to `fd`, or exit: a half-written report would blame the
// next plugin.
void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::_Exit(3);
    done += static_cast<size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // The reports go to a private copy of stdout; whatever plugins print to
  // stdout lands on stderr instead of corrupting them.
  int reports = ::dup(1);
  if (reports < 0 || ::dup2(2, 1) < 0) return 2;
  // Ready: the parent's per-plugin deadlines start now, not counting this
  // process's own start (loading LibTorch takes seconds on a busy machine).
  write_all(reports, "{\"scanner\":\"ready\"}\n");
  for (int i = 1; i < argc; ++i) {
    brick::registry::PluginRecord record;
    try {
      // A host of its own per file: two files may claim one name, and the
      // parent, not the scanner, reports that.
      brick::host::Host host;
      record = brick::host::plugin_record(*host.load_plugin(argv[i]), &host);
    } catch (const std::exception& e) {
      record = {};
      record.bad = true;
      record.reason = e.what();
    }
    record.path = argv[i];
    write_all(reports, brick::registry::record_to_json(record) + "\n");
  }
  std::fflush(nullptr);
  // Plugins stay resident; skip their static destructors (a plugin that
  // misbehaves at exit must not turn a good scan into a crash).
  std::_Exit(0);
}
