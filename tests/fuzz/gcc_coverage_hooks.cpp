// GCC's -fsanitize-coverage=trace-cmp also reports floating-point
// comparisons, through two hooks libFuzzer's engine does not define (clang
// never emits them). They carry no feedback worth having; defining them
// lets libbrick, compiled with the flag, link.
extern "C" {
void __sanitizer_cov_trace_cmpf(float, float) {}
void __sanitizer_cov_trace_cmpd(double, double) {}
}
