// One transition of the no-U-turn sampler: multinomial sampling of a trajectory built by
// repeated doubling, stopped by the generalized U-turn criterion, as Stan's base_nuts
// (Hoffman & Gelman 2014; Betancourt 2017, "A conceptual introduction to Hamiltonian Monte
// Carlo", appendix A; Stan's reference manual, "Hamiltonian Monte Carlo sampling").
//
//   NutsSampler sampler(target, dimension, EuclideanMetric(dimension, false), 10);
//   sampler.set_point(q0);                        // false: not finite there
//   sampler.set_step_size(sampler.find_reasonable_step_size(stream, 1.0));
//   NutsTransition t = sampler.transition(stream);  // sampler.point() is the new draw
//
// The target is log p on the unconstrained space (Jacobians included) with its gradient.
// Each doubling extends the trajectory forward or backward with equal probability by a
// subtree as long as the whole; the new draw is taken from the new subtree with probability
// min(1, w_new / w_old) (biased progressive sampling), inside a subtree uniformly by
// weight, where a state's weight is exp(-H). Stopping: the trajectory stops when its ends
// make a U-turn, p_sharp(-)' rho <= 0 or p_sharp(+)' rho <= 0 with rho the summed momenta and
// p_sharp = M^{-1} p, checked on every subtree and, since Stan 2.26, across the two halves
// of every merged tree extended by one state (which catches U-turns the halves hide). A
// leapfrog step whose energy error exceeds 1000 is a divergence: the subtree is dropped and
// the trajectory stops.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "engine/infer/hmc_metric.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {

// log p(q) and its gradient at q; NaN or infinite where q is impossible.
using LogDensityFunction = std::function<double(std::span<const double> q, std::span<double> gradient)>;

struct PhasePoint {
  Eigen::VectorXd q, p, gradient;
  double log_density = 0;
};

struct NutsTransition {
  double accept_stat = 0;  // mean Metropolis acceptance over the trajectory's states
  std::size_t depth = 0;   // tree depth reached
  std::size_t leapfrog_steps = 0;
  bool divergent = false;
  double energy = 0;       // the Hamiltonian at the new draw
};

class NutsSampler {
 public:
  static constexpr double kMaxEnergyError = 1000;  // Stan's max_deltaH

  NutsSampler(LogDensityFunction target, std::size_t dimension, EuclideanMetric metric, std::size_t max_depth);

  // Moves to q, evaluating the density there: false when it or its gradient is not finite.
  bool set_point(std::span<const double> q);
  const PhasePoint& point() const { return current_; }

  void set_step_size(double step_size) { step_size_ = step_size; }
  double step_size() const { return step_size_; }
  EuclideanMetric& metric() { return metric_; }
  std::size_t max_depth() const { return max_depth_; }

  NutsTransition transition(random::Stream& stream);

  // Stan's init_stepsize: from `step_size`, doubles or halves until the acceptance of one
  // leapfrog step from the current point (a fresh momentum each try) crosses 0.8.
  // Returns the step size found; the current point is unchanged.
  double find_reasonable_step_size(random::Stream& stream, double step_size);

  // One leapfrog step of size epsilon (negative: backward), in place; exposed for tests.
  void leapfrog(PhasePoint& z, double epsilon);
  double hamiltonian(const PhasePoint& z) const;

 private:
  // The locals of a build_tree call of depth d > 0 (Stan's base_nuts), one set per depth so
  // that a transition allocates nothing: the inner ends of its two halves, their summed
  // momenta, and the proposal of the second half.
  struct Subtree {
    Eigen::VectorXd p_init_end, p_sharp_init_end, rho_init;
    Eigen::VectorXd p_final_begin, p_sharp_final_begin, rho_final;
    Eigen::VectorXd rho_subtree, rho_extended;
    PhasePoint propose_final;
  };
  bool build_tree(std::size_t depth, PhasePoint& propose, Eigen::VectorXd& p_sharp_begin, Eigen::VectorXd& p_sharp_end,
                  Eigen::VectorXd& rho, Eigen::VectorXd& p_begin, Eigen::VectorXd& p_end, double H0, double direction,
                  std::size_t& leapfrog_steps, double& log_sum_weight, double& sum_metropolis, random::Stream& stream,
                  bool& divergent);
  bool u_turn_free(const Eigen::VectorXd& p_sharp_minus, const Eigen::VectorXd& p_sharp_plus,
                   const Eigen::VectorXd& rho) const {
    return p_sharp_plus.dot(rho) > 0 && p_sharp_minus.dot(rho) > 0;
  }
  void evaluate(PhasePoint& z);

  // The locals of transition(), kept so that a transition allocates nothing (on a model with
  // a cheap gradient, two dozen vector allocations per draw were a third of the sampler's
  // time): the trajectory's two ends and their neighbours' momenta, the current and the
  // candidate draws, and the summed momenta of its two sides.
  struct Trajectory {
    PhasePoint forward, backward, sample, propose;
    Eigen::VectorXd p_fwd_fwd, p_sharp_fwd_fwd, p_fwd_bck, p_sharp_fwd_bck;
    Eigen::VectorXd p_bck_fwd, p_sharp_bck_fwd, p_bck_bck, p_sharp_bck_bck;
    Eigen::VectorXd rho, rho_fwd, rho_bck, rho_extended;
  };

  LogDensityFunction target_;
  EuclideanMetric metric_;
  std::size_t max_depth_;
  double step_size_ = 1;
  PhasePoint current_, moving_;
  Eigen::VectorXd velocity_;  // scratch of leapfrog
  std::vector<Subtree> workspace_;
  Trajectory trajectory_;
};

}  // namespace pm::infer
