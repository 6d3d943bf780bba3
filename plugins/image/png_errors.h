// libpng reports errors by calling a handler that must not return; the
// classic way out is longjmp back to a setjmp in the caller. A C++ exception
// thrown through libpng's C frames would be undefined, so the handler only
// copies the message into a plain buffer and jumps. The functions that call
// setjmp (png_read.cpp, png_write.cpp) keep no object with a destructor alive
// across it; their callers turn the buffered message into brick::Error.
#pragma once

#include <png.h>

#include <cstdio>

namespace image {

struct PngErrorSink {
  char message[256] = "unknown libpng error";
};

// png_error_ptr for png_create_{read,write}_struct: copies the message and
// jumps to the setjmp of png_jmpbuf(png).
[[noreturn]] inline void png_error_to_sink(png_structp png, png_const_charp message) {
  auto* sink = static_cast<PngErrorSink*>(png_get_error_ptr(png));
  if (sink) std::snprintf(sink->message, sizeof sink->message, "%s", message ? message : "libpng error");
  png_longjmp(png, 1);
}

// Warnings (unknown chunks, odd ICC profiles) do not stop reading; libpng's
// default would print them to stderr, in the middle of the host's output.
inline void png_ignore_warning(png_structp, png_const_charp) {}

}  // namespace image
