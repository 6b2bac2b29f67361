#!/bin/sh
# docker-entrypoint-initdb.d: the official image allows queries from other containers but not
# replication connections; db-replica (the cluster profile) needs one for pg_basebackup and streaming.
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
