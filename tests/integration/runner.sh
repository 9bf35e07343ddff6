# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# (the fixture is written as it reads; the subshell's counters are its own)
# The runner itself (run_tests in lib.sh): a test is found by its name alone,
# and a test that is defined but not run, a name in TESTS that is no test and
# a test that asserts nothing are failures. Sourced by run.sh.

# runner_on FIXTURE [TESTS]: run_tests over FIXTURE in a subshell with
# counters of its own and no test but the fixture's (this one would run
# itself); its output in $WORK/runner.out.
runner_on() {
	(
		# shellcheck disable=SC2046 # one name per word
		unset -f $(declare -F | awk '$3 ~ /^test_/ { print $3 }')
		PASSED=0 FAILED=0 SKIPPED=0 NSS=() BGPIDS=() MOUNTS=()
		TESTS=${2:-}
		# shellcheck disable=SC1090 # the fixture
		. "$1"
		run_tests "$1"
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	) >"$WORK/runner.out" 2>&1
}

test_runner_fails_what_is_defined_but_not_run() {
	local fx=$WORK/runner-fixture.sh out=$WORK/runner.out
	{
		echo 'test_fx_one() { check_eq "fx one" 1 1; }'
		echo 'test_fx_twice() { check_eq "fx twice, first" 1 1; }'
		echo 'test_fx_twice() { check_eq "fx twice, second" 1 1; }'
		echo 'if false; then'
		echo 'test_fx_never() { check_eq "fx never" 1 1; }'
		echo 'fi'
		echo 'test_fx_silent() { :; }'
		echo 'test_fx_skips() { return 77; }'
	} >"$fx"
	runner_on "$fx"
	check_match "$CUR: a test found by name runs" "$(cat "$out")" "ok    fx one"
	check_match "$CUR: a test defined twice fails, naming both places" "$(cat "$out")" \
		"FAIL  test_fx_twice is defined more than once \($fx:2 $fx:3\)"
	check_match "$CUR: a definition never executed fails" "$(cat "$out")" \
		"FAIL  test_fx_never \($fx:5\) is defined but was not run"
	check_match "$CUR: a test without an assertion fails" "$(cat "$out")" \
		"FAIL  test_fx_silent: ended \(status 0\) without a single assertion"
	check_match "$CUR: a skip is a skip" "$(cat "$out")" "skip  test_fx_skips"
	check_match "$CUR: the count" "$(tail -n 1 "$out")" "^2 passed, 3 failed, 1 skipped$"
	runner_on "$fx" "test_fx_one test_fx_nosuch"
	check_match "$CUR: TESTS runs the subset" "$(cat "$out")" "ok    fx one"
	check "$CUR: and only the subset" lacks "$(cat "$out")" "fx twice, second|test_fx_never"
	check_match "$CUR: a name in TESTS that is no test fails" "$(cat "$out")" \
		"FAIL  TESTS names test_fx_nosuch, which is not a test"
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out"
}
