#include "latents_to_image.h"

#include <ATen/ops/empty.h>

#include <cstdint>
#include <string>

#include "latents_to_image_cpu.h"
#include "latents_to_image_kernel.h"

namespace brick_cuda {

namespace {

std::string shape_of(const at::Tensor& t) {
  std::string out = "(";
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (d) out += ", ";
    out += std::to_string(t.size(d));
  }
  out += ")";
  return out;
}

void check_latents(const at::Tensor& latents) {
  if (latents.dim() != 4) {
    std::string message = "latents: expected a (N, C, H, W) tensor, got shape ";
    message += shape_of(latents);
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  if (latents.scalar_type() != at::kFloat && latents.scalar_type() != at::kHalf) {
    std::string message = "latents: expected float32 or float16, got ";
    message += c10::toString(latents.scalar_type());
    message += " (convert it with .float() first)";
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
  }
}

// Stream order: the host makes the pipeline's stream ATen's current stream
// (with a device guard) for the whole call, and get_stream returns that same
// stream (ABI 1.2). So the producer's ATen work, at::empty's allocation of
// `images` below (the caching allocator ties a block to the current stream)
// and this kernel are all on one stream: ordered, and the output needs no
// recordStream.
at::Tensor latents_to_image_cuda(const at::Tensor& latents, void* stream) {
  // The kernel reads NCHW with plain index arithmetic; a non-contiguous
  // input is the caller's to fix (.contiguous() in the producing block).
  if (!latents.is_contiguous()) {
    std::string message = "latents: a CUDA tensor must be contiguous (NCHW); got strides of a ";
    message += shape_of(latents);
    message += " tensor that is not (call .contiguous() before this block)";
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  int64_t batch = latents.size(0), channels = latents.size(1), height = latents.size(2), width = latents.size(3);
  at::Tensor images = at::empty({batch, height, width, channels}, latents.options().dtype(at::kByte));
  auto cuda_stream = static_cast<cudaStream_t>(stream);
  int device = latents.device().index();
  cudaError_t status =
      latents.scalar_type() == at::kHalf
          ? launch_latents_to_image_f16(static_cast<const uint16_t*>(latents.data_ptr()), images.data_ptr<uint8_t>(),
                                        batch, channels, height * width, device, cuda_stream)
          : launch_latents_to_image_f32(latents.data_ptr<float>(), images.data_ptr<uint8_t>(), batch, channels,
                                        height * width, device, cuda_stream);
  if (status != cudaSuccess) {
    std::string message = "the LatentsToImage kernel could not be launched on ";
    message += latents.device().str();
    message += ": ";
    message += cudaGetErrorString(status);
    throw brick::Error(BRICK_ERR_INTERNAL, message);
  }
  return images;
}

}  // namespace

std::string LatentsToImage::description() const {
  return "Step that turns latents in [-1, 1] into uint8 images: round(clamp(x / 2 + 0.5, 0, 1) * 255), channels "
         "last, on the latents' device (a CUDA kernel for CUDA tensors, a CPU loop otherwise)";
}

std::vector<brick::InputParam> LatentsToImage::inputs() const {
  return {brick::InputParam("latents", "Tensor",
                            "The denoised latents, float32 or float16 (batch_size, channels, height, width) in [-1, 1], "
                            "on any device.")
              .set_required()};
}

std::vector<brick::OutputParam> LatentsToImage::intermediate_outputs() const {
  return {brick::OutputParam("images", "Tensor",
                             "The generated images, uint8 (batch_size, height, width, channels), on the latents' device")};
}

void LatentsToImage::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  at::Tensor latents = block_state.get<at::Tensor>("latents");
  check_latents(latents);
  at::Tensor images;
  if (latents.is_cuda()) {
    images = latents_to_image_cuda(latents, components.stream());
  } else if (latents.is_cpu()) {
    images = latents_to_image_cpu(latents.contiguous());
  } else {
    std::string message = "latents: tensors on ";
    message += latents.device().str();
    message += " are not supported (CPU or CUDA)";
    throw brick::Error(BRICK_ERR_UNSUPPORTED, message);
  }
  block_state.set("images", images);
  set_block_state(state, block_state);
}

}  // namespace brick_cuda
