#pragma once
/// DCPLAN_HD marks code compiled for both the host and the device: `__host__ __device__` under
/// nvcc, plain `inline` under a host compiler.
#if defined(__CUDACC__)
#define DCPLAN_HD __host__ __device__ inline
#else
#define DCPLAN_HD inline
#endif

/// DCPLAN_HD_HOT: the same, for the model's per-plan functions, which the every-plan loops
/// (engine/detail/sweep.hpp) need inlined so that the figures a loop does not read are never
/// computed. Inlining moves no operation across another: the doubles are unchanged.
#if defined(__CUDACC__)
#define DCPLAN_HD_HOT __host__ __device__ __forceinline__
#elif defined(__GNUC__)
#define DCPLAN_HD_HOT inline __attribute__((always_inline))
#else
#define DCPLAN_HD_HOT inline
#endif
