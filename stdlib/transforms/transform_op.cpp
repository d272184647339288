// The transform op: one callback op with two outputs (value, log-Jacobian). See
// transform_op.hpp.
#include "stdlib/transforms/transform_op.hpp"

#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/ad/op_support.hpp"

namespace pm::transforms {

Constrained constrain(ad::Node unconstrained, const Transform& transform, OwnedBounds bounds,
                      const tensor::Shape& constrained_shape) {
  const tensor::Shape input_shape = unconstrained.shape();
  if (input_shape.element_count() != transform.free_size())
    throw std::invalid_argument(fmt::format("constrain ({}): input {} has {} elements, the transform needs {}",
                                            transform_kind_name(transform.kind), input_shape.to_string(),
                                            input_shape.element_count(), transform.free_size()));
  if (constrained_shape.element_count() != transform.constrained_size())
    throw std::invalid_argument(fmt::format("constrain ({}): output {} has {} elements, the transform gives {}",
                                            transform_kind_name(transform.kind), constrained_shape.to_string(),
                                            constrained_shape.element_count(), transform.constrained_size()));
  // Shared so that both closures read the same bounds; the spans point into it.
  auto owned = std::make_shared<OwnedBounds>(std::move(bounds));
  if (!transform.bounds_valid({owned->lower, owned->upper}))
    throw std::invalid_argument(fmt::format("constrain ({}): invalid bounds", transform_kind_name(transform.kind)));

  ad::Program& program = *unconstrained.program;
  const bool gradient = unconstrained.requires_gradient();
  ad::Node value = program.add_node(constrained_shape, gradient);
  ad::Node log_jacobian = program.add_node(tensor::Shape::scalar(), gradient);
  ad::Program* p = &program;
  const std::uint32_t iu = unconstrained.index, ix = value.index, ij = log_jacobian.index;
  ad::detail::record_callback(
      program, "constrain",
      [=](bool) {
        *p->value_data(ij) = transform.constrain(p->value_data(iu), p->value_data(ix), {owned->lower, owned->upper});
      },
      [=]() {
        transform.constrain_vjp(p->value_data(iu), p->value_data(ix), p->adjoint_data(ix), *p->adjoint_data(ij),
                                p->adjoint_data(iu), {owned->lower, owned->upper});
      },
      gradient);
  return {value, log_jacobian};
}

}  // namespace pm::transforms
