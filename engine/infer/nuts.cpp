#include "engine/infer/nuts.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace pm::infer {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double log_sum_exp(double a, double b) {
  if (a == -kInfinity) return b;
  if (b == -kInfinity) return a;
  double high = std::max(a, b);
  return high + std::log1p(std::exp(-std::abs(a - b)));
}

}  // namespace

NutsSampler::NutsSampler(LogDensityFunction target, std::size_t dimension, EuclideanMetric metric,
                         std::size_t max_depth)
    : target_(std::move(target)), metric_(std::move(metric)), max_depth_(max_depth), workspace_(max_depth + 1) {
  const auto n = static_cast<Eigen::Index>(dimension);
  for (PhasePoint* z : {&current_, &moving_}) {
    z->q = Eigen::VectorXd::Zero(n);
    z->p = Eigen::VectorXd::Zero(n);
    z->gradient = Eigen::VectorXd::Zero(n);
  }
  velocity_ = Eigen::VectorXd::Zero(n);
  for (Subtree& s : workspace_) {
    for (Eigen::VectorXd* v : {&s.p_init_end, &s.p_sharp_init_end, &s.rho_init, &s.p_final_begin,
                               &s.p_sharp_final_begin, &s.rho_final, &s.rho_subtree, &s.rho_extended})
      *v = Eigen::VectorXd::Zero(n);
    s.propose_final = current_;
  }
  Trajectory& t = trajectory_;
  for (PhasePoint* z : {&t.forward, &t.backward, &t.sample, &t.propose}) *z = current_;
  for (Eigen::VectorXd* v : {&t.p_fwd_fwd, &t.p_sharp_fwd_fwd, &t.p_fwd_bck, &t.p_sharp_fwd_bck, &t.p_bck_fwd,
                             &t.p_sharp_bck_fwd, &t.p_bck_bck, &t.p_sharp_bck_bck, &t.rho, &t.rho_fwd, &t.rho_bck,
                             &t.rho_extended})
    *v = Eigen::VectorXd::Zero(n);
}

void NutsSampler::evaluate(PhasePoint& z) {
  double value = target_(std::span<const double>(z.q.data(), static_cast<std::size_t>(z.q.size())),
                         std::span<double>(z.gradient.data(), static_cast<std::size_t>(z.gradient.size())));
  z.log_density = std::isnan(value) ? -kInfinity : value;
}

bool NutsSampler::set_point(std::span<const double> q) {
  current_.q = Eigen::Map<const Eigen::VectorXd>(q.data(), static_cast<Eigen::Index>(q.size()));
  evaluate(current_);
  return std::isfinite(current_.log_density) && current_.gradient.allFinite();
}

double NutsSampler::hamiltonian(const PhasePoint& z) const {
  double h = -z.log_density + metric_.kinetic_energy(z.p);
  return std::isnan(h) ? kInfinity : h;
}

void NutsSampler::leapfrog(PhasePoint& z, double epsilon) {
  // Kick, drift, kick (the Störmer-Verlet integrator): dp/dt = grad log p, dq/dt = M^{-1} p.
  z.p.noalias() += (0.5 * epsilon) * z.gradient;
  metric_.velocity(z.p, velocity_);
  z.q.noalias() += epsilon * velocity_;
  evaluate(z);
  z.p.noalias() += (0.5 * epsilon) * z.gradient;
}

