// The device glue of the CUDA backend (kernels/device.cuh): finding a usable device, the
// scenario on the device, and the translation of CUDA failures into dcplan's errors.
#include "device.cuh"

#include <new>
#include <string>

#include <thrust/system/cuda/error.h>
#include <thrust/system_error.h>

#include "dcplan/engine/engine.hpp"

namespace dcplan {
namespace detail {
namespace {

// Launched never: asking for its attributes tells whether this build has code for the GPU.
__global__ void probe_kernel() {}

template <class T>
std::uint64_t bytes_of(const std::vector<T>& v) {
  return sizeof(T) * v.size();
}

} // namespace

cuda_failure classify_cuda(cudaError_t status) {
  switch (status) {
  case cudaErrorMemoryAllocation:
    return cuda_failure::out_of_memory;
  // No device, no driver or one too old for this runtime, a device taken by another process
  // (exclusive mode), no code in this build for the device: the machine has no usable GPU.
  case cudaErrorNoDevice:
  case cudaErrorInsufficientDriver:
  case cudaErrorCallRequiresNewerDriver:
  case cudaErrorSystemDriverMismatch:
  case cudaErrorCompatNotSupportedOnDevice:
  case cudaErrorStubLibrary:
  case cudaErrorInitializationError:
  case cudaErrorDevicesUnavailable:
  case cudaErrorNoKernelImageForDevice:
    return cuda_failure::unavailable;
  default:
    return cuda_failure::fault;
  }
}

namespace {

// The one place that turns a failed CUDA status into dcplan's error; `what` names the call and
// where it ran.
[[noreturn]] void throw_classified(cudaError_t status, const std::string& what, const char* hint) {
  cudaGetLastError(); // clears a non-sticky error; a sticky one stays with the context
  const std::string detail =
      what + ": " + cudaGetErrorName(status) + ": " + cudaGetErrorString(status);
  switch (classify_cuda(status)) {
  case cuda_failure::unavailable:
    throw resource_error(no_cuda_device_message(detail));
  case cuda_failure::out_of_memory:
    throw resource_error("CUDA: out of device memory: " + detail +
                         (hint ? std::string("; ") + hint : std::string()));
  case cuda_failure::fault:
    break;
  }
  throw cuda_error("CUDA fault: " + detail);
}

} // namespace

void throw_cuda_status(cudaError_t status, const char* call, const char* file, int line,
                       const char* hint) {
  throw_classified(
      status, std::string("CUDA call ") + call + " failed at " + file + ":" + std::to_string(line),
      hint);
}

void rethrow_device_error(const char* where, const char* file, int line, const char* hint) {
  const std::string at = std::string(where) + " at " + file + ":" + std::to_string(line);
  try {
    throw;
  } catch (const thrust::system_error& e) {
    if (e.code().category() != thrust::cuda_category()) throw;
    throw_classified(static_cast<cudaError_t>(e.code().value()),
                     std::string("CUDA work in ") + at + " (" + e.what() + ")", hint);
  } catch (const std::bad_alloc& e) {
    cudaGetLastError();
    throw resource_error("CUDA: out of device memory in " + at + " (" + e.what() + ")" +
                         (hint ? std::string("; ") + hint : std::string()));
  }
}

void require_cuda_device() {
  std::string why;
  if (!cuda_device_available(&why)) throw resource_error(no_cuda_device_message(why));
}

device_scenario::device_scenario(const scenario& sc)
    : accelerators_(to_device(sc.accelerators)), systems_(to_device(sc.systems)),
      cooling_(to_device(sc.cooling)), fabrics_(to_device(sc.fabrics)),
      sites_(to_device(sc.sites)), model_{thrust::raw_pointer_cast(accelerators_.data()),
                                          thrust::raw_pointer_cast(systems_.data()),
                                          thrust::raw_pointer_cast(cooling_.data()),
                                          thrust::raw_pointer_cast(fabrics_.data()),
                                          thrust::raw_pointer_cast(sites_.data()),
                                          sc.globals()},
      bytes_(bytes_of(sc.accelerators) + bytes_of(sc.systems) + bytes_of(sc.cooling) +
             bytes_of(sc.fabrics) + bytes_of(sc.sites)) {}

device_scenario::device_scenario(const scenario& sc, const plan_space& sp) : device_scenario(sc) {
  combos_ = to_device(sp.combos);
  starts_ = to_device(sp.starts);
  space_ =
      space_view{thrust::raw_pointer_cast(combos_.data()), thrust::raw_pointer_cast(starts_.data()),
                 static_cast<int>(sp.combos.size()), sp.node_step};
  bytes_ += bytes_of(sp.combos) + bytes_of(sp.starts);
}

} // namespace detail

bool cuda_device_available(std::string* why) {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e == cudaSuccess && n == 0) e = cudaErrorNoDevice;
  // A device answers: make its context (a driver that cannot fails here, not mid-run) and ask
  // whether this build has code for it.
  cudaFuncAttributes attr{};
  if (e == cudaSuccess) e = cudaFree(nullptr);
  if (e == cudaSuccess) e = cudaFuncGetAttributes(&attr, detail::probe_kernel);
  if (e == cudaSuccess) return true;
  cudaGetLastError();
  if (why) {
    // Without an NVIDIA driver the runtime reports an "insufficient" driver; say what it means.
    *why = e == cudaErrorInsufficientDriver
               ? std::string("no NVIDIA driver, or one older than this build's CUDA runtime")
           : e == cudaErrorNoDevice ? std::string("no CUDA device found")
           : e == cudaErrorNoKernelImageForDevice || e == cudaErrorInvalidDeviceFunction
               ? std::string("this build has no code for the GPU's architecture (") +
                     cudaGetErrorString(e) + ")"
               : std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
  }
  return false;
}

bool cuda_select_device(int ordinal) {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
    cudaGetLastError();
    return false;
  }
  return cudaSetDevice(ordinal % n) == cudaSuccess;
}

} // namespace dcplan
