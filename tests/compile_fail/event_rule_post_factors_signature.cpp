// Compile-fail case: a kernel that declares post_factors (it reads the postsynaptic neuron) but
// has only the four-argument on_pre and on_post is rejected by name.
#include <Eigen/Core>
#include <string>
#include <vector>

#include <metahebb/core/concepts/event_rule.hpp>
#include <metahebb/core/post_factors.hpp>

struct Rule {
  static constexpr std::size_t num_coefficients = 1;
  std::vector<std::string> term_names() const { return {"a"}; }
  template <class Scalar>
  bool simulable(const Eigen::VectorXd& theta, double) const { return theta.allFinite(); }
  Eigen::VectorXd inert_theta() const { return Eigen::VectorXd::Zero(1); }
  void validate() const {}

  template <class T>
  struct kernel {
    using post_factors = metahebb::PostFactors<T>;
    struct pre_trace { T x{}; };
    struct post_trace { T x{}; };
    T a;
    kernel(const Rule&, const metahebb::LaneThetas<T>& theta, double) : a(theta.gather([](const double* t) { return t[0]; })) {}
#ifdef METAHEBB_SHOULD_COMPILE
    void on_pre(T& w, pre_trace&, const post_trace&, const T&, const post_factors& f) const { w = w + a * f.v_trace; }
    T on_post(const T& w, const pre_trace&, const post_trace&, const T&, const post_factors& f) const { return w - a * f.c_exc; }
#else
    void on_pre(T& w, pre_trace&, const post_trace&, const T&) const { w = w + a; }
    T on_post(const T& w, const pre_trace&, const post_trace&, const T&) const { return w - a; }
#endif
    void post_spiked(post_trace& post, const metahebb::lanes::mask_t<T>&) const { post.x = post.x + T(1); }
    void decay(post_trace&) const {}
  };
};

static_assert(metahebb::check_event_rule<Rule, float>());
