#pragma once
/// DCPLAN_HD marks code compiled for both the host and the device: `__host__ __device__` under
/// nvcc, plain `inline` under a host compiler.
#if defined(__CUDACC__)
#define DCPLAN_HD __host__ __device__ inline
#else
#define DCPLAN_HD inline
#endif
