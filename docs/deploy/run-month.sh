#!/bin/sh
# run-month.sh, kept in the deployment folder: publish the running month (and on the 1st-2nd the
# month just closed); mail the planner when input needs fixing, the administrator on a fault.
cd "$(dirname "$0")" || exit 1
mkdir -p logs
log=logs/kaplan-$(date +%Y-%m).log
.venv/bin/kaplan run --month auto --data data >>"$log" 2>&1
rc=$?
case $rc in
  0)   ;;                                                                                # published
  2)   mail -s "kaplan: input or parameters need fixing" planner@example.com <"$log" ;;
  3)   mail -s "kaplan: annual targets differ from the locked plan" planner@example.com <"$log" ;;
  4)   ;;                                                     # data not up to date yet: the next run retries
  130) ;;                                                                     # interrupted, nothing published
  *)   mail -s "kaplan: failed with exit code $rc" admin@example.com <"$log" ;;
esac
exit $rc
