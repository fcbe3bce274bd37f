#pragma once
// DCPLAN_CUDA_TRY(call): checks a CUDA runtime call, clears the error and throws
// dcplan::resource_error naming the call, file and line.
#include <string>

#include <cuda_runtime_api.h>

#include "dcplan/model/errors.hpp"

#define DCPLAN_CUDA_TRY(call)                                                             \
  do {                                                                                    \
    const cudaError_t dcplan_status_ = (call);                                            \
    if (dcplan_status_ != cudaSuccess) {                                                  \
      cudaGetLastError();                                                                 \
      throw ::dcplan::resource_error(std::string("CUDA call ") + #call + " failed at " +   \
                                     __FILE__ + ":" + std::to_string(__LINE__) + ": " +   \
                                     cudaGetErrorString(dcplan_status_));                 \
    }                                                                                     \
  } while (0)
