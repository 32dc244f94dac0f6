#!/bin/sh
# Container start: migrate the schema (instances starting together take turns on a lock), then run Aduan.
set -eu
aduan db upgrade
exec aduan "$@"
