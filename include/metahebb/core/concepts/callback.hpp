#pragma once
/// Callback policy: objects passed to MetaLearner::run as a variadic pack.
///
/// Every hook is optional: `on_begin(const RunInfo&)`,
/// `on_generation(const GenerationReport&)` and `on_end(const RunResult&)`.
/// `on_generation` may return bool; true stops the run. A member with a hook's name
/// but another signature is a compile error, never a silently skipped hook.
/// Hooks must not be overloaded or templates (their name is looked up with &C::hook).

#include <concepts>
#include <type_traits>

#include "../run_report.hpp"

namespace metahebb {

namespace detail {
template <class R>
concept void_or_bool = std::is_void_v<R> || std::same_as<R, bool>;

template <class C> concept names_on_begin = requires { &C::on_begin; };
template <class C> concept names_on_generation = requires { &C::on_generation; };
template <class C> concept names_on_end = requires { &C::on_end; };

template <class C> concept valid_on_begin = requires(C& c, const RunInfo& i) { { c.on_begin(i) } -> std::same_as<void>; };
template <class C> concept valid_on_generation = requires(C& c, const GenerationReport& r) {
  { c.on_generation(r) } -> void_or_bool;
};
template <class C> concept valid_on_end = requires(C& c, const RunResult& r) { { c.on_end(r) } -> std::same_as<void>; };
}  // namespace detail

template <class C>
concept Callback = (!detail::names_on_begin<C> || detail::valid_on_begin<C>) &&
                   (!detail::names_on_generation<C> || detail::valid_on_generation<C>) &&
                   (!detail::names_on_end<C> || detail::valid_on_end<C>);

template <class C>
constexpr bool check_callback() {
  static_assert(!detail::names_on_begin<C> || detail::valid_on_begin<C>,
                "metahebb: callback hook on_begin must be callable as void on_begin(const metahebb::RunInfo&)");
  static_assert(!detail::names_on_generation<C> || detail::valid_on_generation<C>,
                "metahebb: callback hook on_generation must be callable as on_generation(const "
                "metahebb::GenerationReport&) returning void or bool (true stops the run)");
  static_assert(!detail::names_on_end<C> || detail::valid_on_end<C>,
                "metahebb: callback hook on_end must be callable as void on_end(const metahebb::RunResult&)");
  return Callback<C>;
}

namespace detail {
template <class C>
void call_on_begin(C& c, const RunInfo& info) {
  if constexpr (names_on_begin<C>) c.on_begin(info);
}
template <class C>
bool call_on_generation(C& c, const GenerationReport& report) {
  if constexpr (names_on_generation<C>) {
    if constexpr (std::is_void_v<decltype(c.on_generation(report))>) {
      c.on_generation(report);
      return false;
    } else {
      return c.on_generation(report);
    }
  } else {
    return false;
  }
}
template <class C>
void call_on_end(C& c, const RunResult& result) {
  if constexpr (names_on_end<C>) c.on_end(result);
}
}  // namespace detail

}  // namespace metahebb
