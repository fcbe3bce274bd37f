#pragma once
// DCPLAN_CUDA_TRY(call): checks a CUDA runtime call, clears the error and throws dcplan's error
// naming the call, file and line: resource_error when the device is unusable or out of memory,
// cuda_error for any other failure (a fault). The codes of each kind: detail::classify_cuda
// (kernels/device.cu).
#include <cuda_runtime_api.h>

#include "dcplan/model/errors.hpp"

namespace dcplan::detail {

/// What a failed CUDA call means for the run.
enum class cuda_failure {
  unavailable,   // no usable device: no device, no or an old driver, no code for this GPU
  out_of_memory, // the device's memory is short
  fault,         // anything else (an illegal address, a failed launch): a bug
};

/// The kind of failure of a CUDA error code.
cuda_failure classify_cuda(cudaError_t status);

/// Clears the error and throws resource_error (unavailable, out of memory) or cuda_error (a
/// fault) naming `call`, `file` and `line`; `hint`, when given, ends an out-of-memory message.
[[noreturn]] void throw_cuda_status(cudaError_t status, const char* call, const char* file,
                                    int line, const char* hint = nullptr);

} // namespace dcplan::detail

#define DCPLAN_CUDA_TRY(call)                                                                      \
  do {                                                                                             \
    const cudaError_t dcplan_status_ = (call);                                                     \
    if (dcplan_status_ != cudaSuccess)                                                             \
      ::dcplan::detail::throw_cuda_status(dcplan_status_, #call, __FILE__, __LINE__);              \
  } while (0)
