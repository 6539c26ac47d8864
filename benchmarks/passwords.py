"""Judging a new password: the time of the worst inputs against an ordinary one.

    .venv/bin/python benchmarks/passwords.py            # add --check to fail above the target

The password check (``accounts/guessable.py``) looks for a repeated part with a back-reference,
which a password made for it could drive into long backtracking. This times the check on such
inputs, at the longest length a password may have (256), against a baseline measured in the same
run: an ordinary passphrase of the same length. It prints each figure (the median of
``--repeat`` runs) and its ratio to the baseline. The target: the worst input judged in under
``--target-ms`` (50 ms), so that a sign-up or a password change is never a way to tie up a core.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable

from platekeeper.accounts.guessable import weakness
from platekeeper.accounts.passwords import MAX_LENGTH

WORST = {
    "one letter, then another": "a" * (MAX_LENGTH - 1) + "b",
    "one digit repeated": "1" * (MAX_LENGTH - 1) + "x",
    "a pair, then another letter": "ab" * ((MAX_LENGTH - 1) // 2) + "c",
    "a letter and symbols": ("a" + "!" * 10) * (MAX_LENGTH // 11) + "b",
    "a near repeat": ("welcome1" * (MAX_LENGTH // 8))[:-1] + "Z",
}
BASELINE = ("lilac tractor ocean harbour " * 10)[:MAX_LENGTH]


def median_ms(judge: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        judge()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--target-ms", type=float, default=50.0)
    parser.add_argument("--check", action="store_true", help="exit 1 above the target")
    args = parser.parse_args()

    weakness("warm the shipped list up")
    baseline = median_ms(lambda: weakness(BASELINE), args.repeat)
    print(f"{'input':<28} {'ms':>9} {'x baseline':>11}")
    print(f"{'baseline: a passphrase':<28} {baseline:>9.3f} {1.0:>11.1f}")
    worst = 0.0
    for name, password in WORST.items():
        took = median_ms(functools.partial(weakness, password), args.repeat)
        worst = max(worst, took)
        print(f"{name:<28} {took:>9.3f} {took / baseline:>11.1f}")
    verdict = "within" if worst < args.target_ms else "ABOVE"
    print(f"worst {worst:.3f} ms: {verdict} the target of {args.target_ms:.0f} ms")
    return 1 if args.check and worst >= args.target_ms else 0


if __name__ == "__main__":
    sys.exit(main())