bool NutsSampler::build_tree(std::size_t depth, PhasePoint& propose, Eigen::VectorXd& p_sharp_begin,
                             Eigen::VectorXd& p_sharp_end, Eigen::VectorXd& rho, Eigen::VectorXd& p_begin,
                             Eigen::VectorXd& p_end, double H0, double direction, std::size_t& leapfrog_steps,
                             double& log_sum_weight, double& sum_metropolis, random::Stream& stream,
                             bool& divergent) {
  if (depth == 0) {
    leapfrog(moving_, direction * step_size_);
    ++leapfrog_steps;
    double h = hamiltonian(moving_);
    if (h - H0 > kMaxEnergyError) divergent = true;
    log_sum_weight = log_sum_exp(log_sum_weight, H0 - h);
    sum_metropolis += H0 - h > 0 ? 1.0 : std::exp(H0 - h);
    propose = moving_;
    rho += moving_.p;
    metric_.velocity(moving_.p, p_sharp_begin);
    p_sharp_end = p_sharp_begin;
    p_begin = moving_.p;
    p_end = p_begin;
    return !divergent;
  }
  Subtree& s = workspace_[depth];
  // The first half.
  double log_sum_weight_init = -kInfinity;
  s.rho_init.setZero();
  if (!build_tree(depth - 1, propose, p_sharp_begin, s.p_sharp_init_end, s.rho_init, p_begin, s.p_init_end, H0,
                  direction, leapfrog_steps, log_sum_weight_init, sum_metropolis, stream, divergent))
    return false;
  // The second half, with its own proposal.
  s.propose_final = moving_;
  double log_sum_weight_final = -kInfinity;
  s.rho_final.setZero();
  if (!build_tree(depth - 1, s.propose_final, s.p_sharp_final_begin, p_sharp_end, s.rho_final, s.p_final_begin,
                  p_end, H0, direction, leapfrog_steps, log_sum_weight_final, sum_metropolis, stream, divergent))
    return false;
  // Within a subtree the proposal is multinomial: the second half's with probability w_final / w.
  double log_sum_weight_subtree = log_sum_exp(log_sum_weight_init, log_sum_weight_final);
  log_sum_weight = log_sum_exp(log_sum_weight, log_sum_weight_subtree);
  if (log_sum_weight_final > log_sum_weight_subtree ||
      stream.uniform() < std::exp(log_sum_weight_final - log_sum_weight_subtree))
    propose = s.propose_final;
  // The U-turn criterion on the subtree, and on each half extended by the other's nearest state.
  s.rho_subtree = s.rho_init + s.rho_final;
  rho += s.rho_subtree;
  bool persist = u_turn_free(p_sharp_begin, p_sharp_end, s.rho_subtree);
  s.rho_extended = s.rho_init + s.p_final_begin;
  persist = persist && u_turn_free(p_sharp_begin, s.p_sharp_final_begin, s.rho_extended);
  s.rho_extended = s.rho_final + s.p_init_end;
  persist = persist && u_turn_free(s.p_sharp_init_end, p_sharp_end, s.rho_extended);
  return persist;
}

