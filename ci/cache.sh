# shellcheck shell=bash
# ci/cache.sh - sourced by the build and release scripts: sets CACHE to the
# absolute cache directory outside the repo (XDPCOUNT_CACHE, default
# ~/.cache/xdpcount) and exports it so child scripts agree.
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE=${XDPCOUNT_CACHE:-$HOME/.cache/xdpcount}
case $CACHE in /*) ;; *) CACHE=$PWD/$CACHE ;; esac
export XDPCOUNT_CACHE=$CACHE