NutsTransition NutsSampler::transition(random::Stream& stream) {
  metric_.sample_momentum(stream, current_.p);
  // The trajectory's two ends, the current draw and the proposal of the last subtree.
  Trajectory& tr = trajectory_;
  PhasePoint &forward = tr.forward, &backward = tr.backward, &sample = tr.sample, &propose = tr.propose;
  forward = current_, backward = current_, sample = current_, propose = current_;
  Eigen::VectorXd &p_fwd_fwd = tr.p_fwd_fwd, &p_sharp_fwd_fwd = tr.p_sharp_fwd_fwd;
  Eigen::VectorXd &p_fwd_bck = tr.p_fwd_bck, &p_sharp_fwd_bck = tr.p_sharp_fwd_bck;
  Eigen::VectorXd &p_bck_fwd = tr.p_bck_fwd, &p_sharp_bck_fwd = tr.p_sharp_bck_fwd;
  Eigen::VectorXd &p_bck_bck = tr.p_bck_bck, &p_sharp_bck_bck = tr.p_sharp_bck_bck;
  Eigen::VectorXd &rho = tr.rho, &rho_fwd = tr.rho_fwd, &rho_bck = tr.rho_bck, &rho_extended = tr.rho_extended;
  p_fwd_fwd = current_.p;
  metric_.velocity(current_.p, p_sharp_fwd_fwd);
  p_fwd_bck = p_fwd_fwd, p_sharp_fwd_bck = p_sharp_fwd_fwd;
  p_bck_fwd = p_fwd_fwd, p_sharp_bck_fwd = p_sharp_fwd_fwd;
  p_bck_bck = p_fwd_fwd, p_sharp_bck_bck = p_sharp_fwd_fwd;
  rho = current_.p;

  NutsTransition result;
  double log_sum_weight = 0;  // log exp(H0 - H0)
  const double H0 = hamiltonian(current_);
  double sum_metropolis = 0;
  while (result.depth < max_depth_) {
    rho_fwd.setZero();
    rho_bck.setZero();
    double log_sum_weight_subtree = -kInfinity;
    bool valid;
    if (stream.uniform() > 0.5) {
      moving_ = forward;
      rho_bck = rho;
      p_bck_fwd = p_fwd_fwd;
      p_sharp_bck_fwd = p_sharp_fwd_fwd;
      valid = build_tree(result.depth, propose, p_sharp_fwd_bck, p_sharp_fwd_fwd, rho_fwd, p_fwd_bck, p_fwd_fwd, H0,
                         1.0, result.leapfrog_steps, log_sum_weight_subtree, sum_metropolis, stream,
                         result.divergent);
      forward = moving_;
    } else {
      moving_ = backward;
      rho_fwd = rho;
      p_fwd_bck = p_bck_bck;
      p_sharp_fwd_bck = p_sharp_bck_bck;
      valid = build_tree(result.depth, propose, p_sharp_bck_fwd, p_sharp_bck_bck, rho_bck, p_bck_fwd, p_bck_bck, H0,
                         -1.0, result.leapfrog_steps, log_sum_weight_subtree, sum_metropolis, stream,
                         result.divergent);
      backward = moving_;
    }
    if (!valid) break;
    ++result.depth;
    // Biased progressive sampling: the new subtree's proposal with probability min(1, w_new / w_old).
    if (log_sum_weight_subtree > log_sum_weight || stream.uniform() < std::exp(log_sum_weight_subtree - log_sum_weight))
      sample = propose;
    log_sum_weight = log_sum_exp(log_sum_weight, log_sum_weight_subtree);
    rho = rho_bck + rho_fwd;
    bool persist = u_turn_free(p_sharp_bck_bck, p_sharp_fwd_fwd, rho);
    rho_extended = rho_bck + p_fwd_bck;
    persist = persist && u_turn_free(p_sharp_bck_bck, p_sharp_fwd_bck, rho_extended);
    rho_extended = rho_fwd + p_bck_fwd;
    persist = persist && u_turn_free(p_sharp_bck_fwd, p_sharp_fwd_fwd, rho_extended);
    if (!persist) break;
  }
  result.accept_stat = result.leapfrog_steps > 0 ? sum_metropolis / static_cast<double>(result.leapfrog_steps) : 0;
  current_ = sample;
  result.energy = hamiltonian(current_);
  return result;
}

double NutsSampler::find_reasonable_step_size(random::Stream& stream, double step_size) {
  if (!(step_size > 0) || step_size > 1e7) return step_size;
  const double log_target = std::log(0.8);
  int direction = 0;
  for (;;) {
    moving_ = current_;
    metric_.sample_momentum(stream, moving_.p);
    double H0 = hamiltonian(moving_);
    leapfrog(moving_, step_size);
    double delta = H0 - hamiltonian(moving_);
    if (direction == 0) direction = delta > log_target ? 1 : -1;
    if (direction == 1 && !(delta > log_target)) break;
    if (direction == -1 && !(delta < log_target)) break;
    step_size = direction == 1 ? 2 * step_size : 0.5 * step_size;
    if (step_size > 1e7)
      throw std::runtime_error("the posterior is improper: the step size grew without bound (" +
                               std::to_string(step_size) + ") while searching for one that rejects");
    if (step_size == 0)
      throw std::runtime_error("no step size is small enough: the step size fell to 0 searching for one that accepts");
  }
  return step_size;
}

}  // namespace pm::infer
